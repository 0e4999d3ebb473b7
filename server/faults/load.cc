#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

#include "server/faults/rule_json.h"

namespace skiff::faults {

std::string LoadSpec(Engine& engine, std::string_view spec) {
  size_t first = 0;
  while (first < spec.size() && std::isspace(static_cast<unsigned char>(spec[first]))) ++first;
  std::string text;
  std::string source;
  if (first < spec.size() && (spec[first] == '[' || spec[first] == '{')) {
    text = std::string(spec);
    source = "--faults (inline JSON)";
  } else {
    source = "--faults file " + std::string(spec);
    std::ifstream in{std::string(spec), std::ios::binary};
    if (!in) return source + ": cannot be read";
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return source + ": cannot be read";
    text = buffer.str();
  }
  std::string error;
  engine.LoadJson(text, &error);
  if (!error.empty()) return source + ": " + error;
  return "";
}

}  // namespace skiff::faults

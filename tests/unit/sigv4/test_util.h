// Helpers shared by the sigv4 unit tests.
#pragma once

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "sigv4/sigv4.h"

namespace skiff::sigv4::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::chrono::system_clock::time_point Utc(int y, unsigned mo, unsigned d, int h, int mi,
                                                 int s) {
  using namespace std::chrono;
  return sys_days(year{y} / month{mo} / day{d}) + hours{h} + minutes{mi} + seconds{s};
}

// A request plus owned storage for the views in RequestView.
struct OwnedRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  RequestView View() const { return RequestView{method, path, query, headers}; }
};

// Parses raw HTTP request files (the AWS suite's and the botocore fixtures): request line,
// "Name:value" headers (a line that starts with whitespace continues the previous value), blank
// line, body.
inline OwnedRequest ParseRequestFile(const std::string& text) {
  OwnedRequest r;
  size_t pos = 0;
  auto next_line = [&]() -> std::optional<std::string> {
    if (pos > text.size()) return std::nullopt;
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    return line;
  };
  std::string request_line = *next_line();
  size_t first_space = request_line.find(' ');
  size_t last_space = request_line.rfind(' ');
  r.method = request_line.substr(0, first_space);
  std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  while (auto line = next_line()) {
    if (line->empty()) break;
    if ((*line)[0] == ' ' || (*line)[0] == '\t') {
      r.headers.back().second += " " + *line;
      continue;
    }
    size_t colon = line->find(':');
    r.headers.emplace_back(line->substr(0, colon), line->substr(colon + 1));
  }
  if (pos < text.size()) r.body = text.substr(pos);
  return r;
}

}  // namespace skiff::sigv4::testing

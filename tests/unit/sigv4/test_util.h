// Helpers shared by the sigv4 unit tests.
#pragma once

#include <chrono>
#include <fstream>
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

}  // namespace skiff::sigv4::testing

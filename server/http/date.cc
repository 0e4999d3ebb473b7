#include "server/http/date.h"

#include <chrono>
#include <cstdio>

namespace skiff::http {

std::string FormatHttpDate(std::time_t seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[40];
  int n = std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                        tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                        tm.tm_sec);
  return std::string(out, n > 0 ? static_cast<size_t>(n) : 0);
}

const std::string& CurrentHttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_second) {
    cached_second = now;
    cached = FormatHttpDate(now);
  }
  return cached;
}

}  // namespace skiff::http

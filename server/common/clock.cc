#include "server/common/clock.h"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "server/http/date.h"

namespace skiff::common {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kShortDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

// Floor division, so that instants before 1970 keep their millisecond part positive.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// A left-to-right scanner over the fixed layouts of HTTP dates.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  // Skips `lit` when present; never fails.
  bool Optional(std::string_view lit) {
    Literal(lit);
    return true;
  }
  // Exactly `digits` decimal digits (or 1..digits when `variable`).
  bool Number(int digits, int* out, bool variable = false) {
    int value = 0, n = 0;
    while (n < digits && pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      value = value * 10 + (s_[pos_++] - '0');
      ++n;
    }
    if (n == 0 || (!variable && n != digits)) return false;
    *out = value;
    return true;
  }
  // One of `names`; stores its index.
  template <size_t N>
  bool OneOf(const char* const (&names)[N], int* out) {
    for (size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) {
        *out = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  bool Done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::optional<int64_t> ToEpochMillis(int year, int month, int day, int hour, int minute,
                                     int second) {
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 0 || month > 11 || day < 1 || day > kDaysIn[month] || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 1 && day == 29 && !leap) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string HttpDate(int64_t epoch_ms) {
  return http::FormatHttpDate(static_cast<std::time_t>(FloorDiv(epoch_ms, 1000)));
}

std::string IsoDate(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(FloorDiv(epoch_ms, 1000));
  int millis = static_cast<int>(epoch_ms - static_cast<int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[40];
  int n = std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return std::string(out, n > 0 ? static_cast<size_t>(n) : 0);
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  int wday, day, month, year, hour, minute, second;
  // RFC 1123 / IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  {
    Scanner s(text);
    if (s.OneOf(kShortDays, &wday) && s.Literal(", ") && s.Number(2, &day) && s.Literal(" ") &&
        s.OneOf(kMonths, &month) && s.Literal(" ") && s.Number(4, &year) && s.Literal(" ") &&
        s.Number(2, &hour) && s.Literal(":") && s.Number(2, &minute) && s.Literal(":") &&
        s.Number(2, &second) && s.Literal(" GMT") && s.Done()) {
      return ToEpochMillis(year, month, day, hour, minute, second);
    }
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". Two-digit years: 70..99 -> 19xx, else 20xx.
  {
    Scanner s(text);
    if (s.OneOf(kLongDays, &wday) && s.Literal(", ") && s.Number(2, &day) && s.Literal("-") &&
        s.OneOf(kMonths, &month) && s.Literal("-") && s.Number(2, &year) && s.Literal(" ") &&
        s.Number(2, &hour) && s.Literal(":") && s.Number(2, &minute) && s.Literal(":") &&
        s.Number(2, &second) && s.Literal(" GMT") && s.Done()) {
      return ToEpochMillis(year < 70 ? 2000 + year : 1900 + year, month, day, hour, minute, second);
    }
  }
  // asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space).
  {
    Scanner s(text);
    if (s.OneOf(kShortDays, &wday) && s.Literal(" ") && s.OneOf(kMonths, &month) &&
        s.Literal(" ") && s.Optional(" ") && s.Number(2, &day, /*variable=*/true) &&
        s.Literal(" ") && s.Number(2, &hour) && s.Literal(":") && s.Number(2, &minute) &&
        s.Literal(":") && s.Number(2, &second) && s.Literal(" ") && s.Number(4, &year) &&
        s.Done()) {
      return ToEpochMillis(year, month, day, hour, minute, second);
    }
  }
  return std::nullopt;
}

}  // namespace skiff::common

#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::common {

int64_t NowMillis();
// "Sun, 22 Nov 2026 11:24:54 GMT" (Date, Last-Modified).
std::string HttpDate(int64_t epoch_ms);
// "2026-11-22T11:24:54.000Z" (XML timestamps).
std::string IsoDate(int64_t epoch_ms);
// Parses RFC 1123, RFC 850 and asctime forms (If-Modified-Since ...); nullopt if invalid.
std::optional<int64_t> ParseHttpDate(std::string_view text);

}  // namespace skiff::common

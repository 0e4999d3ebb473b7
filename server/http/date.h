// The Date header value, formatted once per second per thread.
#pragma once

#include <ctime>
#include <string>

namespace skiff::http {

// IMF-fixdate (RFC 9110): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string FormatHttpDate(std::time_t seconds);
// FormatHttpDate(now), cached per thread for the current second.
const std::string& CurrentHttpDate();

}  // namespace skiff::http

// Helpers shared by the sigv4 translation units. Not part of the public interface.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "sigv4/sigv4.h"

namespace skiff::sigv4::internal {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";
// hex(sha256("")): the payload hash of an empty body and of every chunk's "empty" line.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Raw 32-byte digests.
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Sha256(std::string_view data);

// Constant-time equality (lengths are compared first; length is not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

char AsciiLower(char c);
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view TrimWhitespace(std::string_view s);
bool IsLowerHex(std::string_view s);

// "20150830T123600Z" -> time point; nullopt unless exactly that shape and a valid date.
std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view s);
// RFC 1123 "Sun, 06 Nov 1994 08:49:37 GMT" -> time point.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view s);
std::string FormatAmzDate(std::chrono::system_clock::time_point t);

// Percent-decodes leniently: a '%' not followed by two hex digits is kept literally, so that a
// canonical form can still be computed (and then fail to match) for sloppy input.
std::string LenientUriDecode(std::string_view s);

}  // namespace skiff::sigv4::internal

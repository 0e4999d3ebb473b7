// Standard base64 (RFC 4648, with padding), as DynamoDB uses for B and BS values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff::dynamodb {

std::string Base64Encode(std::string_view bytes);
// nullopt when the text is not canonical padded base64 (length not a multiple of 4, a
// character outside the alphabet, or misplaced padding).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace skiff::dynamodb

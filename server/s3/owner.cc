#include "server/s3/owner.h"

#include <openssl/sha.h>

namespace skiff::s3 {

std::string CanonicalUserId(std::string_view account_id) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(account_id.data()), account_id.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::string OwnerDisplayName(std::string_view account_id) {
  return "account-" + std::string(account_id);
}

}  // namespace skiff::s3

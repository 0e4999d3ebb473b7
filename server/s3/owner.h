// How an account appears as an S3 owner (ListBuckets, ListObjects Owner elements).
#pragma once

#include <string>
#include <string_view>

namespace skiff::s3 {

// S3's canonical user id is 64 hex characters; ours is the SHA-256 of the account id, so it is
// stable and distinct per account.
std::string CanonicalUserId(std::string_view account_id);
std::string OwnerDisplayName(std::string_view account_id);

}  // namespace skiff::s3

// S3's naming rules for new buckets and the key length limit.
#pragma once

#include <cstddef>
#include <string_view>

namespace skiff::s3 {

inline constexpr size_t kMaxKeyBytes = 1024;

// General-purpose bucket naming rules (CreateBucket): 3-63 characters of lower-case letters,
// digits, '.' and '-', starting and ending with a letter or digit, no "..", not an IPv4 address,
// and none of the prefixes/suffixes S3 reserves (xn--, sthree-, amzn-s3-demo-, -s3alias, --ol-s3,
// .mrap, --x-s3, --table-s3).
bool IsValidBucketName(std::string_view name);

}  // namespace skiff::s3

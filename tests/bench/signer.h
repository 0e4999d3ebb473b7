#pragma once

#include <string>
#include <string_view>

#include "tests/bench/http_client.h"

namespace skiff::bench {

struct Credentials {
  std::string access_key = "test";
  std::string secret = "test";
  std::string region = "us-east-1";
};

// Signs `request` in place with SigV4 (Authorization header), as botocore does: S3 gets
// x-amz-content-sha256 and S3's path rules; other services sign the body hash without sending it.
// `payload_hash` may be given when the caller already knows the body's SHA-256 (constant bodies).
// `amz_date` (yyyymmddThhmmssZ) defaults to now.
void Sign(Request& request, std::string_view host_header, std::string_view service,
          const Credentials& credentials, std::string payload_hash = {},
          std::string amz_date = {});

std::string NowAmzDate();

}  // namespace skiff::bench

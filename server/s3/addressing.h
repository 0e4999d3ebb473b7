// Which bucket and key a request addresses: path style (/bucket/key) or virtual-hosted style
// (Host: bucket.<suffix>[:port], suffixes from Config::s3_hostnames). Keys are percent-decoded
// exactly once; '+' in a path stays '+'.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/s3/routes.h"

namespace skiff::s3 {

struct Target {
  Scope scope = Scope::kService;
  std::string bucket;
  std::string key;
  bool virtual_hosted = false;
};

// Percent-decodes `s`. '+' becomes a space only when `plus_is_space` (query strings).
// nullopt on a truncated or non-hex escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// The host without its port ("b.localhost:4566" -> "b.localhost", "[::1]:80" -> "[::1]").
std::string_view HostWithoutPort(std::string_view host);

// The bucket named by a virtual-hosted Host header, or "" when the host is a bare suffix, an IP
// address or unrelated to `suffixes`. The longest matching suffix wins, so with
// {"localhost", "s3.localhost"} "b.s3.localhost" names bucket "b" and "s3.localhost" none.
std::string VirtualHostBucket(std::string_view host, std::span<const std::string> suffixes);

// Well-formed UTF-8: no overlong forms, surrogates or code points above U+10FFFF. S3 refuses
// keys and XML bodies that are not (InvalidURI, MalformedXML), so that no stored string can
// make a later response invalid XML.
bool IsValidUtf8(std::string_view s);

// Resolves the target. nullopt when the path is not decodable or its bucket or key is not
// UTF-8 (InvalidURI).
std::optional<Target> ParseTarget(std::string_view host, std::string_view raw_path,
                                  std::span<const std::string> suffixes);

// S3's encoding-type=url: space becomes '+', every other byte but A-Za-z0-9 - . _ ~ and '/'
// is %XX-encoded.
std::string S3UrlEncode(std::string_view s);

}  // namespace skiff::s3

// How S3 derives a multipart object's ETag and checksum from its parts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/checksum.h"

namespace skiff::s3 {

// "<hex md5 of the concatenated binary part MD5s>-<N>". nullopt if a part ETag is not hex MD5.
std::optional<std::string> MultipartEtag(const std::vector<std::string>& part_etags);

// COMPOSITE: base64 of the checksum of the concatenated raw part checksums, plus "-<N>".
std::optional<std::string> CompositeChecksum(sigv4::ChecksumAlgorithm algorithm,
                                             const std::vector<std::string>& part_checksums);

// FULL_OBJECT (CRC32 / CRC32C / CRC64NVME only): the CRC of the whole body, combined from the
// part CRCs and sizes. nullopt for other algorithms or undecodable values.
std::optional<std::string> FullObjectChecksum(sigv4::ChecksumAlgorithm algorithm,
                                              const std::vector<std::string>& part_checksums,
                                              const std::vector<uint64_t>& part_sizes);

}  // namespace skiff::s3

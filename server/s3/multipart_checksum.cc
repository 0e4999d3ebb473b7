#include "server/s3/multipart_checksum.h"

#include <cstdint>

namespace skiff::s3 {
namespace {

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<uint64_t> BigEndian(std::string_view base64, size_t bytes) {
  auto raw = sigv4::Base64Decode(base64);
  if (!raw || raw->size() != bytes) return std::nullopt;
  uint64_t v = 0;
  for (unsigned char c : *raw) v = (v << 8) | c;
  return v;
}

std::string ToBase64(uint64_t v, size_t bytes) {
  std::string raw(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) raw[bytes - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return sigv4::Base64Encode(raw);
}

}  // namespace

std::optional<std::string> MultipartEtag(const std::vector<std::string>& part_etags) {
  sigv4::Checksum md5(sigv4::ChecksumAlgorithm::kMd5);
  for (const std::string& etag : part_etags) {
    auto raw = HexDecode(etag);
    if (!raw || raw->size() != 16) return std::nullopt;
    md5.Update(*raw);
  }
  return sigv4::HexEncode(md5.Digest()) + "-" + std::to_string(part_etags.size());
}

std::optional<std::string> CompositeChecksum(sigv4::ChecksumAlgorithm algorithm,
                                             const std::vector<std::string>& part_checksums) {
  sigv4::Checksum sum(algorithm);
  for (const std::string& value : part_checksums) {
    auto raw = sigv4::Base64Decode(value);
    if (!raw || raw->empty()) return std::nullopt;
    sum.Update(*raw);
  }
  return sigv4::Base64Encode(sum.Digest()) + "-" + std::to_string(part_checksums.size());
}

std::optional<std::string> FullObjectChecksum(sigv4::ChecksumAlgorithm algorithm,
                                              const std::vector<std::string>& part_checksums,
                                              const std::vector<uint64_t>& part_sizes) {
  if (part_checksums.size() != part_sizes.size() || part_checksums.empty()) return std::nullopt;
  const bool wide = algorithm == sigv4::ChecksumAlgorithm::kCrc64Nvme;
  if (algorithm != sigv4::ChecksumAlgorithm::kCrc32 &&
      algorithm != sigv4::ChecksumAlgorithm::kCrc32c && !wide) {
    return std::nullopt;
  }
  const size_t bytes = wide ? 8 : 4;
  uint64_t crc = 0;
  for (size_t i = 0; i < part_checksums.size(); ++i) {
    auto part = BigEndian(part_checksums[i], bytes);
    if (!part) return std::nullopt;
    if (i == 0) {
      crc = *part;
      continue;
    }
    switch (algorithm) {
      case sigv4::ChecksumAlgorithm::kCrc32:
        crc = sigv4::Crc32Combine(static_cast<uint32_t>(crc), static_cast<uint32_t>(*part),
                                  part_sizes[i]);
        break;
      case sigv4::ChecksumAlgorithm::kCrc32c:
        crc = sigv4::Crc32cCombine(static_cast<uint32_t>(crc), static_cast<uint32_t>(*part),
                                   part_sizes[i]);
        break;
      default:
        crc = sigv4::Crc64NvmeCombine(crc, *part, part_sizes[i]);
        break;
    }
  }
  return ToBase64(crc, bytes);
}

}  // namespace skiff::s3

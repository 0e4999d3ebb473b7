// Incremental checksums used by S3: CRC32 and CRC32C (ISA-L), CRC64/NVME (table driven; ISA-L
// 2.30 in Debian 12 lacks it), SHA1, SHA256 and MD5 (OpenSSL). Values render as AWS does:
// base64 of the big-endian digest bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::sigv4 {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256, kMd5 };

// "CRC32" -> kCrc32 ... (case-insensitive); nullopt if unknown.
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "MD5".
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm a);
// "x-amz-checksum-crc32", ... (lower case).
std::string ChecksumHeaderName(ChecksumAlgorithm a);

class Checksum {
 public:
  explicit Checksum(ChecksumAlgorithm algorithm);
  ~Checksum();
  Checksum(Checksum&&) noexcept;
  Checksum& operator=(Checksum&&) noexcept;

  void Update(std::string_view data);
  // Raw big-endian digest bytes. Finalizes; call once.
  std::string Digest();
  ChecksumAlgorithm algorithm() const { return algorithm_; }

 private:
  struct State;
  ChecksumAlgorithm algorithm_;
  std::unique_ptr<State> state_;
};

// CRC combination helpers for FULL_OBJECT multipart checksums (crc(A||B) from crc(A), crc(B),
// len(B)).
uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint64_t Crc64NvmeCombine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

std::string Base64Encode(std::string_view raw);
std::optional<std::string> Base64Decode(std::string_view text);
std::string HexEncode(std::string_view raw);

}  // namespace skiff::sigv4

// Checksum: one incremental interface over the CRCs and the OpenSSL digests; base64 and hex.
#include "sigv4/checksum.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "sigv4/crc_internal.h"
#include "sigv4/internal.h"

namespace skiff::sigv4 {

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  using internal::EqualsIgnoreCase;
  if (EqualsIgnoreCase(name, "CRC32")) return ChecksumAlgorithm::kCrc32;
  if (EqualsIgnoreCase(name, "CRC32C")) return ChecksumAlgorithm::kCrc32c;
  if (EqualsIgnoreCase(name, "CRC64NVME")) return ChecksumAlgorithm::kCrc64Nvme;
  if (EqualsIgnoreCase(name, "SHA1")) return ChecksumAlgorithm::kSha1;
  if (EqualsIgnoreCase(name, "SHA256")) return ChecksumAlgorithm::kSha256;
  if (EqualsIgnoreCase(name, "MD5")) return ChecksumAlgorithm::kMd5;
  return std::nullopt;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm a) {
  switch (a) {
    case ChecksumAlgorithm::kCrc32: return "CRC32";
    case ChecksumAlgorithm::kCrc32c: return "CRC32C";
    case ChecksumAlgorithm::kCrc64Nvme: return "CRC64NVME";
    case ChecksumAlgorithm::kSha1: return "SHA1";
    case ChecksumAlgorithm::kSha256: return "SHA256";
    case ChecksumAlgorithm::kMd5: return "MD5";
  }
  return "";
}

std::string ChecksumHeaderName(ChecksumAlgorithm a) {
  return "x-amz-checksum-" + internal::AsciiLower(ChecksumAlgorithmName(a));
}

struct Checksum::State {
  uint64_t crc = 0;
  EVP_MD_CTX* md = nullptr;
  ~State() {
    if (md != nullptr) EVP_MD_CTX_free(md);
  }
};

Checksum::Checksum(ChecksumAlgorithm algorithm)
    : algorithm_(algorithm), state_(std::make_unique<State>()) {
  const EVP_MD* md = nullptr;
  switch (algorithm) {
    case ChecksumAlgorithm::kSha1: md = EVP_sha1(); break;
    case ChecksumAlgorithm::kSha256: md = EVP_sha256(); break;
    case ChecksumAlgorithm::kMd5: md = EVP_md5(); break;
    default: break;
  }
  if (md != nullptr) {
    state_->md = EVP_MD_CTX_new();
    if (state_->md == nullptr || EVP_DigestInit_ex(state_->md, md, nullptr) != 1) {
      throw std::runtime_error("EVP_DigestInit_ex failed");
    }
  }
}

Checksum::~Checksum() = default;
Checksum::Checksum(Checksum&&) noexcept = default;
Checksum& Checksum::operator=(Checksum&&) noexcept = default;

void Checksum::Update(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      state_->crc = internal::Crc32Update(static_cast<uint32_t>(state_->crc), p, data.size());
      break;
    case ChecksumAlgorithm::kCrc32c:
      state_->crc = internal::Crc32cUpdate(static_cast<uint32_t>(state_->crc), p, data.size());
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      state_->crc = internal::Crc64NvmeUpdate(state_->crc, p, data.size());
      break;
    default:
      if (EVP_DigestUpdate(state_->md, data.data(), data.size()) != 1) {
        throw std::runtime_error("EVP_DigestUpdate failed");
      }
  }
}

std::string Checksum::Digest() {
  std::string out;
  auto put_be = [&out](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      put_be(state_->crc, 4);
      return out;
    case ChecksumAlgorithm::kCrc64Nvme:
      put_be(state_->crc, 8);
      return out;
    default: {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (EVP_DigestFinal_ex(state_->md, md, &len) != 1) {
        throw std::runtime_error("EVP_DigestFinal_ex failed");
      }
      return std::string(reinterpret_cast<const char*>(md), len);
    }
  }
}

std::string Base64Encode(std::string_view raw) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&raw](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(raw[k])); };
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = raw.size() - i;
  if (rest == 1) {
    uint32_t v = byte(i) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

// Strict: standard alphabet, padded to a multiple of 4, '=' only at the end, and the unused
// low bits of the last symbol zero (so each value has exactly one accepted text form).
std::optional<std::string> Base64Decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = (text[i + 2] == '=') ? 2 : 1;
    int v[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4 - pad; ++k) {
      v[k] = value(text[i + k]);
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad == 2) {
      if (n & 0xFFFF) return std::nullopt;
    } else {
      out.push_back(static_cast<char>((n >> 8) & 0xFF));
      if (pad == 1) {
        if (n & 0xFF) return std::nullopt;
      } else {
        out.push_back(static_cast<char>(n & 0xFF));
      }
    }
  }
  return out;
}

std::string HexEncode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

}  // namespace skiff::sigv4

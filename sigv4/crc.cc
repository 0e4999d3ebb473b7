// CRC32 / CRC32C via ISA-L, CRC64/NVME table-driven, and CRC combination for all three.
#include <isa-l/crc.h>

#include <array>
#include <climits>

#include "sigv4/checksum.h"
#include "sigv4/crc_internal.h"

namespace skiff::sigv4 {
namespace {

constexpr uint32_t kCrc32Poly = 0xEDB88320u;          // reflected 0x04C11DB7
constexpr uint32_t kCrc32cPoly = 0x82F63B78u;         // reflected 0x1EDC6F41
constexpr uint64_t kCrc64NvmePoly = 0x9A6C9329AC4BC9B5ull;  // reflected 0xAD93D23594C93659

// Slice-by-8 tables for CRC64/NVME.
struct Crc64Tables {
  std::array<std::array<uint64_t, 256>, 8> t{};
  constexpr Crc64Tables() {
    for (uint64_t i = 0; i < 256; ++i) {
      uint64_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCrc64NvmePoly : c >> 1;
      t[0][i] = c;
    }
    for (int s = 1; s < 8; ++s) {
      for (int i = 0; i < 256; ++i) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
  }
};
constexpr Crc64Tables kCrc64Tables;

// GF(2) polynomial arithmetic modulo a reflected CRC polynomial (zlib's multmodp/x2nmodp,
// generalized to 32 and 64 bits). In the reflected representation the top bit is x^0.
template <typename T>
T MultModP(T a, T b, T poly) {
  constexpr T kTop = T(1) << (sizeof(T) * CHAR_BIT - 1);
  T m = kTop, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ poly : b >> 1;
  }
  return p;
}

// x^(n * 2^k) mod p, for n bytes: k = 3 turns the byte count into a bit count.
template <typename T>
T X2NModP(uint64_t n, unsigned k, T poly) {
  constexpr T kOne = T(1) << (sizeof(T) * CHAR_BIT - 1);  // x^0
  // x^(2^j) mod p for j in [0, 67]: enough for any 64-bit byte count times 8.
  T power = kOne >> 1;  // x^1
  for (unsigned j = 0; j < k; ++j) power = MultModP(power, power, poly);
  T p = kOne;
  while (n) {
    if (n & 1) p = MultModP(power, p, poly);
    n >>= 1;
    power = MultModP(power, power, poly);
  }
  return p;
}

// crc(A||B) = crc(A) * x^(8*len(B)) ^ crc(B): holds for reflected CRCs whose init and xorout are
// equal (all ones here), because the init contribution cancels with A's xorout.
template <typename T>
T Combine(T crc_a, T crc_b, uint64_t len_b, T poly) {
  if (len_b == 0) return crc_a;
  return MultModP(X2NModP<T>(len_b, 3, poly), crc_a, poly) ^ crc_b;
}

}  // namespace

namespace internal {

uint32_t Crc32Update(uint32_t crc, const unsigned char* data, size_t len) {
  // crc32_gzip_refl inverts on entry and exit, so the running value is the finished CRC.
  return crc32_gzip_refl(crc, data, len);
}

uint32_t Crc32cUpdate(uint32_t crc, const unsigned char* data, size_t len) {
  // crc32_iscsi neither pre- nor post-inverts, and takes an int length.
  uint32_t state = ~crc;
  while (len > 0) {
    size_t n = len > (1u << 30) ? (1u << 30) : len;
    state = crc32_iscsi(const_cast<unsigned char*>(data), static_cast<int>(n), state);
    data += n;
    len -= n;
  }
  return ~state;
}

uint64_t Crc64NvmeUpdate(uint64_t crc, const unsigned char* data, size_t len) {
  const auto& t = kCrc64Tables.t;
  uint64_t c = ~crc;
  while (len >= 8) {
    uint64_t w = 0;
    for (int i = 7; i >= 0; --i) w = (w << 8) | data[i];  // little-endian load
    c ^= w;
    c = t[7][c & 0xFF] ^ t[6][(c >> 8) & 0xFF] ^ t[5][(c >> 16) & 0xFF] ^
        t[4][(c >> 24) & 0xFF] ^ t[3][(c >> 32) & 0xFF] ^ t[2][(c >> 40) & 0xFF] ^
        t[1][(c >> 48) & 0xFF] ^ t[0][c >> 56];
    data += 8;
    len -= 8;
  }
  while (len--) c = (c >> 8) ^ t[0][(c ^ *data++) & 0xFF];
  return ~c;
}

}  // namespace internal

uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return Combine<uint32_t>(crc_a, crc_b, len_b, kCrc32Poly);
}

uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return Combine<uint32_t>(crc_a, crc_b, len_b, kCrc32cPoly);
}

uint64_t Crc64NvmeCombine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b) {
  return Combine<uint64_t>(crc_a, crc_b, len_b, kCrc64NvmePoly);
}

}  // namespace skiff::sigv4

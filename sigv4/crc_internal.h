// Running CRC updates: each takes and returns the finished CRC of the bytes so far (start
// from 0), so callers can stop and resume at any byte boundary.
#pragma once

#include <cstddef>
#include <cstdint>

namespace skiff::sigv4::internal {

uint32_t Crc32Update(uint32_t crc, const unsigned char* data, size_t len);
uint32_t Crc32cUpdate(uint32_t crc, const unsigned char* data, size_t len);
uint64_t Crc64NvmeUpdate(uint64_t crc, const unsigned char* data, size_t len);

}  // namespace skiff::sigv4::internal

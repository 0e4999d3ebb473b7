// Small encodings the SQLite layer stores in BLOB columns, and generated identifiers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/object_store.h"

namespace skiff::storage {

// Attributes as a sequence of (varint length, bytes) for each name and value, in order.
std::string EncodeAttributes(const Attributes& attributes);
// nullopt if `bytes` is not a valid encoding.
std::optional<Attributes> DecodeAttributes(std::string_view bytes);

// Part sizes as a sequence of varints.
std::string EncodePartSizes(const std::vector<uint64_t>& sizes);
std::optional<std::vector<uint64_t>> DecodePartSizes(std::string_view bytes);

// An opaque, URL-safe, 32-character version id like S3's (random; never "null").
std::string NewVersionId();

// The smallest string greater than every string that starts with `prefix` (byte order), or
// nullopt when there is none (empty prefix, or all bytes 0xFF).
std::optional<std::string> PrefixSuccessor(std::string_view prefix);

}  // namespace skiff::storage

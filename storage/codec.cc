#include "storage/codec.h"

#include <array>
#include <random>

namespace skiff::storage {
namespace {

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

bool GetVarint(std::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (in.empty()) return false;
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool GetString(std::string_view& in, std::string& out) {
  uint64_t size = 0;
  if (!GetVarint(in, size) || size > in.size()) return false;
  out.assign(in.substr(0, size));
  in.remove_prefix(size);
  return true;
}

}  // namespace

std::string EncodeAttributes(const Attributes& attributes) {
  std::string out;
  for (const auto& [name, value] : attributes) {
    PutVarint(out, name.size());
    out += name;
    PutVarint(out, value.size());
    out += value;
  }
  return out;
}

std::optional<Attributes> DecodeAttributes(std::string_view bytes) {
  Attributes attributes;
  while (!bytes.empty()) {
    std::string name, value;
    if (!GetString(bytes, name) || !GetString(bytes, value)) return std::nullopt;
    attributes.emplace_back(std::move(name), std::move(value));
  }
  return attributes;
}

std::string EncodePartSizes(const std::vector<uint64_t>& sizes) {
  std::string out;
  for (uint64_t size : sizes) PutVarint(out, size);
  return out;
}

std::optional<std::vector<uint64_t>> DecodePartSizes(std::string_view bytes) {
  std::vector<uint64_t> sizes;
  while (!bytes.empty()) {
    uint64_t size = 0;
    if (!GetVarint(bytes, size)) return std::nullopt;
    sizes.push_back(size);
  }
  return sizes;
}

std::string NewVersionId() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  std::string id(32, ' ');
  uint64_t bits = 0;
  int available = 0;
  for (char& c : id) {
    if (available < 6) {
      bits = engine();
      available = 64;
    }
    c = kAlphabet[bits & 63];
    bits >>= 6;
    available -= 6;
  }
  return id;
}

std::optional<std::string> PrefixSuccessor(std::string_view prefix) {
  std::string next(prefix);
  while (!next.empty()) {
    auto last = static_cast<uint8_t>(next.back());
    if (last != 0xff) {
      next.back() = static_cast<char>(last + 1);
      return next;
    }
    next.pop_back();
  }
  return std::nullopt;
}

}  // namespace skiff::storage

#include "server/s3/bucket_names.h"

#include <array>

namespace skiff::s3 {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t dot = s.find('.', i);
    std::string_view part =
        s.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    i = dot + 1;
  }
  return parts == 4;
}

constexpr std::array<std::string_view, 3> kReservedPrefixes = {"xn--", "sthree-", "amzn-s3-demo-"};
constexpr std::array<std::string_view, 5> kReservedSuffixes = {"-s3alias", "--ol-s3", ".mrap",
                                                               "--x-s3", "--table-s3"};

}  // namespace

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  if (name.find("..") != std::string_view::npos) return false;
  if (LooksLikeIpv4(name)) return false;
  for (auto p : kReservedPrefixes) {
    if (name.starts_with(p)) return false;
  }
  for (auto s : kReservedSuffixes) {
    if (name.ends_with(s)) return false;
  }
  return true;
}

}  // namespace skiff::s3

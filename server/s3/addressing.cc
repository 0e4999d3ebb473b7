#include "server/s3/addressing.h"

#include <cstdint>

namespace skiff::s3 {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  if (suffix.size() > s.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (Lower(s[s.size() - suffix.size() + i]) != Lower(suffix[i])) return false;
  }
  return true;
}

bool LooksLikeIpv4(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  return true;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80           ? 1
                 : (b >> 5) == 0x6  ? 2
                 : (b >> 4) == 0xE  ? 3
                 : (b >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}


std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(0, close + 1);
  }
  size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

std::string VirtualHostBucket(std::string_view host, std::span<const std::string> suffixes) {
  std::string_view h = HostWithoutPort(host);
  if (h.empty() || h.front() == '[' || LooksLikeIpv4(h)) return "";
  size_t best = 0;
  bool found = false;
  for (const std::string& suffix : suffixes) {
    if (suffix.empty()) continue;
    if (h.size() == suffix.size() && EndsWithIgnoreCase(h, suffix)) return "";
    if (h.size() > suffix.size() + 1 && EndsWithIgnoreCase(h, suffix) &&
        h[h.size() - suffix.size() - 1] == '.' && suffix.size() >= best) {
      best = suffix.size();
      found = true;
    }
  }
  if (!found) return "";
  return std::string(h.substr(0, h.size() - best - 1));
}

std::optional<Target> ParseTarget(std::string_view host, std::string_view raw_path,
                                  std::span<const std::string> suffixes) {
  Target t;
  if (raw_path.empty() || raw_path.front() != '/') raw_path = "/";
  std::string vhost_bucket = VirtualHostBucket(host, suffixes);
  std::string_view rest = raw_path.substr(1);
  if (!vhost_bucket.empty()) {
    t.virtual_hosted = true;
    t.bucket = std::move(vhost_bucket);
  } else {
    size_t slash = rest.find('/');
    auto bucket = PercentDecode(rest.substr(0, slash), false);
    if (!bucket) return std::nullopt;
    t.bucket = std::move(*bucket);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  auto key = PercentDecode(rest, false);
  // S3 answers InvalidURI for a key (or bucket) whose bytes are not UTF-8; storing one would
  // also put bytes into listings that no XML parser accepts.
  if (!key || !IsValidUtf8(*key) || !IsValidUtf8(t.bucket)) return std::nullopt;
  t.key = std::move(*key);
  if (t.bucket.empty()) {
    t.scope = Scope::kService;
  } else if (t.key.empty()) {
    t.scope = Scope::kBucket;
  } else {
    t.scope = Scope::kObject;
  }
  return t;
}

std::string S3UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += c;
    } else if (c == ' ') {
      out += '+';  // S3 writes spaces as '+'; clients decode with unquote_plus
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

}  // namespace skiff::s3

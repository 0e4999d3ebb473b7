// HMAC/SHA-256 primitives and the signing-key cache.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <list>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "sigv4/checksum.h"
#include "sigv4/internal.h"
#include "sigv4/sigv4.h"

namespace skiff::sigv4 {
namespace internal {

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &out_len) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string Sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &out_len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace internal

namespace {

// A small LRU keyed by secret+scope. Signing keys change once a day per (key, region,
// service), so a few hundred entries cover any realistic test fleet; the cache only saves the
// four HMACs per request.
class SigningKeyCache {
 public:
  static constexpr size_t kCapacity = 256;

  std::optional<std::string> Get(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(id);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  void Put(const std::string& id, const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(id);
    if (it != index_.end()) {
      it->second->second = key;
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.emplace_front(id, key);
    index_.emplace(id, order_.begin());
    if (order_.size() > kCapacity) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

 private:
  std::mutex mu_;
  std::list<std::pair<std::string, std::string>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, std::string>>::iterator> index_;
};

SigningKeyCache& Cache() {
  static SigningKeyCache* cache = new SigningKeyCache();
  return *cache;
}

}  // namespace

std::string SigningKey(std::string_view secret, const Scope& scope) {
  std::string id;
  id.reserve(secret.size() + scope.date.size() + scope.region.size() + scope.service.size() + 3);
  // NUL separators: none of the parts can contain one, so distinct tuples give distinct ids.
  id.append(secret).push_back('\0');
  id.append(scope.date).push_back('\0');
  id.append(scope.region).push_back('\0');
  id.append(scope.service);
  if (auto cached = Cache().Get(id)) return *cached;

  std::string k = internal::HmacSha256(std::string("AWS4").append(secret), scope.date);
  k = internal::HmacSha256(k, scope.region);
  k = internal::HmacSha256(k, scope.service);
  k = internal::HmacSha256(k, internal::kTerminator);
  Cache().Put(id, k);
  return k;
}

std::string HexHmacSha256(std::string_view key, std::string_view data) {
  return HexEncode(internal::HmacSha256(key, data));
}

std::string HexSha256(std::string_view data) { return HexEncode(internal::Sha256(data)); }

}  // namespace skiff::sigv4

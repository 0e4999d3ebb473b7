#include "server/dynamodb/request_tokens.h"

#include <algorithm>
#include <vector>

#include "server/common/request_log.h"
#include "sigv4/sigv4.h"

namespace skiff::dynamodb {
namespace {

std::string Key(const std::string& scope, const std::string& token) {
  // Neither an account id nor a region contains '\n'.
  return scope + "\n" + token;
}

void AppendCanonical(const rapidjson::Value& v, std::string& out) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      break;
    case rapidjson::kFalseType:
      out += "false";
      break;
    case rapidjson::kTrueType:
      out += "true";
      break;
    case rapidjson::kStringType:
      common::AppendJsonString(out, std::string_view(v.GetString(), v.GetStringLength()));
      break;
    case rapidjson::kNumberType:
      // Numbers only appear as top-level scalars (AttributeValue numbers are strings); the
      // double is exact enough to tell requests apart.
      out += v.IsInt64() ? std::to_string(v.GetInt64()) : std::to_string(v.GetDouble());
      break;
    case rapidjson::kArrayType: {
      out += '[';
      bool first = true;
      for (const auto& e : v.GetArray()) {
        if (!first) out += ',';
        first = false;
        AppendCanonical(e, out);
      }
      out += ']';
      break;
    }
    case rapidjson::kObjectType: {
      std::vector<const rapidjson::Value::Member*> members;
      for (const auto& m : v.GetObject()) members.push_back(&m);
      std::sort(members.begin(), members.end(), [](auto* a, auto* b) {
        return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
               std::string_view(b->name.GetString(), b->name.GetStringLength());
      });
      out += '{';
      bool first = true;
      for (const auto* m : members) {
        if (!first) out += ',';
        first = false;
        AppendCanonical(m->name, out);
        out += ':';
        AppendCanonical(m->value, out);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string CanonicalJsonDigest(const rapidjson::Value& value) {
  std::string text;
  AppendCanonical(value, text);
  return sigv4::HexSha256(text);
}

RequestTokens::RequestTokens(size_t capacity, int64_t window_ms)
    : capacity_(std::max<size_t>(capacity, 1)), window_ms_(window_ms) {}

void RequestTokens::ExpireLocked(int64_t now_ms) {
  // Completed entries are in completion order only approximately (a pending entry keeps its
  // reservation time until it completes and moves to the back), so expiry stops at the first
  // live entry; a stale one behind it is dropped when it reaches the front or is looked up.
  while (!order_.empty()) {
    const Entry& e = order_.front();
    if (e.pending || now_ms - e.since_ms < window_ms_) break;
    index_.erase(e.key);
    order_.pop_front();
  }
  while (order_.size() > capacity_) {
    index_.erase(order_.front().key);
    order_.pop_front();
  }
}

RequestTokens::Claim RequestTokens::Begin(const std::string& scope, const std::string& token,
                                          const std::string& digest, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  ExpireLocked(now_ms);
  std::string key = Key(scope, token);
  auto it = index_.find(key);
  if (it != index_.end()) {
    Entry& e = *it->second;
    if (e.pending || now_ms - e.since_ms < window_ms_) {
      if (e.digest != digest) return {State::kMismatch, {}};
      if (e.pending) return {State::kInProgress, {}};
      return {State::kReplay, e.response};
    }
    order_.erase(it->second);  // expired: the token is new again
    index_.erase(it);
  }
  order_.push_back(Entry{key, digest, {}, true, now_ms});
  index_[key] = std::prev(order_.end());
  ExpireLocked(now_ms);
  return {State::kNew, {}};
}

void RequestTokens::Complete(const std::string& scope, const std::string& token,
                             std::string response, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(Key(scope, token));
  if (it == index_.end()) return;  // evicted while it ran: nothing to remember it by
  Entry& e = *it->second;
  e.pending = false;
  e.since_ms = now_ms;
  e.response = std::move(response);
  order_.splice(order_.end(), order_, it->second);
  ExpireLocked(now_ms);
}

void RequestTokens::Release(const std::string& scope, const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(Key(scope, token));
  if (it == index_.end() || !it->second->pending) return;
  order_.erase(it->second);
  index_.erase(it);
}

void RequestTokens::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  index_.clear();
  order_.clear();
}

size_t RequestTokens::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return order_.size();
}

}  // namespace skiff::dynamodb

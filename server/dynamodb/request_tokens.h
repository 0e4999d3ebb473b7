// TransactWriteItems' ClientRequestToken memory: which tokens a scope (account and region) used,
// for which request, and what DynamoDB answered.
//
// DynamoDB keeps a token for 10 minutes after the first request that used it completed. Within
// that window the same request is answered again without being applied again, another request
// is IdempotentParameterMismatchException, and a request whose token is still being applied is
// TransactionInProgressException (which SDKs retry). Only successful transactions are
// remembered: a refused or canceled one leaves the token free.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace skiff::dynamodb {

class RequestTokens {
 public:
  static constexpr int64_t kWindowMs = 10 * 60 * 1000;
  // The cache holds at most this many tokens; beyond it the oldest are forgotten first, so
  // memory stays bounded whatever the request rate (an entry is the token, a digest and the
  // small answer of a TransactWriteItems).
  static constexpr size_t kDefaultCapacity = 20'000;

  explicit RequestTokens(size_t capacity = kDefaultCapacity, int64_t window_ms = kWindowMs);

  enum class State { kNew, kReplay, kMismatch, kInProgress };
  struct Claim {
    State state = State::kNew;
    std::string response;  // kReplay: the body first answered
  };

  // `scope` names the account and region, `digest` the request without regard to member order.
  // kNew reserves the token: the caller must then call Complete or Release exactly once.
  Claim Begin(const std::string& scope, const std::string& token, const std::string& digest,
              int64_t now_ms);
  // The reserved request succeeded with `response`: remember it for the window from `now_ms`.
  void Complete(const std::string& scope, const std::string& token, std::string response,
                int64_t now_ms);
  // The reserved request failed: forget the reservation.
  void Release(const std::string& scope, const std::string& token);

  size_t size() const;
  // Forgets every token (admin reset). A request still running with a reserved token completes
  // without being remembered, as if its entry had been evicted.
  void Clear();

 private:
  struct Entry {
    std::string key;
    std::string digest;
    std::string response;
    bool pending = true;
    int64_t since_ms = 0;  // reservation, then completion time
  };
  using Order = std::list<Entry>;  // oldest first

  void ExpireLocked(int64_t now_ms);

  const size_t capacity_;
  const int64_t window_ms_;
  mutable std::mutex mu_;
  Order order_;
  std::unordered_map<std::string, Order::iterator> index_;
};

// A digest of a JSON request that does not depend on the order of object members or on
// whitespace: equal requests as DynamoDB compares them have equal digests.
std::string CanonicalJsonDigest(const rapidjson::Value& value);

}  // namespace skiff::dynamodb

// The request journal behind /_skiff/journal: the most recent requests (a bounded ring), each with
// what it was, who sent it, how it ended and why. Fed by the common::RecordSink, so every request
// that reaches LogAccess() is recorded; holds no secrets because records hold none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/common/request_log.h"

namespace skiff::app {

struct JournalEntry {
  uint64_t seq = 0;      // 1, 2, 3, ... in the order requests completed; never reused
  int64_t time_ms = 0;   // wall-clock time the request arrived (Unix epoch ms)
  double latency_ms = 0;
  common::RequestRecord record;
};

// Every set field must match. Strings compare exactly; `status` is "403" or a class "4xx".
struct JournalFilter {
  std::string service;
  std::string operation;
  std::string status;
  std::string error_code;
  std::string request_id;
  int64_t since_ms = 0;  // entries that arrived at or after this time
  size_t limit = 0;      // the newest `limit` matches only (0 = all)
};

// Parses a `since` value: Unix epoch milliseconds (digits) or an ISO 8601 UTC time
// ("2026-11-22T14:05:00Z", fractional seconds and a "+00:00" offset allowed).
std::optional<int64_t> ParseSince(std::string_view text);

// Thread-safe. Capacity 0 keeps nothing.
class Journal {
 public:
  explicit Journal(size_t capacity) : capacity_(capacity) {}

  // Records a completed request: `now_ms` is when it completed, `latency_ms` how long it took.
  void Add(const common::RequestRecord& record, int64_t now_ms, double latency_ms);
  // Matching entries, oldest first (newest last).
  std::vector<JournalEntry> Query(const JournalFilter& filter) const;
  void Clear();

  size_t capacity() const { return capacity_; }
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<JournalEntry> entries_;  // oldest first, at most capacity_
  uint64_t next_seq_ = 1;
};

// {"seq":..,"id":..,"time":..,...}: one entry as /_skiff/journal renders it. Empty optional
// fields are left out; the signature fields appear only for signature failures.
void AppendJournalEntryJson(std::string& out, const JournalEntry& entry);

}  // namespace skiff::app

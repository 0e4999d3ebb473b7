#include "server/app/journal.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "server/common/clock.h"

namespace skiff::app {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t& pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<int64_t> ParseIso(std::string_view s) {
  size_t pos = 0;
  int64_t year, month, day, hour, minute, second;
  if (!Digits(s, pos, 4, &year) || !Expect(s, pos, '-') || !Digits(s, pos, 2, &month) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t ms = DaysFromCivil(year, month, day) * 86'400'000;
  if (pos == s.size()) return ms;  // a bare date: its midnight, UTC
  if (!Expect(s, pos, 'T') || !Digits(s, pos, 2, &hour) || !Expect(s, pos, ':') ||
      !Digits(s, pos, 2, &minute) || !Expect(s, pos, ':') || !Digits(s, pos, 2, &second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  ms += ((hour * 60 + minute) * 60 + second) * 1000;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100;
    size_t start = pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10) {
      ms += (s[pos] - '0') * scale;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos == s.size()) return ms;  // no zone: UTC
  if (s[pos] == 'Z' && pos + 1 == s.size()) return ms;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  const int64_t sign = s[pos] == '+' ? 1 : -1;
  ++pos;
  int64_t off_h, off_m;
  if (!Digits(s, pos, 2, &off_h) || !Expect(s, pos, ':') || !Digits(s, pos, 2, &off_m) ||
      pos != s.size() || off_h > 23 || off_m > 59) {
    return std::nullopt;
  }
  return ms - sign * (off_h * 60 + off_m) * 60'000;
}

bool StatusMatches(std::string_view want, int status) {
  if (want.empty()) return true;
  std::string have = std::to_string(status);
  auto is_x = [](char c) { return c == 'x' || c == 'X'; };
  if (want.size() == 3 && is_x(want[1]) && is_x(want[2])) {
    return have.size() == 3 && have[0] == want[0];
  }
  return want == have;
}

bool Matches(const JournalFilter& f, const JournalEntry& e) {
  const common::RequestRecord& r = e.record;
  return (f.service.empty() || f.service == r.service) &&
         (f.operation.empty() || f.operation == r.operation) &&
         StatusMatches(f.status, r.status) &&
         (f.error_code.empty() || f.error_code == r.error_code) &&
         (f.request_id.empty() || f.request_id == r.request_id) && e.time_ms >= f.since_ms;
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  common::AppendJsonString(out, value);
}

void AppendOptional(std::string& out, std::string_view name, std::string_view value) {
  if (!value.empty()) AppendField(out, name, value);
}

}  // namespace

std::optional<int64_t> ParseSince(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
  }
  return ParseIso(text);
}

void Journal::Add(const common::RequestRecord& record, int64_t now_ms, double latency_ms) {
  if (capacity_ == 0) return;
  JournalEntry entry;
  entry.time_ms = now_ms - static_cast<int64_t>(latency_ms);
  entry.latency_ms = latency_ms;
  entry.record = record;
  std::lock_guard lock(mutex_);
  entry.seq = next_seq_++;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(entry));
}

std::vector<JournalEntry> Journal::Query(const JournalFilter& filter) const {
  std::vector<JournalEntry> out;
  std::lock_guard lock(mutex_);
  // Walk newest first so that `limit` keeps the newest, then restore oldest-first order.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (filter.limit != 0 && out.size() == filter.limit) break;
    if (Matches(filter, *it)) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

void Journal::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

size_t Journal::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void AppendJournalEntryJson(std::string& out, const JournalEntry& entry) {
  const common::RequestRecord& r = entry.record;
  out += "{\"seq\":" + std::to_string(entry.seq);
  AppendField(out, "id", r.request_id);
  AppendField(out, "time", common::IsoDate(entry.time_ms));
  AppendField(out, "service", r.service);
  AppendField(out, "operation", r.operation);
  AppendOptional(out, "method", r.method);
  AppendField(out, "principal", r.principal.empty() ? std::string_view("anonymous") : r.principal);
  AppendOptional(out, "account", r.account);
  AppendOptional(out, "access_key", r.access_key);
  AppendOptional(out, "region", r.region);
  AppendOptional(out, "resource", r.resource);
  out += ",\"status\":" + std::to_string(r.status);
  AppendOptional(out, "error_code", r.error_code);
  AppendOptional(out, "error_detail", r.error_detail);
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3f", entry.latency_ms);
  out += ",\"latency_ms\":";
  out += latency;
  AppendOptional(out, "fault_rule", r.fault_rule);
  AppendOptional(out, "policy", r.policy);
  AppendOptional(out, "canonical_request", r.canonical_request);
  AppendOptional(out, "string_to_sign", r.string_to_sign);
  AppendOptional(out, "provided_signature", r.provided_signature);
  out += '}';
}

}  // namespace skiff::app

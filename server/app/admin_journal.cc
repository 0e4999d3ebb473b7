// GET / DELETE /_skiff/journal.
#include <charconv>

#include "server/app/admin_reply.h"
#include "server/app/journal.h"

namespace skiff::app::admin {

http::Response JournalEndpoint(Journal& journal, const http::Request& request) {
  if (request.method == "DELETE") {
    journal.Clear();
    return JsonResponse(200, "{\"cleared\":true}");
  }
  std::optional<Params> params = ParseQuery(request.query);
  if (!params) return JsonError(400, "InvalidParameter", "Bad percent-encoding in the query");
  JournalFilter filter;
  for (const auto& [name, value] : *params) {
    if (name == "service") {
      filter.service = value;
    } else if (name == "operation") {
      filter.operation = value;
    } else if (name == "status") {
      bool ok = value.size() == 3 && value[0] >= '1' && value[0] <= '5';
      for (size_t i = 1; ok && i < 3; ++i) {
        ok = (value[i] >= '0' && value[i] <= '9') || value[i] == 'x' || value[i] == 'X';
      }
      if (!ok) {
        return JsonError(400, "InvalidParameter",
                         "status must be an HTTP status (403) or a class (4xx), not \"" + value +
                             "\"");
      }
      filter.status = value;
    } else if (name == "error_code" || name == "code") {
      filter.error_code = value;
    } else if (name == "id" || name == "request_id") {
      filter.request_id = value;
    } else if (name == "since") {
      std::optional<int64_t> since = ParseSince(value);
      if (!since) {
        return JsonError(400, "InvalidParameter",
                         "since must be an ISO 8601 time (2026-11-22T14:05:00Z) or Unix epoch "
                         "milliseconds, not \"" + value + "\"");
      }
      filter.since_ms = *since;
    } else if (name == "limit") {
      size_t limit = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || limit == 0) {
        return JsonError(400, "InvalidParameter",
                         "limit must be a positive integer, not \"" + value + "\"");
      }
      filter.limit = limit;
    } else {
      return JsonError(400, "InvalidParameter",
                       "Unknown journal filter \"" + name +
                           "\" (service, operation, status, error_code, id, since, limit)");
    }
  }
  std::vector<JournalEntry> entries = journal.Query(filter);
  std::string body = "{\"capacity\":" + std::to_string(journal.capacity()) +
                     ",\"count\":" + std::to_string(entries.size()) + ",\"entries\":[";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i != 0) body += ',';
    AppendJournalEntryJson(body, entries[i]);
  }
  body += "]}";
  return JsonResponse(200, std::move(body));
}

}  // namespace skiff::app::admin

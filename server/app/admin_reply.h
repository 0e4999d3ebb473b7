// Pieces shared by the /_skiff/* endpoint files: JSON replies and errors, query parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/message.h"

namespace skiff::app::admin {

http::Response JsonResponse(int status, std::string body);
// {"error": code, "message": message}
http::Response JsonError(int status, std::string_view code, std::string_view message);

// Percent-decoded name/value pairs of a query string, in order; nullopt for bad percent-encoding.
// '+' stays '+' (an ISO time's "+00:00" offset survives unencoded).
using Params = std::vector<std::pair<std::string, std::string>>;
std::optional<Params> ParseQuery(std::string_view query);

// The first value of `name`, or nullopt.
std::optional<std::string> Param(const Params& params, std::string_view name);

}  // namespace skiff::app::admin

namespace skiff::storage {
class Database;
}

namespace skiff::app {
class Journal;
}

namespace skiff::app::admin {

// GET /_skiff/journal (filters: service, operation, status, error_code or code, id, since,
// limit) and DELETE /_skiff/journal (clears). admin_journal.cc.
http::Response JournalEndpoint(Journal& journal, const http::Request& request);

// GET /_skiff/state: buckets and tables with their counts. admin_state.cc.
http::Response StateEndpoint(storage::Database& database);

}  // namespace skiff::app::admin

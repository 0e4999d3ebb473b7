// POST /_skiff/reset[?service=SCOPE]: back to a clean state between tests, without a restart.
#include <algorithm>
#include <array>

#include "server/app/admin.h"
#include "server/app/admin_reply.h"
#include "server/common/request_log.h"
#include "storage/database.h"

namespace skiff::app {
namespace {

// Every scope, in the order a full reset applies them. s3 and dynamodb are the database's;
// credentials are those added through /_skiff/credentials (STS-issued ones expire on their own).
constexpr std::array<std::string_view, 6> kScopes = {"s3",     "dynamodb",    "iam",
                                                     "faults", "credentials", "journal"};

}  // namespace

http::Response AdminHandler::Reset(const http::Request& request) {
  std::optional<admin::Params> params = admin::ParseQuery(request.query);
  if (!params) return admin::JsonError(400, "InvalidParameter", "Bad percent-encoding in query");
  std::string scope;
  for (const auto& [name, value] : *params) {
    if (name != "service") {
      return admin::JsonError(400, "InvalidParameter",
                              "Unknown reset parameter \"" + name + "\" (service)");
    }
    scope = value;
  }
  std::string known;
  for (std::string_view s : kScopes) known += (known.empty() ? "" : ", ") + std::string(s);
  if (!scope.empty() &&
      std::find(kScopes.begin(), kScopes.end(), std::string_view(scope)) == kScopes.end()) {
    return admin::JsonError(400, "InvalidParameter",
                            "Unknown reset service \"" + scope + "\" (" + known + ")");
  }

  auto fail = [](std::string_view what, std::string_view message) {
    common::Log(common::LogLevel::kError,
                "admin reset of " + std::string(what) + " failed: " + std::string(message));
    return admin::JsonError(500, "InternalError",
                            "Resetting " + std::string(what) + " failed: " + std::string(message));
  };
  // The database resets s3 and dynamodb together in one transaction for a full reset.
  if (deps_.database != nullptr && (scope.empty() || scope == "s3" || scope == "dynamodb")) {
    storage::Status status = deps_.database->Reset(scope);
    if (!status.ok()) return fail(scope.empty() ? "the database" : scope, status.message());
  }
  std::string body = "{\"reset\":[";
  bool first = true;
  for (std::string_view s : kScopes) {
    if (!scope.empty() && s != scope) continue;
    for (const auto& [hook_scope, hook] : deps_.reset_hooks) {
      if (hook_scope != s) continue;
      if (std::string e = hook(); !e.empty()) return fail(s, e);
    }
    if (s == "credentials") ResetCredentials();
    if (s == "journal" && deps_.journal != nullptr) deps_.journal->Clear();
    if (!first) body += ',';
    first = false;
    common::AppendJsonString(body, s);
  }
  body += "]}";
  common::Log(common::LogLevel::kInfo,
              "admin reset of " + (scope.empty() ? std::string("everything") : scope));
  return admin::JsonResponse(200, std::move(body));
}

}  // namespace skiff::app

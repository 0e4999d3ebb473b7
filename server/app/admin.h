// The /_skiff/* admin API (JSON; not SigV4-signed): health, reset, journal, state, credentials,
// metrics, and faults (delegated to the fault engine's endpoint). With an admin token configured,
// every endpoint but /_skiff/health needs "Authorization: Bearer <token>" (else 401).
// Unknown paths are 404 and unsupported methods 405 with Allow, both with a JSON error body
// {"error": code, "message": text}; bad parameters are 400 "InvalidParameter".
//   GET    /_skiff/health                 {"status":"ok",version,services:{..},uptime_seconds}
//   POST   /_skiff/reset[?service=S]      S: s3 dynamodb iam faults credentials journal (none: all)
//                                         -> {"reset":[scopes]}
//   GET    /_skiff/journal[?filters]      service, operation, status (403 or 4xx), error_code
//                                         (or code), id, since (ISO 8601 or epoch ms), limit
//                                         -> {"capacity","count","entries":[oldest .. newest]}
//   DELETE /_skiff/journal                clears it
//   GET    /_skiff/state                  {"buckets":[{name,region,owner,created,versioning,
//                                         object_lock,objects,versions,bytes}],
//                                         "tables":[{name,account,region,status,created,items,
//                                         bytes}]}
//   GET    /_skiff/credentials            {"credentials":[{accessKeyId,accountId,arn,userName?,
//                                         temporary,expiration?}]} (never a secret or token)
//   GET    /_skiff/credentials/<key>      one of them, or 404 NoSuchAccessKey
//   POST   /_skiff/credentials            {accessKeyId, secretAccessKey, accountId?, userName?,
//                                         sessionToken?, expiration?} -> 201 and the listing entry
//   DELETE /_skiff/credentials/<key>      (or ?accessKeyId=) -> {"deleted":key}, or 404
//   GET    /_skiff/metrics                Prometheus text 0.0.4
//   *      /_skiff/faults[/<id>]          the fault engine (server/app/admin_faults.h)
// Admin requests go to the access log and metrics, not to the journal.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/app/journal.h"
#include "server/app/metrics.h"
#include "server/common/credentials.h"
#include "server/http/message.h"

namespace skiff::storage {
class Database;
}

namespace skiff::app {

struct AdminDeps {
  std::string version;  // reported by /health
  // name -> "available" / "unavailable", reported in that order by /health.
  std::vector<std::pair<std::string, std::string>> services;
  std::string admin_token;  // "" = no token needed
  storage::Database* database = nullptr;
  common::CredentialStore* credentials = nullptr;
  Journal* journal = nullptr;
  Metrics* metrics = nullptr;
  // Extra work for POST /_skiff/reset, by scope: "iam" (IamStore::Reset), "faults" (the engine's
  // Clear), "dynamodb" (idempotency tokens), ... A hook returns an error message or "".
  // The built-in scopes are s3 and dynamodb (the database), journal and credentials (those added
  // through this API); "iam" and "faults" are always accepted scopes, hooked or not.
  std::vector<std::pair<std::string, std::function<std::string()>>> reset_hooks;
  // /_skiff/faults and everything under it (the fault engine's endpoint); null: 404.
  std::function<http::Response(const http::Request&, std::string_view body)> faults;
};

class AdminHandler : public http::Handler {
 public:
  explicit AdminHandler(AdminDeps deps);
  http::StartResult Start(http::Request& request) override;

  // The constant-time check of an Authorization header against the token ("" token: always ok).
  static bool TokenMatches(std::string_view authorization, std::string_view token);

 private:
  http::Response Handle(const http::Request& request, std::string_view body,
                        common::RequestRecord& record);
  http::Response Health() const;
  http::Response Reset(const http::Request& request);
  http::Response Credentials(const http::Request& request, std::string_view body,
                             std::string_view key, common::RequestRecord& record);
  // Undoes what POST /_skiff/credentials did (reset scope "credentials").
  void ResetCredentials();

  AdminDeps deps_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // Credentials added through the API, with what each replaced (to restore on reset).
  std::mutex added_mutex_;
  std::vector<std::pair<std::string, std::optional<common::Credential>>> added_;
};

}  // namespace skiff::app

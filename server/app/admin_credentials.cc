// /_skiff/credentials: list, add and remove access keys at runtime. Secrets go in, never out:
// listings show the key id, account, ARN, user and expiry only.
#include <rapidjson/document.h>

#include <algorithm>
#include <regex>

#include "server/app/admin.h"
#include "server/app/admin_reply.h"
#include "server/common/clock.h"
#include "server/common/request_log.h"

namespace skiff::app {
namespace {

using admin::JsonError;

void AppendCredentialJson(std::string& out, const common::Credential& c) {
  out += "{\"accessKeyId\":";
  common::AppendJsonString(out, c.access_key);
  out += ",\"accountId\":";
  common::AppendJsonString(out, c.account_id);
  out += ",\"arn\":";
  common::AppendJsonString(out, c.arn);
  if (!c.user_name.empty()) {
    out += ",\"userName\":";
    common::AppendJsonString(out, c.user_name);
  }
  out += ",\"temporary\":";
  out += c.session_token.empty() ? "false" : "true";
  if (c.expires) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  c.expires->time_since_epoch())
                  .count();
    out += ",\"expiration\":";
    common::AppendJsonString(out, common::IsoDate(ms));
  }
  out += '}';
}

// A string member, or an error message when present with another type.
std::string GetString(const rapidjson::Value& doc, const char* name, std::string* out) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd()) return "";
  if (!it->value.IsString()) return std::string(name) + " must be a string";
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return "";
}

// Parses and validates a POST body into a credential; returns an error message or "".
std::string ParseCredential(std::string_view body, common::Credential* c) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "The body must be a JSON object";
  static const char* const kKnown[] = {"accessKeyId", "secretAccessKey", "accountId",
                                       "userName",    "sessionToken",    "expiration"};
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::none_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return name == k; })) {
      return "Unknown member \"" + std::string(name) +
             "\" (accessKeyId, secretAccessKey, accountId, userName, sessionToken, expiration)";
    }
  }
  std::string expiration;
  for (auto [name, out] : {std::pair{"accessKeyId", &c->access_key},
                           std::pair{"secretAccessKey", &c->secret},
                           std::pair{"accountId", &c->account_id},
                           std::pair{"userName", &c->user_name},
                           std::pair{"sessionToken", &c->session_token},
                           std::pair{"expiration", &expiration}}) {
    if (std::string e = GetString(doc, name, out); !e.empty()) return e;
  }
  // Characters that cannot break a SigV4 Credential=AKID/date/region/... scope.
  static const std::regex kKeyId("[A-Za-z0-9_.-]{1,128}");
  static const std::regex kAccount("[0-9]{12}");
  static const std::regex kUser("[A-Za-z0-9_+=,.@-]{1,64}");
  if (!std::regex_match(c->access_key, kKeyId)) {
    return "accessKeyId is required: 1 to 128 letters, digits, '_', '.' or '-'";
  }
  if (c->secret.empty() || c->secret.size() > 256) {
    return "secretAccessKey is required (1 to 256 characters)";
  }
  if (!std::regex_match(c->account_id, kAccount)) return "accountId must be 12 digits";
  if (!c->user_name.empty() && !std::regex_match(c->user_name, kUser)) {
    return "userName must be 1 to 64 characters of letters, digits and _+=,.@-";
  }
  if (doc.HasMember("sessionToken") && c->session_token.empty()) {
    return "sessionToken must not be empty";
  }
  if (!expiration.empty()) {
    // The clock counts nanoseconds: beyond 2200 it would overflow (sigv4 rejects such dates too).
    constexpr int64_t k2200Ms = 7'258'118'400'000;
    std::optional<int64_t> ms = ParseSince(expiration);
    if (!ms || *ms >= k2200Ms) {
      return "expiration must be an ISO 8601 time before 2200, such as 2026-11-22T15:00:00Z";
    }
    c->expires = std::chrono::system_clock::time_point(std::chrono::milliseconds(*ms));
  }
  return "";
}

}  // namespace

http::Response AdminHandler::Credentials(const http::Request& request, std::string_view body,
                                         std::string_view key, common::RequestRecord& record) {
  if (deps_.credentials == nullptr) {
    return JsonError(404, "NotFound", "No admin endpoint at " + request.path);
  }
  common::CredentialStore& store = *deps_.credentials;
  std::string target(key);
  if (target.empty() && request.method != "POST") {
    std::optional<admin::Params> params = admin::ParseQuery(request.query);
    if (!params) return JsonError(400, "InvalidParameter", "Bad percent-encoding in the query");
    target = admin::Param(*params, "accessKeyId").value_or("");
  }

  if (request.method == "GET") {
    if (!target.empty()) {
      std::optional<common::Credential> c = store.Find(target);
      if (!c) return JsonError(404, "NoSuchAccessKey", "No access key " + target);
      std::string out;
      AppendCredentialJson(out, *c);
      return admin::JsonResponse(200, std::move(out));
    }
    std::string out = "{\"credentials\":[";
    bool first = true;
    for (const common::Credential& c : store.List()) {
      if (!first) out += ',';
      first = false;
      AppendCredentialJson(out, c);
    }
    out += "]}";
    return admin::JsonResponse(200, std::move(out));
  }

  if (request.method == "DELETE") {
    if (target.empty()) {
      return JsonError(400, "InvalidParameter",
                       "Name the key: DELETE /_skiff/credentials/<accessKeyId>");
    }
    record.resource = target;
    if (!store.Remove(target)) return JsonError(404, "NoSuchAccessKey", "No access key " + target);
    {
      // Deleted through the API: a later reset does not bring back what it replaced.
      std::lock_guard lock(added_mutex_);
      std::erase_if(added_, [&](const auto& a) { return a.first == target; });
    }
    std::string out = "{\"deleted\":";
    common::AppendJsonString(out, target);
    out += "}";
    return admin::JsonResponse(200, std::move(out));
  }

  // POST: add or replace one credential.
  common::Credential credential;
  if (std::string e = ParseCredential(body, &credential); !e.empty()) {
    return JsonError(400, "InvalidParameter", e);
  }
  record.resource = credential.access_key;
  {
    std::lock_guard lock(added_mutex_);
    bool tracked = std::any_of(added_.begin(), added_.end(),
                               [&](const auto& a) { return a.first == credential.access_key; });
    if (!tracked) added_.emplace_back(credential.access_key, store.Find(credential.access_key));
    store.Put(credential);
  }
  std::optional<common::Credential> stored = store.Find(credential.access_key);
  std::string out;
  AppendCredentialJson(out, stored ? *stored : credential);
  return admin::JsonResponse(201, std::move(out));
}

void AdminHandler::ResetCredentials() {
  if (deps_.credentials == nullptr) return;
  std::lock_guard lock(added_mutex_);
  for (auto& [key, replaced] : added_) {
    if (replaced) {
      deps_.credentials->Put(*replaced);
    } else {
      deps_.credentials->Remove(key);
    }
  }
  added_.clear();
}

}  // namespace skiff::app

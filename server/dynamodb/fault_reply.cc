#include "server/dynamodb/fault_reply.h"

#include <utility>

#include "server/dynamodb/authorize.h"
#include "server/dynamodb/errors.h"
#include "server/dynamodb/protocol.h"
#include "server/iam/authorizer.h"

namespace skiff::dynamodb {
namespace {

constexpr std::string_view kDynamoNamespace = "com.amazonaws.dynamodb.v20120810";

void AddString(const rapidjson::Value& v, std::vector<std::string>* out) {
  if (!v.IsString()) return;
  std::string s(v.GetString(), v.GetStringLength());
  for (const auto& have : *out) {
    if (have == s) return;
  }
  out->push_back(std::move(s));
}

faults::Target MakeTarget(const RequestContext& ctx) {
  faults::Target t;
  t.service = "dynamodb";
  t.operation = ctx.operation;
  t.region = ctx.region();
  t.account = ctx.account();
  t.access_key = ctx.auth.principal.access_key;
  t.method = ctx.request.method;
  t.tables = RequestTables(ctx.input);
  if (!t.tables.empty()) t.table = t.tables.front();
  t.request_date = ctx.auth.parsed.amz_date;
  return t;
}

// AWS's wording of an identity-policy denial for the operation's first permission; "" (the
// table's "Access denied") when the caller or the permission is unknown.
std::string DenialMessage(const RequestContext& ctx) {
  std::vector<Permission> permissions = RequiredPermissions(ctx);
  if (ctx.auth.principal.arn.empty() || permissions.empty()) return "";
  const Permission& p = permissions.front();
  return iam::DenialMessage(ctx.auth.principal.arn, p.action, p.resource,
                            "because no identity-based policy allows the " + p.action + " action",
                            /*quote_resource=*/false);
}

}  // namespace

std::vector<std::string> RequestTables(const rapidjson::Value& input) {
  std::vector<std::string> tables;
  if (!input.IsObject()) return tables;
  if (auto it = input.FindMember("TableName"); it != input.MemberEnd())
    AddString(it->value, &tables);
  if (auto it = input.FindMember("ResourceArn"); it != input.MemberEnd() && it->value.IsString()) {
    // arn:aws:dynamodb:<region>:<account>:table/<name>[/index/...]
    std::string_view arn(it->value.GetString(), it->value.GetStringLength());
    size_t at = arn.find(":table/");
    if (at != std::string_view::npos) {
      std::string_view name = arn.substr(at + 7);
      name = name.substr(0, name.find('/'));
      rapidjson::Value v(rapidjson::StringRef(name.data(), name.size()));
      AddString(v, &tables);
    }
  }
  if (auto it = input.FindMember("RequestItems"); it != input.MemberEnd() && it->value.IsObject()) {
    for (auto& m : it->value.GetObject()) AddString(m.name, &tables);
  }
  if (auto it = input.FindMember("TransactItems"); it != input.MemberEnd() && it->value.IsArray()) {
    for (auto& entry : it->value.GetArray()) {
      if (!entry.IsObject()) continue;
      for (auto& kind : entry.GetObject()) {  // {"Put": {...}}, {"Get": {...}}, ...
        if (!kind.value.IsObject()) continue;
        if (auto name = kind.value.FindMember("TableName"); name != kind.value.MemberEnd()) {
          AddString(name->value, &tables);
        }
      }
    }
  }
  return tables;
}

int RenderFault(const faults::Action& action, std::string* body) {
  DdbError error;
  if (FindError(action.error_code, &error)) {
    ErrorReply reply(error, action.message);
    *body = RenderError(reply);
    return action.status != 0 ? action.status : reply.status();
  }
  std::string out = "{\"__type\":";
  common::AppendJsonString(out, std::string(kDynamoNamespace) + "#" + action.error_code);
  out += ",\"message\":";
  common::AppendJsonString(out, action.message.empty() ? action.error_code : action.message);
  out += "}";
  *body = std::move(out);
  return action.status != 0 ? action.status : 400;
}

http::Response WithFaults(RequestContext& ctx, FinalizeFn finalize,
                          const std::function<http::Response()>& run) {
  faults::Engine* engine = ctx.deps.faults;
  if (engine == nullptr || engine->size() == 0) return run();
  std::optional<faults::Fired> fired = engine->Match(MakeTarget(ctx));
  if (!fired) return run();
  faults::Action& action = fired->action;
  ctx.record.fault_rule = fired->rule_id;
  if (action.error_code == "AccessDeniedException" && action.message.empty()) {
    action.message = DenialMessage(ctx);
  }
  http::Response r;
  if (action.reset_connection) {
    ctx.record.error_detail = "fault: connection reset";
    r = finalize(ctx, 0, "");
    r.reset_connection = true;
  } else if (action.StopsRequest()) {
    std::string body;
    int status = RenderFault(action, &body);
    ctx.record.error_code = action.error_code;
    ctx.record.error_detail = action.message.empty() ? "fault injected" : action.message;
    r = finalize(ctx, status, std::move(body));
  } else {
    try {
      r = run();
    } catch (const ApiError& e) {
      // The operation's own error, delayed like any other answer.
      ctx.record.error_code = std::string(e.reply().code());
      if (ctx.record.error_detail.empty()) {
        ctx.record.error_detail = std::string(e.reply().effective_message());
      }
      r = finalize(ctx, e.reply().status(), RenderError(e.reply()));
    }
  }
  r.delay += action.latency;
  return r;
}

}  // namespace skiff::dynamodb

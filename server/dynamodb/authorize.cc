#include "server/dynamodb/authorize.h"

#include <set>

#include "server/iam/authorizer.h"
#include "server/iam/request_keys.h"

namespace skiff::dynamodb {
namespace {

const rapidjson::Value* Member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string String(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = Member(v, name);
  return m != nullptr && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : "";
}

class Builder {
 public:
  explicit Builder(const RequestContext& ctx)
      : prefix_("arn:aws:dynamodb:" + ctx.region() + ":" + ctx.account() + ":") {}

  // A TableName member's table ARN (names may be given as ARNs).
  std::string TableArn(const std::string& name) const {
    if (name.rfind("arn:", 0) == 0) return name;
    return prefix_ + "table/" + name;
  }
  void Add(std::string action, std::string resource) {
    if (seen_.insert(action + " " + resource).second) {
      out_.push_back({std::move(action), std::move(resource)});
    }
  }
  void AddTable(const std::string& action, const std::string& name) {
    if (!name.empty()) Add(action, TableArn(name));
  }
  const std::string& prefix() const { return prefix_; }
  std::vector<Permission> Take() { return std::move(out_); }

 private:
  std::string prefix_;
  std::set<std::string> seen_;
  std::vector<Permission> out_;
};

}  // namespace

std::vector<Permission> RequiredPermissions(const RequestContext& ctx) {
  const std::string& op = ctx.operation;
  const rapidjson::Value& in = ctx.input;
  Builder b(ctx);
  const std::string action = "dynamodb:" + op;
  if (op == "DescribeEndpoints") return {};  // needs no permission in DynamoDB
  if (op == "ListTables") {
    b.Add(action, b.prefix() + "table/*");
  } else if (op == "DescribeLimits") {
    b.Add(action, "");
  } else if (op == "TagResource" || op == "UntagResource" || op == "ListTagsOfResource") {
    std::string arn = String(in, "ResourceArn");
    if (!arn.empty()) b.Add(action, arn);
  } else if (op == "BatchGetItem" || op == "BatchWriteItem") {
    if (const rapidjson::Value* items = Member(in, "RequestItems"); items && items->IsObject()) {
      for (const auto& m : items->GetObject()) {
        b.AddTable(action, std::string(m.name.GetString(), m.name.GetStringLength()));
      }
    }
  } else if (op == "TransactGetItems" || op == "TransactWriteItems") {
    // No IAM action of their own: each item needs the action of what it does.
    static const std::pair<const char*, const char*> kParts[] = {
        {"Get", "dynamodb:GetItem"},         {"Put", "dynamodb:PutItem"},
        {"Update", "dynamodb:UpdateItem"},   {"Delete", "dynamodb:DeleteItem"},
        {"ConditionCheck", "dynamodb:ConditionCheckItem"},
    };
    if (const rapidjson::Value* items = Member(in, "TransactItems"); items && items->IsArray()) {
      for (const auto& item : items->GetArray()) {
        for (const auto& [member, item_action] : kParts) {
          if (const rapidjson::Value* part = Member(item, member)) {
            b.AddTable(item_action, String(*part, "TableName"));
          }
        }
      }
    }
  } else {
    std::string table = String(in, "TableName");
    std::string index = String(in, "IndexName");
    if (!table.empty() && !index.empty() && (op == "Query" || op == "Scan")) {
      b.Add(action, b.TableArn(table) + "/index/" + index);
    } else {
      b.AddTable(action, table);
    }
  }
  return b.Take();
}

std::optional<ErrorReply> Authorize(RequestContext& ctx) {
  if (ctx.deps.authorizer == nullptr) return std::nullopt;
  for (const Permission& p : RequiredPermissions(ctx)) {
    iam::RequestFacts facts;
    facts.action = p.action;
    facts.resource = p.resource.empty() ? "*" : p.resource;
    iam::AddGlobalConditionKeys(ctx.auth.principal, ctx.request, ctx.account(), &facts);
    for (const char* key : {"Select", "ReturnValues", "ReturnConsumedCapacity"}) {
      std::string v = String(ctx.input, key);
      if (!v.empty()) facts.context[std::string("dynamodb:") + key] = {v};
    }
    iam::Decision d = ctx.deps.authorizer->Authorize(ctx.auth.principal, facts, nullptr, "");
    iam::NoteDecision(&ctx.record.policy, d.decided_by);
    if (!d.allowed) {
      return ErrorReply(DdbError::kAccessDeniedException,
                        iam::DenialMessage(ctx.auth.principal.arn, p.action, p.resource,
                                           d.reason, /*quote_resource=*/false));
    }
  }
  return std::nullopt;
}

}  // namespace skiff::dynamodb

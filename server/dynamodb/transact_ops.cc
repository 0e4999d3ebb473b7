// TransactWriteItems and TransactGetItems: all items read and written in one storage
// transaction, every condition decided inside it.
#include <set>

#include "server/common/clock.h"
#include "server/dynamodb/attribute_json.h"
#include "server/dynamodb/expr/eval.h"
#include "server/dynamodb/expr/projection.h"
#include "server/dynamodb/expr/update.h"
#include "server/dynamodb/item_codec.h"
#include "server/dynamodb/item_request.h"

namespace skiff::dynamodb {
namespace {

constexpr char kNotFound[] = "Requested resource not found";
constexpr size_t kMaxTransactItems = 100;

enum class Kind { kCheck, kPut, kDelete, kUpdate };

struct TransactOp {
  Kind kind;
  LoadedTable table;
  storage::ItemKey key;
  Item item;  // Put: the item; others: the key attributes
  std::optional<expr::Condition> condition;
  std::optional<expr::UpdateExpression> update;
  bool return_old_on_failure = false;
};

const JsonValue& TransactItems(const JsonValue& in) {
  const JsonValue* list = OptList(in, "TransactItems");
  Violations v;
  v.NotNull(list != nullptr, "transactItems");
  if (list && (list->Empty() || list->Size() > kMaxTransactItems)) {
    v.Add("Value '[...]' at 'transactItems' failed to satisfy constraint: Member must have length " +
          std::string(list->Empty() ? "greater than or equal to 1" : "less than or equal to 100"));
  }
  v.ThrowIfAny();
  return *list;
}

const JsonValue& OnlyMember(const JsonValue& element, std::initializer_list<const char*> names,
                            size_t* which) {
  if (!element.IsObject()) Fail(DdbError::kSerializationException, "Unexpected value type in payload");
  const JsonValue* found = nullptr;
  size_t i = 0;
  for (const char* n : names) {
    if (const JsonValue* v = OptObject(element, n)) {
      if (found) FailValidation("TransactItems can only contain one of Check, Put, Update or Delete");
      found = v;
      *which = i;
    }
    ++i;
  }
  if (!found) FailValidation("TransactItems can only contain one of Check, Put, Update or Delete");
  return *found;
}

std::string RequiredTable(const JsonValue& op, const std::string& path) {
  Violations v;
  auto name = OptString(op, "TableName");
  v.Name(name, path + ".tableName", true);
  v.ThrowIfAny();
  return *name;
}

TransactOp ReadWriteOp(RequestContext& ctx, const JsonValue& element, size_t index) {
  size_t which = 0;
  const JsonValue& op = OnlyMember(element, {"ConditionCheck", "Put", "Delete", "Update"}, &which);
  TransactOp t;
  t.kind = static_cast<Kind>(which);
  std::string path = "transactItems." + std::to_string(index + 1) + ".member";
  std::string table = RequiredTable(op, path);
  ExpressionContext ec(op);
  if (t.kind == Kind::kUpdate) {
    auto text = OptString(op, "UpdateExpression");
    Violations v;
    v.NotNull(text.has_value(), path + ".update.updateExpression");
    v.ThrowIfAny();
    t.update = Take(expr::CompileUpdate(*text, ec.placeholders(), ec.usage()));
  }
  t.condition = OptCondition(op, "ConditionExpression", expr::ExpressionKind::kCondition, ec);
  if (t.kind == Kind::kCheck && !t.condition) {
    FailValidation("1 validation error detected: Value null at '" + path +
                   ".conditionCheck.conditionExpression' failed to satisfy constraint: Member must "
                   "not be null");
  }
  ec.Finish(t.condition || t.update);
  t.return_old_on_failure = ReturnOldOnConditionFailure(op);
  t.table = LoadTableNamed(ctx, table, kNotFound);
  if (t.kind == Kind::kPut) {
    const JsonValue* item = OptObject(op, "Item");
    Violations v;
    v.NotNull(item != nullptr, path + ".put.item");
    v.ThrowIfAny();
    t.item = ReadItem(*item);
    t.key = ValidateItem(t.item, t.table.model);
  } else {
    const JsonValue* key = OptObject(op, "Key");
    Violations v;
    v.NotNull(key != nullptr, path + ".key");
    v.ThrowIfAny();
    t.item = ReadItem(*key);
    t.key = ValidateKey(t.item, t.table.model);
  }
  if (t.update) {
    for (const auto& action : t.update->actions) {
      const std::string& top = expr::ActionPath(action).elements.front().name;
      const auto& k = t.table.model.key;
      if (top == k.hash || (k.range && top == *k.range)) {
        FailValidation("One or more parameter values were invalid: Cannot update attribute " + top +
                       ". This attribute is part of the key");
      }
    }
  }
  return t;
}

struct Reason {
  std::string code = "None";
  std::string message;
  std::optional<Item> item;
};

[[noreturn]] void FailCanceled(const std::vector<Reason>& reasons) {
  std::string list, codes;
  JsonOut out;
  for (const auto& r : reasons) {
    codes += (codes.empty() ? "" : ", ") + r.code;
    std::string e = "{";
    if (r.item) e += "\"Item\":" + ToJson(ItemToJson(*r.item, out.alloc())) + ",";
    e += "\"Code\":";
    common::AppendJsonString(e, r.code);
    if (!r.message.empty()) {
      e += ",\"Message\":";
      common::AppendJsonString(e, r.message);
    }
    e += "}";
    list += (list.empty() ? "" : ",") + e;
  }
  ErrorReply reply(DdbError::kTransactionCanceledException,
                   "Transaction cancelled, please refer cancellation reasons for specific reasons [" +
                       codes + "]");
  reply.extra_members = "\"CancellationReasons\":[" + list + "]";
  Fail(std::move(reply));
}

}  // namespace

// Applies a validated TransactWriteItems request; returns the body of its answer.
std::string ApplyTransactWrite(RequestContext& ctx, const JsonValue& list) {
  auto capacity = ReadReturnConsumedCapacity(ctx.input);
  std::vector<TransactOp> ops;
  std::set<std::tuple<int64_t, std::string, std::string>> seen;
  std::vector<std::pair<int64_t, storage::ItemKey>> keys;
  for (size_t i = 0; i < list.Size(); ++i) {
    ops.push_back(ReadWriteOp(ctx, list[rapidjson::SizeType(i)], i));
    const TransactOp& op = ops.back();
    if (!seen.insert({op.table.record.table_id, op.key.partition, op.key.sort}).second) {
      FailValidation("Transaction request cannot include multiple operations on one item");
    }
    keys.emplace_back(op.table.record.table_id, op.key);
  }
  if (ops.size() > 1) ctx.record.resource = "(transaction)";

  std::vector<Reason> reasons;
  bool canceled = false;
  std::vector<double> units;
  storage::Status st = ctx.store().Mutate(
      keys, [&](const std::vector<storage::ItemRead>& reads, std::vector<storage::ItemWrite>* writes) {
        reasons.assign(ops.size(), Reason{});
        units.assign(ops.size(), 0);
        canceled = false;
        std::vector<storage::ItemWrite> pending;
        for (size_t i = 0; i < ops.size(); ++i) {
          const TransactOp& op = ops[i];
          try {
            std::optional<Item> old;
            if (reads[i].current) old = DecodeStoredItem(*reads[i].current);
            uint64_t old_size = reads[i].current ? reads[i].current->size : 0;
            if (op.condition && !expr::Evaluate(*op.condition, old ? &*old : nullptr)) {
              reasons[i].code = "ConditionalCheckFailed";
              reasons[i].message = "The conditional request failed";
              if (op.return_old_on_failure) reasons[i].item = old;
              canceled = true;
              continue;
            }
            const int64_t table_id = op.table.record.table_id;
            switch (op.kind) {
              case Kind::kCheck:
                units[i] = WriteUnits(old_size);
                break;
              case Kind::kPut:
                pending.push_back(PutWrite(table_id, op.key, op.item, op.table.model));
                units[i] = WriteUnits(std::max(old_size, pending.back().item.size));
                break;
              case Kind::kDelete:
                if (old) pending.push_back(DeleteWrite(table_id, op.key));
                units[i] = WriteUnits(old_size);
                break;
              case Kind::kUpdate: {
                Item base = old ? *old : op.item;
                Item next = Take(expr::ApplyUpdate(*op.update, base)).item;
                ValidateItem(next, op.table.model, kUpdatedItemTooLarge);
                pending.push_back(PutWrite(table_id, op.key, next, op.table.model));
                units[i] = WriteUnits(std::max(old_size, pending.back().item.size));
                break;
              }
            }
          } catch (const ApiError& e) {
            reasons[i].code = std::string(e.reply().code() == "ValidationException"
                                              ? "ValidationError"
                                              : e.reply().code());
            reasons[i].message = std::string(e.reply().effective_message());
            canceled = true;
          }
        }
        if (canceled) return storage::Status(storage::Code::kPreconditionFailed, "canceled");
        *writes = std::move(pending);
        return storage::Status::Ok();
      });
  if (canceled) FailCanceled(reasons);
  CheckStorage(st);
  JsonOut out;
  if (capacity) {
    JsonValue cap(rapidjson::kArrayType);
    std::vector<std::pair<std::string, double>> per_table;
    for (size_t i = 0; i < ops.size(); ++i) {
      const std::string& n = ops[i].table.record.name;
      auto it = std::find_if(per_table.begin(), per_table.end(), [&](auto& p) { return p.first == n; });
      // Transactions cost two units per unit of work.
      if (it == per_table.end()) per_table.emplace_back(n, 2 * units[i]);
      else it->second += 2 * units[i];
    }
    for (const auto& [n, u] : per_table) {
      JsonValue c(rapidjson::kObjectType);
      out.Add(c, "TableName", out.Str(n));
      out.Add(c, "CapacityUnits", JsonValue(u));
      cap.PushBack(c, out.alloc());
    }
    out.Add(out.doc(), "ConsumedCapacity", std::move(cap));
  }
  return out.Render();
}

std::string TransactWriteItems(RequestContext& ctx) {
  const JsonValue& list = TransactItems(ctx.input);
  auto token = OptString(ctx.input, "ClientRequestToken");
  if (token && (token->empty() || token->size() > 36)) {
    FailValidation("1 validation error detected: Value '" + *token +
                   "' at 'clientRequestToken' failed to satisfy constraint: Member must have "
                   "length " + (token->empty() ? "greater than or equal to 1" : "less than or equal to 36"));
  }
  if (!token || !ctx.transact_tokens) return ApplyTransactWrite(ctx, list);

  // Tokens belong to the caller's account and region, like its tables.
  const std::string scope = ctx.account() + "/" + ctx.region();
  RequestTokens::Claim claim =
      ctx.transact_tokens->Begin(scope, *token, CanonicalJsonDigest(ctx.input), ctx.now_ms);
  switch (claim.state) {
    case RequestTokens::State::kReplay:
      return claim.response;
    case RequestTokens::State::kMismatch:
      Fail(DdbError::kIdempotentParameterMismatchException);
    case RequestTokens::State::kInProgress:
      Fail(DdbError::kTransactionInProgressException,
           "Transaction from previous request is still in progress");
    case RequestTokens::State::kNew:
      break;
  }
  std::string body;
  try {
    body = ApplyTransactWrite(ctx, list);
  } catch (...) {
    ctx.transact_tokens->Release(scope, *token);
    throw;
  }
  ctx.transact_tokens->Complete(scope, *token, body, common::NowMillis());
  return body;
}

std::string TransactGetItems(RequestContext& ctx) {
  const JsonValue& list = TransactItems(ctx.input);
  auto capacity = ReadReturnConsumedCapacity(ctx.input);
  struct GetOp {
    LoadedTable table;
    storage::ItemKey key;
    std::optional<expr::Projection> projection;
  };
  std::vector<GetOp> ops;
  std::vector<std::pair<int64_t, storage::ItemKey>> keys;
  for (size_t i = 0; i < list.Size(); ++i) {
    const JsonValue& element = list[rapidjson::SizeType(i)];
    if (!element.IsObject()) Fail(DdbError::kSerializationException, "Unexpected value type in payload");
    const JsonValue* op = OptObject(element, "Get");
    std::string path = "transactItems." + std::to_string(i + 1) + ".member";
    Violations v;
    v.NotNull(op != nullptr, path + ".get");
    v.ThrowIfAny();
    GetOp g;
    std::string table = RequiredTable(*op, path + ".get");
    ExpressionContext ec(*op);
    if (auto text = OptString(*op, "ProjectionExpression")) {
      g.projection = Take(expr::CompileProjection(*text, ec.placeholders(), ec.usage()));
    }
    ec.Finish(g.projection.has_value());
    g.table = LoadTableNamed(ctx, table, kNotFound);
    const JsonValue* key = OptObject(*op, "Key");
    Violations kv;
    kv.NotNull(key != nullptr, path + ".get.key");
    kv.ThrowIfAny();
    g.key = ValidateKey(ReadItem(*key), g.table.model);
    keys.emplace_back(g.table.record.table_id, g.key);
    ops.push_back(std::move(g));
  }
  // A write transaction without writes: every item is read from one snapshot.
  std::vector<std::optional<storage::StoredItem>> found;
  CheckStorage(ctx.store().Mutate(
      keys, [&](const std::vector<storage::ItemRead>& reads, std::vector<storage::ItemWrite>*) {
        found.clear();
        for (const auto& r : reads) found.push_back(r.current);
        return storage::Status::Ok();
      }));
  JsonOut out;
  JsonValue responses(rapidjson::kArrayType);
  std::vector<std::pair<std::string, double>> per_table;
  for (size_t i = 0; i < ops.size(); ++i) {
    JsonValue r(rapidjson::kObjectType);
    // Transactional reads cost two units per unit of work.
    double units = 2 * ReadUnits(found[i] ? found[i]->size : 0, true);
    const std::string& n = ops[i].table.record.name;
    auto it = std::find_if(per_table.begin(), per_table.end(), [&](auto& p) { return p.first == n; });
    if (it == per_table.end()) per_table.emplace_back(n, units);
    else it->second += units;
    if (found[i]) {
      Item item = DecodeStoredItem(*found[i]);
      if (ops[i].projection) item = expr::Project(*ops[i].projection, item);
      out.Add(r, "Item", ItemToJson(item, out.alloc()));
    }
    responses.PushBack(r, out.alloc());
  }
  out.Add(out.doc(), "Responses", std::move(responses));
  if (capacity) {
    JsonValue cap(rapidjson::kArrayType);
    for (const auto& [n, u] : per_table) {
      JsonValue c(rapidjson::kObjectType);
      out.Add(c, "TableName", out.Str(n));
      out.Add(c, "CapacityUnits", JsonValue(u));
      cap.PushBack(c, out.alloc());
    }
    out.Add(out.doc(), "ConsumedCapacity", std::move(cap));
  }
  return out.Render();
}

}  // namespace skiff::dynamodb

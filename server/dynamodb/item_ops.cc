// PutItem, GetItem, DeleteItem, UpdateItem. Every write goes through TableStore::Mutate, whose
// decision function sees the current item inside the write transaction, so a condition and the
// write it guards are atomic.
#include "server/dynamodb/attribute_json.h"
#include "server/dynamodb/expr/eval.h"
#include "server/dynamodb/expr/projection.h"
#include "server/dynamodb/expr/update.h"
#include "server/dynamodb/item_codec.h"
#include "server/dynamodb/item_request.h"

namespace skiff::dynamodb {
namespace {

constexpr char kItemNotFound[] = "Requested resource not found";

const JsonValue& RequiredObject(const JsonValue& input, std::string_view member,
                                std::string_view path) {
  const JsonValue* v = OptObject(input, member);
  Violations violations;
  violations.TableName(OptString(input, "TableName"));
  violations.NotNull(v != nullptr, path);
  violations.ThrowIfAny();
  return *v;
}

// The answer to a failed condition: ConditionalCheckFailedException, with the item when the
// request asked for ReturnValuesOnConditionCheckFailure=ALL_OLD and an item exists.
[[noreturn]] void FailCondition(const std::optional<Item>& old, bool return_old) {
  ErrorReply reply(DdbError::kConditionalCheckFailedException);
  if (return_old && old) {
    JsonOut out;
    reply.extra_members = "\"Item\":" + ToJson(ItemToJson(*old, out.alloc()));
  }
  Fail(std::move(reply));
}

void AddAttributes(JsonOut& out, const Item& item) {
  out.Add(out.doc(), "Attributes", ItemToJson(item, out.alloc()));
}

Item Subset(const Item& item, const std::set<std::string>& names) {
  Item out;
  for (const auto& n : names) {
    auto it = item.find(n);
    if (it != item.end()) out.emplace(n, it->second);
  }
  return out;
}

// What a write's decision function learned, for the response.
struct WriteOutcome {
  std::optional<Item> old;
  std::optional<Item> now;
  std::set<std::string> changed;
  bool condition_failed = false;
  uint64_t old_size = 0, new_size = 0;
};

void RunWrite(RequestContext& ctx, const LoadedTable& t, const storage::ItemKey& key,
              const std::function<void(const std::optional<Item>& old, WriteOutcome& outcome,
                                       std::vector<storage::ItemWrite>* writes)>& apply,
              const std::optional<expr::Condition>& condition, bool return_old_on_failure,
              WriteOutcome& outcome) {
  std::optional<ErrorReply> error;
  storage::Status st = ctx.store().Mutate(
      {{t.record.table_id, key}},
      [&](const std::vector<storage::ItemRead>& reads, std::vector<storage::ItemWrite>* writes) {
        // Errors found inside the transaction (a stored item an UpdateExpression cannot apply
        // to) must not unwind through storage: carry them out, rethrow after Mutate returns.
        try {
          outcome = WriteOutcome{};
          if (reads[0].current) {
            outcome.old = DecodeStoredItem(*reads[0].current);
            outcome.old_size = reads[0].current->size;
          }
          if (condition && !expr::Evaluate(*condition, outcome.old ? &*outcome.old : nullptr)) {
            outcome.condition_failed = true;
            return storage::Status(storage::Code::kPreconditionFailed, "condition failed");
          }
          apply(outcome.old, outcome, writes);
        } catch (const ApiError& e) {
          error = e.reply();
          return storage::Status(storage::Code::kInvalidArgument, "request error");
        }
        return storage::Status::Ok();
      });
  if (outcome.condition_failed) FailCondition(outcome.old, return_old_on_failure);
  if (error) Fail(*error);
  CheckStorage(st);
}

// PutItem and DeleteItem take the same conditional-write parameters, validated in DynamoDB's
// order after the item or key.
struct ConditionalWriteParams {
  std::optional<expr::Condition> condition;
  std::string return_values;
  bool return_old_on_failure = false;
  std::optional<std::string> capacity;
};

ConditionalWriteParams ReadConditionalWriteParams(const JsonValue& in) {
  ConditionalWriteParams p;
  ExpressionContext ec(in, {"Expected"});
  p.condition = OptCondition(in, "ConditionExpression", expr::ExpressionKind::kCondition, ec);
  ec.Finish(p.condition.has_value());
  p.return_values = ReadReturnValues(in, {"NONE", "ALL_OLD"});
  p.return_old_on_failure = ReturnOldOnConditionFailure(in);
  p.capacity = ReadReturnConsumedCapacity(in);
  return p;
}

}  // namespace

std::string PutItem(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  const JsonValue& item_json = RequiredObject(in, "Item", "item");
  Item item = ReadItem(item_json);
  auto [condition, rv, return_old, capacity] = ReadConditionalWriteParams(in);

  LoadedTable t = LoadTable(ctx, kItemNotFound);
  storage::ItemKey key = ValidateItem(item, t.model);
  WriteOutcome outcome;
  RunWrite(
      ctx, t, key,
      [&](const std::optional<Item>&, WriteOutcome& o, std::vector<storage::ItemWrite>* writes) {
        writes->push_back(PutWrite(t.record.table_id, key, item, t.model));
        o.new_size = writes->back().item.size;
      },
      condition, return_old, outcome);

  JsonOut out;
  if (rv == "ALL_OLD" && outcome.old) AddAttributes(out, *outcome.old);
  const IndexUnits index_units = WriteIndexUnits(t.model, outcome.old, item);
  AddConsumedCapacity(out, out.doc(), capacity, t.record.name,
                      WriteUnits(std::max(outcome.old_size, outcome.new_size)), &index_units);
  if (ReturnCollectionMetrics(in)) AddCollectionMetrics(out, t.model, item);
  return out.Render();
}

std::string GetItem(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  const JsonValue& key_json = RequiredObject(in, "Key", "key");
  CheckNotBoth(in, "AttributesToGet", "ProjectionExpression");
  Item key_item = ReadItem(key_json);
  auto consistent = OptBool(in, "ConsistentRead");
  auto attributes_to_get = OptStringList(in, "AttributesToGet");
  if (attributes_to_get && attributes_to_get->empty()) {
    FailValidation("1 validation error detected: Value '[]' at 'attributesToGet' failed to "
                   "satisfy constraint: Member must have length greater than or equal to 1");
  }
  ExpressionContext ec(in);
  std::optional<expr::Projection> projection;
  if (auto text = OptString(in, "ProjectionExpression")) {
    projection = Take(expr::CompileProjection(*text, ec.placeholders(), ec.usage()));
  }
  ec.Finish(projection.has_value());
  auto capacity = ReadReturnConsumedCapacity(in);

  LoadedTable t = LoadTable(ctx, kItemNotFound);
  storage::ItemKey key = ValidateKey(key_item, t.model);
  auto got = ctx.store().GetItem(t.record.table_id, key);
  CheckStorage(got.status());

  JsonOut out;
  uint64_t size = 0;
  if (got.value()) {
    size = got.value()->size;
    Item item = DecodeStoredItem(*got.value());
    if (projection) {
      item = expr::Project(*projection, item);
    } else if (attributes_to_get) {
      item = Subset(item, std::set<std::string>(attributes_to_get->begin(), attributes_to_get->end()));
    }
    out.Add(out.doc(), "Item", ItemToJson(item, out.alloc()));
  }
  AddConsumedCapacity(out, out.doc(), capacity, t.record.name,
                      ReadUnits(size, consistent.value_or(false)));
  return out.Render();
}

std::string DeleteItem(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  const JsonValue& key_json = RequiredObject(in, "Key", "key");
  Item key_item = ReadItem(key_json);
  auto [condition, rv, return_old, capacity] = ReadConditionalWriteParams(in);

  LoadedTable t = LoadTable(ctx, kItemNotFound);
  storage::ItemKey key = ValidateKey(key_item, t.model);
  WriteOutcome outcome;
  RunWrite(
      ctx, t, key,
      [&](const std::optional<Item>& old, WriteOutcome&, std::vector<storage::ItemWrite>* writes) {
        if (old) writes->push_back(DeleteWrite(t.record.table_id, key));
      },
      condition, return_old, outcome);

  JsonOut out;
  if (rv == "ALL_OLD" && outcome.old) AddAttributes(out, *outcome.old);
  const IndexUnits index_units = WriteIndexUnits(t.model, outcome.old, std::nullopt);
  AddConsumedCapacity(out, out.doc(), capacity, t.record.name, WriteUnits(outcome.old_size),
                      &index_units);
  if (ReturnCollectionMetrics(in)) AddCollectionMetrics(out, t.model, key_item);
  return out.Render();
}

std::string UpdateItem(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  const JsonValue& key_json = RequiredObject(in, "Key", "key");
  Item key_item = ReadItem(key_json);
  ExpressionContext ec(in, {"Expected", "AttributeUpdates"});
  std::optional<expr::UpdateExpression> update;
  if (auto text = ec.Text(in, "UpdateExpression")) {
    update = Take(expr::CompileUpdate(*text, ec.placeholders(), ec.usage()));
  }
  auto condition = OptCondition(in, "ConditionExpression", expr::ExpressionKind::kCondition, ec);
  ec.Finish(update.has_value() || condition.has_value());
  std::string rv = ReadReturnValues(in, {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"});
  bool return_old = ReturnOldOnConditionFailure(in);
  auto capacity = ReadReturnConsumedCapacity(in);

  LoadedTable t = LoadTable(ctx, kItemNotFound);
  storage::ItemKey key = ValidateKey(key_item, t.model);
  if (update) {
    for (const auto& action : update->actions) {
      const std::string& top = expr::ActionPath(action).elements.front().name;
      if (top == t.model.key.hash || (t.model.key.range && top == *t.model.key.range)) {
        FailValidation("One or more parameter values were invalid: Cannot update attribute " +
                       top + ". This attribute is part of the key");
      }
    }
  }
  WriteOutcome outcome;
  RunWrite(
      ctx, t, key,
      [&](const std::optional<Item>& old, WriteOutcome& o, std::vector<storage::ItemWrite>* writes) {
        Item base = old ? *old : key_item;
        Item next = base;
        if (update) {
          expr::UpdateOutcome applied = Take(expr::ApplyUpdate(*update, base));
          next = std::move(applied.item);
          o.changed = std::move(applied.changed);
        }
        ValidateItem(next, t.model, kUpdatedItemTooLarge);
        writes->push_back(PutWrite(t.record.table_id, key, next, t.model));
        o.new_size = writes->back().item.size;
        o.now = std::move(next);
      },
      condition, return_old, outcome);

  JsonOut out;
  if (rv == "ALL_OLD" && outcome.old) AddAttributes(out, *outcome.old);
  if (rv == "ALL_NEW" && outcome.now) AddAttributes(out, *outcome.now);
  if ((rv == "UPDATED_OLD" || rv == "UPDATED_NEW") && update) {
    // DynamoDB returns the updated document paths, not whole top-level attributes: SET a.b
    // returns {a: {b: ...}}.
    expr::Projection updated;
    for (const auto& action : update->actions) updated.paths.push_back(expr::ActionPath(action));
    const std::optional<Item>& source = rv == "UPDATED_OLD" ? outcome.old : outcome.now;
    if (source) {
      Item s = expr::Project(updated, *source);
      if (!s.empty()) AddAttributes(out, s);
    }
  }
  const IndexUnits index_units = WriteIndexUnits(t.model, outcome.old, outcome.now);
  AddConsumedCapacity(out, out.doc(), capacity, t.record.name,
                      WriteUnits(std::max(outcome.old_size, outcome.new_size)), &index_units);
  if (ReturnCollectionMetrics(in)) AddCollectionMetrics(out, t.model, key_item);
  return out.Render();
}

}  // namespace skiff::dynamodb

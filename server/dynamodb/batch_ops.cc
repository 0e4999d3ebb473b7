// BatchGetItem and BatchWriteItem. Skiff processes every request of a batch (UnprocessedKeys /
// UnprocessedItems stay empty: there is no throughput to run out of); a BatchWriteItem is
// applied in one storage transaction.
#include <set>

#include "server/dynamodb/attribute_json.h"
#include "server/dynamodb/expr/projection.h"
#include "server/dynamodb/item_codec.h"
#include "server/dynamodb/item_request.h"

namespace skiff::dynamodb {
namespace {

constexpr char kNotFound[] = "Requested resource not found";
constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWrites = 25;

const JsonValue& RequestItems(const JsonValue& in) {
  const JsonValue* items = OptObject(in, "RequestItems");
  Violations v;
  v.NotNull(items != nullptr, "requestItems");
  v.ThrowIfAny();
  if (items->ObjectEmpty()) {
    FailValidation("1 validation error detected: Value '{}' at 'requestItems' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  }
  for (auto it = items->MemberBegin(); it != items->MemberEnd(); ++it) {
    Violations names;
    names.Name(std::string(View(it->name)), "requestItems.key", true);  // the map key
    names.ThrowIfAny();
  }
  return *items;
}

const JsonValue& ObjectValue(const JsonValue& v) {
  if (!v.IsObject()) Fail(DdbError::kSerializationException, "Unexpected value type in payload");
  return v;
}

struct CapacityTally {
  std::vector<std::pair<std::string, double>> tables;
  void Add(const std::string& table, double units) {
    for (auto& [n, u] : tables) {
      if (n == table) {
        u += units;
        return;
      }
    }
    tables.emplace_back(table, units);
  }
  void Render(JsonOut& out, const std::optional<std::string>& mode) {
    if (!mode) return;
    JsonValue list(rapidjson::kArrayType);
    for (const auto& [n, u] : tables) {
      JsonValue c(rapidjson::kObjectType);
      out.Add(c, "TableName", out.Str(n));
      out.Add(c, "CapacityUnits", JsonValue(u));
      list.PushBack(c, out.alloc());
    }
    out.Add(out.doc(), "ConsumedCapacity", std::move(list));
  }
};

}  // namespace

std::string BatchGetItem(RequestContext& ctx) {
  const JsonValue& request_items = RequestItems(ctx.input);
  auto capacity = ReadReturnConsumedCapacity(ctx.input);
  struct TableGet {
    LoadedTable table;
    std::vector<storage::ItemKey> keys;
    std::optional<expr::Projection> projection;
    std::optional<std::vector<std::string>> attributes_to_get;
    bool consistent = false;
  };
  std::vector<TableGet> gets;
  size_t total = 0;
  for (auto it = request_items.MemberBegin(); it != request_items.MemberEnd(); ++it) {
    const JsonValue& spec = ObjectValue(it->value);
    const JsonValue* keys = OptList(spec, "Keys");
    Violations v;
    v.NotNull(keys != nullptr, "requestItems." + std::string(View(it->name)) + ".member.keys");
    v.ThrowIfAny();
    total += keys->Size();
    if (total > kMaxBatchGetKeys) FailValidation("Too many items requested for the BatchGetItem call");
    CheckNotBoth(spec, "AttributesToGet", "ProjectionExpression");
    TableGet g;
    ExpressionContext ec(spec);
    if (auto text = OptString(spec, "ProjectionExpression")) {
      g.projection = Take(expr::CompileProjection(*text, ec.placeholders(), ec.usage()));
    }
    ec.Finish(g.projection.has_value());
    g.attributes_to_get = OptStringList(spec, "AttributesToGet");
    g.consistent = OptBool(spec, "ConsistentRead").value_or(false);
    g.table = LoadTableNamed(ctx, std::string(View(it->name)), kNotFound);
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& k : keys->GetArray()) {
      storage::ItemKey key = ValidateKey(ReadItem(ObjectValue(k)), g.table.model);
      if (!seen.insert({key.partition, key.sort}).second) {
        FailValidation("Provided list of item keys contains duplicates");
      }
      g.keys.push_back(std::move(key));
    }
    gets.push_back(std::move(g));
  }
  if (gets.size() > 1) ctx.record.resource = "(batch)";

  JsonOut out;
  JsonValue responses(rapidjson::kObjectType);
  CapacityTally tally;
  for (const auto& g : gets) {
    JsonValue items(rapidjson::kArrayType);
    for (const auto& key : g.keys) {
      auto got = ctx.store().GetItem(g.table.record.table_id, key);
      CheckStorage(got.status());
      if (!got.value()) {
        tally.Add(g.table.record.name, ReadUnits(0, g.consistent));
        continue;
      }
      tally.Add(g.table.record.name, ReadUnits(got.value()->size, g.consistent));
      Item item = DecodeStoredItem(*got.value());
      if (g.projection) {
        item = expr::Project(*g.projection, item);
      } else if (g.attributes_to_get) {
        Item subset;
        for (const auto& n : *g.attributes_to_get) {
          auto f = item.find(n);
          if (f != item.end()) subset.emplace(n, f->second);
        }
        item = std::move(subset);
      }
      items.PushBack(ItemToJson(item, out.alloc()), out.alloc());
    }
    out.Add(responses, g.table.record.name, std::move(items));
  }
  out.Add(out.doc(), "Responses", std::move(responses));
  out.Add(out.doc(), "UnprocessedKeys", JsonValue(rapidjson::kObjectType));
  tally.Render(out, capacity);
  return out.Render();
}

std::string BatchWriteItem(RequestContext& ctx) {
  const JsonValue& request_items = RequestItems(ctx.input);
  auto capacity = ReadReturnConsumedCapacity(ctx.input);
  std::vector<std::pair<int64_t, storage::ItemKey>> keys;
  std::vector<storage::ItemWrite> writes;
  std::vector<std::string> write_tables;
  std::set<std::tuple<int64_t, std::string, std::string>> seen;
  for (auto it = request_items.MemberBegin(); it != request_items.MemberEnd(); ++it) {
    if (!it->value.IsArray()) {
      Fail(DdbError::kSerializationException, "Unrecognized collection type class java.lang.String");
    }
    const std::string table_name(View(it->name));
    if (it->value.Empty() || it->value.Size() > kMaxBatchWrites) {
      // DynamoDB prints the list with Java's toString; only the empty list is reproduced exactly.
      FailValidation("1 validation error detected: Value '{" + table_name +
                     (it->value.Empty() ? "=[]" : "=[...]") +
                     "}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                     "constraint: [Member must have length less than or equal to 25, Member must "
                     "have length greater than or equal to 1]");
    }
    LoadedTable t = LoadTableNamed(ctx, table_name, kNotFound);
    for (const auto& request : it->value.GetArray()) {
      const JsonValue& r = ObjectValue(request);
      const JsonValue* put = OptObject(r, "PutRequest");
      const JsonValue* del = OptObject(r, "DeleteRequest");
      if ((put != nullptr) == (del != nullptr)) {
        FailValidation("Supplied AttributeValue has more than one datatypes set, must contain "
                       "exactly one of the supported datatypes");
      }
      storage::ItemWrite w;
      if (put) {
        const JsonValue* item_json = OptObject(*put, "Item");
        Violations v;
        v.NotNull(item_json != nullptr, "requestItems." + t.record.name + ".member.putRequest.item");
        v.ThrowIfAny();
        Item item = ReadItem(*item_json);
        storage::ItemKey key = ValidateItem(item, t.model);
        w = PutWrite(t.record.table_id, key, item, t.model);
      } else {
        const JsonValue* key_json = OptObject(*del, "Key");
        Violations v;
        v.NotNull(key_json != nullptr, "requestItems." + t.record.name + ".member.deleteRequest.key");
        v.ThrowIfAny();
        storage::ItemKey key = ValidateKey(ReadItem(*key_json), t.model);
        w = DeleteWrite(t.record.table_id, key);
      }
      if (!seen.insert({t.record.table_id, w.key.partition, w.key.sort}).second) {
        FailValidation("Provided list of item keys contains duplicates");
      }
      keys.emplace_back(t.record.table_id, w.key);
      writes.push_back(std::move(w));
      write_tables.push_back(t.record.name);
    }
  }
  if (writes.size() > kMaxBatchWrites) {
    FailValidation("Too many items requested for the BatchWriteItem call");
  }
  CapacityTally tally;
  CheckStorage(ctx.store().Mutate(
      keys, [&](const std::vector<storage::ItemRead>& reads, std::vector<storage::ItemWrite>* out) {
        tally = CapacityTally{};
        for (size_t i = 0; i < writes.size(); ++i) {
          uint64_t old_size = reads[i].current ? reads[i].current->size : 0;
          // A delete of an absent item is not written (it would be a no-op).
          if (writes[i].del && !reads[i].current) {
            tally.Add(write_tables[i], WriteUnits(0));
            continue;
          }
          tally.Add(write_tables[i], WriteUnits(std::max(old_size, writes[i].item.size)));
          out->push_back(writes[i]);
        }
        return storage::Status::Ok();
      }));
  JsonOut out;
  out.Add(out.doc(), "UnprocessedItems", JsonValue(rapidjson::kObjectType));
  tally.Render(out, capacity);
  return out.Render();
}

}  // namespace skiff::dynamodb

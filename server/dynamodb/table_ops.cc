// CreateTable, DescribeTable, ListTables, DeleteTable and the table loading shared by all
// operations.
#include <algorithm>
#include <set>

#include "server/dynamodb/context.h"
#include "server/dynamodb/item_codec.h"
#include "server/dynamodb/table_spec.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// DynamoDB's semantic checks of one key schema (table or index), in DynamoDB's order.
void CheckKeySchema(const std::vector<std::string>& names, const std::vector<std::string>& types,
                    const std::vector<std::string>& defined) {
  auto is_defined = [&](const std::string& n) {
    return std::find(defined.begin(), defined.end(), n) != defined.end();
  };
  if (names.size() == 2) {
    if (!is_defined(names[0]) || !is_defined(names[1]) ||
        (names[0] == names[1] && defined.size() == 1)) {
      FailValidation("Invalid KeySchema: Some index key attribute have no definition");
    }
  } else if (!is_defined(names[0])) {
    FailValidation(std::string(kInvalid) +
                   "Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                   JoinNames(names) + "], AttributeDefinitions: [" + JoinNames(defined) + "]");
  }
  if (names.size() == 2 && names[0] == names[1]) {
    FailValidation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (types[0] != "HASH") {
    FailValidation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (types.size() == 2 && types[1] != "RANGE") {
    FailValidation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
}

std::vector<std::string> IndexKeyNames(const SecondaryIndex& i) {
  std::vector<std::string> names = {i.key.hash};
  if (i.key.range) names.push_back(*i.key.range);
  return names;
}

// Index key schemas read through ReadIndex lose the KeyType order; re-read it for the checks.
std::vector<std::string> IndexKeyTypes(const JsonValue& index_json) {
  std::vector<std::string> types;
  const JsonValue* ks = Member(index_json, "KeySchema");
  if (!ks || !ks->IsArray()) return types;
  for (const auto& e : ks->GetArray()) {
    auto t = OptString(e, "KeyType");
    types.push_back(t.value_or(""));
  }
  return types;
}

void CheckIndexes(const JsonValue* list_json, std::vector<SecondaryIndex>& indexes,
                  const TableModel& model, const std::vector<std::string>& defined, bool global,
                  std::set<std::string>& seen_names) {
  if (!list_json) return;
  const char* label = global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
  if (indexes.empty()) FailValidation(std::string(kInvalid) + "List of " + label + " is empty");
  if (!global && !model.key.range) {
    FailValidation(std::string(kInvalid) +
                   "Table KeySchema does not have a range key, which is required when "
                   "specifying a LocalSecondaryIndex");
  }
  for (size_t i = 0; i < indexes.size(); ++i) {
    SecondaryIndex& index = indexes[i];
    auto names = IndexKeyNames(index);
    auto types = IndexKeyTypes((*list_json)[rapidjson::SizeType(i)]);
    std::vector<std::string> undefined_check = names;
    auto is_defined = [&](const std::string& n) {
      return std::find(defined.begin(), defined.end(), n) != defined.end();
    };
    if (!std::all_of(names.begin(), names.end(), is_defined)) {
      FailValidation(std::string(kInvalid) +
                     "Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                     JoinNames(names) + "], AttributeDefinitions: [" + JoinNames(defined) + "]");
    }
    CheckKeySchema(names, types, defined);
    if (!global) {
      if (!index.key.range) {
        FailValidation(std::string(kInvalid) +
                       "Index KeySchema does not have a range key for index: " + index.name);
      }
      if (index.key.hash != model.key.hash) {
        FailValidation(std::string(kInvalid) +
                       "Index KeySchema does not have the same leading hash key as table "
                       "KeySchema for index: " + index.name + ". index hash key: " +
                       index.key.hash + ", table hash key: " + model.key.hash);
      }
    }
    if (index.projection.type == "INCLUDE" && index.projection.non_key.empty()) {
      FailValidation(std::string(kInvalid) +
                     "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
    }
    if (!seen_names.insert(index.name).second) {
      FailValidation(std::string(kInvalid) + "Duplicate index name: " + index.name);
    }
    if (global) {
      if (model.billing_mode == "PAY_PER_REQUEST" && index.throughput_given) {
        FailValidation(std::string(kInvalid) +
                       "ProvisionedThroughput should not be specified for index: " + index.name +
                       " when BillingMode is PAY_PER_REQUEST");
      }
      if (model.billing_mode == "PROVISIONED" && !index.throughput_given) {
        FailValidation(std::string(kInvalid) +
                       "ProvisionedThroughput is not specified for index: " + index.name);
      }
      CheckThroughputBounds(index.throughput);
    }
  }
  if (!global && indexes.size() > 5) {
    FailValidation(std::string(kInvalid) +
                   "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (global && indexes.size() > 20) {
    FailValidation(std::string(kInvalid) +
                   "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
}

std::vector<SecondaryIndex> ReadIndexList(const JsonValue* list, const char* path, bool global,
                                          Violations& v) {
  std::vector<SecondaryIndex> out;
  if (!list) return out;
  for (size_t i = 0; i < list->Size(); ++i) {
    auto index = ReadIndex((*list)[rapidjson::SizeType(i)],
                           std::string(path) + "." + std::to_string(i + 1) + ".member", global, v);
    if (index) out.push_back(std::move(*index));
  }
  return out;
}

std::vector<IndexStats> CountIndexes(RequestContext& ctx, const LoadedTable& t) {
  std::vector<IndexStats> out;
  auto count = [&](const SecondaryIndex& index) {
    IndexStats s;
    s.name = index.name;
    storage::RangeQuery q;
    q.table_id = t.record.table_id;
    q.index_name = index.name;
    CheckStorage(ctx.store().Range(q, [&](const storage::ItemKey&, const storage::StoredItem& item) {
      ++s.items;
      s.bytes += item.size;
      return true;
    }));
    out.push_back(std::move(s));
  };
  for (const auto& i : t.model.gsis) count(i);
  for (const auto& i : t.model.lsis) count(i);
  return out;
}

// A transitional status (CREATING, UPDATING, DELETING) ends at status_until_ms; readers settle
// it lazily: the table becomes ACTIVE, or disappears when it was DELETING.
void SettleStatus(RequestContext& ctx, storage::TableRecord& record, const std::string& name,
                  std::string_view not_found_message) {
  if (record.status_until_ms == 0 || ctx.now_ms < record.status_until_ms) return;
  if (record.status == "DELETING") {
    CheckStorage(ctx.store().DeleteTable(record.table_id));
    Fail(DdbError::kResourceNotFoundException,
         not_found_message.empty() ? "Requested resource not found: Table: " + name + " not found"
                                   : std::string(not_found_message));
  }
  record.status = "ACTIVE";
  record.status_until_ms = 0;
  CheckStorage(ctx.store().UpdateTable(record));
}

// Item operations need an ACTIVE (or UPDATING) table: DynamoDB answers them for a table that is
// still CREATING or already DELETING as if it did not exist.
bool IsItemOperation(std::string_view op) {
  static constexpr std::string_view kItemOps[] = {
      "PutItem", "GetItem", "DeleteItem", "UpdateItem", "Query", "Scan",
      "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems"};
  return std::find(std::begin(kItemOps), std::end(kItemOps), op) != std::end(kItemOps);
}

// "Table is being created" etc., for ResourceInUseException.
std::string InUseMessage(const storage::TableRecord& record) {
  std::string_view doing = record.status == "CREATING"   ? "created"
                           : record.status == "DELETING" ? "deleted"
                                                         : "updated";
  return "Attempt to change a resource which is still in use: Table is being " +
         std::string(doing) + ": " + record.name;
}

}  // namespace

void RequireStableTable(const storage::TableRecord& record) {
  if (record.status != "ACTIVE") Fail(DdbError::kResourceInUseException, InUseMessage(record));
}

int64_t TableTransitionMs(const RequestContext& ctx) {
  // --table-transition-ms: CREATING/UPDATING/DELETING last this long, so waiters can be tested.
  return ctx.deps.config != nullptr ? ctx.deps.config->table_transition_ms : 0;
}

void CheckStorage(const storage::Status& status) {
  if (!status.ok()) Fail(FromStorage(status));
}

LoadedTable LoadTableNamed(RequestContext& ctx, const std::string& name,
                           std::string_view not_found_message) {
  ctx.record.resource = name;
  auto got = ctx.store().GetTable(ctx.account(), ctx.region(), name);
  if (!got.ok()) {
    if (got.code() == storage::Code::kNotFound) {
      Fail(DdbError::kResourceNotFoundException,
           not_found_message.empty()
               ? "Requested resource not found: Table: " + name + " not found"
               : std::string(not_found_message));
    }
    Fail(FromStorage(got.status()));
  }
  LoadedTable t;
  t.record = std::move(got.value());
  SettleStatus(ctx, t.record, name, not_found_message);
  if ((t.record.status == "CREATING" || t.record.status == "DELETING") &&
      IsItemOperation(ctx.operation)) {
    Fail(DdbError::kResourceNotFoundException,
         not_found_message.empty() ? "Requested resource not found: Table: " + name + " not found"
                                   : std::string(not_found_message));
  }
  t.model = DecodeModel(t.record.document);
  return t;
}

LoadedTable LoadTable(RequestContext& ctx, std::string_view not_found_message) {
  Violations v;
  auto name = OptString(ctx.input, "TableName");
  v.TableName(name);
  v.ThrowIfAny();
  return LoadTableNamed(ctx, *name, not_found_message);
}

std::string DescribeJsonFor(RequestContext& ctx, const LoadedTable& t, const char* member,
                            std::string_view status) {
  auto stats = ctx.store().TableStats(t.record.table_id);
  CheckStorage(stats.status());
  auto index_stats = CountIndexes(ctx, t);
  JsonOut out;
  out.Add(out.doc(), member,
          DescribeTableJson(out, t.record, t.model, stats->first, stats->second, index_stats,
                            status));
  return out.Render();
}

std::string CreateTable(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  Violations v;
  auto name = OptString(in, "TableName");
  v.TableName(name);
  bool defs_present = false;
  auto defs = ReadAttributeDefinitions(in, v, &defs_present);
  v.NotNull(defs_present, "attributeDefinitions");
  std::vector<std::string> key_names, key_types;
  auto key = ReadKeySchema(in, "KeySchema", "keySchema", v, &key_names, &key_types);
  auto billing = OptString(in, "BillingMode");
  v.Enum(billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  auto throughput = ReadThroughput(in, "provisionedThroughput", v);
  auto table_class = OptString(in, "TableClass");
  const JsonValue* lsi_json = OptList(in, "LocalSecondaryIndexes");
  const JsonValue* gsi_json = OptList(in, "GlobalSecondaryIndexes");
  auto lsis = ReadIndexList(lsi_json, "localSecondaryIndexes", false, v);
  auto gsis = ReadIndexList(gsi_json, "globalSecondaryIndexes", true, v);
  const JsonValue* tags_json = OptList(in, "Tags");
  std::vector<std::pair<std::string, std::string>> tags;
  const JsonValue* stream = OptObject(in, "StreamSpecification");
  const JsonValue* sse = OptObject(in, "SSESpecification");
  auto protect = OptBool(in, "DeletionProtectionEnabled");
  v.ThrowIfAny();
  CheckTableClass(table_class);
  if (tags_json) tags = ReadTags(*tags_json, "tags", v);
  if (tags.size() > 50) FailValidation("Number of Tags exceed the current limit for the provided ResourceArn");

  TableModel m;
  m.billing_mode = billing.value_or("PROVISIONED");
  m.billing_mode_set = billing.has_value();
  m.billing_mode_updated_ms = m.billing_mode == "PAY_PER_REQUEST" ? ctx.now_ms : 0;
  if (m.billing_mode == "PAY_PER_REQUEST") {
    if (throughput) {
      FailValidation(std::string(kInvalid) +
                     "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                     "BillingMode is PAY_PER_REQUEST");
    }
  } else {
    if (!throughput) {
      FailValidation(std::string(kInvalid) +
                     "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                     "BillingMode is PROVISIONED");
    }
    CheckThroughputBounds(*throughput);
    m.throughput = *throughput;
  }
  std::vector<std::string> defined;
  for (const auto& d : defs) {
    if (std::find(defined.begin(), defined.end(), d.name) != defined.end()) {
      FailValidation("Attribute Name is duplicated: " + d.name);
    }
    defined.push_back(d.name);
  }
  CheckKeySchema(key_names, key_types, defined);
  m.key = *key;
  m.attributes = defs;
  if (!lsi_json && !gsi_json && key_names.size() != defs.size()) {
    FailValidation(std::string(kInvalid) +
                   "Number of attributes in KeySchema does not exactly match number of "
                   "attributes defined in AttributeDefinitions");
  }
  std::set<std::string> index_names;
  CheckIndexes(lsi_json, lsis, m, defined, false, index_names);
  CheckIndexes(gsi_json, gsis, m, defined, true, index_names);
  if (lsi_json || gsi_json) {
    std::set<std::string> used(key_names.begin(), key_names.end());
    for (const auto* list : {&lsis, &gsis}) {
      for (const auto& i : *list) {
        for (const auto& n : IndexKeyNames(i)) used.insert(n);
      }
    }
    if (used.size() != defined.size()) {
      FailValidation(std::string(kInvalid) +
                     "Some AttributeDefinitions are not used. AttributeDefinitions: [" +
                     JoinNames(defined) + "], keys used: [" +
                     JoinNames(std::vector<std::string>(used.begin(), used.end())) + "]");
    }
  }
  m.lsis = std::move(lsis);
  m.gsis = std::move(gsis);
  m.tags = std::move(tags);
  m.uuid = common::NewUuid();
  storage::TableRecord record;
  record.account_id = ctx.account();
  record.region = ctx.region();
  record.name = *name;
  if (stream) ApplyStreamSpecification(*stream, m, record.name, ctx.now_ms, false);
  if (sse) ApplySseSpecification(*sse, m, ctx.region(), ctx.account(), false);
  if (table_class) m.table_class = *table_class;
  m.deletion_protection = protect.value_or(false);

  record.document = EncodeModel(m);
  // With a transition time the table is CREATING until status_until_ms (see SettleStatus).
  const int64_t transition_ms = TableTransitionMs(ctx);
  record.status = transition_ms > 0 ? "CREATING" : "ACTIVE";
  record.created_ms = ctx.now_ms;
  record.status_until_ms = transition_ms > 0 ? ctx.now_ms + transition_ms : 0;
  ctx.record.resource = *name;
  // A table whose DELETING time is over no longer holds its name.
  if (auto old = ctx.store().GetTable(record.account_id, record.region, record.name);
      old.ok() && old->status == "DELETING" && old->status_until_ms != 0 &&
      ctx.now_ms >= old->status_until_ms) {
    CheckStorage(ctx.store().DeleteTable(old->table_id));
  }
  storage::Status st = ctx.store().CreateTable(&record);
  if (st.code() == storage::Code::kConflict) {
    Fail(DdbError::kResourceInUseException, "Table already exists: " + *name);
  }
  CheckStorage(st);
  JsonOut out;
  out.Add(out.doc(), "TableDescription",
          DescribeTableJson(out, record, m, 0, 0, {}, {}));
  return out.Render();
}

std::string DescribeTable(RequestContext& ctx) {
  LoadedTable t = LoadTable(ctx, {});
  return DescribeJsonFor(ctx, t, "Table", {});
}

std::string ListTables(RequestContext& ctx) {
  Violations v;
  auto start = OptString(ctx.input, "ExclusiveStartTableName");
  v.Name(start, "exclusiveStartTableName", false);
  auto limit = OptLong(ctx.input, "Limit");
  v.AtLeast(limit, "limit", 1);
  v.AtMost(limit, "limit", 100);
  v.ThrowIfAny();
  auto tables = ctx.store().ListTables(ctx.account(), ctx.region());
  CheckStorage(tables.status());
  const size_t max = static_cast<size_t>(limit.value_or(100));
  JsonOut out;
  JsonValue names(rapidjson::kArrayType);
  std::string last;
  size_t count = 0;
  bool more = false;
  for (const auto& t : tables.value()) {
    if (t.status == "DELETING" && t.status_until_ms != 0 && ctx.now_ms >= t.status_until_ms) {
      CheckStorage(ctx.store().DeleteTable(t.table_id));  // its deletion has completed
      continue;
    }
    if (start && t.name <= *start) continue;
    if (count == max) {
      more = true;
      break;
    }
    names.PushBack(out.Str(t.name), out.alloc());
    last = t.name;
    ++count;
  }
  out.Add(out.doc(), "TableNames", std::move(names));
  if (more) out.Add(out.doc(), "LastEvaluatedTableName", out.Str(last));
  return out.Render();
}

std::string DeleteTable(RequestContext& ctx) {
  LoadedTable t = LoadTable(ctx, {});
  if (t.model.deletion_protection) {
    FailValidation("Resource cannot be deleted as it is currently protected against deletion. "
                   "Disable deletion protection first.");
  }
  // DynamoDB refuses to delete a table that is being created or updated, and answers a repeated
  // delete of a DELETING table with its description again.
  if (t.record.status == "CREATING" || t.record.status == "UPDATING") RequireStableTable(t.record);
  std::string body = DescribeJsonFor(ctx, t, "TableDescription", "DELETING");
  if (t.record.status == "DELETING") return body;
  const int64_t transition_ms = TableTransitionMs(ctx);
  if (transition_ms > 0) {
    // The table stays DELETING (described, listed, refusing items) until SettleStatus drops it.
    t.record.status = "DELETING";
    t.record.status_until_ms = ctx.now_ms + transition_ms;
    CheckStorage(ctx.store().UpdateTable(t.record));
    return body;
  }
  CheckStorage(ctx.store().DeleteTable(t.record.table_id));
  return body;
}

}  // namespace skiff::dynamodb

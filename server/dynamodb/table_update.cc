// UpdateTable and the whole-table maintenance it needs (saving the model, re-indexing items).
#include <algorithm>
#include <set>

#include "server/dynamodb/context.h"
#include "server/dynamodb/item_codec.h"
#include "server/dynamodb/table_spec.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

void ApplyThroughputChange(Throughput& current, const Throughput& wanted, int64_t now_ms) {
  if (wanted.read > current.read || wanted.write > current.write) current.last_increase_ms = now_ms;
  if (wanted.read < current.read || wanted.write < current.write) {
    current.last_decrease_ms = now_ms;
    ++current.decreases_today;
  }
  current.read = wanted.read;
  current.write = wanted.write;
}

// "Cannot delete an index that is not a GlobalSecondaryIndex: lsi" for an LSI; a missing index
// is ResourceNotFoundException.
std::vector<SecondaryIndex>::iterator FindGsi(RequestContext& ctx, TableModel& m,
                                              const std::string& name, const char* verb) {
  auto it = std::find_if(m.gsis.begin(), m.gsis.end(),
                         [&](const SecondaryIndex& s) { return s.name == name; });
  if (it != m.gsis.end()) return it;
  if (m.FindIndex(name)) {
    FailValidation(std::string("Cannot ") + verb +
                   " an index that is not a GlobalSecondaryIndex: " + name);
  }
  Fail(DdbError::kResourceNotFoundException,
       "Requested resource not found: Index: " + name + " not found for table: " +
           ctx.record.resource);
}

void ApplyGsiUpdates(RequestContext& ctx, const JsonValue& list, TableModel& m,
                     const std::vector<AttributeDefinition>& new_defs, bool* reindex) {
  if (list.Empty()) {
    FailValidation(std::string(kInvalid) + "List of GlobalSecondaryIndexUpdates is empty");
  }
  std::set<std::string> touched;
  for (size_t i = 0; i < list.Size(); ++i) {
    const JsonValue& u = list[rapidjson::SizeType(i)];
    if (!u.IsObject()) Fail(DdbError::kSerializationException, "Unexpected value type in payload");
    std::string path = "globalSecondaryIndexUpdates." + std::to_string(i + 1) + ".member";
    const JsonValue* create = OptObject(u, "Create");
    const JsonValue* del = OptObject(u, "Delete");
    const JsonValue* upd = OptObject(u, "Update");
    const int actions = (create != nullptr) + (del != nullptr) + (upd != nullptr);
    if (actions == 0) {
      FailValidation(std::string(kInvalid) +
                     "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                     "GlobalSecondaryIndexUpdate.Delete must not be null");
    }
    if (actions > 1) {
      FailValidation(std::string(kInvalid) +
                     "Only one global secondary index action is allowed per "
                     "GlobalSecondaryIndexUpdate object");
    }
    Violations v;
    std::string index_name;
    if (create) {
      auto index = ReadIndex(*create, path + ".create", true, v);
      v.ThrowIfAny();
      index_name = index->name;
      if (!touched.insert(index_name).second) {
        FailValidation(std::string(kInvalid) + "Only one global secondary index update per index "
                       "is allowed simultaneously. Index: " + index_name);
      }
      if (m.FindIndex(index->name)) FailValidation("Attempting to create an index which already exists");
      std::vector<std::string> names = {index->key.hash};
      if (index->key.range) names.push_back(*index->key.range);
      for (const auto& n : names) {
        if (!m.AttributeType(n).empty()) continue;
        auto def = std::find_if(new_defs.begin(), new_defs.end(),
                                [&](const AttributeDefinition& d) { return d.name == n; });
        if (def == new_defs.end()) {
          FailValidation(std::string(kInvalid) +
                         "AttributeDefinitions is not specified for index: " + index->name);
        }
        m.attributes.push_back(*def);
      }
      if (m.billing_mode == "PROVISIONED" && !index->throughput_given) {
        FailValidation(std::string(kInvalid) +
                       "ProvisionedThroughput must be specified for index: " + index->name);
      }
      if (m.billing_mode == "PAY_PER_REQUEST" && index->throughput_given) {
        FailValidation(std::string(kInvalid) +
                       "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for "
                       "index: " + index->name + " when BillingMode is PAY_PER_REQUEST");
      }
      if (index->projection.type == "INCLUDE" && index->projection.non_key.empty()) {
        FailValidation(std::string(kInvalid) +
                       "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
      }
      m.gsis.push_back(std::move(*index));
      *reindex = true;
    } else if (del) {
      auto name = OptString(*del, "IndexName");
      v.Name(name, path + ".delete.indexName", true);
      v.ThrowIfAny();
      if (!touched.insert(*name).second) {
        FailValidation(std::string(kInvalid) + "Only one global secondary index update per index "
                       "is allowed simultaneously. Index: " + *name);
      }
      m.gsis.erase(FindGsi(ctx, m, *name, "delete"));
      *reindex = true;
    } else {
      auto name = OptString(*upd, "IndexName");
      v.Name(name, path + ".update.indexName", true);
      auto tp = ReadThroughput(*upd, path + ".update.provisionedThroughput", v);
      v.ThrowIfAny();
      if (!touched.insert(*name).second) {
        FailValidation(std::string(kInvalid) + "Only one global secondary index update per index "
                       "is allowed simultaneously. Index: " + *name);
      }
      auto it = FindGsi(ctx, m, *name, "update");
      if (m.billing_mode == "PAY_PER_REQUEST") {
        FailValidation(std::string(kInvalid) + "The only Updates for index: " + *name +
                       " when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, "
                       "WarmThroughput");
      }
      if (!tp) {
        FailValidation(std::string(kInvalid) +
                       "ProvisionedThroughput must be specified for index: " + *name);
      }
      if (tp->read == it->throughput.read && tp->write == it->throughput.write) {
        // Worded like the table's message (AWS's index variant is only partly recorded).
        FailValidation("The provisioned throughput for the index " + *name +
                       " will not change. The requested value equals the current value. Current "
                       "ReadCapacityUnits provisioned for the index: " +
                       std::to_string(it->throughput.read) + ". Requested ReadCapacityUnits: " +
                       std::to_string(tp->read) +
                       ". Current WriteCapacityUnits provisioned for the index: " +
                       std::to_string(it->throughput.write) + ". Requested WriteCapacityUnits: " +
                       std::to_string(tp->write) +
                       ". Refer to the Amazon DynamoDB Developer Guide for current limits and how "
                       "to request higher limits.");
      }
      ApplyThroughputChange(it->throughput, *tp, ctx.now_ms);
    }
  }
}

}  // namespace

void SaveModel(RequestContext& ctx, LoadedTable& t) {
  t.record.document = EncodeModel(t.model);
  CheckStorage(ctx.store().UpdateTable(t.record));
}

void RewriteAllItems(RequestContext& ctx, const LoadedTable& t) {
  std::vector<storage::ItemKey> keys;
  storage::RangeQuery q;
  q.table_id = t.record.table_id;
  CheckStorage(ctx.store().Range(q, [&](const storage::ItemKey&, const storage::StoredItem& item) {
    keys.push_back(item.key);
    return true;
  }));
  for (const auto& key : keys) {
    CheckStorage(ctx.store().Mutate(
        {{t.record.table_id, key}},
        [&](const std::vector<storage::ItemRead>& reads, std::vector<storage::ItemWrite>* writes) {
          if (!reads[0].current) return storage::Status::Ok();  // deleted meanwhile
          // Nothing may unwind through storage's transaction: carry failures out as a status.
          try {
            Item item = DecodeStoredItem(*reads[0].current);
            writes->push_back(PutWrite(t.record.table_id, key, item, t.model));
          } catch (const ApiError&) {
            return storage::Status(storage::Code::kInternal, "stored item unreadable");
          }
          return storage::Status::Ok();
        }));
  }
}

std::string UpdateTable(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  Violations v;
  auto name = OptString(in, "TableName");
  v.TableName(name);
  bool defs_present = false;
  auto defs = ReadAttributeDefinitions(in, v, &defs_present);
  auto billing = OptString(in, "BillingMode");
  v.Enum(billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  auto throughput = ReadThroughput(in, "provisionedThroughput", v);
  auto table_class = OptString(in, "TableClass");
  const JsonValue* gsi_updates = OptList(in, "GlobalSecondaryIndexUpdates");
  const JsonValue* stream = OptObject(in, "StreamSpecification");
  const JsonValue* sse = OptObject(in, "SSESpecification");
  auto protect = OptBool(in, "DeletionProtectionEnabled");
  v.ThrowIfAny();
  CheckTableClass(table_class);
  if (!billing && !throughput && !gsi_updates && !stream && !sse && !table_class && !protect) {
    FailValidation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                   "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, "
                   "MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
                   "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is "
                   "required");
  }
  // Some settings must change alone, checked in this order.
  const int changes = (billing || throughput) + (gsi_updates != nullptr) + (stream != nullptr) +
                      (sse != nullptr) + table_class.has_value() + protect.has_value();
  if (changes > 1) {
    if (sse) {
      FailValidation(std::string(kInvalid) +
                     "Server-Side Encryption modification must be the only operation in the request");
    }
    if (table_class) {
      FailValidation(std::string(kInvalid) +
                     "TableClass modification must be the only operation in the request");
    }
    if (protect) {
      FailValidation(std::string(kInvalid) +
                     "DeletionProtection modification must be the only operation in the request");
    }
  }
  LoadedTable t = LoadTableNamed(ctx, *name, {});
  // While a table is UPDATING (or CREATING, DELETING) it accepts no other UpdateTable.
  RequireStableTable(t.record);
  TableModel& m = t.model;
  const std::string mode = billing.value_or(m.billing_mode);
  if (mode == "PAY_PER_REQUEST" && throughput) {
    FailValidation(std::string(kInvalid) +
                   "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                   "BillingMode is PAY_PER_REQUEST");
  }
  if (billing && *billing == "PROVISIONED" && m.billing_mode == "PAY_PER_REQUEST" && !throughput) {
    FailValidation(std::string(kInvalid) +
                   "ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
  }
  if (throughput) {
    CheckThroughputBounds(*throughput);
    if (!billing && throughput->read == m.throughput.read &&
        throughput->write == m.throughput.write) {
      FailValidation(
          "The provisioned throughput for the table will not change. The requested value equals "
          "the current value. Current ReadCapacityUnits provisioned for the table: " +
          std::to_string(m.throughput.read) + ". Requested ReadCapacityUnits: " +
          std::to_string(throughput->read) +
          ". Current WriteCapacityUnits provisioned for the table: " +
          std::to_string(m.throughput.write) + ". Requested WriteCapacityUnits: " +
          std::to_string(throughput->write) +
          ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
          "higher limits.");
    }
  }
  if (billing && *billing != m.billing_mode) {
    m.billing_mode = *billing;
    m.billing_mode_updated_ms = ctx.now_ms;
    if (*billing == "PAY_PER_REQUEST") {
      m.throughput.read = m.throughput.write = 0;
      for (auto& g : m.gsis) g.throughput.read = g.throughput.write = 0;
    }
  }
  if (billing) m.billing_mode_set = true;
  if (throughput) ApplyThroughputChange(m.throughput, *throughput, ctx.now_ms);
  bool reindex = false;
  if (gsi_updates) ApplyGsiUpdates(ctx, *gsi_updates, m, defs, &reindex);
  if (stream) ApplyStreamSpecification(*stream, m, t.record.name, ctx.now_ms, true);
  if (sse) ApplySseSpecification(*sse, m, ctx.region(), ctx.account(), true);
  if (table_class) m.table_class = *table_class;
  if (protect) m.deletion_protection = *protect;
  if (const int64_t transition_ms = TableTransitionMs(ctx); transition_ms > 0) {
    t.record.status = "UPDATING";  // until SettleStatus makes it ACTIVE again
    t.record.status_until_ms = ctx.now_ms + transition_ms;
  }
  SaveModel(ctx, t);
  if (reindex) RewriteAllItems(ctx, t);
  return DescribeJsonFor(ctx, t, "TableDescription", {});
}

}  // namespace skiff::dynamodb

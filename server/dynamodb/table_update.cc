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

void ApplyGsiUpdates(RequestContext& ctx, const JsonValue& list, TableModel& m,
                     const std::vector<AttributeDefinition>& new_defs, bool* reindex) {
  for (size_t i = 0; i < list.Size(); ++i) {
    const JsonValue& u = list[rapidjson::SizeType(i)];
    if (!u.IsObject()) Fail(DdbError::kSerializationException, "Unexpected value type in payload");
    std::string path = "globalSecondaryIndexUpdates." + std::to_string(i + 1) + ".member";
    const JsonValue* create = OptObject(u, "Create");
    const JsonValue* del = OptObject(u, "Delete");
    const JsonValue* upd = OptObject(u, "Update");
    if ((create != nullptr) + (del != nullptr) + (upd != nullptr) != 1) {
      FailValidation(std::string(kInvalid) +
                     "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update "
                     "or GlobalSecondaryIndexUpdate.Delete must be specified");
    }
    Violations v;
    if (create) {
      auto index = ReadIndex(*create, path + ".create", true, v);
      v.ThrowIfAny();
      if (m.FindIndex(index->name)) {
        Fail(DdbError::kValidationException,
             std::string(kInvalid) + "Attempting to create an index which already exists");
      }
      for (const auto& d : new_defs) {
        if (m.AttributeType(d.name).empty()) m.attributes.push_back(d);
      }
      std::vector<std::string> names = {index->key.hash};
      if (index->key.range) names.push_back(*index->key.range);
      for (const auto& n : names) {
        if (m.AttributeType(n).empty()) {
          FailValidation(std::string(kInvalid) +
                         "Some index key attributes are not defined in AttributeDefinitions. "
                         "Keys: [" + index->key.hash + (index->key.range ? ", " + *index->key.range : "") +
                         "], AttributeDefinitions: []");
        }
      }
      if (m.billing_mode == "PROVISIONED" && !index->throughput_given) {
        FailValidation(std::string(kInvalid) +
                       "ProvisionedThroughput is not specified for index: " + index->name);
      }
      if (m.billing_mode == "PAY_PER_REQUEST" && index->throughput_given) {
        FailValidation(std::string(kInvalid) +
                       "ProvisionedThroughput should not be specified for index: " + index->name +
                       " when BillingMode is PAY_PER_REQUEST");
      }
      m.gsis.push_back(std::move(*index));
      *reindex = true;
    } else if (del) {
      auto name = OptString(*del, "IndexName");
      v.Name(name, path + ".delete.indexName", true);
      v.ThrowIfAny();
      auto it = std::find_if(m.gsis.begin(), m.gsis.end(),
                             [&](const SecondaryIndex& s) { return s.name == *name; });
      if (it == m.gsis.end()) {
        Fail(DdbError::kResourceNotFoundException, "Requested resource not found: Index: " + *name +
                                                       " not found for table: " + ctx.record.resource);
      }
      m.gsis.erase(it);
      *reindex = true;
    } else {
      auto name = OptString(*upd, "IndexName");
      v.Name(name, path + ".update.indexName", true);
      auto tp = ReadThroughput(*upd, path + ".update.provisionedThroughput", v);
      v.NotNull(tp.has_value(), path + ".update.provisionedThroughput");
      v.ThrowIfAny();
      auto it = std::find_if(m.gsis.begin(), m.gsis.end(),
                             [&](const SecondaryIndex& s) { return s.name == *name; });
      if (it == m.gsis.end()) {
        Fail(DdbError::kResourceNotFoundException, "Requested resource not found: Index: " + *name +
                                                       " not found for table: " + ctx.record.resource);
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
  v.Enum(table_class, "tableClass", {"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
  const JsonValue* gsi_updates = OptList(in, "GlobalSecondaryIndexUpdates");
  const JsonValue* stream = OptObject(in, "StreamSpecification");
  const JsonValue* sse = OptObject(in, "SSESpecification");
  auto protect = OptBool(in, "DeletionProtectionEnabled");
  v.ThrowIfAny();

  LoadedTable t = LoadTableNamed(ctx, *name, {});
  if (!billing && !throughput && !gsi_updates && !stream && !sse && !table_class && !protect) {
    FailValidation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                   "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
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
  if (stream) ApplyStreamSpecification(*stream, m, TableArn(t.record), ctx.now_ms, true);
  if (sse) ApplySseSpecification(*sse, m, ctx.region(), ctx.account());
  if (table_class) m.table_class = *table_class;
  if (protect) m.deletion_protection = *protect;
  SaveModel(ctx, t);
  if (reindex) RewriteAllItems(ctx, t);
  return DescribeJsonFor(ctx, t, "TableDescription", {});
}

}  // namespace skiff::dynamodb

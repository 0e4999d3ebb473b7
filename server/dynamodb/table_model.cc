#include "server/dynamodb/table_model.h"

#include <cmath>

namespace skiff::dynamodb {
namespace {

using rapidjson::kArrayType;
using rapidjson::kObjectType;

// --- the stored document (our format: field names are ours, never shown to clients) ---

JsonValue EncodeKey(JsonOut& out, const KeySchemaDef& k) {
  JsonValue v(kObjectType);
  out.Add(v, "hash", out.Str(k.hash));
  if (k.range) out.Add(v, "range", out.Str(*k.range));
  return v;
}

JsonValue EncodeThroughput(JsonOut& out, const Throughput& t) {
  JsonValue v(kObjectType);
  out.Add(v, "read", JsonValue(t.read));
  out.Add(v, "write", JsonValue(t.write));
  out.Add(v, "inc", JsonValue(t.last_increase_ms));
  out.Add(v, "dec", JsonValue(t.last_decrease_ms));
  out.Add(v, "decs", JsonValue(t.decreases_today));
  return v;
}

JsonValue EncodeIndexes(JsonOut& out, const std::vector<SecondaryIndex>& list) {
  JsonValue arr(kArrayType);
  for (const auto& i : list) {
    JsonValue v(kObjectType);
    out.Add(v, "name", out.Str(i.name));
    out.Add(v, "key", EncodeKey(out, i.key));
    out.Add(v, "ptype", out.Str(i.projection.type));
    JsonValue nk(kArrayType);
    for (const auto& n : i.projection.non_key) nk.PushBack(out.Str(n), out.alloc());
    out.Add(v, "nonkey", std::move(nk));
    out.Add(v, "tp", EncodeThroughput(out, i.throughput));
    arr.PushBack(v, out.alloc());
  }
  return arr;
}

[[noreturn]] void Corrupt() {
  Fail(DdbError::kInternalServerError);
}

const JsonValue& Need(const JsonValue& obj, const char* name) {
  if (!obj.IsObject()) Corrupt();
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) Corrupt();
  return it->value;
}
std::string Str(const JsonValue& obj, const char* name) {
  const JsonValue& v = Need(obj, name);
  if (!v.IsString()) Corrupt();
  return std::string(View(v));
}
int64_t Int(const JsonValue& obj, const char* name) {
  const JsonValue& v = Need(obj, name);
  if (!v.IsInt64()) Corrupt();
  return v.GetInt64();
}
bool Bool(const JsonValue& obj, const char* name) {
  const JsonValue& v = Need(obj, name);
  if (!v.IsBool()) Corrupt();
  return v.GetBool();
}

KeySchemaDef DecodeKey(const JsonValue& v) {
  KeySchemaDef k;
  k.hash = Str(v, "hash");
  if (v.HasMember("range")) k.range = Str(v, "range");
  return k;
}

Throughput DecodeThroughput(const JsonValue& v) {
  Throughput t;
  t.read = Int(v, "read");
  t.write = Int(v, "write");
  t.last_increase_ms = Int(v, "inc");
  t.last_decrease_ms = Int(v, "dec");
  t.decreases_today = Int(v, "decs");
  return t;
}

std::vector<SecondaryIndex> DecodeIndexes(const JsonValue& arr) {
  if (!arr.IsArray()) Corrupt();
  std::vector<SecondaryIndex> out;
  for (const auto& v : arr.GetArray()) {
    SecondaryIndex i;
    i.name = Str(v, "name");
    i.key = DecodeKey(Need(v, "key"));
    i.projection.type = Str(v, "ptype");
    const JsonValue& nk = Need(v, "nonkey");
    if (!nk.IsArray()) Corrupt();
    for (const auto& n : nk.GetArray()) {
      if (!n.IsString()) Corrupt();
      i.projection.non_key.emplace_back(View(n));
    }
    i.throughput = DecodeThroughput(Need(v, "tp"));
    out.push_back(std::move(i));
  }
  return out;
}

// --- the TableDescription shapes ---

JsonValue KeySchemaJson(JsonOut& out, const KeySchemaDef& k) {
  JsonValue arr(kArrayType);
  JsonValue h(kObjectType);
  out.Add(h, "AttributeName", out.Str(k.hash));
  out.Add(h, "KeyType", out.Str("HASH"));
  arr.PushBack(h, out.alloc());
  if (k.range) {
    JsonValue r(kObjectType);
    out.Add(r, "AttributeName", out.Str(*k.range));
    out.Add(r, "KeyType", out.Str("RANGE"));
    arr.PushBack(r, out.alloc());
  }
  return arr;
}

JsonValue ThroughputJson(JsonOut& out, const Throughput& t) {
  JsonValue v(kObjectType);
  if (t.last_increase_ms) out.Add(v, "LastIncreaseDateTime", EpochSeconds(t.last_increase_ms));
  if (t.last_decrease_ms) out.Add(v, "LastDecreaseDateTime", EpochSeconds(t.last_decrease_ms));
  out.Add(v, "NumberOfDecreasesToday", JsonValue(t.decreases_today));
  out.Add(v, "ReadCapacityUnits", JsonValue(t.read));
  out.Add(v, "WriteCapacityUnits", JsonValue(t.write));
  return v;
}

JsonValue ProjectionJson(JsonOut& out, const IndexProjection& p) {
  JsonValue v(kObjectType);
  if (!p.non_key.empty()) {
    JsonValue nk(kArrayType);
    for (const auto& n : p.non_key) nk.PushBack(out.Str(n), out.alloc());
    out.Add(v, "NonKeyAttributes", std::move(nk));
  }
  out.Add(v, "ProjectionType", out.Str(p.type));
  return v;
}

const IndexStats* FindStats(const std::vector<IndexStats>& stats, std::string_view name) {
  for (const auto& s : stats) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

JsonValue IndexJson(JsonOut& out, const std::string& table_arn, const SecondaryIndex& index,
                    const std::vector<IndexStats>& stats, bool global, std::string_view status) {
  JsonValue v(kObjectType);
  out.Add(v, "IndexName", out.Str(index.name));
  out.Add(v, "KeySchema", KeySchemaJson(out, index.key));
  out.Add(v, "Projection", ProjectionJson(out, index.projection));
  if (global) {
    out.Add(v, "IndexStatus", out.Str(status == "DELETING" ? "DELETING" : "ACTIVE"));
    out.Add(v, "ProvisionedThroughput", ThroughputJson(out, index.throughput));
  }
  const IndexStats* s = FindStats(stats, index.name);
  out.Add(v, "IndexSizeBytes", JsonValue(uint64_t(s ? s->bytes : 0)));
  out.Add(v, "ItemCount", JsonValue(uint64_t(s ? s->items : 0)));
  out.Add(v, "IndexArn", out.Str(table_arn + "/index/" + index.name));
  return v;
}

}  // namespace

std::string_view TableModel::AttributeType(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return a.type;
  }
  return {};
}

const SecondaryIndex* TableModel::FindIndex(std::string_view name) const {
  for (const auto& i : gsis) {
    if (i.name == name) return &i;
  }
  for (const auto& i : lsis) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

std::string EncodeModel(const TableModel& m) {
  JsonOut out;
  JsonValue& d = out.doc();
  out.Add(d, "v", JsonValue(1));
  out.Add(d, "uuid", out.Str(m.uuid));
  JsonValue attrs(kArrayType);
  for (const auto& a : m.attributes) {
    JsonValue v(kObjectType);
    out.Add(v, "name", out.Str(a.name));
    out.Add(v, "type", out.Str(a.type));
    attrs.PushBack(v, out.alloc());
  }
  out.Add(d, "attrs", std::move(attrs));
  out.Add(d, "key", EncodeKey(out, m.key));
  out.Add(d, "billing", out.Str(m.billing_mode));
  out.Add(d, "billing_set", JsonValue(m.billing_mode_set));
  out.Add(d, "billing_ms", JsonValue(m.billing_mode_updated_ms));
  out.Add(d, "tp", EncodeThroughput(out, m.throughput));
  out.Add(d, "gsis", EncodeIndexes(out, m.gsis));
  out.Add(d, "lsis", EncodeIndexes(out, m.lsis));
  JsonValue tags(kArrayType);
  for (const auto& [k, v] : m.tags) {
    JsonValue t(kArrayType);
    t.PushBack(out.Str(k), out.alloc());
    t.PushBack(out.Str(v), out.alloc());
    tags.PushBack(t, out.alloc());
  }
  out.Add(d, "tags", std::move(tags));
  out.Add(d, "stream", JsonValue(m.stream_enabled));
  out.Add(d, "stream_view", out.Str(m.stream_view_type));
  out.Add(d, "stream_label", out.Str(m.stream_label));
  out.Add(d, "sse", JsonValue(m.sse_enabled));
  out.Add(d, "sse_type", out.Str(m.sse_type));
  out.Add(d, "kms", out.Str(m.kms_key_arn));
  out.Add(d, "class", out.Str(m.table_class));
  out.Add(d, "protect", JsonValue(m.deletion_protection));
  out.Add(d, "ttl_status", out.Str(m.ttl_status));
  out.Add(d, "ttl_attr", out.Str(m.ttl_attribute));
  out.Add(d, "pitr", JsonValue(m.pitr_enabled));
  out.Add(d, "pitr_ms", JsonValue(m.pitr_enabled_ms));
  return out.Render();
}

TableModel DecodeModel(std::string_view document) {
  rapidjson::Document d;
  d.Parse(document.data(), document.size());
  if (d.HasParseError() || !d.IsObject()) Corrupt();
  TableModel m;
  m.uuid = Str(d, "uuid");
  const JsonValue& attrs = Need(d, "attrs");
  if (!attrs.IsArray()) Corrupt();
  for (const auto& a : attrs.GetArray()) m.attributes.push_back({Str(a, "name"), Str(a, "type")});
  m.key = DecodeKey(Need(d, "key"));
  m.billing_mode = Str(d, "billing");
  m.billing_mode_set = Bool(d, "billing_set");
  m.billing_mode_updated_ms = Int(d, "billing_ms");
  m.throughput = DecodeThroughput(Need(d, "tp"));
  m.gsis = DecodeIndexes(Need(d, "gsis"));
  m.lsis = DecodeIndexes(Need(d, "lsis"));
  const JsonValue& tags = Need(d, "tags");
  if (!tags.IsArray()) Corrupt();
  for (const auto& t : tags.GetArray()) {
    if (!t.IsArray() || t.Size() != 2 || !t[0].IsString() || !t[1].IsString()) Corrupt();
    m.tags.emplace_back(std::string(View(t[0])), std::string(View(t[1])));
  }
  m.stream_enabled = Bool(d, "stream");
  m.stream_view_type = Str(d, "stream_view");
  m.stream_label = Str(d, "stream_label");
  m.sse_enabled = Bool(d, "sse");
  m.sse_type = Str(d, "sse_type");
  m.kms_key_arn = Str(d, "kms");
  m.table_class = Str(d, "class");
  m.deletion_protection = Bool(d, "protect");
  m.ttl_status = Str(d, "ttl_status");
  m.ttl_attribute = Str(d, "ttl_attr");
  m.pitr_enabled = Bool(d, "pitr");
  m.pitr_enabled_ms = Int(d, "pitr_ms");
  return m;
}

std::string TableArn(const storage::TableRecord& table) {
  return "arn:aws:dynamodb:" + table.region + ":" + table.account_id + ":table/" + table.name;
}

JsonValue EpochSeconds(int64_t ms) {
  if (ms % 1000 == 0) return JsonValue(static_cast<int64_t>(ms / 1000));
  return JsonValue(static_cast<double>(ms) / 1000.0);
}

JsonValue DescribeTableJson(JsonOut& out, const storage::TableRecord& table,
                            const TableModel& m, uint64_t item_count, uint64_t size_bytes,
                            const std::vector<IndexStats>& index_stats, std::string_view status) {
  const std::string arn = TableArn(table);
  JsonValue v(kObjectType);
  JsonValue attrs(kArrayType);
  for (const auto& a : m.attributes) {
    JsonValue e(kObjectType);
    out.Add(e, "AttributeName", out.Str(a.name));
    out.Add(e, "AttributeType", out.Str(a.type));
    attrs.PushBack(e, out.alloc());
  }
  out.Add(v, "AttributeDefinitions", std::move(attrs));
  out.Add(v, "TableName", out.Str(table.name));
  out.Add(v, "KeySchema", KeySchemaJson(out, m.key));
  out.Add(v, "TableStatus", out.Str(status.empty() ? std::string_view(table.status) : status));
  out.Add(v, "CreationDateTime", EpochSeconds(table.created_ms));
  out.Add(v, "ProvisionedThroughput", ThroughputJson(out, m.throughput));
  out.Add(v, "TableSizeBytes", JsonValue(size_bytes));
  out.Add(v, "ItemCount", JsonValue(item_count));
  out.Add(v, "TableArn", out.Str(arn));
  out.Add(v, "TableId", out.Str(m.uuid));
  if (m.billing_mode_set) {
    JsonValue b(kObjectType);
    out.Add(b, "BillingMode", out.Str(m.billing_mode));
    // The summary has one timestamp, the last switch to (or from) on-demand; a table created
    // PROVISIONED has none.
    if (m.billing_mode_updated_ms != 0) {
      out.Add(b, "LastUpdateToPayPerRequestDateTime", EpochSeconds(m.billing_mode_updated_ms));
    }
    out.Add(v, "BillingModeSummary", std::move(b));
  }
  if (!m.lsis.empty()) {
    JsonValue arr(kArrayType);
    for (const auto& i : m.lsis) {
      arr.PushBack(IndexJson(out, arn, i, index_stats, false, status), out.alloc());
    }
    out.Add(v, "LocalSecondaryIndexes", std::move(arr));
  }
  if (!m.gsis.empty()) {
    JsonValue arr(kArrayType);
    for (const auto& i : m.gsis) {
      arr.PushBack(IndexJson(out, arn, i, index_stats, true, status), out.alloc());
    }
    out.Add(v, "GlobalSecondaryIndexes", std::move(arr));
  }
  if (m.stream_enabled) {
    JsonValue s(kObjectType);
    out.Add(s, "StreamEnabled", JsonValue(true));
    out.Add(s, "StreamViewType", out.Str(m.stream_view_type));
    out.Add(v, "StreamSpecification", std::move(s));
  }
  if (!m.stream_label.empty()) {
    out.Add(v, "LatestStreamLabel", out.Str(m.stream_label));
    out.Add(v, "LatestStreamArn", out.Str(arn + "/stream/" + m.stream_label));
  }
  if (m.sse_enabled) {
    JsonValue s(kObjectType);
    out.Add(s, "Status", out.Str("ENABLED"));
    out.Add(s, "SSEType", out.Str(m.sse_type));
    out.Add(s, "KMSMasterKeyArn", out.Str(m.kms_key_arn));
    out.Add(v, "SSEDescription", std::move(s));
  }
  if (!m.table_class.empty()) {
    JsonValue c(kObjectType);
    out.Add(c, "TableClass", out.Str(m.table_class));
    out.Add(v, "TableClassSummary", std::move(c));
  }
  out.Add(v, "DeletionProtectionEnabled", JsonValue(m.deletion_protection));
  return v;
}

}  // namespace skiff::dynamodb

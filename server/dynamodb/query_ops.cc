// Query and Scan: one read loop over storage::TableStore::Range with DynamoDB's paging (Limit
// counts evaluated items, 1 MB of data per page), filters, projections and index projections.
#include "server/dynamodb/attribute_json.h"
#include "server/dynamodb/expr/eval.h"
#include "server/dynamodb/expr/key_condition.h"
#include "server/dynamodb/expr/projection.h"
#include "server/dynamodb/item_codec.h"
#include "server/dynamodb/item_request.h"
#include "server/dynamodb/key_codec.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";
constexpr uint64_t kMaxPageBytes = 1024 * 1024;

struct ReadSpec {
  LoadedTable table;
  const SecondaryIndex* index = nullptr;
  bool global = false;
  storage::RangeQuery query;
  std::optional<expr::RangeKeyCondition> range;
  std::string range_attribute;
  std::optional<expr::Condition> filter;
  std::optional<expr::Projection> projection;
  std::optional<std::vector<std::string>> attributes_to_get;
  std::string select;
  std::optional<int64_t> limit;
  bool consistent = false;
  std::optional<std::string> capacity;
};

// Names of the attributes that make up a position: the table key plus the index key.
std::vector<std::string> PositionAttributes(const ReadSpec& s) {
  const TableModel& m = s.table.model;
  std::vector<std::string> names = {m.key.hash};
  if (m.key.range) names.push_back(*m.key.range);
  auto add = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  if (s.index) {
    add(s.index->key.hash);
    if (s.index->key.range) add(*s.index->key.range);
  }
  return names;
}

Item IndexProjection(const ReadSpec& s, const Item& item) {
  if (!s.index || s.index->projection.type == "ALL") return item;
  if (!s.global && s.select == "ALL_ATTRIBUTES") return item;  // LSIs fetch from the table
  Item out;
  auto keep = [&](const std::string& n) {
    auto it = item.find(n);
    if (it != item.end()) out.emplace(n, it->second);
  };
  for (const auto& n : PositionAttributes(s)) keep(n);
  for (const auto& n : s.index->projection.non_key) keep(n);
  return out;
}

void ReadSelectAndProjection(const JsonValue& in, ReadSpec& s, ExpressionContext& ec) {
  Violations v;
  auto select = OptString(in, "Select");
  v.Enum(select, "select", {"ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"});
  s.limit = OptLong(in, "Limit");
  v.AtLeast(s.limit, "limit", 1);
  v.ThrowIfAny();
  CheckNotBoth(in, "AttributesToGet", "ProjectionExpression");
  if (auto text = OptString(in, "ProjectionExpression")) {
    s.projection = Take(expr::CompileProjection(*text, ec.placeholders(), ec.usage()));
  }
  s.attributes_to_get = OptStringList(in, "AttributesToGet");
  bool specific = s.projection || s.attributes_to_get;
  if (select && specific && *select != "SPECIFIC_ATTRIBUTES") {
    FailValidation(std::string(kInvalid) + "Cannot specify the AttributesToGet when choosing to get " +
                   *select);
  }
  if (select && *select == "SPECIFIC_ATTRIBUTES" && !specific) {
    FailValidation(std::string(kInvalid) +
                   "Select type SPECIFIC_ATTRIBUTES requires AttributesToGet or ProjectionExpression");
  }
  s.select = select.value_or(specific ? "SPECIFIC_ATTRIBUTES" : "");
  auto consistent = OptBool(in, "ConsistentRead");
  s.consistent = consistent.value_or(false);
  s.capacity = ReadReturnConsumedCapacity(in);
}

// IndexName (validated), consistency and Select rules that need the table.
void ResolveIndex(const JsonValue& in, ReadSpec& s) {
  auto index_name = OptString(in, "IndexName");
  if (index_name) {
    Violations v;
    v.Name(index_name, "indexName", false);
    v.ThrowIfAny();
    s.index = s.table.model.FindIndex(*index_name);
    if (!s.index) FailValidation("The table does not have the specified index: " + *index_name);
    for (const auto& g : s.table.model.gsis) {
      if (g.name == *index_name) s.global = true;
    }
    s.query.index_name = *index_name;
  }
  if (s.global && s.consistent) {
    FailValidation("Consistent reads are not supported on global secondary indexes");
  }
  if (s.select.empty()) s.select = s.index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
  if (s.select == "ALL_PROJECTED_ATTRIBUTES" && !s.index) {
    FailValidation(std::string(kInvalid) +
                   "Select type ALL_PROJECTED_ATTRIBUTES is not supported for a query/scan on the base table");
  }
  if (s.select == "ALL_ATTRIBUTES" && s.global && s.index->projection.type != "ALL") {
    FailValidation(std::string(kInvalid) + "Select type ALL_ATTRIBUTES is not supported for global "
                   "secondary index " + s.index->name + " because its projection type is not ALL");
  }
}

void ReadExclusiveStartKey(const JsonValue& in, ReadSpec& s,
                           const std::optional<AttributeValue>& query_hash) {
  const JsonValue* esk_json = OptObject(in, "ExclusiveStartKey");
  if (!esk_json) return;
  Item esk = ReadItem(*esk_json);
  const TableModel& m = s.table.model;
  auto names = PositionAttributes(s);
  bool ok = esk.size() == names.size();
  for (const auto& n : names) {
    auto it = esk.find(n);
    ok = ok && it != esk.end() && TypeName(it->second.type()) == m.AttributeType(n);
  }
  if (!ok) {
    FailValidation("The provided starting key is invalid: The provided key element does not match "
                   "the schema");
  }
  const std::string& hash_name = s.index ? s.index->key.hash : m.key.hash;
  if (query_hash && !(esk.at(hash_name) == *query_hash)) {
    FailValidation("The provided starting key is outside query boundaries based on provided conditions");
  }
  storage::ItemKey table_key{EncodeKey(esk.at(m.key.hash)),
                             m.key.range ? EncodeKey(esk.at(*m.key.range)) : std::string()};
  if (s.index) {
    storage::ItemKey index_key{EncodeKey(esk.at(s.index->key.hash)),
                               s.index->key.range ? EncodeKey(esk.at(*s.index->key.range)) : ""};
    s.query.start_after = index_key;
    s.query.start_after_table_key = table_key;
  } else {
    s.query.start_after = table_key;
  }
}

// The page being built by a Query or Scan.
struct Page {
  JsonOut out;
  JsonValue items{rapidjson::kArrayType};
  int64_t count = 0;
  int64_t scanned = 0;
  uint64_t bytes = 0;
  std::optional<Item> last;
  bool stopped = false;
};

// One item of a Query/Scan: range check, counting, filter, projection, paging. Returns false to
// end the page.
bool Visit(const ReadSpec& s, const storage::StoredItem& stored, Page& page) {
  Item item = DecodeStoredItem(stored);
  if (s.range) {
    auto it = item.find(s.range_attribute);
    // begins_with is bounded below only; items past the prefix are not part of the range and do
    // not count as scanned.
    if (it == item.end() || !expr::MatchesRange(*s.range, it->second)) return true;
  }
  ++page.scanned;
  page.bytes += stored.size;
  // A global index holds only its projection: filters and projections see that, not the item.
  Item visible = s.global ? IndexProjection(s, item) : item;
  if (!s.filter || expr::Evaluate(*s.filter, &visible)) {
    ++page.count;
    if (s.select != "COUNT") {
      Item shown = s.global ? visible : IndexProjection(s, item);
      if (s.projection) {
        shown = expr::Project(*s.projection, shown);
      } else if (s.attributes_to_get) {
        Item subset;
        for (const auto& n : *s.attributes_to_get) {
          auto it = shown.find(n);
          if (it != shown.end()) subset.emplace(n, it->second);
        }
        shown = std::move(subset);
      }
      page.items.PushBack(ItemToJson(shown, page.out.alloc()), page.out.alloc());
    }
  }
  page.last = std::move(item);
  if ((s.limit && page.scanned >= *s.limit) || page.bytes >= kMaxPageBytes) {
    page.stopped = true;
    return false;
  }
  return true;
}

std::string RunRead(RequestContext& ctx, ReadSpec& s) {
  Page page;
  std::optional<ErrorReply> error;
  storage::Status st = ctx.store().Range(
      s.query, [&](const storage::ItemKey&, const storage::StoredItem& stored) {
        // Nothing may unwind through storage's snapshot: carry failures out.
        try {
          return Visit(s, stored, page);
        } catch (const ApiError& e) {
          error = e.reply();
          return false;
        }
      });
  if (error) Fail(*error);
  CheckStorage(st);
  JsonOut& out = page.out;
  JsonValue& doc = out.doc();
  if (s.select != "COUNT") out.Add(doc, "Items", std::move(page.items));
  out.Add(doc, "Count", JsonValue(page.count));
  out.Add(doc, "ScannedCount", JsonValue(page.scanned));
  if (page.stopped && page.last) {
    Item key;
    for (const auto& n : PositionAttributes(s)) {
      auto it = page.last->find(n);
      if (it != page.last->end()) key.emplace(n, it->second);
    }
    out.Add(doc, "LastEvaluatedKey", ItemToJson(key, out.alloc()));
  }
  AddConsumedCapacity(out, doc, s.capacity, s.table.record.name, ReadUnits(page.bytes, s.consistent));
  return out.Render();
}

// The first top-level attribute a condition reads, among `names`; "" if none.
std::string FirstNameUsed(const expr::Operand& op, const std::vector<std::string>& names);
std::string FirstNameUsed(const expr::Condition& c, const std::vector<std::string>& names) {
  auto first = [&](std::initializer_list<const expr::Operand*> ops) -> std::string {
    for (const auto* o : ops) {
      std::string n = FirstNameUsed(*o, names);
      if (!n.empty()) return n;
    }
    return "";
  };
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, expr::Comparison>) {
          return first({&v.left, &v.right});
        } else if constexpr (std::is_same_v<T, expr::Between>) {
          return first({&v.value, &v.low, &v.high});
        } else if constexpr (std::is_same_v<T, expr::In>) {
          std::string n = FirstNameUsed(v.value, names);
          for (const auto& o : v.list) {
            if (n.empty()) n = FirstNameUsed(o, names);
          }
          return n;
        } else if constexpr (std::is_same_v<T, expr::FunctionCall>) {
          for (const auto& a : v.args) {
            std::string n = FirstNameUsed(a, names);
            if (!n.empty()) return n;
          }
          return "";
        } else if constexpr (std::is_same_v<T, expr::Not>) {
          return FirstNameUsed(*v.inner, names);
        } else {
          std::string n = FirstNameUsed(*v.left, names);
          return n.empty() ? FirstNameUsed(*v.right, names) : n;
        }
      },
      c.v);
}
std::string FirstNameUsed(const expr::Operand& op, const std::vector<std::string>& names) {
  if (const auto* path = std::get_if<expr::Path>(&op.v)) {
    const std::string& top = path->elements.front().name;
    return std::find(names.begin(), names.end(), top) != names.end() ? top : "";
  }
  if (const auto* call = std::get_if<expr::FunctionCall>(&op.v)) {
    for (const auto& a : call->args) {
      std::string n = FirstNameUsed(a, names);
      if (!n.empty()) return n;
    }
  }
  return "";
}

// The encoded bounds of a sort-key condition.
void ApplyRange(const expr::RangeKeyCondition& c, storage::RangeQuery& q) {
  using Op = expr::RangeKeyCondition::Op;
  std::string v = EncodeKey(c.value);
  switch (c.op) {
    case Op::kEq: q.sort_low = q.sort_high = v; break;
    case Op::kLt: q.sort_high = v; q.high_inclusive = false; break;
    case Op::kLe: q.sort_high = v; break;
    case Op::kGt: q.sort_low = v; q.low_inclusive = false; break;
    case Op::kGe: q.sort_low = v; break;
    case Op::kBetween: q.sort_low = v; q.sort_high = EncodeKey(*c.upper); break;
    case Op::kBeginsWith: q.sort_low = v; break;
  }
}

}  // namespace

std::string Query(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  ReadSpec s;
  ExpressionContext ec(in, {"KeyConditions", "QueryFilter"});
  auto key_text = ec.Text(in, "KeyConditionExpression");
  std::optional<expr::Condition> key_condition;
  if (key_text) {
    key_condition = Take(expr::CompileCondition(*key_text, expr::ExpressionKind::kKeyCondition,
                                                ec.placeholders(), ec.usage()));
  }
  s.filter = OptCondition(in, "FilterExpression", expr::ExpressionKind::kFilter, ec);
  ReadSelectAndProjection(in, s, ec);
  auto forward = OptBool(in, "ScanIndexForward");
  ec.Finish(key_condition || s.filter || s.projection);
  if (!key_condition) {
    FailValidation("Either the KeyConditions or KeyConditionExpression parameter must be specified "
                   "in the request.");
  }
  s.table = LoadTable(ctx, "Requested resource not found");
  s.query.table_id = s.table.record.table_id;
  ResolveIndex(in, s);
  const KeySchemaDef& schema = s.index ? s.index->key : s.table.model.key;
  expr::KeySchemaNames names{schema.hash, schema.range};
  expr::KeyCondition kc = Take(expr::ToKeyCondition(*key_condition, names));
  auto type_of = [&](const std::string& n) { return s.table.model.AttributeType(n); };
  if (TypeName(kc.hash_value.type()) != type_of(schema.hash)) {
    FailValidation(std::string(kInvalid) + "Condition parameter type does not match schema type");
  }
  if (s.filter) {
    std::vector<std::string> key_names = {schema.hash};
    if (schema.range) key_names.push_back(*schema.range);
    std::string used = FirstNameUsed(*s.filter, key_names);
    if (!used.empty()) {
      FailValidation("Filter Expression can only contain non-primary key attributes: Primary key "
                     "attribute: " + used);
    }
  }
  s.query.partition = EncodeKey(kc.hash_value);
  if (kc.range) {
    if (TypeName(kc.range->value.type()) != type_of(*schema.range) ||
        (kc.range->upper && TypeName(kc.range->upper->type()) != type_of(*schema.range))) {
      FailValidation(std::string(kInvalid) + "Condition parameter type does not match schema type");
    }
    ApplyRange(*kc.range, s.query);
    s.range = kc.range;
    s.range_attribute = *schema.range;
  }
  s.query.forward = forward.value_or(true);
  ReadExclusiveStartKey(in, s, kc.hash_value);
  return RunRead(ctx, s);
}

std::string Scan(RequestContext& ctx) {
  const JsonValue& in = ctx.input;
  ReadSpec s;
  ExpressionContext ec(in, {"ScanFilter"});
  s.filter = OptCondition(in, "FilterExpression", expr::ExpressionKind::kFilter, ec);
  ReadSelectAndProjection(in, s, ec);
  ec.Finish(s.filter || s.projection);
  auto segment = OptLong(in, "Segment");
  auto total = OptLong(in, "TotalSegments");
  Violations v;
  v.AtLeast(segment, "segment", 0);
  v.AtMost(segment, "segment", 999999);
  v.AtLeast(total, "totalSegments", 1);
  v.AtMost(total, "totalSegments", 1000000);
  v.ThrowIfAny();
  if (total && !segment) {
    FailValidation("The Segment parameter is required but was not present in the request when "
                   "parameter TotalSegments is present");
  }
  if (segment && !total) {
    FailValidation("The TotalSegments parameter is required but was not present in the request "
                   "when Segment parameter is present");
  }
  if (segment && *segment >= *total) {
    FailValidation("The Segment parameter is zero-based and must be less than parameter "
                   "TotalSegments: Segment: " + std::to_string(*segment) +
                   " is not less than TotalSegments: " + std::to_string(*total));
  }
  s.table = LoadTable(ctx, "Requested resource not found");
  s.query.table_id = s.table.record.table_id;
  ResolveIndex(in, s);
  if (total) {
    s.query.segment = static_cast<int>(*segment);
    s.query.total_segments = static_cast<int>(*total);
  }
  ReadExclusiveStartKey(in, s, std::nullopt);
  return RunRead(ctx, s);
}

}  // namespace skiff::dynamodb

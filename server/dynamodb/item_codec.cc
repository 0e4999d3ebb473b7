#include "server/dynamodb/item_codec.h"

#include <cstdlib>

#include "server/dynamodb/attribute_json.h"
#include "server/dynamodb/key_codec.h"

namespace skiff::dynamodb {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";
constexpr char kNotValid[] = "One or more parameter values are not valid. ";
constexpr size_t kMaxHashKeyBytes = 2048;
constexpr size_t kMaxRangeKeyBytes = 1024;

bool TypeMatches(const AttributeValue& v, std::string_view type) {
  return TypeName(v.type()) == type;
}

size_t KeyBytes(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeValue::Type::kS: return v.s().size();
    case AttributeValue::Type::kB: return v.b().size();
    default: return v.Size();
  }
}

bool IsEmptyKeyValue(const AttributeValue& v) {
  return (v.type() == AttributeValue::Type::kS && v.s().empty()) ||
         (v.type() == AttributeValue::Type::kB && v.b().empty());
}

void CheckKeyValue(const AttributeValue& v, const std::string& name, bool hash) {
  if (IsEmptyKeyValue(v)) {
    FailValidation(std::string(kNotValid) + "The AttributeValue for a key attribute cannot contain an " +
                   (v.type() == AttributeValue::Type::kS ? "empty string" : "empty binary") +
                   " value. Key: " + name);
  }
  if (hash && KeyBytes(v) > kMaxHashKeyBytes) {
    FailValidation(std::string(kInvalid) +
                   "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!hash && KeyBytes(v) > kMaxRangeKeyBytes) {
    FailValidation(std::string(kInvalid) +
                   "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
}

storage::ItemKey EncodeItemKey(const Item& item, const TableModel& model) {
  storage::ItemKey key;
  key.partition = EncodeKey(item.at(model.key.hash));
  if (model.key.range) key.sort = EncodeKey(item.at(*model.key.range));
  return key;
}

void CheckIndexKeys(const Item& item, const TableModel& model,
                    const std::vector<SecondaryIndex>& indexes) {
  for (const auto& index : indexes) {
    std::vector<std::string> names = {index.key.hash};
    if (index.key.range) names.push_back(*index.key.range);
    for (const auto& name : names) {
      auto it = item.find(name);
      if (it == item.end()) continue;
      std::string_view type = model.AttributeType(name);
      if (!TypeMatches(it->second, type)) {
        FailValidation(std::string(kInvalid) + "Type mismatch for Index Key " + name +
                       " Expected: " + std::string(type) +
                       " Actual: " + std::string(TypeName(it->second.type())) +
                       " IndexName: " + index.name);
      }
      if (IsEmptyKeyValue(it->second)) {
        FailValidation(std::string(kNotValid) +
                       "A value specified for a secondary index key is not supported. The "
                       "AttributeValue for a key attribute cannot contain an empty string value. "
                       "IndexName: " + index.name + ", IndexKey: " + name);
      }
    }
  }
}

}  // namespace

storage::ItemKey ValidateKey(const Item& key, const TableModel& model) {
  const size_t expected = model.key.range ? 2 : 1;
  auto matches = [&](const std::string& name) {
    auto it = key.find(name);
    return it != key.end() && TypeMatches(it->second, model.AttributeType(name));
  };
  if (key.size() != expected || !matches(model.key.hash) ||
      (model.key.range && !matches(*model.key.range))) {
    FailValidation("The provided key element does not match the schema");
  }
  CheckKeyValue(key.at(model.key.hash), model.key.hash, true);
  if (model.key.range) CheckKeyValue(key.at(*model.key.range), *model.key.range, false);
  return EncodeItemKey(key, model);
}

storage::ItemKey ValidateItem(const Item& item, const TableModel& model,
                              std::string_view too_large) {
  std::vector<std::pair<std::string, bool>> keys = {{model.key.hash, true}};
  if (model.key.range) keys.emplace_back(*model.key.range, false);
  for (const auto& [name, hash] : keys) {
    auto it = item.find(name);
    if (it == item.end()) {
      FailValidation(std::string(kInvalid) + "Missing the key " + name + " in the item");
    }
    std::string_view type = model.AttributeType(name);
    if (!TypeMatches(it->second, type)) {
      FailValidation(std::string(kInvalid) + "Type mismatch for key " + name +
                     " expected: " + std::string(type) +
                     " actual: " + std::string(TypeName(it->second.type())));
    }
    CheckKeyValue(it->second, name, hash);
  }
  CheckIndexKeys(item, model, model.gsis);
  CheckIndexKeys(item, model, model.lsis);
  if (ItemSize(item) > kMaxItemBytes) {
    FailValidation(std::string(too_large));
  }
  return EncodeItemKey(item, model);
}

Item KeyAttributes(const Item& item, const TableModel& model) {
  Item out;
  out.emplace(model.key.hash, item.at(model.key.hash));
  if (model.key.range) out.emplace(*model.key.range, item.at(*model.key.range));
  return out;
}

storage::StoredItem EncodeStoredItem(const storage::ItemKey& key, const Item& item,
                                     const TableModel& model) {
  storage::StoredItem stored;
  stored.key = key;
  JsonOut out;
  stored.data = ToJson(ItemToJson(item, out.alloc()));
  stored.size = ItemSize(item);
  if (model.ttl_status == "ENABLED") {
    auto it = item.find(model.ttl_attribute);
    if (it != item.end() && it->second.type() == AttributeValue::Type::kN) {
      // Seconds since the epoch; DynamoDB ignores values it cannot read as such.
      double seconds = std::strtod(it->second.n().ToString().c_str(), nullptr);
      if (seconds > 0 && seconds < 1e13) stored.expires_at_s = static_cast<int64_t>(seconds);
    }
  }
  return stored;
}

Item DecodeStoredItem(const storage::StoredItem& stored) {
  rapidjson::Document doc;
  doc.Parse(stored.data.data(), stored.data.size());
  if (doc.HasParseError()) Fail(DdbError::kInternalServerError);
  Result<Item> item = ItemFromJson(doc);
  if (!item.ok()) Fail(DdbError::kInternalServerError);
  return std::move(item).value();
}

std::vector<storage::IndexEntry> IndexEntries(const Item& item, const TableModel& model) {
  std::vector<storage::IndexEntry> out;
  auto add = [&](const SecondaryIndex& index) {
    auto h = item.find(index.key.hash);
    if (h == item.end()) return;
    storage::IndexEntry e;
    e.index_name = index.name;
    e.key.partition = EncodeKey(h->second);
    if (index.key.range) {
      auto r = item.find(*index.key.range);
      if (r == item.end()) return;
      e.key.sort = EncodeKey(r->second);
    }
    out.push_back(std::move(e));
  };
  for (const auto& i : model.gsis) add(i);
  for (const auto& i : model.lsis) add(i);
  return out;
}

storage::ItemWrite PutWrite(int64_t table_id, const storage::ItemKey& key, const Item& item,
                            const TableModel& model) {
  storage::ItemWrite w;
  w.table_id = table_id;
  w.key = key;
  w.item = EncodeStoredItem(key, item, model);
  w.indexes = IndexEntries(item, model);
  return w;
}

storage::ItemWrite DeleteWrite(int64_t table_id, const storage::ItemKey& key) {
  storage::ItemWrite w;
  w.table_id = table_id;
  w.key = key;
  w.del = true;
  return w;
}

}  // namespace skiff::dynamodb

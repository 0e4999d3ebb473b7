// Fuzzes DynamoDB AttributeValue / Item JSON decoding, and re-encodes what decodes: the
// re-encoded JSON must decode to an equal value.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>

#include "server/dynamodb/attribute_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace skiff::dynamodb;
  rapidjson::Document doc;
  // The flags dynamodb/protocol.cc parses request bodies with (iterative: no recursion depth;
  // UTF-8 validated).
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      reinterpret_cast<const char*>(data), size);
  if (doc.HasParseError()) return 0;
  rapidjson::Document out;
  auto value = AttributeValueFromJson(doc);
  if (value.ok()) {
    rapidjson::Value json = AttributeValueToJson(*value, out.GetAllocator());
    auto again = AttributeValueFromJson(json);
    if (!again.ok() || !(*again == *value)) __builtin_trap();
  }
  if (doc.IsObject()) {
    auto item = ItemFromJson(doc);
    if (item.ok()) {
      rapidjson::Value json = ItemToJson(*item, out.GetAllocator());
      auto again = ItemFromJson(json);
      if (!again.ok() || !(*again == *item)) __builtin_trap();
    }
  }
  return 0;
}

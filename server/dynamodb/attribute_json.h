// DynamoDB JSON <-> AttributeValue / Item, with DynamoDB's validation messages.
//
// Messages are those DynamoDB sends for a bad value anywhere (Item, Key, ExpressionAttribute-
// Values...). Callers add their context: ExpressionAttributeValues, for instance, wraps them as
// "ExpressionAttributeValues contains invalid value: <message> for key :v".
#pragma once

#include <rapidjson/document.h>

#include "server/dynamodb/expr/result.h"
#include "server/dynamodb/expr/value.h"

namespace skiff::dynamodb {

using JsonAllocator = rapidjson::Document::AllocatorType;

// {"S": "x"}, {"N": "1"}, {"B": "<base64>"}, {"BOOL": true}, {"NULL": true}, {"L": [...]},
// {"M": {...}}, {"SS": [...]}, {"NS": [...]}, {"BS": [...]}. Members with other names are
// ignored, as DynamoDB does. JSON of the wrong kind (a number where a string belongs) is a
// SerializationException; everything else a ValidationException.
Result<AttributeValue> AttributeValueFromJson(const rapidjson::Value& json);
// An object of attribute name -> AttributeValue JSON.
Result<Item> ItemFromJson(const rapidjson::Value& json);

rapidjson::Value AttributeValueToJson(const AttributeValue& value, JsonAllocator& alloc);
rapidjson::Value ItemToJson(const Item& item, JsonAllocator& alloc);

}  // namespace skiff::dynamodb

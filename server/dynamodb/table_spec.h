// Parsing and validation of the table-definition parameters shared by CreateTable and
// UpdateTable (key schemas, attribute definitions, throughput, indexes, stream, SSE), with
// DynamoDB's messages. Each function throws ApiError.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/dynamodb/protocol.h"
#include "server/dynamodb/table_model.h"

namespace skiff::dynamodb {

// `path` is the constraint path prefix ("keySchema", "globalSecondaryIndexes.1.member.keySchema").
std::optional<KeySchemaDef> ReadKeySchema(const JsonValue& parent, std::string_view member,
                                          std::string_view path, Violations& v,
                                          std::vector<std::string>* names_in_order = nullptr,
                                          std::vector<std::string>* types_in_order = nullptr);
std::vector<AttributeDefinition> ReadAttributeDefinitions(const JsonValue& input, Violations& v,
                                                          bool* present);
// nullopt when absent.
std::optional<Throughput> ReadThroughput(const JsonValue& parent, std::string_view path,
                                         Violations& v);
std::optional<SecondaryIndex> ReadIndex(const JsonValue& json, std::string_view path, bool global,
                                        Violations& v);
// "Given value 1000000000001 for ReadCapacityUnits is out of bounds".
void CheckThroughputBounds(const Throughput& t);

// Applies StreamSpecification / SSESpecification (already type-checked) to the model.
// `update`: UpdateTable (no-op re-sends are refused) rather than CreateTable.
void ApplyStreamSpecification(const JsonValue& spec, TableModel& model,
                              const std::string& table_name, int64_t now_ms, bool update);
void ApplySseSpecification(const JsonValue& spec, TableModel& model, const std::string& region,
                           const std::string& account, bool update);

// Tags: [{Key, Value}] with DynamoDB's messages ("The Tag Key provided is invalid, Key: x",
// "Duplicate Tag Keys provided as input: ..."), which are not constraint violations.
std::vector<std::pair<std::string, std::string>> ReadTags(const JsonValue& list,
                                                          std::string_view path, Violations& v);

// TableClass is checked by DynamoDB itself, not by the shape validator: "Invalid table-class
// parameter provided. Please try again with a valid table-class value: [STANDARD,
// STANDARD_INFREQUENT_ACCESS]."
void CheckTableClass(const std::optional<std::string>& table_class);

// "<iso>" label of a new stream, e.g. "2026-11-22T11:24:54.123".
std::string StreamLabel(int64_t now_ms);

}  // namespace skiff::dynamodb

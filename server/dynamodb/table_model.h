// A table's definition as the DynamoDB layer keeps it: parsed from CreateTable/UpdateTable,
// stored as storage::TableRecord::document (JSON, our own format), rendered as
// TableDescription. Pure: no storage calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/dynamodb/expr/value.h"
#include "server/dynamodb/protocol.h"
#include "storage/table_store.h"

namespace skiff::dynamodb {

struct KeySchemaDef {
  std::string hash;
  std::optional<std::string> range;
};

struct AttributeDefinition {
  std::string name;
  std::string type;  // "S", "N" or "B"
};

struct Throughput {
  int64_t read = 0;
  int64_t write = 0;
  int64_t last_increase_ms = 0;
  int64_t last_decrease_ms = 0;
  int64_t decreases_today = 0;
};

struct IndexProjection {
  std::string type = "ALL";  // ALL, KEYS_ONLY, INCLUDE
  std::vector<std::string> non_key;
};

struct SecondaryIndex {
  std::string name;
  KeySchemaDef key;
  IndexProjection projection;
  Throughput throughput;  // GSIs only
  bool throughput_given = false;  // parse-time only (not stored): checked against billing mode
};

struct TableModel {
  std::string uuid;  // TableId
  std::vector<AttributeDefinition> attributes;
  KeySchemaDef key;
  std::string billing_mode = "PROVISIONED";
  bool billing_mode_set = false;  // BillingModeSummary is described only once a mode was chosen
  int64_t billing_mode_updated_ms = 0;  // last change to/from PAY_PER_REQUEST (0 = never)
  Throughput throughput;
  std::vector<SecondaryIndex> gsis;
  std::vector<SecondaryIndex> lsis;
  std::vector<std::pair<std::string, std::string>> tags;  // in insertion order
  bool stream_enabled = false;
  std::string stream_view_type;
  std::string stream_label;  // of the latest stream, kept after the stream is disabled
  bool sse_enabled = false;
  std::string sse_type;  // "KMS"
  std::string kms_key_arn;
  std::string table_class;  // "" = never set (STANDARD, not described)
  bool deletion_protection = false;
  std::string ttl_status = "DISABLED";  // ENABLED / DISABLED
  std::string ttl_attribute;
  bool pitr_enabled = false;
  int64_t pitr_enabled_ms = 0;

  // "S", "N", "B" for a defined attribute, "" otherwise.
  std::string_view AttributeType(std::string_view name) const;
  const SecondaryIndex* FindIndex(std::string_view name) const;
};

std::string EncodeModel(const TableModel& model);
// Throws ApiError(InternalServerError) on a document this code did not write.
TableModel DecodeModel(std::string_view document);

std::string TableArn(const storage::TableRecord& table);

// Per-index item counts and sizes for the description (index name -> count, bytes).
struct IndexStats {
  std::string name;
  uint64_t items = 0;
  uint64_t bytes = 0;
};

// TableDescription as DescribeTable/CreateTable/DeleteTable/UpdateTable return it. `status`
// overrides the record's status ("DELETING" for DeleteTable).
JsonValue DescribeTableJson(JsonOut& out, const storage::TableRecord& table,
                            const TableModel& model, uint64_t item_count, uint64_t size_bytes,
                            const std::vector<IndexStats>& index_stats,
                            std::string_view status = {});

// Epoch seconds with milliseconds as a JSON number (CreationDateTime and friends).
JsonValue EpochSeconds(int64_t ms);

}  // namespace skiff::dynamodb

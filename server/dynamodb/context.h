// Per-request state shared by the DynamoDB operations, and the operation entry points.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "server/common/auth.h"
#include "server/common/request_log.h"
#include "server/dynamodb/protocol.h"
#include "server/dynamodb/request_tokens.h"
#include "server/dynamodb/service.h"
#include "server/dynamodb/table_model.h"
#include "server/http/message.h"

namespace skiff::dynamodb {

struct RequestContext {
  http::Request request;  // a copy: the Exchange outlives the session's Start() call
  ServiceDeps deps;
  std::string operation;
  rapidjson::Document input;  // the parsed body (an object)
  common::AuthOutcome auth;
  common::RequestRecord record;
  std::string request_id;
  int64_t now_ms = 0;  // one clock reading per request
  RequestTokens* transact_tokens = nullptr;  // the Service's; null: tokens are not remembered

  const std::string& region() const { return auth.principal.region; }
  const std::string& account() const { return auth.principal.account_id; }
  storage::TableStore& store() const { return *deps.tables; }
};

// An operation: reads ctx.input, returns the JSON body of its 200 answer, throws ApiError.
using Operation = std::string (*)(RequestContext& ctx);

// The operation table, by name ("PutItem"); nullptr if Skiff does not implement it.
Operation FindOperation(std::string_view name);

// Authentication failure -> DynamoDB's reply.
ErrorReply AuthErrorReply(const common::AuthOutcome& auth,
                          std::chrono::system_clock::time_point now);

// A loaded table: its storage record and decoded model.
struct LoadedTable {
  storage::TableRecord record;
  TableModel model;
};
// Reads TableName (required, validated) from the input and loads it. A missing table is
// ResourceNotFoundException with `not_found_message`, or DynamoDB's DescribeTable wording
// "Requested resource not found: Table: <name> not found" when it is empty.
LoadedTable LoadTable(RequestContext& ctx, std::string_view not_found_message);
// Loads a named table (name already validated).
LoadedTable LoadTableNamed(RequestContext& ctx, const std::string& name,
                           std::string_view not_found_message);
// ResourceInUseException ("Attempt to change a resource which is still in use: Table is being
// updated: <name>") unless the table is ACTIVE.
void RequireStableTable(const storage::TableRecord& record);
// How long CREATING/UPDATING/DELETING last (0 = tables change state at once).
int64_t TableTransitionMs(const RequestContext& ctx);
// Storage failure -> thrown ApiError.
void CheckStorage(const storage::Status& status);
// {"<member>": TableDescription} with current item counts; `status` overrides TableStatus.
std::string DescribeJsonFor(RequestContext& ctx, const LoadedTable& t, const char* member,
                            std::string_view status);
// Saves the model into the table's document.
void SaveModel(RequestContext& ctx, LoadedTable& t);
// Rewrites every item of the table (index rows and TTL expiry recomputed from `t.model`), after
// an index was added or removed or TTL changed. One short transaction per item.
void RewriteAllItems(RequestContext& ctx, const LoadedTable& t);

// --- operations, one function each, grouped by family in *_ops.cc ---
std::string CreateTable(RequestContext& ctx);
std::string DescribeTable(RequestContext& ctx);
std::string ListTables(RequestContext& ctx);
std::string UpdateTable(RequestContext& ctx);
std::string DeleteTable(RequestContext& ctx);
std::string DescribeTimeToLive(RequestContext& ctx);
std::string UpdateTimeToLive(RequestContext& ctx);
std::string DescribeContinuousBackups(RequestContext& ctx);
std::string UpdateContinuousBackups(RequestContext& ctx);
std::string TagResource(RequestContext& ctx);
std::string UntagResource(RequestContext& ctx);
std::string ListTagsOfResource(RequestContext& ctx);
std::string DescribeEndpoints(RequestContext& ctx);
std::string DescribeLimits(RequestContext& ctx);
std::string PutItem(RequestContext& ctx);
std::string GetItem(RequestContext& ctx);
std::string DeleteItem(RequestContext& ctx);
std::string UpdateItem(RequestContext& ctx);
std::string Query(RequestContext& ctx);
std::string Scan(RequestContext& ctx);
std::string BatchGetItem(RequestContext& ctx);
std::string BatchWriteItem(RequestContext& ctx);
std::string TransactGetItems(RequestContext& ctx);
std::string TransactWriteItems(RequestContext& ctx);

}  // namespace skiff::dynamodb

// Creating DynamoDB tables outside a request, for the resources applied at start-up (--init,
// --tables). The request goes through CreateTable itself, so a table made here has exactly the
// validation, model and description of one made through the API.
#pragma once

#include <string>
#include <string_view>

#include "storage/table_store.h"

namespace skiff::dynamodb {

enum class InitTableOutcome { kCreated, kExisting, kFailed };

struct InitTableResult {
  InitTableOutcome outcome = InitTableOutcome::kFailed;
  // kFailed: DynamoDB's error code and message ("ValidationException: One or more parameter
  // values were invalid: ..."), or why an existing table does not fit the request.
  std::string error;
};

// Creates the table described by `create_table_json` (a CreateTable request body) in
// (account, region), ACTIVE at once (no --table-transition-ms). Idempotent: a table of that name
// that already exists there is left as it is (kExisting) when its key schema (names and types)
// is the requested one, and is an error otherwise; its items are never touched.
InitTableResult CreateTableFromRequest(storage::TableStore& tables, std::string_view account,
                                       std::string_view region, std::string_view create_table_json);

// What CreateTableFromRequest would find, without creating anything: kExisting (same key
// schema), kFailed (another key schema), or kCreated when there is no such table yet (the
// request itself is then not validated: run it against scratch state for that).
InitTableResult CheckExistingTable(storage::TableStore& tables, std::string_view account,
                                   std::string_view region, std::string_view create_table_json);

}  // namespace skiff::dynamodb

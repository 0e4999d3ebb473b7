#include "server/dynamodb/init_tables.h"

#include <exception>

#include "server/common/clock.h"
#include "server/dynamodb/context.h"
#include "server/dynamodb/table_spec.h"

namespace skiff::dynamodb {
namespace {

std::string Describe(const ErrorReply& reply) {
  std::string out(reply.code());
  if (std::string_view m = reply.effective_message(); !m.empty()) out += ": " + std::string(m);
  return out;
}

// "LockID (S)" or "pk (S), sk (N)": a key schema with its attribute types, for messages and for
// comparing an existing table with a request.
std::string KeySignature(const KeySchemaDef& key, const std::vector<AttributeDefinition>& defs) {
  auto type_of = [&](const std::string& name) {
    for (const auto& d : defs) {
      if (d.name == name) return d.type;
    }
    return std::string("?");
  };
  std::string out = key.hash + " (" + type_of(key.hash) + ")";
  if (key.range) out += ", " + *key.range + " (" + type_of(*key.range) + ")";
  return out;
}

// The requested key schema, read with CreateTable's own readers (throws its ValidationException).
std::string RequestedKeySignature(const JsonValue& input) {
  Violations v;
  bool defs_present = false;
  auto defs = ReadAttributeDefinitions(input, v, &defs_present);
  v.NotNull(defs_present, "attributeDefinitions");
  auto key = ReadKeySchema(input, "KeySchema", "keySchema", v);
  v.ThrowIfAny();
  return KeySignature(*key, defs);
}

// Loads an existing table of the requested name into `result` (kExisting, or kFailed when its
// key schema is not the requested one). Returns false when there is none. Throws ApiError.
bool CompareWithExisting(RequestContext& ctx, InitTableResult* result) {
  auto name = OptString(ctx.input, "TableName");
  if (!name) return false;  // CreateTable reports it
  auto existing = ctx.store().GetTable(ctx.account(), ctx.region(), *name);
  if (!existing.ok()) {
    if (existing.code() != storage::Code::kNotFound) Fail(FromStorage(existing.status()));
    return false;
  }
  const TableModel model = DecodeModel(existing->document);
  const std::string have = KeySignature(model.key, model.attributes);
  const std::string want = RequestedKeySignature(ctx.input);
  if (have != want) {
    result->outcome = InitTableOutcome::kFailed;
    result->error = "table " + *name + " already exists in " + ctx.region() + " with the key " +
                    have + ", not " + want;
  } else {
    result->outcome = InitTableOutcome::kExisting;
  }
  return true;
}

InitTableResult Run(storage::TableStore& tables, std::string_view account, std::string_view region,
                    std::string_view create_table_json, bool create) {
  InitTableResult result;
  RequestContext ctx;
  ctx.deps.tables = &tables;  // no config: tables are ACTIVE at once
  ctx.operation = "CreateTable";
  ctx.record.service = "dynamodb";
  ctx.record.operation = ctx.operation;
  ctx.auth.principal.account_id = std::string(account);
  ctx.auth.principal.region = std::string(region);
  ctx.now_ms = common::NowMillis();
  try {
    ctx.input = ParseBody(create_table_json);
    if (CompareWithExisting(ctx, &result)) return result;
    if (create) CreateTable(ctx);
    result.outcome = InitTableOutcome::kCreated;
  } catch (const ApiError& e) {
    result.error = Describe(e.reply());
  } catch (const std::exception& e) {
    result.error = std::string("internal error: ") + e.what();
  }
  return result;
}

}  // namespace

InitTableResult CreateTableFromRequest(storage::TableStore& tables, std::string_view account,
                                       std::string_view region,
                                       std::string_view create_table_json) {
  return Run(tables, account, region, create_table_json, true);
}

InitTableResult CheckExistingTable(storage::TableStore& tables, std::string_view account,
                                   std::string_view region, std::string_view create_table_json) {
  return Run(tables, account, region, create_table_json, false);
}

}  // namespace skiff::dynamodb

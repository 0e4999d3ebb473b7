// GET /_skiff/state: what the emulator holds, for debugging a test and for asserting on it.
#include "server/app/admin_reply.h"
#include "server/common/clock.h"
#include "server/common/request_log.h"
#include "storage/database.h"

namespace skiff::app::admin {
namespace {

http::Response StorageError(const storage::Status& status) {
  return JsonError(500, "InternalError", "Reading the state failed: " + status.message());
}

}  // namespace

http::Response StateEndpoint(storage::Database& database) {
  auto buckets = database.objects().ListBuckets();
  if (!buckets.ok()) return StorageError(buckets.status());
  std::string body = "{\"buckets\":[";
  bool first = true;
  for (const storage::Bucket& bucket : *buckets) {
    auto usage = database.objects().Usage(bucket.name);
    // A bucket deleted between the listing and its count is simply left out.
    if (usage.code() == storage::Code::kBucketNotFound) continue;
    if (!usage.ok()) return StorageError(usage.status());
    if (!first) body += ',';
    first = false;
    body += "{\"name\":";
    common::AppendJsonString(body, bucket.name);
    body += ",\"region\":";
    common::AppendJsonString(body, bucket.region);
    body += ",\"owner\":";
    common::AppendJsonString(body, bucket.owner_account);
    body += ",\"created\":";
    common::AppendJsonString(body, common::IsoDate(bucket.created_ms));
    body += ",\"versioning\":";
    common::AppendJsonString(body, bucket.versioning.empty() ? "Disabled" : bucket.versioning);
    body += ",\"object_lock\":";
    body += bucket.object_lock_enabled ? "true" : "false";
    body += ",\"objects\":" + std::to_string(usage->objects) +
            ",\"versions\":" + std::to_string(usage->versions) +
            ",\"bytes\":" + std::to_string(usage->bytes) + "}";
  }
  body += "],\"tables\":[";
  auto tables = database.tables().ListAllTables();
  if (!tables.ok()) return StorageError(tables.status());
  first = true;
  const int64_t now_ms = common::NowMillis();
  for (const storage::TableRecord& table : *tables) {
    // A transition that has run its time is over, as DescribeTable would report it: a deleting
    // table is gone, a creating or updating one is active.
    const bool settled = table.status_until_ms != 0 && now_ms >= table.status_until_ms;
    if (settled && table.status == "DELETING") continue;
    const std::string status = settled ? "ACTIVE" : table.status;
    auto stats = database.tables().TableStats(table.table_id);
    if (!stats.ok()) return StorageError(stats.status());
    if (!first) body += ',';
    first = false;
    body += "{\"name\":";
    common::AppendJsonString(body, table.name);
    body += ",\"account\":";
    common::AppendJsonString(body, table.account_id);
    body += ",\"region\":";
    common::AppendJsonString(body, table.region);
    body += ",\"status\":";
    common::AppendJsonString(body, status);
    body += ",\"created\":";
    common::AppendJsonString(body, common::IsoDate(table.created_ms));
    body += ",\"items\":" + std::to_string(stats->first) +
            ",\"bytes\":" + std::to_string(stats->second) + "}";
  }
  body += "]}";
  return JsonResponse(200, std::move(body));
}

}  // namespace skiff::app::admin

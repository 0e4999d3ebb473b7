// List: ListObjects(V2) and ListObjectVersions over the (bucket, key, seq) indexes.
//
// Every returned entry (key or common prefix) sorts after start_after. When a delimiter groups
// keys into a common prefix, the walk jumps past the whole group with a new range query instead
// of stepping over its keys; a group whose prefix is <= start_after (a continuation that ended
// on that prefix) is skipped the same way.
#include <optional>

#include "storage/codec.h"
#include "storage/connection_pool.h"
#include "storage/sqlite_object_store.h"

namespace skiff::storage {
namespace {

// clang-format off
constexpr const char* kCurrentSql =
    "SELECT " SKIFF_OBJECT_COLUMNS
    " FROM objects WHERE bucket = ?1 AND key >= ?2"
    " AND is_latest = 1 AND is_delete_marker = 0 ORDER BY key";
constexpr const char* kCurrentBoundedSql =
    "SELECT " SKIFF_OBJECT_COLUMNS
    " FROM objects WHERE bucket = ?1 AND key >= ?2 AND key < ?3"
    " AND is_latest = 1 AND is_delete_marker = 0 ORDER BY key";
constexpr const char* kVersionsSql =
    "SELECT " SKIFF_OBJECT_COLUMNS
    " FROM objects WHERE bucket = ?1 AND key >= ?2 ORDER BY key, seq DESC";
constexpr const char* kVersionsBoundedSql =
    "SELECT " SKIFF_OBJECT_COLUMNS
    " FROM objects WHERE bucket = ?1 AND key >= ?2 AND key < ?3 ORDER BY key, seq DESC";
// The rest of one key's versions after a version-id-marker.
constexpr const char* kOlderVersionsSql =
    "SELECT " SKIFF_OBJECT_COLUMNS
    " FROM objects WHERE bucket = ?1 AND key = ?2 AND seq < ?3 ORDER BY seq DESC";
// clang-format on

// The smallest string greater than `s` in byte order.
std::string After(std::string_view s) {
  std::string next(s);
  next.push_back('\0');
  return next;
}

class Walker {
 public:
  Walker(sqlite::Connection& conn, const ListInput& input) : conn_(conn), input_(input) {}

  Result<ListOutput> Run() {
    if (input_.max_keys == 0) return std::move(out_);
    hi_ = PrefixSuccessor(input_.prefix);
    std::string lo = input_.start_after < input_.prefix ? input_.prefix : After(input_.start_after);

    if (input_.versions && !input_.version_id_marker.empty() && !input_.start_after.empty() &&
        input_.start_after.starts_with(input_.prefix)) {
      Status status = ContinueMarkerKey();
      if (!status.ok()) return status;
    }
    while (!done_) {
      std::optional<std::string> next;
      Status status = Walk(lo, next);
      if (!status.ok()) return status;
      if (!next) break;
      lo = std::move(*next);
    }
    return std::move(out_);
  }

 private:
  // Emits the versions of start_after older than version_id_marker. A marker that no longer
  // exists continues with the next key.
  Status ContinueMarkerKey() {
    ObjectRecord marker;
    int64_t marker_seq = 0;
    Status status = FindObject(conn_, input_.bucket, input_.start_after, input_.version_id_marker,
                               marker, &marker_seq);
    if (status.code() == Code::kNotFound) return Status::Ok();
    if (!status.ok()) return status;
    sqlite::Stmt stmt(conn_, kOlderVersionsSql);
    stmt.Bind(1, input_.bucket).Bind(2, input_.start_after).Bind(3, marker_seq);
    while (!done_ && stmt.Step()) {
      std::optional<std::string> unused;
      status = Visit(stmt, unused);
      if (!status.ok()) return status;
    }
    return stmt.status();
  }

  // One range query from `lo`; sets `next` when it stopped to jump past a prefix group.
  Status Walk(const std::string& lo, std::optional<std::string>& next) {
    const char* sql = input_.versions ? (hi_ ? kVersionsBoundedSql : kVersionsSql)
                                      : (hi_ ? kCurrentBoundedSql : kCurrentSql);
    sqlite::Stmt stmt(conn_, sql);
    stmt.Bind(1, input_.bucket).Bind(2, lo);
    if (hi_) stmt.Bind(3, *hi_);
    while (!done_ && !next && stmt.Step()) {
      Status status = Visit(stmt, next);
      if (!status.ok()) return status;
    }
    return stmt.status();
  }

  // Handles one row: emits it, or emits / skips its common prefix and asks for a jump.
  Status Visit(const sqlite::Stmt& stmt, std::optional<std::string>& next) {
    std::string_view key = stmt.View(1);
    if (!input_.delimiter.empty()) {
      size_t pos = key.find(input_.delimiter, input_.prefix.size());
      if (pos != std::string_view::npos) {
        std::string prefix(key.substr(0, pos + input_.delimiter.size()));
        if (prefix > input_.start_after) {
          if (Full()) return Status::Ok();
          out_.common_prefixes.push_back(prefix);
          out_.next_marker = prefix;
          out_.next_version_id_marker.clear();
        }
        next = PrefixSuccessor(prefix);
        if (!next) done_ = true;  // nothing sorts after this group
        return Status::Ok();
      }
    }
    if (Full()) return Status::Ok();
    ObjectRecord record;
    Status status = ReadObjectRow(stmt, record);
    if (!status.ok()) return status;
    out_.next_marker = record.key;
    out_.next_version_id_marker = input_.versions ? record.version_id : std::string();
    out_.objects.push_back(std::move(record));
    return Status::Ok();
  }

  // True (and the walk ends, truncated) when one more entry would exceed max_keys.
  bool Full() {
    if (out_.objects.size() + out_.common_prefixes.size() < input_.max_keys) return false;
    out_.truncated = true;
    done_ = true;
    return true;
  }

  sqlite::Connection& conn_;
  const ListInput& input_;
  std::optional<std::string> hi_;
  ListOutput out_;
  bool done_ = false;
};

}  // namespace

Result<ListOutput> SqliteObjectStore::List(const ListInput& input) {
  Result<Lease> lease = core_->pool.Read();
  if (!lease.ok()) return lease.status();
  sqlite::Connection& conn = lease->conn();
  Status status = conn.Exec("BEGIN");
  if (!status.ok()) return status;
  Result<ListOutput> result = [&]() -> Result<ListOutput> {
    Result<std::string> versioning = BucketVersioning(conn, input.bucket);
    if (!versioning.ok()) return versioning.status();
    return Walker(conn, input).Run();
  }();
  conn.Exec("COMMIT");
  return result;
}

}  // namespace skiff::storage

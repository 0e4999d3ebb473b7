// I/O errors from the disk (SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC injected by FaultyVfs)
// fail the write in progress with kIo and change nothing: no partial object or item is visible,
// integrity_check stays clean, nothing staged survives a reopen, and writes succeed once the
// disk behaves again, on the same open Database.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/storage/faulty_vfs.h"
#include "tests/unit/storage/store_fixture.h"
#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::CountRows;
using testing::FaultyVfs;
using testing::IntegrityCheck;
using testing::MakeBucket;
using testing::MakeTableRecord;
using testing::OpenOrDie;
using testing::Put;
using testing::PutWrite;
using testing::ReadAll;
using testing::TempDir;

std::string Body(int i, size_t size) { return std::string(size, static_cast<char>('a' + i % 26)); }

// Two blob chunks: a few hundred page writes (WAL frames) per upload.
constexpr size_t kBody = 3 * 1024 * 1024 / 2;
// How far apart the failing write moves from one upload to the next.
constexpr int kStride = 61;

class IoErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(vfs_.registered());
    OpenFresh();
  }
  // Connections opened through the VFS must be gone before it is.
  void TearDown() override { db_.reset(); }

  // Replaces db_ with a new, empty store in a new directory.
  void OpenFresh() {
    db_.reset();
    dir_ = std::make_unique<TempDir>();
    options_.directory = dir_->path();
    db_ = OpenOrDie(options_);
    ASSERT_NE(db_, nullptr);
  }

  // Closes and reopens the store disarmed, then checks what the failed writes left on disk.
  void ReopenAndCheckClean() {
    vfs_.Disarm();
    db_->Close();
    db_ = OpenOrDie(options_);
    ASSERT_NE(db_, nullptr);
    EXPECT_EQ(CountRows(dir_->db_path(), "SELECT count(*) FROM blobs WHERE state = 'staged'"),
              0);
    EXPECT_EQ(IntegrityCheck(dir_->db_path()), "ok");
  }

  FaultyVfs vfs_;  // declared first: outlives every connection
  std::unique_ptr<TempDir> dir_;
  DatabaseOptions options_;
  std::unique_ptr<Database> db_;
};

TEST_F(IoErrorTest, FailedUploadsAreIoAndLeaveNoPartialObject) {
  // The disk fails from the 1st, 2nd, 3rd, ... write of an upload on (then every kStride-th), so
  // in each chunk of the body, in an automatic checkpoint and in the commit of the object, until
  // the upload needs fewer writes than it is allowed. Each round starts from the same fresh
  // store (holding "keep"), so the upload's writes are the same every round. Odd rounds
  // overwrite "keep", even ones write a new key.
  int failed_rounds = 0;
  for (int round = 0, after = 0;; ++round, after += after < 3 ? 1 : kStride) {
    ASSERT_LT(round, 200) << "uploads never stopped failing";
    OpenFresh();
    ObjectStore& store = db_->objects();
    ASSERT_TRUE(store.CreateBucket(MakeBucket("b")).ok());
    ASSERT_TRUE(Put(store, "b", "keep", Body(0, kBody), {}, 65536).ok());
    const std::string key = round % 2 == 1 ? "keep" : "new";
    const std::string body = Body(round + 1, kBody);

    vfs_.ResetCounts();
    vfs_.FailWritesAfter(after);
    Result<ObjectRecord> put = Put(store, "b", key, body, {}, 65536);
    const bool failed = vfs_.failed_writes() > 0;
    vfs_.Disarm();
    if (put.ok()) {
      // Acknowledged: all there. (A checkpoint after the commit may have hit the failure: it
      // reports nothing, and the log still holds the commit.)
      EXPECT_EQ(ReadAll(store, "b", key), body) << "after " << after;
      ReopenAndCheckClean();
      EXPECT_EQ(ReadAll(db_->objects(), "b", key), body) << "after " << after;
      if (!failed) break;
      continue;
    }
    ++failed_rounds;
    EXPECT_EQ(put.code(), Code::kIo) << "after " << after << ": " << put.status().message();
    EXPECT_EQ(store.HeadObject("b", "new", "").code(), Code::kNotFound) << "after " << after;
    EXPECT_EQ(ReadAll(store, "b", "keep"), Body(0, kBody)) << "after " << after;
    // Same Database, disk healthy again: an upload works.
    Result<ObjectRecord> again = Put(store, "b", "again", body, {}, 65536);
    ASSERT_TRUE(again.ok()) << "after " << after << ": " << again.status().message();
    EXPECT_EQ(ReadAll(store, "b", "again"), body);
    ReopenAndCheckClean();
    EXPECT_EQ(db_->objects().HeadObject("b", "new", "").code(), Code::kNotFound);
    EXPECT_EQ(ReadAll(db_->objects(), "b", "keep"), Body(0, kBody)) << "after " << after;
    EXPECT_EQ(ReadAll(db_->objects(), "b", "again"), body) << "after " << after;
  }
  EXPECT_GT(failed_rounds, 10);
}

TEST_F(IoErrorTest, FailedObjectCommitAndDeleteChangeNothing) {
  ObjectStore& store = db_->objects();
  ASSERT_TRUE(store.CreateBucket(MakeBucket("b")).ok());
  ASSERT_TRUE(Put(store, "b", "keep", Body(0, kBody), {}, 65536).ok());

  // The commit of the object row alone fails (the body is already staged).
  std::unique_ptr<BlobWriter> writer = store.NewBlob();
  ASSERT_TRUE(writer->Append(Body(9, 100000)).ok());
  Result<BlobRef> blob = writer->Close();
  ASSERT_TRUE(blob.ok()) << blob.status().message();
  PutObjectInput input;
  input.bucket = "b";
  input.key = "keep";
  input.blob = *blob;
  input.etag = "etag";
  input.owner_account = "000000000000";
  input.now_ms = 1700000000000;
  vfs_.FailWritesAfter(0);
  EXPECT_EQ(store.PutObject(input).code(), Code::kIo);
  // A delete and a bucket creation fail the same way.
  EXPECT_EQ(store.DeleteObject("b", "keep", "", 1700000000000).code(), Code::kIo);
  EXPECT_EQ(store.CreateBucket(MakeBucket("c")).code(), Code::kIo);
  vfs_.Disarm();
  EXPECT_EQ(ReadAll(store, "b", "keep"), Body(0, kBody));
  EXPECT_EQ(store.GetBucket("c").code(), Code::kBucketNotFound);

  ASSERT_TRUE(store.DeleteObject("b", "keep", "", 1700000000000).ok());
  ReopenAndCheckClean();
  EXPECT_EQ(db_->objects().HeadObject("b", "keep", "").code(), Code::kNotFound);
}

TEST_F(IoErrorTest, FailedItemWritesAreIoAndChangeNoItem) {
  TableStore& tables = db_->tables();
  TableRecord table = MakeTableRecord("t");
  ASSERT_TRUE(tables.CreateTable(&table).ok());
  const int64_t id = table.table_id;
  ASSERT_TRUE(testing::Apply(tables, PutWrite(id, {"a", ""}, "v1")).ok());

  // One mutation writing two items (as TransactWriteItems does): neither may land. The items
  // are big enough to span several pages each.
  auto two_writes = [&](const std::string& value) {
    return tables.Mutate({{id, {"a", ""}}, {id, {"b", ""}}},
                         [&](const std::vector<ItemRead>&, std::vector<ItemWrite>* writes) {
                           writes->push_back(PutWrite(id, {"a", ""}, value));
                           writes->push_back(PutWrite(id, {"b", ""}, value));
                           return Status::Ok();
                         });
  };
  // The disk fails at each write of the commit in turn, until it needs fewer than allowed.
  int failed_rounds = 0;
  for (int after = 0;; ++after) {
    ASSERT_LT(after, 1000) << "the mutation never stopped failing";
    const std::string value = "v2-" + std::to_string(after) + std::string(40000, 'x');
    vfs_.ResetCounts();
    vfs_.FailWritesAfter(after);
    Status status = two_writes(value);
    const bool failed = vfs_.failed_writes() > 0;
    vfs_.Disarm();
    Result<std::optional<StoredItem>> a = tables.GetItem(id, {"a", ""});
    Result<std::optional<StoredItem>> b = tables.GetItem(id, {"b", ""});
    ASSERT_TRUE(a.ok() && a->has_value() && b.ok());
    if (status.ok()) {
      // Acknowledged: both written (a failed checkpoint after the commit reports nothing).
      EXPECT_TRUE((*a)->data == value) << "after " << after;
      ASSERT_TRUE(b->has_value());
      EXPECT_TRUE((*b)->data == value) << "after " << after;
      if (!failed) break;
      continue;
    }
    ++failed_rounds;
    EXPECT_EQ(status.code(), Code::kIo) << "after " << after << ": " << status.message();
    EXPECT_EQ((*a)->data, "v1") << "after " << after;
    EXPECT_FALSE(b->has_value()) << "after " << after;
  }
  EXPECT_GT(failed_rounds, 10);
  // Creating a table fails the same way and leaves no table.
  TableRecord other = MakeTableRecord("u");
  vfs_.FailWritesAfter(0);
  EXPECT_EQ(tables.CreateTable(&other).code(), Code::kIo);
  vfs_.Disarm();
  EXPECT_EQ(tables.GetTable(other.account_id, other.region, "u").code(), Code::kNotFound);

  ASSERT_TRUE(tables.CreateTable(&other).ok());
  ASSERT_TRUE(two_writes("v3").ok());
  ReopenAndCheckClean();
  Result<std::optional<StoredItem>> b = db_->tables().GetItem(id, {"b", ""});
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->data, "v3");
}

// With synchronous=NORMAL in WAL mode SQLite syncs the log when it starts it afresh (its header)
// and at checkpoints. A failed header sync fails the write; a failed checkpoint sync does not
// (the commit is already in the log) and loses nothing acknowledged.
TEST_F(IoErrorTest, FailedSyncsAreIoOrLoseNothingAcknowledged) {
  ASSERT_TRUE(db_->objects().CreateBucket(MakeBucket("b")).ok());
  // Close checkpoints and truncates the log: the next write starts it afresh.
  db_->Close();
  db_ = OpenOrDie(options_);
  ASSERT_NE(db_, nullptr);
  ObjectStore& store = db_->objects();
  vfs_.ResetCounts();
  vfs_.FailSyncsAfter(0);
  Result<ObjectRecord> put = Put(store, "b", "first", Body(1, kBody), {}, 65536);
  EXPECT_EQ(put.code(), Code::kIo) << put.status().message();
  EXPECT_EQ(store.CreateBucket(MakeBucket("c")).code(), Code::kIo);
  EXPECT_GT(vfs_.failed_syncs(), 0);
  vfs_.Disarm();
  EXPECT_EQ(store.HeadObject("b", "first", "").code(), Code::kNotFound);
  EXPECT_EQ(store.GetBucket("c").code(), Code::kBucketNotFound);

  // The log has frames now; enough writes to cross the auto-checkpoint threshold several times
  // while every sync fails. Each write either succeeds or fails with kIo.
  ASSERT_TRUE(Put(store, "b", "first", Body(1, kBody), {}, 65536).ok());
  vfs_.ResetCounts();
  vfs_.FailSyncsAfter(0);
  std::vector<std::pair<std::string, std::string>> acknowledged = {{"first", Body(1, kBody)}};
  for (int i = 0; i < 8; ++i) {
    const std::string key = "k" + std::to_string(i);
    Result<ObjectRecord> more = Put(store, "b", key, Body(i, kBody), {}, 65536);
    if (more.ok()) {
      acknowledged.emplace_back(key, Body(i, kBody));
    } else {
      EXPECT_EQ(more.code(), Code::kIo) << more.status().message();
      EXPECT_EQ(store.HeadObject("b", key, "").code(), Code::kNotFound);
    }
  }
  EXPECT_GT(vfs_.failed_syncs(), 0) << "no checkpoint ran";
  EXPECT_GT(acknowledged.size(), 1u);
  // Closing checkpoints (and fails to sync) too; the log keeps what the database file lacks.
  db_->Close();
  ReopenAndCheckClean();
  for (const auto& [key, body] : acknowledged) {
    EXPECT_EQ(ReadAll(db_->objects(), "b", key), body) << key;
  }
}

}  // namespace
}  // namespace skiff::storage

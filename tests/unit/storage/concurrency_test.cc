// Concurrency of the stores under many threads (also run under ThreadSanitizer by scripts/test):
// versioned writers keep every version, readers see whole bodies while writers replace them,
// parallel part uploads and racing completions, and multi-item transactions that readers only
// ever see whole.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/multipart.h"
#include "tests/unit/storage/store_fixture.h"
#include "tests/unit/storage/table_fixture.h"

namespace skiff::storage {
namespace {

using testing::MakeBucket;
using testing::ModeName;
using testing::Put;
using testing::PutWrite;
using testing::ReadAll;
using testing::TableTest;

// Starts `n` threads running body(i) together and joins them.
template <typename Fn>
void RunTogether(int n, Fn body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      body(i);
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
}

class ConcurrencyTest : public TableTest {};

TEST_P(ConcurrencyTest, ConcurrentVersionedWritesKeepEveryVersion) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("v", "Enabled")).ok());
  constexpr int kThreads = 8, kWrites = 10;
  std::atomic<int> failures{0};
  RunTogether(kThreads, [&](int t) {
    for (int i = 0; i < kWrites; ++i) {
      if (!Put(store(), "v", "k", "w" + std::to_string(t) + "-" + std::to_string(i)).ok()) {
        ++failures;
      }
    }
  });
  EXPECT_EQ(failures.load(), 0);

  ListInput list;
  list.bucket = "v";
  list.versions = true;
  Result<ListOutput> versions = store().List(list);
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  ASSERT_EQ(versions->objects.size(), size_t{kThreads * kWrites});
  std::set<std::string> ids, bodies;
  int latest = 0;
  for (const ObjectRecord& record : versions->objects) {
    ids.insert(record.version_id);
    latest += record.is_latest ? 1 : 0;
    bodies.insert(ReadAll(store(), "v", "k", record.version_id));
  }
  EXPECT_EQ(ids.size(), size_t{kThreads * kWrites}) << "version ids must be unique";
  EXPECT_EQ(bodies.size(), size_t{kThreads * kWrites}) << "every version keeps its own body";
  EXPECT_EQ(bodies.count("<error>"), 0u);
  EXPECT_EQ(latest, 1);
}

TEST_P(ConcurrencyTest, ReadersSeeWholeBodiesWhileWritersReplaceThem) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  // Bodies of one repeated byte, some spanning several storage chunks, so a torn read (bytes of
  // two versions, or a size that does not match the body) is visible.
  auto body_of = [](int t, int i) {
    size_t size = 1000 + static_cast<size_t>((t * 7 + i * 13) % 5) * 700'000;
    return std::string(size, static_cast<char>('a' + (t * 5 + i) % 26));
  };
  ASSERT_TRUE(Put(store(), "b", "k", body_of(0, 0), {}, 65536).ok());
  constexpr int kWriters = 2, kReaders = 3, kRounds = 6;
  std::atomic<int> writers_left{kWriters};
  std::atomic<int> torn{0}, failures{0}, reads{0};
  RunTogether(kWriters + kReaders, [&](int t) {
    if (t < kWriters) {
      for (int i = 0; i < kRounds; ++i) {
        if (!Put(store(), "b", "k", body_of(t, i), {}, 65536).ok()) ++failures;
      }
      --writers_left;
      return;
    }
    do {
      Result<std::unique_ptr<ObjectHandle>> handle = store().OpenObject("b", "k", "");
      if (!handle.ok()) {
        ++failures;
        continue;
      }
      uint64_t size = (*handle)->record().size;
      std::unique_ptr<BodyReader> reader = (*handle)->Body(0, size);
      handle->reset();  // the reader keeps the snapshot alive on its own
      std::string out;
      char buffer[65536];
      while (size_t n = reader->Read(buffer, sizeof buffer)) out.append(buffer, n);
      if (out.size() != size || out.find_first_not_of(out[0]) != std::string::npos) ++torn;
      ++reads;
    } while (writers_left.load() > 0);
  });
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

TEST_P(ConcurrencyTest, PartsUploadInParallelAndOnlyOneCompletionWins) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("m")).ok());
  MultipartStore& mp = *store().multipart();
  MultipartUpload upload;
  upload.bucket = "m";
  upload.key = "big";
  upload.owner_account = "000000000000";
  upload.initiated_ms = 1700000000000;
  Result<MultipartUpload> created = mp.CreateUpload(upload);
  ASSERT_TRUE(created.ok()) << created.status().message();
  const std::string id = created->upload_id;

  constexpr int kParts = 8;
  auto part_body = [](int n) { return std::string(1000 + n * 10, static_cast<char>('A' + n)); };
  std::atomic<int> part_failures{0};
  RunTogether(kParts, [&](int i) {
    std::unique_ptr<BlobWriter> writer = store().NewBlob();
    Result<BlobRef> blob = writer->Append(part_body(i)).ok() ? writer->Close()
                                                             : Result<BlobRef>(Code::kIo, "append");
    if (!blob.ok()) {
      ++part_failures;
      return;
    }
    PutPartInput in;
    in.bucket = "m";
    in.key = "big";
    in.upload_id = id;
    in.part_number = static_cast<uint32_t>(i + 1);
    in.blob = *blob;
    in.etag = "p" + std::to_string(i + 1);
    in.now_ms = 1700000000000;
    if (!mp.PutPart(in).ok()) ++part_failures;
  });
  ASSERT_EQ(part_failures.load(), 0);

  std::vector<uint32_t> numbers;
  std::string expected;
  for (int i = 0; i < kParts; ++i) {
    numbers.push_back(static_cast<uint32_t>(i + 1));
    expected += part_body(i);
  }
  constexpr int kCompleters = 4;
  std::atomic<int> wins{0}, gone{0}, other{0};
  RunTogether(kCompleters, [&](int) {
    CompleteUploadInput in;
    in.bucket = "m";
    in.key = "big";
    in.upload_id = id;
    in.part_numbers = numbers;
    in.object.bucket = "m";
    in.object.key = "big";
    in.object.etag = "whole-8";
    in.object.owner_account = "000000000000";
    in.object.now_ms = 1700000000000;
    Result<ObjectRecord> done = mp.CompleteUpload(in);
    if (done.ok()) {
      ++wins;
    } else if (done.code() == Code::kUploadNotFound) {
      ++gone;
    } else {
      ++other;
    }
  });
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(gone.load(), kCompleters - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ReadAll(store(), "m", "big"), expected);
}

TEST_P(ConcurrencyTest, TransfersBetweenItemsAreSeenWholeBySnapshots) {
  int64_t id = NewTable("accounts");
  constexpr int kItems = 6, kStart = 100;
  for (int i = 0; i < kItems; ++i) {
    PutOrDie(PutWrite(id, {"acct" + std::to_string(i), ""}, std::to_string(kStart)));
  }
  constexpr int kMovers = 4, kMoves = 30;
  std::atomic<int> movers_left{kMovers};
  std::atomic<int> failures{0}, bad_sums{0}, scans{0};
  RunTogether(kMovers + 2, [&](int t) {
    if (t < kMovers) {
      for (int i = 0; i < kMoves; ++i) {
        ItemKey from{"acct" + std::to_string((t + i) % kItems), ""};
        ItemKey to{"acct" + std::to_string((t + 2 * i + 1) % kItems), ""};
        if (from == to) continue;
        Status status = tables().Mutate(
            {{id, from}, {id, to}},
            [&](const std::vector<ItemRead>& reads, std::vector<ItemWrite>* writes) {
              int a = std::stoi(reads[0].current->data), b = std::stoi(reads[1].current->data);
              writes->push_back(PutWrite(id, from, std::to_string(a - 7)));
              writes->push_back(PutWrite(id, to, std::to_string(b + 7)));
              return Status::Ok();
            });
        if (!status.ok()) ++failures;
      }
      --movers_left;
      return;
    }
    do {
      RangeQuery query;
      query.table_id = id;
      int sum = 0, count = 0;
      Status status = tables().Range(query, [&](const ItemKey&, const StoredItem& item) {
        sum += std::stoi(item.data);
        ++count;
        return true;
      });
      if (!status.ok()) {
        ++failures;
      } else if (sum != kItems * kStart || count != kItems) {
        ++bad_sums;
      }
      ++scans;
    } while (movers_left.load() > 0);
  });
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(bad_sums.load(), 0) << "a scan saw half of a transfer";
  EXPECT_GT(scans.load(), 0);
  int total = 0;
  for (int i = 0; i < kItems; ++i) {
    total += std::stoi(Get(id, {"acct" + std::to_string(i), ""})->data);
  }
  EXPECT_EQ(total, kItems * kStart);
}

INSTANTIATE_TEST_SUITE_P(Modes, ConcurrencyTest, ::testing::Bool(), ModeName);

}  // namespace
}  // namespace skiff::storage

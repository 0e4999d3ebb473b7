// Bodies: chunked streaming in and out, ranges, snapshots that outlive overwrites, aborts.
#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <thread>

#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::Put;
using testing::ReadAll;

// Deterministic, position-dependent bytes so a misplaced chunk cannot go unnoticed: a random
// pattern whose period (a prime) is coprime with the 1 MiB chunk size.
constexpr uint64_t kPeriod = 1000003;

const std::string& Pattern() {
  static const std::string pattern = [] {
    std::string p(2 * kPeriod, '\0');
    std::mt19937 engine(42);
    for (uint64_t i = 0; i < kPeriod; ++i) p[i] = p[i + kPeriod] = static_cast<char>(engine());
    return p;
  }();
  return pattern;
}

std::string Bytes(uint64_t begin, uint64_t size) {
  std::string out;
  out.reserve(size);
  while (out.size() < size) {
    uint64_t at = (begin + out.size()) % kPeriod;
    out.append(Pattern(), at, std::min<uint64_t>(kPeriod, size - out.size()));
  }
  return out;
}

// True if data equals Bytes(begin, data.size()).
bool MatchesPattern(uint64_t begin, std::string_view data) {
  while (!data.empty()) {
    uint64_t at = begin % kPeriod;
    size_t n = std::min<uint64_t>(kPeriod, data.size());
    if (Pattern().compare(at, n, data.data(), n) != 0) return false;
    data.remove_prefix(n);
    begin += n;
  }
  return true;
}

std::string ReadRange(ObjectHandle& handle, uint64_t offset, uint64_t length, size_t piece) {
  std::unique_ptr<BodyReader> reader = handle.Body(offset, length);
  std::string out, buffer(piece, '\0');
  while (size_t n = reader->Read(buffer.data(), buffer.size())) out.append(buffer.data(), n);
  return out;
}

class BlobTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("b")).ok());
  }
};

TEST_P(BlobTest, BigBodyStreamsInAndOutInPieces) {
  constexpr uint64_t kSize = 64ull << 20;
  constexpr size_t kPiece = 3 * 65536 + 17;  // never aligned with the 1 MiB chunks
  std::unique_ptr<BlobWriter> writer = store().NewBlob();
  std::string piece;
  for (uint64_t at = 0; at < kSize; at += kPiece) {
    piece = Bytes(at, std::min<uint64_t>(kPiece, kSize - at));
    ASSERT_TRUE(writer->Append(piece).ok());
  }
  Result<BlobRef> blob = writer->Close();
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->size, kSize);
  PutObjectInput input;
  input.bucket = "b";
  input.key = "big";
  input.blob = *blob;
  input.etag = "e";
  ASSERT_TRUE(store().PutObject(input).ok());

  Result<std::unique_ptr<ObjectHandle>> handle = store().OpenObject("b", "big", "");
  ASSERT_TRUE(handle.ok());
  EXPECT_EQ((*handle)->record().size, kSize);
  std::unique_ptr<BodyReader> reader = (*handle)->Body(0, kSize);
  std::string buffer(100000, '\0');
  uint64_t pos = 0;
  bool same = true;
  while (size_t n = reader->Read(buffer.data(), buffer.size())) {
    same = MatchesPattern(pos, std::string_view(buffer.data(), n));
    ASSERT_TRUE(same) << "difference in the piece at offset " << pos;
    pos += n;
  }
  EXPECT_EQ(pos, kSize);
}

TEST_P(BlobTest, RangesAcrossChunkBoundaries) {
  const uint64_t kMiB = 1 << 20;
  const uint64_t size = 3 * kMiB + 12345;
  ASSERT_TRUE(Put(store(), "b", "k", Bytes(0, size), {}, 777777).ok());
  Result<std::unique_ptr<ObjectHandle>> handle = store().OpenObject("b", "k", "");
  ASSERT_TRUE(handle.ok());
  struct Case {
    uint64_t offset, length;
  };
  for (Case c : {Case{0, 1}, Case{kMiB - 1, 2}, Case{kMiB, kMiB}, Case{kMiB - 10, 2 * kMiB + 20},
                 Case{size - 1, 1}, Case{3 * kMiB, 12345}, Case{5, size}}) {
    uint64_t expected_length = std::min(c.length, size - c.offset);
    EXPECT_EQ(ReadRange(**handle, c.offset, c.length, 4096), Bytes(c.offset, expected_length))
        << c.offset << "+" << c.length;
  }
  // Ranges past the end are clamped to nothing.
  EXPECT_EQ(ReadRange(**handle, size, 10, 10), "");
  EXPECT_EQ(ReadRange(**handle, size + 100, 10, 10), "");
  // Several readers from one handle interleave independently.
  std::unique_ptr<BodyReader> a = (*handle)->Body(0, 10);
  std::unique_ptr<BodyReader> b = (*handle)->Body(2 * kMiB, 10);
  char x[4], y[4];
  ASSERT_EQ(a->Read(x, 4), 4u);
  ASSERT_EQ(b->Read(y, 4), 4u);
  EXPECT_EQ(std::string(x, 4), Bytes(0, 4));
  EXPECT_EQ(std::string(y, 4), Bytes(2 * kMiB, 4));
}

TEST_P(BlobTest, ReaderSnapshotSurvivesOverwriteAndDelete) {
  const std::string old_body = Bytes(0, (2 << 20) + 5);
  ASSERT_TRUE(Put(store(), "b", "k", old_body).ok());
  Result<std::unique_ptr<ObjectHandle>> handle = store().OpenObject("b", "k", "");
  ASSERT_TRUE(handle.ok());
  std::unique_ptr<BodyReader> reader = (*handle)->Body(0, old_body.size());
  handle->reset();  // the reader alone keeps the snapshot

  char first[10];
  ASSERT_EQ(reader->Read(first, sizeof first), sizeof first);
  ASSERT_TRUE(Put(store(), "b", "k", "replacement").ok());
  EXPECT_EQ(ReadAll(store(), "b", "k"), "replacement");
  ASSERT_TRUE(store().DeleteObject("b", "k", "", 1).ok());

  std::string rest(old_body.size(), '\0');
  size_t got = 0;
  while (size_t n = reader->Read(rest.data() + got, 65536)) got += n;
  EXPECT_EQ(std::string(first, 10) + rest.substr(0, got), old_body);

  // Once the last reader is gone, the replaced body is deleted.
  reader.reset();
  db_->Close();
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blobs"), 0);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blob_chunks"), 0);
  }
}

TEST_P(BlobTest, WritersAreNotBlockedByOpenSnapshots) {
  ASSERT_TRUE(Put(store(), "b", "k", Bytes(0, 100)).ok());
  Result<std::unique_ptr<ObjectHandle>> handle = store().OpenObject("b", "k", "");
  ASSERT_TRUE(handle.ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Put(store(), "b", "other-" + std::to_string(i), Bytes(i, 3000)).ok());
  }
  EXPECT_EQ(ReadRange(**handle, 0, 100, 7), Bytes(0, 100));
}

TEST_P(BlobTest, AbortAndDestructorDropStagedData) {
  {
    std::unique_ptr<BlobWriter> writer = store().NewBlob();
    ASSERT_TRUE(writer->Append(Bytes(0, (3 << 20) + 1)).ok());
    writer->Abort();
    EXPECT_EQ(writer->Append("x").code(), Code::kInvalidArgument);
  }
  {
    std::unique_ptr<BlobWriter> writer = store().NewBlob();
    ASSERT_TRUE(writer->Append(Bytes(0, (2 << 20))).ok());
  }  // destroyed without Close
  {
    std::unique_ptr<BlobWriter> writer = store().NewBlob();
    Result<BlobRef> empty = writer->Close();
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->id, 0);
    EXPECT_EQ(empty->size, 0u);
    EXPECT_EQ(writer->Close().code(), Code::kInvalidArgument);
  }
  db_->Close();
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blobs"), 0);
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blob_chunks"), 0);
  }
}

TEST_P(BlobTest, PutRejectsBlobsItDoesNotOwn) {
  std::unique_ptr<BlobWriter> writer = store().NewBlob();
  ASSERT_TRUE(writer->Append("data").ok());
  Result<BlobRef> blob = writer->Close();
  ASSERT_TRUE(blob.ok());
  PutObjectInput input;
  input.bucket = "b";
  input.key = "k";
  input.blob = *blob;
  ASSERT_TRUE(store().PutObject(input).ok());
  // Committing the same blob again (already owned by "k") is refused and leaves "k" intact.
  input.key = "k2";
  EXPECT_EQ(store().PutObject(input).code(), Code::kInvalidArgument);
  EXPECT_EQ(ReadAll(store(), "b", "k"), "data");
  // A size that disagrees with the blob, or a body without a blob, is refused too.
  input.blob = BlobRef{0, 10};
  EXPECT_EQ(store().PutObject(input).code(), Code::kInvalidArgument);
}

TEST_P(BlobTest, ConcurrentWritersAndReaders) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 10;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        std::string key = "t" + std::to_string(t);
        std::string body = Bytes(t * 1000 + r, 70000 + r);
        if (!Put(store(), "b", key, body, {}, 10000).ok()) ++errors;
        if (ReadAll(store(), "b", key) != body) ++errors;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, BlobTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage

// MultipartStore: uploads, parts, completion (chunk re-parenting and copying), listing, abort,
// and cleanup with the bucket.
#include <gtest/gtest.h>

#include <string>

#include "storage/blobs.h"
#include "storage/multipart.h"
#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::CountRows;
using testing::MakeBucket;
using testing::ModeName;
using testing::ReadAll;
using testing::StoreTest;

std::string Pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 7) % 13);
  return s;
}

class MultipartTest : public StoreTest {
 protected:
  MultipartStore& mp() { return *store().multipart(); }

  std::string Create(const std::string& bucket, const std::string& key) {
    MultipartUpload upload;
    upload.bucket = bucket;
    upload.key = key;
    upload.owner_account = "000000000000";
    upload.initiated_ms = 1700000000000;
    upload.attributes = {{"Content-Type", "text/plain"}};
    Result<MultipartUpload> created = mp().CreateUpload(upload);
    EXPECT_TRUE(created.ok()) << created.status().message();
    return created.ok() ? created->upload_id : "";
  }

  Status Part(const std::string& bucket, const std::string& key, const std::string& id,
              uint32_t number, const std::string& body) {
    std::unique_ptr<BlobWriter> writer = store().NewBlob();
    Status status = writer->Append(body);
    if (!status.ok()) return status;
    Result<BlobRef> blob = writer->Close();
    if (!blob.ok()) return blob.status();
    PutPartInput in;
    in.bucket = bucket;
    in.key = key;
    in.upload_id = id;
    in.part_number = number;
    in.blob = *blob;
    in.etag = "etag" + std::to_string(number);
    in.now_ms = 1700000000000;
    return mp().PutPart(in).status();
  }

  Result<ObjectRecord> Complete(const std::string& bucket, const std::string& key,
                                const std::string& id, std::vector<uint32_t> parts) {
    CompleteUploadInput in;
    in.bucket = bucket;
    in.key = key;
    in.upload_id = id;
    in.part_numbers = std::move(parts);
    in.object.bucket = bucket;
    in.object.key = key;
    in.object.etag = "abc-2";
    in.object.owner_account = "000000000000";
    in.object.now_ms = 1700000000000;
    return mp().CompleteUpload(in);
  }
};

TEST_P(MultipartTest, AlignedPartsMoveIntoTheObject) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  std::string id = Create("b", "k");
  std::string a = Pattern(kChunkSize * 2, 'a');
  std::string b = Pattern(kChunkSize + 17, 'b');
  std::string unused = Pattern(100, 'u');
  ASSERT_TRUE(Part("b", "k", id, 1, a).ok());
  ASSERT_TRUE(Part("b", "k", id, 2, b).ok());
  ASSERT_TRUE(Part("b", "k", id, 3, unused).ok());
  Result<ObjectRecord> done = Complete("b", "k", id, {1, 2});
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(done->size, a.size() + b.size());
  EXPECT_EQ(done->parts_count, 2u);
  EXPECT_EQ(done->part_sizes, (std::vector<uint64_t>{a.size(), b.size()}));
  EXPECT_EQ(ReadAll(store(), "b", "k"), a + b);
  EXPECT_EQ(mp().GetUpload("b", "k", id).code(), Code::kUploadNotFound);
  if (!GetParam()) {
    // One blob left (the object's), holding exactly its chunks: nothing was copied or leaked.
    EXPECT_EQ(CountRows(dir_.db_path(), "SELECT COUNT(*) FROM blobs"), 1);
    EXPECT_EQ(CountRows(dir_.db_path(), "SELECT COUNT(*) FROM blob_chunks"), 4);
  }
}

TEST_P(MultipartTest, UnalignedPartsAreCopied) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  std::string id = Create("b", "k");
  std::string a = Pattern(5000, 'a');
  std::string b = Pattern(kChunkSize + 3, 'b');
  ASSERT_TRUE(Part("b", "k", id, 1, a).ok());
  ASSERT_TRUE(Part("b", "k", id, 2, b).ok());
  Result<ObjectRecord> done = Complete("b", "k", id, {1, 2});
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(ReadAll(store(), "b", "k"), a + b);
  if (!GetParam()) {
    EXPECT_EQ(CountRows(dir_.db_path(), "SELECT COUNT(*) FROM blobs"), 1);
    EXPECT_EQ(CountRows(dir_.db_path(), "SELECT COUNT(*) FROM multipart_parts"), 0);
  }
}

TEST_P(MultipartTest, MissingPartOrUploadFails) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  std::string id = Create("b", "k");
  ASSERT_TRUE(Part("b", "k", id, 1, "x").ok());
  EXPECT_EQ(Complete("b", "k", id, {1, 2}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Complete("b", "other", id, {1}).code(), Code::kUploadNotFound);
  EXPECT_EQ(Part("b", "k", "nope", 1, "x").code(), Code::kUploadNotFound);
  // The failed completion left the upload intact.
  ASSERT_TRUE(Complete("b", "k", id, {1}).ok());
  EXPECT_EQ(ReadAll(store(), "b", "k"), "x");
}

TEST_P(MultipartTest, ReplacingAPartAndListingPaginates) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  std::string id = Create("b", "k");
  for (uint32_t n = 1; n <= 5; ++n) ASSERT_TRUE(Part("b", "k", id, n, "p" + std::to_string(n)).ok());
  ASSERT_TRUE(Part("b", "k", id, 3, "replaced").ok());
  ListPartsInput in;
  in.bucket = "b";
  in.key = "k";
  in.upload_id = id;
  in.max_parts = 2;
  Result<ListPartsOutput> page = mp().ListParts(in);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->parts.size(), 2u);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_part_marker, 2u);
  in.after_part = 2;
  in.max_parts = 10;
  page = mp().ListParts(in);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->parts.size(), 3u);
  EXPECT_FALSE(page->truncated);
  EXPECT_EQ(page->parts[0].size, 8u);
}

TEST_P(MultipartTest, ListUploadsOrdersAndGroups) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  std::string k1 = Create("b", "a/1");
  std::string k2 = Create("b", "a/2");
  std::string x1 = Create("b", "x");
  std::string x2 = Create("b", "x");
  ListUploadsInput in;
  in.bucket = "b";
  Result<ListUploadsOutput> all = mp().ListUploads(in);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->uploads.size(), 4u);
  EXPECT_EQ(all->uploads[2].upload_id, x1);
  EXPECT_EQ(all->uploads[3].upload_id, x2);
  in.delimiter = "/";
  all = mp().ListUploads(in);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->common_prefixes, std::vector<std::string>{"a/"});
  EXPECT_EQ(all->uploads.size(), 2u);
  in.delimiter.clear();
  in.key_marker = "x";
  in.upload_id_marker = x1;
  all = mp().ListUploads(in);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->uploads.size(), 1u);
  EXPECT_EQ(all->uploads[0].upload_id, x2);
  in.upload_id_marker.clear();
  in.key_marker = "a/1";
  in.max_uploads = 1;
  all = mp().ListUploads(in);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->uploads.size(), 1u);
  EXPECT_EQ(all->uploads[0].upload_id, k2);
  EXPECT_TRUE(all->truncated);
  (void)k1;
}

TEST_P(MultipartTest, AbortAndBucketDeletionDiscardParts) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  std::string id = Create("b", "k");
  ASSERT_TRUE(Part("b", "k", id, 1, "data").ok());
  ASSERT_TRUE(mp().AbortUpload("b", "k", id).ok());
  EXPECT_EQ(mp().AbortUpload("b", "k", id).code(), Code::kUploadNotFound);
  std::string id2 = Create("b", "k2");
  ASSERT_TRUE(Part("b", "k2", id2, 1, "data").ok());
  // S3 deletes a bucket whose only content is in-progress uploads.
  ASSERT_TRUE(store().DeleteBucket("b").ok());
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b")).ok());
  EXPECT_EQ(mp().GetUpload("b", "k2", id2).code(), Code::kUploadNotFound);
  if (!GetParam()) {
    EXPECT_EQ(CountRows(dir_.db_path(), "SELECT COUNT(*) FROM blobs WHERE state = 'committed'"),
              0);
  }
}

TEST_P(MultipartTest, CompleteHonoursVersioning) {
  ASSERT_TRUE(store().CreateBucket(MakeBucket("b", "Enabled")).ok());
  ASSERT_TRUE(testing::Put(store(), "b", "k", "old").ok());
  std::string id = Create("b", "k");
  ASSERT_TRUE(Part("b", "k", id, 1, "new").ok());
  Result<ObjectRecord> done = Complete("b", "k", id, {1});
  ASSERT_TRUE(done.ok());
  EXPECT_NE(done->version_id, "null");
  EXPECT_EQ(ReadAll(store(), "b", "k"), "new");
}

INSTANTIATE_TEST_SUITE_P(Modes, MultipartTest, ::testing::Bool(), ModeName);

}  // namespace
}  // namespace skiff::storage

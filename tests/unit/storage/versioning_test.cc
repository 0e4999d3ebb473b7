// S3's versioning rules as PutObject / DeleteObject / HeadObject apply them.
#include <gtest/gtest.h>

#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::Put;
using testing::ReadAll;

class VersioningTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("b")).ok());
  }
  void Versioning(const std::string& status) {
    ASSERT_TRUE(store().SetBucketVersioning("b", status).ok());
  }
  // All versions of `key`, newest first, as "version_id[:dm]" strings.
  std::vector<ObjectRecord> Versions(const std::string& key) {
    ListInput input;
    input.bucket = "b";
    input.prefix = key;
    input.versions = true;
    Result<ListOutput> out = store().List(input);
    EXPECT_TRUE(out.ok());
    std::vector<ObjectRecord> versions;
    for (auto& r : out->objects)
      if (r.key == key) versions.push_back(r);
    return versions;
  }
};

TEST_P(VersioningTest, UnversionedOverwriteReplacesNullVersion) {
  Result<ObjectRecord> first = Put(store(), "b", "k", "one");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->version_id, "null");
  ASSERT_TRUE(Put(store(), "b", "k", "two").ok());
  EXPECT_EQ(ReadAll(store(), "b", "k"), "two");
  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].version_id, "null");
  EXPECT_TRUE(versions[0].is_latest);
  // The replaced body is gone for good: only one blob remains.
  db_->Close();
  if (!GetParam()) {
    EXPECT_EQ(testing::CountRows(dir_.db_path(), "SELECT count(*) FROM blobs"), 1);
  }
}

TEST_P(VersioningTest, UnversionedDeleteRemovesRowAndIsIdempotent) {
  ASSERT_TRUE(Put(store(), "b", "k", "one").ok());
  Result<DeleteObjectResult> deleted = store().DeleteObject("b", "k", "", 1);
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(deleted->delete_marker);
  EXPECT_EQ(deleted->version_id, "");
  EXPECT_EQ(store().HeadObject("b", "k", "").code(), Code::kNotFound);
  EXPECT_TRUE(Versions("k").empty());
  EXPECT_TRUE(store().DeleteObject("b", "k", "", 1).ok());
}

TEST_P(VersioningTest, EnabledKeepsEveryVersionNewestFirst) {
  Versioning("Enabled");
  std::vector<std::string> ids;
  for (const char* body : {"v1", "v2", "v3"}) {
    Result<ObjectRecord> put = Put(store(), "b", "k", body);
    ASSERT_TRUE(put.ok());
    EXPECT_EQ(put->version_id.size(), 32u);
    EXPECT_NE(put->version_id, "null");
    ids.push_back(put->version_id);
  }
  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].version_id, ids[2]);
  EXPECT_EQ(versions[1].version_id, ids[1]);
  EXPECT_EQ(versions[2].version_id, ids[0]);
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_FALSE(versions[1].is_latest);
  EXPECT_FALSE(versions[2].is_latest);
  EXPECT_EQ(ReadAll(store(), "b", "k"), "v3");
  EXPECT_EQ(ReadAll(store(), "b", "k", ids[0]), "v1");
  Result<ObjectRecord> head = store().HeadObject("b", "k", ids[1]);
  ASSERT_TRUE(head.ok());
  EXPECT_FALSE(head->is_latest);
  EXPECT_EQ(head->size, 2u);
}

TEST_P(VersioningTest, PreexistingNullVersionSurvivesEnabling) {
  ASSERT_TRUE(Put(store(), "b", "k", "unversioned").ok());
  Versioning("Enabled");
  Result<ObjectRecord> put = Put(store(), "b", "k", "versioned");
  ASSERT_TRUE(put.ok());
  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, put->version_id);
  EXPECT_EQ(versions[1].version_id, "null");
  EXPECT_EQ(ReadAll(store(), "b", "k", "null"), "unversioned");
}

TEST_P(VersioningTest, EnabledDeleteAddsMarkerThatHidesTheObject) {
  Versioning("Enabled");
  Result<ObjectRecord> put = Put(store(), "b", "k", "data");
  ASSERT_TRUE(put.ok());
  Result<DeleteObjectResult> deleted = store().DeleteObject("b", "k", "", 5);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->delete_marker);
  EXPECT_EQ(deleted->version_id.size(), 32u);

  // HEAD without a version returns the marker, so S3 can answer 404 + x-amz-delete-marker.
  Result<ObjectRecord> head = store().HeadObject("b", "k", "");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->is_delete_marker);
  EXPECT_EQ(head->version_id, deleted->version_id);
  EXPECT_EQ(head->last_modified_ms, 5);
  EXPECT_EQ(head->owner_account, "000000000000");
  EXPECT_EQ(ReadAll(store(), "b", "k", put->version_id), "data");

  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_TRUE(versions[0].is_delete_marker);
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_FALSE(versions[1].is_latest);

  // Not listed as a current object.
  ListInput input;
  input.bucket = "b";
  EXPECT_TRUE(store().List(input)->objects.empty());

  // A marker is added even when there is nothing to hide.
  Result<DeleteObjectResult> again = store().DeleteObject("b", "absent", "", 5);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->delete_marker);
  EXPECT_TRUE(store().HeadObject("b", "absent", "")->is_delete_marker);
}

TEST_P(VersioningTest, DeletingTheLatestVersionPromotesTheNextNewest) {
  Versioning("Enabled");
  Result<ObjectRecord> v1 = Put(store(), "b", "k", "v1");
  Result<ObjectRecord> v2 = Put(store(), "b", "k", "v2");
  Result<DeleteObjectResult> marker = store().DeleteObject("b", "k", "", 1);
  ASSERT_TRUE(v1.ok() && v2.ok() && marker.ok());

  // Removing the marker by id restores v2 as current.
  Result<DeleteObjectResult> removed = store().DeleteObject("b", "k", marker->version_id, 1);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed->delete_marker);
  EXPECT_EQ(removed->version_id, marker->version_id);
  Result<ObjectRecord> head = store().HeadObject("b", "k", "");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->version_id, v2->version_id);
  EXPECT_TRUE(head->is_latest);

  // Removing a non-latest version leaves the latest alone.
  ASSERT_TRUE(store().DeleteObject("b", "k", v1->version_id, 1).ok());
  EXPECT_EQ(store().HeadObject("b", "k", "")->version_id, v2->version_id);
  EXPECT_EQ(store().HeadObject("b", "k", v1->version_id).code(), Code::kNotFound);

  // Removing the last version leaves nothing; removing an absent version is OK.
  Result<DeleteObjectResult> last = store().DeleteObject("b", "k", v2->version_id, 1);
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->delete_marker);
  EXPECT_EQ(store().HeadObject("b", "k", "").code(), Code::kNotFound);
  EXPECT_TRUE(store().DeleteObject("b", "k", v2->version_id, 1).ok());
  EXPECT_TRUE(Versions("k").empty());
}

TEST_P(VersioningTest, SuspendedWritesReplaceOnlyTheNullVersion) {
  Versioning("Enabled");
  Result<ObjectRecord> v1 = Put(store(), "b", "k", "v1");
  ASSERT_TRUE(v1.ok());
  Versioning("Suspended");
  Result<ObjectRecord> n1 = Put(store(), "b", "k", "n1");
  ASSERT_TRUE(n1.ok());
  EXPECT_EQ(n1->version_id, "null");
  Result<ObjectRecord> n2 = Put(store(), "b", "k", "n2");
  ASSERT_TRUE(n2.ok());
  EXPECT_EQ(n2->version_id, "null");

  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, "null");
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_EQ(versions[1].version_id, v1->version_id);
  EXPECT_EQ(ReadAll(store(), "b", "k"), "n2");
  EXPECT_EQ(ReadAll(store(), "b", "k", v1->version_id), "v1");
}

TEST_P(VersioningTest, NullVersionRewrittenWhileSuspendedMovesToTheFront) {
  ASSERT_TRUE(Put(store(), "b", "k", "old-null").ok());
  Versioning("Enabled");
  Result<ObjectRecord> v1 = Put(store(), "b", "k", "v1");
  ASSERT_TRUE(v1.ok());
  Versioning("Suspended");
  ASSERT_TRUE(Put(store(), "b", "k", "new-null").ok());
  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, "null");
  EXPECT_EQ(versions[1].version_id, v1->version_id);
  EXPECT_EQ(ReadAll(store(), "b", "k", "null"), "new-null");
}

TEST_P(VersioningTest, SuspendedDeleteReplacesNullVersionWithMarker) {
  Versioning("Enabled");
  Result<ObjectRecord> v1 = Put(store(), "b", "k", "v1");
  Versioning("Suspended");
  ASSERT_TRUE(Put(store(), "b", "k", "null-body").ok());
  Result<DeleteObjectResult> deleted = store().DeleteObject("b", "k", "", 9);
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->delete_marker);
  EXPECT_EQ(deleted->version_id, "null");

  std::vector<ObjectRecord> versions = Versions("k");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version_id, "null");
  EXPECT_TRUE(versions[0].is_delete_marker);
  EXPECT_TRUE(versions[0].is_latest);
  EXPECT_EQ(versions[1].version_id, v1->version_id);

  // Deleting again replaces the null marker with a new null marker: still two versions.
  ASSERT_TRUE(store().DeleteObject("b", "k", "", 10).ok());
  versions = Versions("k");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].last_modified_ms, 10);

  // With no null version at all, a suspended delete still adds a null marker.
  ASSERT_TRUE(store().DeleteObject("b", "fresh", "", 11).ok());
  Result<ObjectRecord> head = store().HeadObject("b", "fresh", "");
  ASSERT_TRUE(head.ok());
  EXPECT_TRUE(head->is_delete_marker);
  EXPECT_EQ(head->version_id, "null");
}

TEST_P(VersioningTest, HeadAndOpenReportMissingThings) {
  EXPECT_EQ(store().HeadObject("b", "nope", "").code(), Code::kNotFound);
  EXPECT_EQ(store().HeadObject("b", "nope", "someversion").code(), Code::kNotFound);
  EXPECT_EQ(store().HeadObject("nobucket", "k", "").code(), Code::kBucketNotFound);
  EXPECT_EQ(store().OpenObject("b", "nope", "").code(), Code::kNotFound);
  EXPECT_EQ(store().OpenObject("nobucket", "k", "").code(), Code::kBucketNotFound);
  EXPECT_EQ(store().DeleteObject("nobucket", "k", "", 1).code(), Code::kBucketNotFound);
  EXPECT_EQ(Put(store(), "nobucket", "k", "x").code(), Code::kBucketNotFound);
}

TEST_P(VersioningTest, RecordRoundTripsEveryField) {
  std::unique_ptr<BlobWriter> writer = store().NewBlob();
  ASSERT_TRUE(writer->Append("hello world").ok());
  Result<BlobRef> blob = writer->Close();
  ASSERT_TRUE(blob.ok());
  PutObjectInput input;
  input.bucket = "b";
  input.key = "dir/ключ \xf0\x9f\x98\x80";
  input.blob = *blob;
  input.etag = "5eb63bbbe01eeed093cb22bb8f5acdc3-2";
  input.owner_account = "123456789012";
  input.attributes = {{"Content-Type", "text/plain"}, {"x-amz-meta-a", "1"}};
  input.checksum_algorithm = "CRC32C";
  input.checksum_value = "yZRlqg==-2";
  input.checksum_type = "COMPOSITE";
  input.storage_class = "STANDARD_IA";
  input.parts_count = 2;
  input.part_sizes = {6, 5};
  input.now_ms = 1234567;
  ASSERT_TRUE(store().PutObject(input).ok());
  Result<ObjectRecord> head = store().HeadObject("b", input.key, "");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->bucket, "b");
  EXPECT_EQ(head->key, input.key);
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(head->etag, input.etag);
  EXPECT_EQ(head->owner_account, input.owner_account);
  EXPECT_EQ(head->attributes, input.attributes);
  EXPECT_EQ(head->checksum_algorithm, "CRC32C");
  EXPECT_EQ(head->checksum_value, "yZRlqg==-2");
  EXPECT_EQ(head->checksum_type, "COMPOSITE");
  EXPECT_EQ(head->storage_class, "STANDARD_IA");
  EXPECT_EQ(head->parts_count, 2u);
  EXPECT_EQ(head->part_sizes, (std::vector<uint64_t>{6, 5}));
  EXPECT_EQ(head->last_modified_ms, 1234567);
  EXPECT_TRUE(head->is_latest);
  EXPECT_FALSE(head->is_delete_marker);
}

TEST_P(VersioningTest, EmptyBodiesNeedNoBlob) {
  Result<ObjectRecord> put = Put(store(), "b", "empty", "");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->blob_id, 0);
  EXPECT_EQ(put->size, 0u);
  EXPECT_EQ(ReadAll(store(), "b", "empty"), "");
}

TEST_P(VersioningTest, UpdateAttributesInPlace) {
  Versioning("Enabled");
  Result<ObjectRecord> v1 = Put(store(), "b", "k", "v1");
  Result<ObjectRecord> v2 = Put(store(), "b", "k", "v2");
  Attributes tagged = {{"x-amz-tagging", "a=b"}};
  ASSERT_TRUE(store().UpdateObjectAttributes("b", "k", v1->version_id, tagged).ok());
  EXPECT_EQ(store().HeadObject("b", "k", v1->version_id)->attributes, tagged);
  EXPECT_NE(store().HeadObject("b", "k", "")->attributes, tagged);
  ASSERT_TRUE(store().UpdateObjectAttributes("b", "k", "", tagged).ok());
  EXPECT_EQ(store().HeadObject("b", "k", "")->attributes, tagged);
  EXPECT_EQ(Versions("k").size(), 2u);
  EXPECT_EQ(store().UpdateObjectAttributes("b", "nope", "", tagged).code(), Code::kNotFound);
  ASSERT_TRUE(store().DeleteObject("b", "k", "", 1).ok());
  EXPECT_EQ(store().UpdateObjectAttributes("b", "k", "", tagged).code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Modes, VersioningTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage

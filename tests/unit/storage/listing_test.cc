// List() against a brute-force reference over random keys, versions and delete markers.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/unit/storage/store_fixture.h"

namespace skiff::storage {
namespace {

using testing::Put;

struct Version {
  std::string id;
  bool delete_marker = false;
};

// key -> versions, newest first. std::map<std::string> orders keys as unsigned bytes.
using Model = std::map<std::string, std::vector<Version>>;

struct Entry {
  std::string key, version_id, common_prefix;
  bool operator==(const Entry&) const = default;
};

// What List should return, computed the slow and obvious way.
ListOutput Reference(const Model& model, const ListInput& input) {
  // Every candidate entry in order: objects (or versions) and the prefixes they roll up into.
  std::vector<std::pair<Entry, ObjectRecord>> candidates;
  for (const auto& [key, versions] : model) {
    if (key.compare(0, input.prefix.size(), input.prefix) != 0) continue;
    bool marker_key_continuation =
        input.versions && !input.version_id_marker.empty() && key == input.start_after;
    size_t first = 0;
    if (marker_key_continuation) {
      first = versions.size();
      for (size_t i = 0; i < versions.size(); ++i) {
        if (versions[i].id == input.version_id_marker) first = i + 1;
      }
    } else if (key <= input.start_after) {
      continue;
    }
    for (size_t i = first; i < versions.size(); ++i) {
      if (!input.versions && (i > 0 || versions[i].delete_marker)) break;
      ObjectRecord record;
      record.key = key;
      record.version_id = versions[i].id;
      record.is_delete_marker = versions[i].delete_marker;
      record.is_latest = i == 0;
      Entry entry{key, input.versions ? versions[i].id : "", ""};
      if (!input.delimiter.empty()) {
        size_t pos = key.find(input.delimiter, input.prefix.size());
        if (pos != std::string::npos) {
          entry = Entry{"", "", key.substr(0, pos + input.delimiter.size())};
          if (entry.common_prefix <= input.start_after) continue;
        }
      }
      if (!candidates.empty() && !entry.common_prefix.empty() &&
          candidates.back().first.common_prefix == entry.common_prefix) {
        continue;
      }
      candidates.emplace_back(entry, record);
      if (candidates.size() > input.max_keys) break;
    }
    if (candidates.size() > input.max_keys) break;
  }
  ListOutput out;
  for (const auto& [entry, record] : candidates) {
    if (out.objects.size() + out.common_prefixes.size() == input.max_keys) {
      out.truncated = true;
      break;
    }
    if (!entry.common_prefix.empty()) {
      out.common_prefixes.push_back(entry.common_prefix);
      out.next_marker = entry.common_prefix;
      out.next_version_id_marker.clear();
    } else {
      out.objects.push_back(record);
      out.next_marker = record.key;
      out.next_version_id_marker = input.versions ? record.version_id : "";
    }
  }
  return out;
}

void ExpectSame(const ListOutput& actual, const ListOutput& expected, const std::string& where) {
  ASSERT_EQ(actual.objects.size(), expected.objects.size()) << where;
  for (size_t i = 0; i < actual.objects.size(); ++i) {
    EXPECT_EQ(actual.objects[i].key, expected.objects[i].key) << where << " #" << i;
    EXPECT_EQ(actual.objects[i].version_id, expected.objects[i].version_id) << where << " #" << i;
    EXPECT_EQ(actual.objects[i].is_delete_marker, expected.objects[i].is_delete_marker) << where;
    EXPECT_EQ(actual.objects[i].is_latest, expected.objects[i].is_latest) << where;
  }
  EXPECT_EQ(actual.common_prefixes, expected.common_prefixes) << where;
  EXPECT_EQ(actual.truncated, expected.truncated) << where;
  if (expected.truncated) {
    EXPECT_EQ(actual.next_marker, expected.next_marker) << where;
    EXPECT_EQ(actual.next_version_id_marker, expected.next_version_id_marker) << where;
  }
}

class ListingTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("b")).ok());
    ASSERT_TRUE(store().CreateBucket(testing::MakeBucket("other")).ok());
    ASSERT_TRUE(Put(store(), "other", "a", "not in b").ok());
  }

  std::string RandomKey(std::mt19937& rng) {
    // Multi-byte UTF-8 and a high ASCII byte make byte order differ from naive orders.
    static const std::vector<std::string> kParts = {"a",        "b", "/",    "-",
                                                    "\xc3\xa9", "z", "\x7f", "ab/"};
    std::string key;
    int length = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < length; ++i) key += kParts[rng() % kParts.size()];
    return key;
  }

  // Random puts and deletes in a bucket that switches versioning on part-way.
  void Populate(std::mt19937& rng, int operations) {
    for (int i = 0; i < operations; ++i) {
      if (i == operations / 3) {
        ASSERT_TRUE(store().SetBucketVersioning("b", "Enabled").ok());
      }
      std::string key = RandomKey(rng);
      bool versioned = i >= operations / 3;
      auto& versions = model_[key];
      if (rng() % 4 == 0) {
        Result<DeleteObjectResult> deleted = store().DeleteObject("b", key, "", 1);
        ASSERT_TRUE(deleted.ok());
        if (versioned) {
          versions.insert(versions.begin(), Version{deleted->version_id, true});
        } else {
          versions.clear();
        }
      } else {
        Result<ObjectRecord> put = Put(store(), "b", key, "x");
        ASSERT_TRUE(put.ok());
        if (!versioned) versions.clear();
        versions.insert(versions.begin(), Version{put->version_id, false});
      }
      if (versions.empty()) model_.erase(key);
    }
  }

  Model model_;
};

TEST_P(ListingTest, MatchesReferenceOnRandomKeys) {
  std::mt19937 rng(GetParam() ? 7 : 11);
  Populate(rng, 300);
  const std::vector<std::string> delimiters = {"", "/", "-", "b/"};
  for (int round = 0; round < 150; ++round) {
    ListInput input;
    input.bucket = "b";
    input.versions = round % 2 == 1;
    input.delimiter = delimiters[rng() % delimiters.size()];
    if (rng() % 2) input.prefix = RandomKey(rng).substr(0, 1 + rng() % 2);
    input.max_keys = 1 + rng() % 9;
    std::string where = std::string(input.versions ? "versions" : "objects") +
                        " prefix=" + input.prefix + " delimiter=" + input.delimiter +
                        " max=" + std::to_string(input.max_keys);

    // Page through, checking each page against the reference for the same input.
    ListInput everything = input;
    everything.max_keys = 100000;
    ListOutput all = Reference(model_, everything);
    size_t objects = 0, prefixes = 0;
    for (int page = 0; page < 1000; ++page) {
      Result<ListOutput> actual = store().List(input);
      ASSERT_TRUE(actual.ok()) << actual.status().message();
      ListOutput expected = Reference(model_, input);
      ExpectSame(*actual, expected,
                 where + " page " + std::to_string(page) + " after " + input.start_after + "/" +
                     input.version_id_marker);
      if (::testing::Test::HasFailure()) return;
      objects += actual->objects.size();
      prefixes += actual->common_prefixes.size();
      if (!actual->truncated) break;
      input.start_after = actual->next_marker;
      input.version_id_marker = actual->next_version_id_marker;
    }
    EXPECT_EQ(objects, all.objects.size()) << where;
    EXPECT_EQ(prefixes, all.common_prefixes.size()) << where;
  }
}

TEST_P(ListingTest, StartAfterAndCommonPrefixes) {
  for (const char* key : {"a/1", "a/2", "a/3/x", "b", "c/1", "c0"}) {
    ASSERT_TRUE(Put(store(), "b", key, "x").ok());
  }
  ListInput input;
  input.bucket = "b";
  input.delimiter = "/";
  input.max_keys = 2;
  Result<ListOutput> page = store().List(input);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"a/"}));
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "b");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_marker, "b");

  // A continuation that ended on a common prefix skips every key under it.
  input.start_after = "a/";
  input.max_keys = 10;
  page = store().List(input);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "b");
  EXPECT_EQ(page->objects[1].key, "c0");
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"c/"}));
  EXPECT_FALSE(page->truncated);

  // Prefix within a group.
  input = ListInput{};
  input.bucket = "b";
  input.prefix = "a/";
  input.delimiter = "/";
  page = store().List(input);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"a/3/"}));

  // max_keys 0 returns nothing; a missing bucket is reported.
  input.max_keys = 0;
  EXPECT_TRUE(store().List(input)->objects.empty());
  input.bucket = "missing";
  EXPECT_EQ(store().List(input).code(), Code::kBucketNotFound);
}

TEST_P(ListingTest, KeysSortAsUtf8Bytes) {
  // U+FF21 (EF BC A1) sorts after U+00E9 (C3 A9) and both after ASCII '~'.
  for (const char* key : {"\xef\xbc\xa1", "~", "\xc3\xa9", "A", "a"}) {
    ASSERT_TRUE(Put(store(), "b", key, "x").ok());
  }
  ListInput input;
  input.bucket = "b";
  Result<ListOutput> out = store().List(input);
  ASSERT_TRUE(out.ok());
  std::vector<std::string> keys;
  for (const auto& r : out->objects) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"A", "a", "~", "\xc3\xa9", "\xef\xbc\xa1"}));
}

TEST_P(ListingTest, VersionPagesContinueWithinAKey) {
  ASSERT_TRUE(Put(store(), "b", "k", "null-version").ok());
  ASSERT_TRUE(store().SetBucketVersioning("b", "Enabled").ok());
  Result<ObjectRecord> v1 = Put(store(), "b", "k", "v1");
  Result<ObjectRecord> v2 = Put(store(), "b", "k", "v2");
  ASSERT_TRUE(Put(store(), "b", "l", "other key").ok());
  ASSERT_TRUE(v1.ok() && v2.ok());

  ListInput input;
  input.bucket = "b";
  input.versions = true;
  input.max_keys = 1;
  Result<ListOutput> page = store().List(input);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].version_id, v2->version_id);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_marker, "k");
  EXPECT_EQ(page->next_version_id_marker, v2->version_id);

  input.start_after = "k";
  input.version_id_marker = v1->version_id;
  input.max_keys = 10;
  page = store().List(input);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].version_id, "null");
  EXPECT_FALSE(page->objects[0].is_latest);
  EXPECT_EQ(page->objects[1].key, "l");

  // The "null" version works as a marker; a marker that no longer exists moves to the next key.
  input.version_id_marker = "null";
  page = store().List(input);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "l");
  ASSERT_TRUE(store().DeleteObject("b", "k", v1->version_id, 1).ok());
  input.version_id_marker = v1->version_id;
  page = store().List(input);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "l");
}

INSTANTIATE_TEST_SUITE_P(Modes, ListingTest, ::testing::Bool(), testing::ModeName);

}  // namespace
}  // namespace skiff::storage

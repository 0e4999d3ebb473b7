#include "server/common/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace skiff::common {
namespace {

TEST(CredentialStoreTest, HoldsTheDefaultTestKey) {
  CredentialStore store;
  auto c = store.Find("test");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->secret, "test");
  EXPECT_EQ(c->account_id, "000000000000");
  EXPECT_EQ(c->arn, "arn:aws:iam::000000000000:root");
  EXPECT_TRUE(c->user_name.empty());
  EXPECT_FALSE(store.Find("TEST"));
}

TEST(CredentialStoreTest, PutFillsArnAndReplaces) {
  CredentialStore store;
  Credential alice;
  alice.access_key = "AKIAALICE";
  alice.secret = "s1";
  alice.account_id = "111122223333";
  alice.user_name = "alice";
  store.Put(alice);
  EXPECT_EQ(store.Find("AKIAALICE")->arn, "arn:aws:iam::111122223333:user/alice");
  alice.secret = "s2";
  alice.arn = "arn:aws:sts::111122223333:assumed-role/r/s";
  store.Put(alice);
  EXPECT_EQ(store.Find("AKIAALICE")->secret, "s2");
  EXPECT_EQ(store.Find("AKIAALICE")->arn, "arn:aws:sts::111122223333:assumed-role/r/s");
  EXPECT_EQ(store.List().size(), 2u);
  EXPECT_TRUE(store.Remove("AKIAALICE"));
  EXPECT_FALSE(store.Remove("AKIAALICE"));
  store.Clear();
  EXPECT_TRUE(store.List().empty());
}

TEST(CredentialStoreTest, LoadSpecParsesKeysAndAccounts) {
  CredentialStore store;
  EXPECT_EQ(store.LoadSpec("AK1:SK1, AK2:SK/2+x:123456789012,"), "");
  auto one = store.Find("AK1");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->secret, "SK1");
  EXPECT_EQ(one->account_id, "000000000000");
  auto two = store.Find("AK2");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->secret, "SK/2+x");
  EXPECT_EQ(two->account_id, "123456789012");
  EXPECT_EQ(two->arn, "arn:aws:iam::123456789012:root");
  EXPECT_TRUE(store.Find("test"));  // the default stays
}

TEST(CredentialStoreTest, LoadSpecRejectsBadEntriesAndLoadsNothing) {
  CredentialStore store;
  EXPECT_NE(store.LoadSpec("GOOD:SECRET,BAD"), "");
  EXPECT_FALSE(store.Find("GOOD"));
  EXPECT_NE(store.LoadSpec(":secret"), "");
  EXPECT_NE(store.LoadSpec("AK:"), "");
  std::string error = store.LoadSpec("AK:SK:12345");
  EXPECT_NE(error.find("12 digits"), std::string::npos) << error;
  EXPECT_NE(store.LoadSpec("AK:SK:12345678901x"), "");
}

class CredentialFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/skiff-creds-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void Write(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }
  std::string path_;
};

TEST_F(CredentialFileTest, LoadsAList) {
  Write(R"([
    {"accessKeyId": "AKIAFILE1", "secretAccessKey": "secret1"},
    {"accessKeyId": "AKIAFILE2", "secretAccessKey": "secret2", "accountId": "444455556666",
     "userName": "ci"}
  ]
  )");
  CredentialStore store;
  EXPECT_EQ(store.LoadFile(path_), "");
  EXPECT_EQ(store.Find("AKIAFILE1")->account_id, "000000000000");
  auto two = store.Find("AKIAFILE2");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->secret, "secret2");
  EXPECT_EQ(two->user_name, "ci");
  EXPECT_EQ(two->arn, "arn:aws:iam::444455556666:user/ci");
}

TEST_F(CredentialFileTest, ReportsErrors) {
  CredentialStore store;
  Write("[{\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\"}");
  EXPECT_NE(store.LoadFile(path_).find("invalid JSON"), std::string::npos);
  Write("[] trailing");
  EXPECT_NE(store.LoadFile(path_).find("unexpected content"), std::string::npos);
  Write("{\"accessKeyId\": \"A\"}");
  EXPECT_NE(store.LoadFile(path_).find("array"), std::string::npos);
  Write("[{\"accessKeyID\": \"A\", \"secretAccessKey\": \"S\"}]");
  EXPECT_NE(store.LoadFile(path_).find("unknown member \"accessKeyID\""), std::string::npos);
  Write("[{\"accessKeyId\": \"A\"}]");
  EXPECT_NE(store.LoadFile(path_).find("secretAccessKey"), std::string::npos);
  Write("[{\"accessKeyId\": 5, \"secretAccessKey\": \"S\"}]");
  EXPECT_NE(store.LoadFile(path_).find("must be a string"), std::string::npos);
  Write("[{\"accessKeyId\": \"OK\", \"secretAccessKey\": \"S\"}, 3]");
  EXPECT_NE(store.LoadFile(path_).find("entry 1"), std::string::npos);
  EXPECT_FALSE(store.Find("OK"));  // nothing from a failed file is loaded
  EXPECT_NE(store.LoadFile("/nonexistent/creds.json").find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace skiff::common

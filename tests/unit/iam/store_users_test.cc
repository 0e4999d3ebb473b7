// IamStore users, access keys and inline user policies: errors as IAM words them, credential
// mirroring, policies for a principal, and persistence across a reopen.
#include <gtest/gtest.h>

#include "tests/unit/iam/store_fixture.h"

namespace skiff::iam {
namespace {

using testing::kAccount;
using testing::kAllowAll;
using testing::StoreTest;

class StoreUsersTest : public StoreTest {};

TEST_F(StoreUsersTest, CreateGetListDeleteUser) {
  UserInfo created;
  ASSERT_TRUE(store().CreateUser(kAccount, "alice", "/team/", {}, &created).ok());
  EXPECT_EQ(created.arn, "arn:aws:iam::111122223333:user/team/alice");
  EXPECT_EQ(created.user_id.size(), 21u);
  EXPECT_TRUE(created.user_id.starts_with("AIDA"));

  IamError dup = store().CreateUser(kAccount, "ALICE");
  EXPECT_EQ(dup.code, "EntityAlreadyExists");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.message, "User with name ALICE already exists.");

  UserInfo got;
  ASSERT_TRUE(store().GetUser(kAccount, "Alice", &got).ok());  // names ignore case
  EXPECT_EQ(got.name, "alice");
  EXPECT_EQ(got.user_id, created.user_id);

  // Another account has its own namespace.
  EXPECT_EQ(store().GetUser("999999999999", "alice", &got).code, "NoSuchEntity");
  ASSERT_TRUE(store().CreateUser(kAccount, "bob").ok());
  std::vector<UserInfo> all = store().ListUsers(kAccount, "");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "alice");
  EXPECT_EQ(all[1].name, "bob");
  EXPECT_EQ(store().ListUsers(kAccount, "/team/").size(), 1u);

  ASSERT_TRUE(store().DeleteUser(kAccount, "alice").ok());
  IamError missing = store().DeleteUser(kAccount, "alice");
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.message, "The user with name alice cannot be found.");
}

TEST_F(StoreUsersTest, InvalidNamesAndPathsAreValidationErrors) {
  IamError e = store().CreateUser(kAccount, "bad name");
  EXPECT_EQ(e.code, "ValidationError");
  EXPECT_EQ(e.message,
            "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  EXPECT_EQ(store().CreateUser(kAccount, std::string(65, 'a')).code, "ValidationError");
  EXPECT_EQ(store().CreateUser(kAccount, "ok", "no-slashes", {}, nullptr).code, "ValidationError");
  EXPECT_TRUE(store().ListUsers(kAccount, "").empty());
}

TEST_F(StoreUsersTest, AccessKeysAreMirroredIntoCredentials) {
  ASSERT_TRUE(store().CreateUser(kAccount, "alice").ok());
  AccessKeyInfo key;
  ASSERT_TRUE(store().CreateAccessKey(kAccount, "alice", &key).ok());
  EXPECT_TRUE(key.access_key.starts_with("AKIA"));
  EXPECT_EQ(key.access_key.size(), 20u);
  EXPECT_EQ(key.secret.size(), 40u);
  EXPECT_EQ(key.status, "Active");

  std::optional<common::Credential> c = credentials_.Find(key.access_key);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->secret, key.secret);
  EXPECT_EQ(c->account_id, kAccount);
  EXPECT_EQ(c->user_name, "alice");
  EXPECT_EQ(c->arn, "arn:aws:iam::111122223333:user/alice");

  ASSERT_TRUE(store().AddAccessKey(kAccount, "alice", "AKIAFIXEDFIXED000001", "s3cret").ok());
  IamError limit = store().CreateAccessKey(kAccount, "alice", &key);
  EXPECT_EQ(limit.code, "LimitExceeded");
  EXPECT_EQ(limit.message, "Cannot exceed quota for AccessKeysPerUser: 2");

  IamError conflict = store().DeleteUser(kAccount, "alice");
  EXPECT_EQ(conflict.code, "DeleteConflict");
  EXPECT_EQ(conflict.message, "Cannot delete entity, must delete access keys first.");

  std::vector<AccessKeyInfo> keys;
  ASSERT_TRUE(store().ListAccessKeys(kAccount, "alice", &keys).ok());
  ASSERT_EQ(keys.size(), 2u);
  for (const AccessKeyInfo& k : keys) {
    ASSERT_TRUE(store().DeleteAccessKey(kAccount, "alice", k.access_key).ok());
    EXPECT_FALSE(credentials_.Find(k.access_key).has_value());
  }
  EXPECT_EQ(store().DeleteAccessKey(kAccount, "alice", "AKIAFIXEDFIXED000001").message,
            "The Access Key with id AKIAFIXEDFIXED000001 cannot be found");
  EXPECT_TRUE(store().DeleteUser(kAccount, "alice").ok());
}

TEST_F(StoreUsersTest, InactiveKeysStopAuthenticatingAcrossReopen) {
  ASSERT_TRUE(store().CreateUser(kAccount, "alice").ok());
  ASSERT_TRUE(store().AddAccessKey(kAccount, "alice", "AKIAALICE00000000002", "s").ok());
  EXPECT_EQ(store().UpdateAccessKey(kAccount, "alice", "AKIAALICE00000000002", "Off").code,
            "ValidationError");
  ASSERT_TRUE(store().UpdateAccessKey(kAccount, "alice", "AKIAALICE00000000002", "Inactive").ok());
  EXPECT_FALSE(credentials_.Find("AKIAALICE00000000002").has_value());
  Reopen();
  EXPECT_FALSE(credentials_.Find("AKIAALICE00000000002").has_value());
  std::vector<AccessKeyInfo> keys;
  ASSERT_TRUE(store().ListAccessKeys(kAccount, "alice", &keys).ok());
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].status, "Inactive");
  ASSERT_TRUE(store().UpdateAccessKey(kAccount, "alice", "AKIAALICE00000000002", "Active").ok());
  EXPECT_TRUE(credentials_.Find("AKIAALICE00000000002").has_value());
}

TEST_F(StoreUsersTest, InlinePoliciesAreValidatedAndApplyToTheUser) {
  ASSERT_TRUE(store().CreateUser(kAccount, "alice").ok());
  IamError bad = store().PutUserPolicy(kAccount, "alice", "p", "{not json");
  EXPECT_EQ(bad.code, "MalformedPolicyDocument");
  EXPECT_EQ(bad.status, 400);
  IamError principal = store().PutUserPolicy(
      kAccount, "alice", "p",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})");
  EXPECT_EQ(principal.code, "MalformedPolicyDocument");
  EXPECT_EQ(principal.message, "Policy document should not specify a principal.");
  EXPECT_EQ(store().PutUserPolicy(kAccount, "nobody", "p", kAllowAll).code, "NoSuchEntity");

  ASSERT_TRUE(store().PutUserPolicy(kAccount, "alice", "all", kAllowAll).ok());
  std::string document;
  ASSERT_TRUE(store().GetUserPolicy(kAccount, "alice", "all", &document).ok());
  EXPECT_EQ(document, kAllowAll);
  EXPECT_EQ(store().GetUserPolicy(kAccount, "alice", "other", &document).message,
            "The user policy with name other cannot be found.");
  std::vector<std::string> names;
  ASSERT_TRUE(store().ListUserPolicies(kAccount, "alice", &names).ok());
  EXPECT_EQ(names, std::vector<std::string>{"all"});

  common::Principal alice;
  alice.account_id = kAccount;
  alice.user_name = "alice";
  alice.arn = "arn:aws:iam::111122223333:user/alice";
  std::vector<NamedPolicy> policies = store().PoliciesFor(alice);
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0].name, "all");
  RequestFacts facts;
  facts.action = "s3:GetObject";
  facts.resource = "arn:aws:s3:::bucket/key";
  EXPECT_EQ(Evaluate(policies[0].policy, facts, false).effect, Effect::kAllow);

  common::Principal root;
  root.account_id = kAccount;
  root.arn = "arn:aws:iam::111122223333:root";
  EXPECT_TRUE(store().PoliciesFor(root).empty());

  EXPECT_EQ(store().DeleteUser(kAccount, "alice").message,
            "Cannot delete entity, must delete policies first.");
  ASSERT_TRUE(store().DeleteUserPolicy(kAccount, "alice", "all").ok());
  EXPECT_EQ(store().DeleteUserPolicy(kAccount, "alice", "all").code, "NoSuchEntity");
  EXPECT_TRUE(store().PoliciesFor(alice).empty());
}

TEST_F(StoreUsersTest, TagsAreValidatedAndKept) {
  EXPECT_EQ(store().CreateUser(kAccount, "t", "/", {{"env", "a"}, {"ENV", "b"}}, nullptr).message,
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  EXPECT_EQ(store().CreateUser(kAccount, "t", "/", {{"", "a"}}, nullptr).code, "ValidationError");
  EXPECT_EQ(store().GetUser(kAccount, "t", nullptr).code, "NoSuchEntity");
  ASSERT_TRUE(store().CreateUser(kAccount, "t", "/", {{"env", "ci"}, {"team", ""}}, nullptr).ok());
  Reopen();
  UserInfo user;
  ASSERT_TRUE(store().GetUser(kAccount, "t", &user).ok());
  ASSERT_EQ(user.tags.size(), 2u);
  EXPECT_EQ(user.tags[0].key, "env");
  EXPECT_EQ(user.tags[0].value, "ci");
  EXPECT_EQ(user.tags[1].key, "team");
}

TEST_F(StoreUsersTest, TagUserMergesCaseInsensitivelyAndUntagIgnoresMissingKeys) {
  ASSERT_TRUE(store().CreateUser(kAccount, "t", "/", {{"env", "a"}}, nullptr).ok());
  ASSERT_TRUE(store().TagUser(kAccount, "t", {{"ENV", "b"}, {"x", "1"}}).ok());
  UserInfo user;
  ASSERT_TRUE(store().GetUser(kAccount, "t", &user).ok());
  ASSERT_EQ(user.tags.size(), 2u);
  EXPECT_EQ(user.tags[0].key, "ENV");
  EXPECT_EQ(user.tags[0].value, "b");
  ASSERT_TRUE(store().UntagUser(kAccount, "t", {"Env", "nope"}).ok());
  ASSERT_TRUE(store().GetUser(kAccount, "t", &user).ok());
  ASSERT_EQ(user.tags.size(), 1u);
  EXPECT_EQ(user.tags[0].key, "x");
  EXPECT_EQ(store().TagUser(kAccount, "ghost", {{"a", "b"}}).code, "NoSuchEntity");
}

TEST_F(StoreUsersTest, StateSurvivesReopenAndResetClearsIt) {
  ASSERT_TRUE(store().CreateUser(kAccount, "alice").ok());
  ASSERT_TRUE(store().AddAccessKey(kAccount, "alice", "AKIAALICE00000000001", "secret").ok());
  ASSERT_TRUE(store().PutUserPolicy(kAccount, "alice", "all", kAllowAll).ok());
  Reopen();
  UserInfo alice;
  ASSERT_TRUE(store().GetUser(kAccount, "alice", &alice).ok());
  std::optional<common::Credential> c = credentials_.Find("AKIAALICE00000000001");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->secret, "secret");
  EXPECT_EQ(c->arn, alice.arn);
  common::Principal p;
  p.account_id = kAccount;
  p.user_name = "alice";
  p.arn = alice.arn;
  EXPECT_EQ(store().PoliciesFor(p).size(), 1u);

  store().Reset();
  EXPECT_FALSE(credentials_.Find("AKIAALICE00000000001").has_value());
  EXPECT_EQ(store().GetUser(kAccount, "alice", &alice).code, "NoSuchEntity");
  Reopen();
  EXPECT_TRUE(store().ListUsers(kAccount, "").empty());
}

}  // namespace
}  // namespace skiff::iam

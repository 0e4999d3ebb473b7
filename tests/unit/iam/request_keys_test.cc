// The global condition keys every authorized request carries.
#include "server/iam/request_keys.h"

#include <gtest/gtest.h>

namespace skiff::iam {
namespace {

std::string One(const RequestFacts& f, const std::string& key) {
  auto it = f.context.find(key);
  if (it == f.context.end() || it->second.size() != 1) return "<missing>";
  return it->second.front();
}

TEST(RequestKeysTest, UserOverPlainHttp) {
  common::Principal p;
  p.account_id = "111122223333";
  p.arn = "arn:aws:iam::111122223333:user/team/alice";
  p.user_name = "alice";
  p.region = "eu-west-1";
  http::Request r;
  r.remote_address = "::ffff:10.1.2.3";
  RequestFacts f;
  AddGlobalConditionKeys(p, r, "444455556666", &f);
  EXPECT_EQ(One(f, "aws:SecureTransport"), "false");
  EXPECT_EQ(One(f, "aws:SourceIp"), "10.1.2.3");
  EXPECT_EQ(One(f, "aws:PrincipalArn"), p.arn);
  EXPECT_EQ(One(f, "aws:PrincipalAccount"), "111122223333");
  EXPECT_EQ(One(f, "aws:PrincipalType"), "User");
  EXPECT_EQ(One(f, "aws:username"), "alice");
  EXPECT_EQ(One(f, "aws:RequestedRegion"), "eu-west-1");
  EXPECT_EQ(One(f, "aws:ResourceAccount"), "444455556666");
  std::string now = One(f, "aws:CurrentTime");
  ASSERT_EQ(now.size(), 20u) << now;
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
  EXPECT_NE(One(f, "aws:EpochTime"), "<missing>");
}

TEST(RequestKeysTest, RootAndAssumedRoleOverTls) {
  common::Principal root;
  root.account_id = "111122223333";
  root.arn = "arn:aws:iam::111122223333:root";
  http::Request r;
  r.secure = true;
  RequestFacts f;
  AddGlobalConditionKeys(root, r, "", &f);
  EXPECT_EQ(One(f, "aws:SecureTransport"), "true");
  EXPECT_EQ(One(f, "aws:PrincipalType"), "Account");
  EXPECT_EQ(One(f, "aws:username"), "<missing>");
  EXPECT_EQ(One(f, "aws:SourceIp"), "<missing>");
  EXPECT_EQ(One(f, "aws:ResourceAccount"), "<missing>");

  common::Principal session;
  session.account_id = "111122223333";
  session.arn = "arn:aws:sts::111122223333:assumed-role/deploy/ci-1";
  session.user_name = "deploy/ci-1";
  RequestFacts g;
  AddGlobalConditionKeys(session, r, "", &g);
  EXPECT_EQ(One(g, "aws:PrincipalType"), "AssumedRole");
  EXPECT_EQ(One(g, "aws:PrincipalArn"), "arn:aws:iam::111122223333:role/deploy");
  EXPECT_EQ(One(g, "aws:username"), "<missing>");
}

}  // namespace
}  // namespace skiff::iam

// IAM through the service seam: response shapes, errors, and identity-policy checks.
#include <gtest/gtest.h>

#include "tests/unit/sts/service_fixture.h"

namespace skiff::sts {
namespace {

using testing::ServiceTest;
using testing::Signer;

class IamServiceTest : public ServiceTest {};

TEST_F(IamServiceTest, CreateUserAnswersTheUserAndDeleteUserHasNoResult) {
  http::Response r = Send(*iam_service_, "iam", "Action=CreateUser&UserName=alice&Path=%2Fa%2F");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
                        "\n  <CreateUserResult>\n    <User>\n      <Path>/a/</Path>\n"
                        "      <UserName>alice</UserName>\n"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(Field(r.body, "Arn"), "arn:aws:iam::000000000000:user/a/alice");
  EXPECT_EQ(Field(r.body, "CreateDate").size(), 20u);  // 2026-11-22T14:00:00Z

  http::Response deleted = Send(*iam_service_, "iam", "Action=DeleteUser&UserName=alice");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.body.find("DeleteUserResult"), std::string::npos);
  EXPECT_NE(deleted.body.find("<RequestId>"), std::string::npos);
}

TEST_F(IamServiceTest, ErrorsAreIamErrorResponses) {
  http::Response r = Send(*iam_service_, "iam", "Action=GetUser&UserName=ghost");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Field(r.body, "Type"), "Sender");
  EXPECT_EQ(Field(r.body, "Code"), "NoSuchEntity");
  EXPECT_EQ(Field(r.body, "Message"), "The user with name ghost cannot be found.");
  http::Response missing = Send(*iam_service_, "iam", "Action=CreateUser");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(Field(missing.body, "Message"),
            "1 validation error detected: Value null at 'userName' failed to satisfy "
            "constraint: Member must not be null");
}

TEST_F(IamServiceTest, PolicyDocumentsComeBackUrlEncoded) {
  ASSERT_TRUE(iam_->CreateUser("000000000000", "bob").ok());
  const std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  ASSERT_TRUE(iam_->PutUserPolicy("000000000000", "bob", "s3", doc).ok());
  http::Response r =
      Send(*iam_service_, "iam", "Action=GetUserPolicy&UserName=bob&PolicyName=s3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Field(r.body, "PolicyDocument"), sigv4::UriEncode(doc, true));
}

TEST_F(IamServiceTest, NonRootCallersNeedAnIdentityPolicy) {
  ASSERT_TRUE(iam_->CreateUser("000000000000", "carol").ok());
  ASSERT_TRUE(iam_->AddAccessKey("000000000000", "carol", "AKIACAROL00000000001", "secret").ok());
  Signer carol{"AKIACAROL00000000001", "secret", ""};
  http::Response denied = Send(*iam_service_, "iam", "Action=ListRoles", carol);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(Field(denied.body, "Code"), "AccessDenied");
  EXPECT_EQ(Field(denied.body, "Message"),
            "User: arn:aws:iam::000000000000:user/carol is not authorized to perform: "
            "iam:ListRoles on resource: arn:aws:iam::000000000000:role/ because no "
            "identity-based policy allows the iam:ListRoles action");
  ASSERT_TRUE(iam_->PutUserPolicy("000000000000", "carol", "roles",
                                  R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                  R"("Action":"iam:ListRoles","Resource":"*"}]})")
                  .ok());
  EXPECT_EQ(Send(*iam_service_, "iam", "Action=ListRoles", carol).status, 200);
}

}  // namespace
}  // namespace skiff::sts

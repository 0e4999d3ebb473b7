"""IAM over the Query protocol with boto3 and the AWS CLI: users, access keys, inline and managed
policies, roles and trust policies, OIDC providers; IAM's error codes, statuses and messages;
identity-policy checks on non-root callers; and the state surviving a restart on the same data
directory."""

import json
import unittest
import urllib.error
import urllib.parse
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from skiff_harness import SkiffServer, SkiffTestCase

ACCOUNT = "000000000000"
ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
TRUST_ACCOUNT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "sts:AssumeRole"}]})


def client(endpoint, service="iam", key="test", secret="test", token=None):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token,
                        config=Config(retries={"total_max_attempts": 1}))


def query(endpoint, service, body, key="test", secret="test"):
    """Signs and POSTs a raw Query-protocol form; returns (status, body bytes)."""
    req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(req)
    prepared = req.prepare()
    raw = urllib.request.Request(prepared.url, data=body, method="POST",
                                 headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(raw, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class IamTest(SkiffTestCase):
    def iam(self, **kwargs):
        return client(self.endpoint, **kwargs)

    def test_users_create_get_list_delete(self):
        iam = self.iam()
        user = iam.create_user(UserName="u-crud", Path="/team/")["User"]
        self.assertEqual(user["UserName"], "u-crud")
        self.assertEqual(user["Path"], "/team/")
        self.assertEqual(user["Arn"], f"arn:aws:iam::{ACCOUNT}:user/team/u-crud")
        self.assertTrue(user["UserId"].startswith("AIDA"))
        self.assertEqual(len(user["UserId"]), 21)
        got = iam.get_user(UserName="U-CRUD")["User"]  # names ignore case
        self.assertEqual(got["UserId"], user["UserId"])
        self.assertEqual(got["CreateDate"], user["CreateDate"])
        names = [u["UserName"] for u in iam.list_users(PathPrefix="/team/")["Users"]]
        self.assertEqual(names, ["u-crud"])

        with self.assertRaises(ClientError) as e:
            iam.create_user(UserName="u-crud")
        self.assertClientError(e.exception, "EntityAlreadyExists", 409,
                               "User with name u-crud already exists.")
        iam.delete_user(UserName="u-crud")
        with self.assertRaises(ClientError) as e:
            iam.get_user(UserName="u-crud")
        self.assertClientError(e.exception, "NoSuchEntity", 404,
                               "The user with name u-crud cannot be found.")
        with self.assertRaises(ClientError) as e:
            iam.delete_user(UserName="u-crud")
        self.assertClientError(e.exception, "NoSuchEntity", 404)

    def test_tags_and_the_lists_skiff_has_nothing_for(self):
        iam = self.iam()
        user = iam.create_user(UserName="tagged", Tags=[{"Key": "env", "Value": "ci"}])["User"]
        self.assertEqual(user["Tags"], [{"Key": "env", "Value": "ci"}])
        self.assertEqual(iam.get_user(UserName="tagged")["User"]["Tags"],
                         [{"Key": "env", "Value": "ci"}])
        with self.assertRaises(ClientError) as e:
            iam.create_user(UserName="dup-tags", Tags=[{"Key": "a", "Value": "1"},
                                                       {"Key": "A", "Value": "2"}])
        self.assertClientError(
            e.exception, "InvalidInput", 400,
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        role = iam.create_role(RoleName="tagged-role", AssumeRolePolicyDocument=TRUST_ACCOUNT,
                               Tags=[{"Key": "team", "Value": "infra"}])["Role"]
        self.assertEqual(role["Tags"], [{"Key": "team", "Value": "infra"}])
        self.assertEqual(iam.get_role(RoleName="tagged-role")["Role"]["Tags"],
                         [{"Key": "team", "Value": "infra"}])
        iam.tag_user(UserName="tagged", Tags=[{"Key": "ENV", "Value": "prod"},
                                              {"Key": "owner", "Value": "me"}])
        self.assertEqual(iam.list_user_tags(UserName="tagged")["Tags"],
                         [{"Key": "ENV", "Value": "prod"}, {"Key": "owner", "Value": "me"}])
        iam.untag_user(UserName="tagged", TagKeys=["env", "missing"])
        self.assertEqual(iam.list_user_tags(UserName="tagged")["Tags"],
                         [{"Key": "owner", "Value": "me"}])
        iam.untag_role(RoleName="tagged-role", TagKeys=["team"])
        self.assertEqual(iam.list_role_tags(RoleName="tagged-role")["Tags"], [])
        iam.tag_role(RoleName="tagged-role", Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(iam.get_role(RoleName="tagged-role")["Role"]["Tags"],
                         [{"Key": "k", "Value": "v"}])
        with self.assertRaises(ClientError) as e:
            iam.tag_role(RoleName="tagged-role",
                         Tags=[{"Key": f"k{i}", "Value": ""} for i in range(50)])
        self.assertClientError(e.exception, "LimitExceeded", 409)
        # Skiff has no groups or instance profiles; the lists are empty for existing entities.
        self.assertEqual(iam.list_groups_for_user(UserName="tagged")["Groups"], [])
        self.assertEqual(iam.list_instance_profiles_for_role(
            RoleName="tagged-role")["InstanceProfiles"], [])
        with self.assertRaises(ClientError) as e:
            iam.list_groups_for_user(UserName="nobody")
        self.assertClientError(e.exception, "NoSuchEntity", 404)

    def test_get_user_of_the_root_caller(self):
        user = self.iam().get_user()["User"]
        self.assertEqual(user["Arn"], f"arn:aws:iam::{ACCOUNT}:root")
        self.assertEqual(user["UserId"], ACCOUNT)

    def test_invalid_name_is_a_validation_error(self):
        with self.assertRaises(ClientError) as e:
            self.iam().create_user(UserName="has space")
        self.assertClientError(
            e.exception, "ValidationError", 400,
            "1 validation error detected: Value 'has space' at 'userName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")

    def test_list_users_pages(self):
        iam = self.iam()
        for i in range(3):
            iam.create_user(UserName=f"page-{i}", Path="/paging/")
        first = iam.list_users(PathPrefix="/paging/", MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual([u["UserName"] for u in first["Users"]], ["page-0", "page-1"])
        rest = iam.list_users(PathPrefix="/paging/", MaxItems=2, Marker=first["Marker"])
        self.assertFalse(rest["IsTruncated"])
        self.assertEqual([u["UserName"] for u in rest["Users"]], ["page-2"])
        paged = [u["UserName"] for page in iam.get_paginator("list_users").paginate(
            PathPrefix="/paging/", PaginationConfig={"PageSize": 1}) for u in page["Users"]]
        self.assertEqual(paged, ["page-0", "page-1", "page-2"])

    def test_access_keys_work_for_signing_and_are_limited_to_two(self):
        iam = self.iam()
        iam.create_user(UserName="keyed")
        key = iam.create_access_key(UserName="keyed")["AccessKey"]
        self.assertTrue(key["AccessKeyId"].startswith("AKIA"))
        self.assertEqual(len(key["AccessKeyId"]), 20)
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")
        self.assertEqual(key["UserName"], "keyed")
        who = client(self.endpoint, "sts", key["AccessKeyId"],
                     key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:iam::{ACCOUNT}:user/keyed")
        self.assertTrue(who["UserId"].startswith("AIDA"))

        # A deactivated key is refused like an unknown one, until it is activated again.
        iam.update_access_key(UserName="keyed", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        self.assertEqual(iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"][0]["Status"],
                         "Inactive")
        with self.assertRaises(ClientError) as e:
            client(self.endpoint, "sts", key["AccessKeyId"],
                   key["SecretAccessKey"]).get_caller_identity()
        self.assertClientError(e.exception, "InvalidClientTokenId", 403)
        iam.update_access_key(UserName="keyed", AccessKeyId=key["AccessKeyId"], Status="Active")
        client(self.endpoint, "sts", key["AccessKeyId"],
               key["SecretAccessKey"]).get_caller_identity()

        iam.create_access_key(UserName="keyed")
        with self.assertRaises(ClientError) as e:
            iam.create_access_key(UserName="keyed")
        self.assertClientError(e.exception, "LimitExceeded", 409,
                               "Cannot exceed quota for AccessKeysPerUser: 2")
        with self.assertRaises(ClientError) as e:
            iam.delete_user(UserName="keyed")
        self.assertClientError(e.exception, "DeleteConflict", 409,
                               "Cannot delete entity, must delete access keys first.")
        listed = iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"]
        self.assertEqual(len(listed), 2)
        self.assertNotIn("SecretAccessKey", listed[0])
        for k in listed:
            iam.delete_access_key(UserName="keyed", AccessKeyId=k["AccessKeyId"])
        with self.assertRaises(ClientError) as e:
            client(self.endpoint, "sts", key["AccessKeyId"],
                   key["SecretAccessKey"]).get_caller_identity()
        self.assertClientError(e.exception, "InvalidClientTokenId", 403)
        with self.assertRaises(ClientError) as e:
            iam.delete_access_key(UserName="keyed", AccessKeyId=key["AccessKeyId"])
        self.assertClientError(e.exception, "NoSuchEntity", 404,
                               f"The Access Key with id {key['AccessKeyId']} cannot be found")
        iam.delete_user(UserName="keyed")

    def test_inline_user_policies(self):
        iam = self.iam()
        iam.create_user(UserName="inline")
        iam.put_user_policy(UserName="inline", PolicyName="all", PolicyDocument=ALLOW_ALL)
        got = iam.get_user_policy(UserName="inline", PolicyName="all")
        # boto3 decodes the URL-encoded document IAM returns into a dict.
        self.assertEqual(got["PolicyDocument"], json.loads(ALLOW_ALL))
        self.assertEqual(iam.list_user_policies(UserName="inline")["PolicyNames"], ["all"])
        with self.assertRaises(ClientError) as e:
            iam.put_user_policy(UserName="inline", PolicyName="bad", PolicyDocument="{nope")
        self.assertClientError(e.exception, "MalformedPolicyDocument", 400)
        with self.assertRaises(ClientError) as e:
            iam.get_user_policy(UserName="inline", PolicyName="other")
        self.assertClientError(e.exception, "NoSuchEntity", 404,
                               "The user policy with name other cannot be found.")
        with self.assertRaises(ClientError) as e:
            iam.delete_user(UserName="inline")
        self.assertClientError(e.exception, "DeleteConflict", 409,
                               "Cannot delete entity, must delete policies first.")
        iam.delete_user_policy(UserName="inline", PolicyName="all")
        self.assertEqual(iam.list_user_policies(UserName="inline")["PolicyNames"], [])
        iam.delete_user(UserName="inline")

    def test_policy_document_is_url_encoded_on_the_wire(self):
        iam = self.iam()
        iam.create_user(UserName="wire")
        iam.put_user_policy(UserName="wire", PolicyName="p", PolicyDocument=ALLOW_ALL)
        status, body = query(self.endpoint, "iam",
                             b"Action=GetUserPolicy&Version=2010-05-08&UserName=wire&PolicyName=p")
        self.assertEqual(status, 200, body)
        self.assertIn(urllib.parse.quote(ALLOW_ALL, safe="-_.~"), body.decode())

    def test_roles_and_role_policies(self):
        iam = self.iam()
        role = iam.create_role(RoleName="r-crud", AssumeRolePolicyDocument=TRUST_ACCOUNT,
                               Description="test role", MaxSessionDuration=7200)["Role"]
        self.assertEqual(role["Arn"], f"arn:aws:iam::{ACCOUNT}:role/r-crud")
        self.assertTrue(role["RoleId"].startswith("AROA"))
        self.assertEqual(role["AssumeRolePolicyDocument"], json.loads(TRUST_ACCOUNT))
        got = iam.get_role(RoleName="r-crud")["Role"]
        self.assertEqual(got["MaxSessionDuration"], 7200)
        self.assertEqual(got["Description"], "test role")
        self.assertIn("r-crud", [r["RoleName"] for r in iam.list_roles()["Roles"]])
        with self.assertRaises(ClientError) as e:
            iam.create_role(RoleName="R-CRUD", AssumeRolePolicyDocument=TRUST_ACCOUNT)
        self.assertClientError(e.exception, "EntityAlreadyExists", 409,
                               "Role with name R-CRUD already exists.")
        with self.assertRaises(ClientError) as e:
            iam.create_role(RoleName="no-principal", AssumeRolePolicyDocument=ALLOW_ALL)
        self.assertClientError(e.exception, "MalformedPolicyDocument", 400)

        narrowed = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"},
            "Action": "sts:AssumeRole"}]})
        iam.update_assume_role_policy(RoleName="r-crud", PolicyDocument=narrowed)
        self.assertEqual(iam.get_role(RoleName="r-crud")["Role"]["AssumeRolePolicyDocument"],
                         json.loads(narrowed))

        iam.put_role_policy(RoleName="r-crud", PolicyName="all", PolicyDocument=ALLOW_ALL)
        self.assertEqual(iam.get_role_policy(RoleName="r-crud", PolicyName="all")["PolicyDocument"],
                         json.loads(ALLOW_ALL))
        self.assertEqual(iam.list_role_policies(RoleName="r-crud")["PolicyNames"], ["all"])
        with self.assertRaises(ClientError) as e:
            iam.delete_role(RoleName="r-crud")
        self.assertClientError(e.exception, "DeleteConflict", 409,
                               "Cannot delete entity, must delete policies first.")
        iam.delete_role_policy(RoleName="r-crud", PolicyName="all")
        with self.assertRaises(ClientError) as e:
            iam.get_role_policy(RoleName="r-crud", PolicyName="all")
        self.assertClientError(e.exception, "NoSuchEntity", 404,
                               "The role policy with name all cannot be found.")
        iam.delete_role(RoleName="r-crud")
        with self.assertRaises(ClientError) as e:
            iam.get_role(RoleName="r-crud")
        self.assertClientError(e.exception, "NoSuchEntity", 404,
                               "The role with name r-crud cannot be found.")

    def test_managed_policies_and_attachments(self):
        iam = self.iam()
        policy = iam.create_policy(PolicyName="managed", PolicyDocument=ALLOW_ALL,
                                   Description="everything")["Policy"]
        arn = policy["Arn"]
        self.assertEqual(arn, f"arn:aws:iam::{ACCOUNT}:policy/managed")
        self.assertEqual(policy["DefaultVersionId"], "v1")
        self.assertEqual(policy["AttachmentCount"], 0)
        with self.assertRaises(ClientError) as e:
            iam.create_policy(PolicyName="managed", PolicyDocument=ALLOW_ALL)
        self.assertClientError(
            e.exception, "EntityAlreadyExists", 409,
            "A policy called managed already exists. Duplicate names are not allowed.")
        version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
        self.assertEqual(version["Document"], json.loads(ALLOW_ALL))
        self.assertTrue(version["IsDefaultVersion"])

        iam.create_user(UserName="attached")
        iam.create_role(RoleName="attached-role", AssumeRolePolicyDocument=TRUST_ACCOUNT)
        iam.attach_user_policy(UserName="attached", PolicyArn=arn)
        iam.attach_role_policy(RoleName="attached-role", PolicyArn=arn)
        iam.attach_role_policy(RoleName="attached-role",
                               PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 2)
        self.assertEqual(iam.list_attached_user_policies(UserName="attached")["AttachedPolicies"],
                         [{"PolicyName": "managed", "PolicyArn": arn}])
        self.assertEqual(
            [p["PolicyName"] for p in
             iam.list_attached_role_policies(RoleName="attached-role")["AttachedPolicies"]],
            ["managed", "AmazonS3ReadOnlyAccess"])
        local = iam.list_policies(Scope="Local")["Policies"]
        self.assertIn(arn, [p["Arn"] for p in local])
        aws = [p["PolicyName"] for p in iam.list_policies(Scope="AWS")["Policies"]]
        self.assertIn("AdministratorAccess", aws)
        with self.assertRaises(ClientError) as e:
            iam.delete_policy(PolicyArn=arn)
        self.assertClientError(e.exception, "DeleteConflict", 409,
                               "Cannot delete a policy attached to entities.")
        with self.assertRaises(ClientError) as e:
            iam.delete_user(UserName="attached")
        self.assertClientError(e.exception, "DeleteConflict", 409,
                               "Cannot delete entity, must detach all policies first.")
        missing = f"arn:aws:iam::{ACCOUNT}:policy/missing"
        with self.assertRaises(ClientError) as e:
            iam.attach_user_policy(UserName="attached", PolicyArn=missing)
        self.assertClientError(e.exception, "NoSuchEntity", 404,
                               f"Policy {missing} does not exist or is not attachable.")
        with self.assertRaises(ClientError) as e:
            iam.get_policy(PolicyArn=missing)
        self.assertClientError(e.exception, "NoSuchEntity", 404, f"Policy {missing} was not found.")

        # A new default version changes what the policy grants; old ones can go, the default not.
        v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=ALLOW_ALL,
                                       SetAsDefault=True)["PolicyVersion"]
        self.assertEqual((v2["VersionId"], v2["IsDefaultVersion"]), ("v2", True))
        self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"], "v2")
        self.assertEqual([v["VersionId"] for v in
                          iam.list_policy_versions(PolicyArn=arn)["Versions"]], ["v2", "v1"])
        with self.assertRaises(ClientError) as e:
            iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
        self.assertClientError(e.exception, "DeleteConflict", 409,
                               "Cannot delete the default version of a policy.")
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
        with self.assertRaises(ClientError) as e:
            iam.get_policy_version(PolicyArn=arn, VersionId="v2")
        self.assertClientError(e.exception, "NoSuchEntity", 404)

        iam.detach_user_policy(UserName="attached", PolicyArn=arn)
        iam.detach_role_policy(RoleName="attached-role", PolicyArn=arn)
        with self.assertRaises(ClientError) as e:
            iam.detach_role_policy(RoleName="attached-role", PolicyArn=arn)
        self.assertClientError(e.exception, "NoSuchEntity", 404)
        iam.delete_policy(PolicyArn=arn)
        with self.assertRaises(ClientError) as e:
            iam.get_policy(PolicyArn=arn)
        self.assertClientError(e.exception, "NoSuchEntity", 404)

    def test_openid_connect_provider(self):
        iam = self.iam()
        arn = iam.create_open_id_connect_provider(
            Url="https://token.example.com", ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
        self.assertEqual(arn, f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.example.com")
        got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        self.assertEqual(got["Url"], "token.example.com")
        self.assertEqual(got["ClientIDList"], ["sts.amazonaws.com"])
        self.assertEqual(got["ThumbprintList"], ["a" * 40])
        with self.assertRaises(ClientError) as e:
            iam.create_open_id_connect_provider(Url="https://token.example.com",
                                                ThumbprintList=["a" * 40])
        self.assertClientError(e.exception, "EntityAlreadyExists", 409)
        with self.assertRaises(ClientError) as e:
            iam.get_open_id_connect_provider(
                OpenIDConnectProviderArn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/other.example")
        self.assertClientError(e.exception, "NoSuchEntity", 404)

    def test_non_root_callers_need_an_identity_policy(self):
        iam = self.iam()
        iam.create_user(UserName="limited")
        key = iam.create_access_key(UserName="limited")["AccessKey"]
        limited = self.iam(key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        with self.assertRaises(ClientError) as e:
            limited.create_user(UserName="by-limited")
        self.assertClientError(
            e.exception, "AccessDenied", 403,
            f"User: arn:aws:iam::{ACCOUNT}:user/limited is not authorized to perform: "
            f"iam:CreateUser on resource: arn:aws:iam::{ACCOUNT}:user/by-limited because no "
            "identity-based policy allows the iam:CreateUser action")
        iam.put_user_policy(UserName="limited", PolicyName="users", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["iam:CreateUser", "iam:GetUser"],
                 "Resource": f"arn:aws:iam::{ACCOUNT}:user/*"}]}))
        self.assertEqual(limited.create_user(UserName="by-limited")["User"]["UserName"],
                         "by-limited")
        self.assertEqual(limited.get_user()["User"]["UserName"], "limited")
        with self.assertRaises(ClientError) as e:
            limited.list_roles()
        self.assertClientError(e.exception, "AccessDenied", 403)

    def test_unknown_action_is_invalid_action(self):
        status, body = query(self.endpoint, "iam", b"Action=FlyToTheMoon&Version=2010-05-08")
        self.assertEqual(status, 400, body)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        self.assertIn(b"Could not find operation FlyToTheMoon for version 2010-05-08", body)

    def test_aws_cli_create_user(self):
        out = self.aws("iam", "create-user", "--user-name", "cli-user")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["User"]["Arn"],
                         f"arn:aws:iam::{ACCOUNT}:user/cli-user")
        again = self.aws("iam", "create-user", "--user-name", "cli-user")
        self.assertNotEqual(again.returncode, 0)
        self.assertIn(b"EntityAlreadyExists", again.stderr)


class IamResetTest(SkiffTestCase):
    def test_admin_reset_of_iam_drops_users_and_their_keys(self):
        iam = client(self.endpoint)
        iam.create_user(UserName="gone")
        key = iam.create_access_key(UserName="gone")["AccessKey"]
        req = urllib.request.Request(self.endpoint + "/_skiff/reset?service=iam", data=b"",
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
        self.assertEqual(iam.list_users()["Users"], [])
        with self.assertRaises(ClientError) as e:
            client(self.endpoint, "sts", key["AccessKeyId"],
                   key["SecretAccessKey"]).get_caller_identity()
        self.assertClientError(e.exception, "InvalidClientTokenId", 403)


class IamPersistenceTest(unittest.TestCase):
    def test_state_survives_a_restart(self):
        first = SkiffServer()
        first.start()
        data_dir = first.data_dir
        try:
            iam = client(first.endpoint)
            iam.create_user(UserName="durable")
            key = iam.create_access_key(UserName="durable")["AccessKey"]
            iam.put_user_policy(UserName="durable", PolicyName="all", PolicyDocument=ALLOW_ALL)
            iam.create_role(RoleName="durable-role", AssumeRolePolicyDocument=TRUST_ACCOUNT)
            arn = iam.create_policy(PolicyName="durable-policy",
                                    PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
            iam.attach_role_policy(RoleName="durable-role", PolicyArn=arn)
            self.assertEqual(first.stop(), 0)

            second = SkiffServer(data_dir=data_dir)
            second.start()
            try:
                iam = client(second.endpoint)
                self.assertEqual(iam.get_user(UserName="durable")["User"]["UserName"], "durable")
                self.assertEqual(iam.list_user_policies(UserName="durable")["PolicyNames"],
                                 ["all"])
                self.assertEqual(
                    iam.list_attached_role_policies(RoleName="durable-role")["AttachedPolicies"],
                    [{"PolicyName": "durable-policy", "PolicyArn": arn}])
                who = client(second.endpoint, "sts", key["AccessKeyId"],
                             key["SecretAccessKey"]).get_caller_identity()
                self.assertEqual(who["Arn"], f"arn:aws:iam::{ACCOUNT}:user/durable")
                self.assertEqual(second.stop(), 0)
            finally:
                second.cleanup()
        finally:
            first.cleanup()


if __name__ == "__main__":
    unittest.main()

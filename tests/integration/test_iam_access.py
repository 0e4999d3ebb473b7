"""IAM policy evaluation as boto3 meets it: an IAM user created through Skiff's IAM API is denied
S3 and DynamoDB calls until a policy grants them (with AWS's messages), explicit denies beat
allows, bucket policies deny by condition (aws:SecureTransport) and by principal, grant another
account, and the account root (`test`) is unaffected. The journal names the deciding statement."""

import json
import unittest
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from skiff_harness import SkiffTestCase, unique_name

ACCOUNT = "000000000000"
OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT = "OTHERKEY", "OTHERSECRET", "222222222222"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class IamAccessTest(SkiffTestCase):
    server_env = {"SKIFF_CREDENTIALS": f"{OTHER_KEY}:{OTHER_SECRET}:{OTHER_ACCOUNT}"}

    def client(self, service, key="test", secret="test"):
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"total_max_attempts": 1}))

    def new_user(self, prefix):
        """Creates an IAM user with an access key; returns (name, key, secret)."""
        name = unique_name(prefix)
        iam = self.client("iam")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return name, key["AccessKeyId"], key["SecretAccessKey"]

    def denied(self, call, code="AccessDenied", status=403):
        with self.assertRaises(ClientError) as ctx:
            call()
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, ctx.exception.response)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return err.get("Message", "")

    def journal(self, **filters):
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        with urllib.request.urlopen(f"{self.endpoint}/_skiff/journal?{query}", timeout=10) as r:
            return json.loads(r.read())

    def test_list_bucket_denied_until_granted(self):
        bucket = unique_name("tfstate")
        self.s3().create_bucket(Bucket=bucket)
        name, key, secret = self.new_user("terraform-user")
        s3 = self.client("s3", key, secret)
        message = self.denied(lambda: s3.list_objects_v2(Bucket=bucket))
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
            f"s3:ListBucket on resource: \"arn:aws:s3:::{bucket}\" because no identity-based "
            f"policy allows the s3:ListBucket action")
        self.client("iam").put_user_policy(
            UserName=name, PolicyName="state-list", PolicyDocument=policy(
                {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket",
                 "Resource": f"arn:aws:s3:::{bucket}"}))
        self.assertEqual(s3.list_objects_v2(Bucket=bucket)["KeyCount"], 0)
        # ListBucket does not grant reads or writes.
        message = self.denied(lambda: s3.put_object(Bucket=bucket, Key="terraform.tfstate",
                                                    Body=b"{}"))
        self.assertIn("s3:PutObject on resource: \"arn:aws:s3:::" + bucket +
                      "/terraform.tfstate\" because no identity-based policy", message)
        self.denied(lambda: s3.list_buckets())
        mine = [r for r in self.journal(operation="ListObjectsV2")["entries"]
                if r.get("principal", "").endswith(f":user/{name}")]
        self.assertEqual(sorted(r.get("policy") for r in mine),
                         ["implicit deny", "state-list/List: Allow"], mine)

    def test_explicit_deny_beats_allow(self):
        bucket = unique_name("deny")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        root.put_object(Bucket=bucket, Key="public/a", Body=b"a")
        root.put_object(Bucket=bucket, Key="secret/b", Body=b"b")
        name, key, secret = self.new_user("reader")
        iam = self.client("iam")
        iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
        iam.put_user_policy(UserName=name, PolicyName="no-secrets", PolicyDocument=policy(
            {"Effect": "Deny", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/secret/*"}))
        s3 = self.client("s3", key, secret)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="public/a")["Body"].read(), b"a")
        message = self.denied(lambda: s3.get_object(Bucket=bucket, Key="secret/b"))
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
            f"s3:GetObject on resource: \"arn:aws:s3:::{bucket}/secret/b\" with an explicit deny "
            f"in an identity-based policy")
        # HEAD carries no body: the status alone.
        self.denied(lambda: s3.head_object(Bucket=bucket, Key="secret/b"), code="403")
        # Allowed to list: a missing key is reported missing.
        self.denied(lambda: s3.get_object(Bucket=bucket, Key="public/none"), code="NoSuchKey",
                    status=404)

    def test_bucket_policy_denies_insecure_transport(self):
        bucket = unique_name("tls")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        root.put_object(Bucket=bucket, Key="k", Body=b"v")
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
             "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        message = self.denied(lambda: root.get_object(Bucket=bucket, Key="k"))
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: s3:GetObject on "
            f"resource: \"arn:aws:s3:::{bucket}/k\" with an explicit deny in a resource-based "
            f"policy")
        self.denied(lambda: root.list_objects_v2(Bucket=bucket))
        # The owner's root can always remove a policy that locks everyone out.
        root.delete_bucket_policy(Bucket=bucket)
        self.assertEqual(root.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")

    def test_bucket_policy_denies_one_principal(self):
        bucket = unique_name("who")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        root.put_object(Bucket=bucket, Key="k", Body=b"v")
        name, key, secret = self.new_user("blocked")
        self.client("iam").put_user_policy(UserName=name, PolicyName="all", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
        s3 = self.client("s3", key, secret)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
             "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
        message = self.denied(lambda: s3.get_object(Bucket=bucket, Key="k"))
        self.assertTrue(message.endswith("with an explicit deny in a resource-based policy"),
                        message)
        self.assertEqual(root.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")

    def test_bucket_policy_denies_unencrypted_uploads(self):
        bucket = unique_name("sse")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        # The classic pair of statements from AWS's documentation.
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Sid": "DenyIncorrectEncryptionHeader", "Effect": "Deny", "Principal": "*",
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}},
            {"Sid": "DenyUnEncryptedObjectUploads", "Effect": "Deny", "Principal": "*",
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
             "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}))
        message = self.denied(lambda: root.put_object(Bucket=bucket, Key="plain", Body=b"p"))
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: s3:PutObject on "
            f"resource: \"arn:aws:s3:::{bucket}/plain\" with an explicit deny in a resource-based "
            f"policy")
        self.denied(lambda: root.put_object(Bucket=bucket, Key="kms", Body=b"k",
                                            ServerSideEncryption="aws:kms"))
        # A multipart upload is s3:PutObject too: refused at its start without the header.
        self.denied(lambda: root.create_multipart_upload(Bucket=bucket, Key="mpu"))
        out = root.put_object(Bucket=bucket, Key="sealed", Body=b"s", ServerSideEncryption="AES256")
        self.assertEqual(out["ServerSideEncryption"], "AES256")
        self.assertEqual(root.head_object(Bucket=bucket, Key="sealed")["ServerSideEncryption"],
                         "AES256")
        self.assertEqual([o["Key"] for o in root.list_objects_v2(Bucket=bucket)["Contents"]],
                         ["sealed"])
        # Reads are not uploads: the policy does not touch them.
        self.assertEqual(root.get_object(Bucket=bucket, Key="sealed")["Body"].read(), b"s")
        entries = [e for e in self.journal(operation="PutObject", status="403")["entries"]
                   if e.get("resource") == f"{bucket}/plain"]
        self.assertEqual(len(entries), 1, entries)
        self.assertIn("Deny", entries[0].get("policy", ""), entries[0])

    def test_bucket_policy_string_like_on_principal_arn(self):
        bucket = unique_name("arnlike")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        root.put_object(Bucket=bucket, Key="k", Body=b"v")
        iam = self.client("iam")
        users = {}
        for prefix in ("contractor", "staff"):
            name, key, secret = self.new_user(prefix)
            iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=policy(
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
            users[prefix] = (name, self.client("s3", key, secret))
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Sid": "NoContractors", "Effect": "Deny", "Principal": "*",
             "Action": ["s3:GetObject", "s3:PutObject"],
             "Resource": f"arn:aws:s3:::{bucket}/*",
             "Condition": {"StringLike": {
                 "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/contractor-*"}}}))
        name, contractor = users["contractor"]
        message = self.denied(lambda: contractor.get_object(Bucket=bucket, Key="k"))
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
            f"s3:GetObject on resource: \"arn:aws:s3:::{bucket}/k\" with an explicit deny in a "
            f"resource-based policy")
        self.denied(lambda: contractor.put_object(Bucket=bucket, Key="k2", Body=b"w"))
        # Listing is not in the statement's actions.
        self.assertEqual(contractor.list_objects_v2(Bucket=bucket)["KeyCount"], 1)
        _, staff = users["staff"]
        self.assertEqual(staff.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")
        staff.put_object(Bucket=bucket, Key="k2", Body=b"w")
        self.assertEqual(root.get_object(Bucket=bucket, Key="k2")["Body"].read(), b"w")

    def test_bucket_policy_numeric_less_than_on_max_keys(self):
        bucket = unique_name("maxkeys")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        for i in range(6):
            root.put_object(Bucket=bucket, Key=f"k{i}", Body=b"v")
        # A deny for small pages ...
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Sid": "NoTinyPages", "Effect": "Deny", "Principal": "*", "Action": "s3:ListBucket",
             "Resource": f"arn:aws:s3:::{bucket}",
             "Condition": {"NumericLessThan": {"s3:max-keys": "3"}}}))
        self.denied(lambda: root.list_objects_v2(Bucket=bucket, MaxKeys=2))
        self.denied(lambda: root.list_objects(Bucket=bucket, MaxKeys=1))
        page = root.list_objects_v2(Bucket=bucket, MaxKeys=3)
        self.assertEqual((page["KeyCount"], page["IsTruncated"]), (3, True))
        # Without max-keys the key is absent and the numeric condition does not match.
        self.assertEqual(root.list_objects_v2(Bucket=bucket)["KeyCount"], 6)

        # ... and an allow for a user with no identity policy, only for pages under 5 keys.
        name, key, secret = self.new_user("pager")
        user = self.client("s3", key, secret)
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Sid": "SmallPagesOnly", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{name}"},
             "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}",
             "Condition": {"NumericLessThan": {"s3:max-keys": "5"}}}))
        page = user.list_objects_v2(Bucket=bucket, MaxKeys=4)
        self.assertEqual([o["Key"] for o in page["Contents"]], ["k0", "k1", "k2", "k3"])
        message = self.denied(lambda: user.list_objects_v2(Bucket=bucket, MaxKeys=5))
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
            f"s3:ListBucket on resource: \"arn:aws:s3:::{bucket}\" because no identity-based "
            f"policy allows the s3:ListBucket action")
        self.denied(lambda: user.list_objects_v2(Bucket=bucket))

    def test_bucket_policy_grants_another_account(self):
        bucket = unique_name("share")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        root.put_object(Bucket=bucket, Key="k", Body=b"shared")
        other = self.client("s3", OTHER_KEY, OTHER_SECRET)
        # Across accounts S3 does not explain the denial.
        self.assertEqual(self.denied(lambda: other.get_object(Bucket=bucket, Key="k")),
                         "Access Denied")
        root.put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
             "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
        self.assertEqual(other.get_object(Bucket=bucket, Key="k")["Body"].read(), b"shared")
        # Without s3:ListBucket a missing key is indistinguishable from a forbidden one.
        self.assertEqual(self.denied(lambda: other.get_object(Bucket=bucket, Key="none")),
                         "Access Denied")
        self.denied(lambda: other.put_object(Bucket=bucket, Key="k", Body=b"overwrite"))
        self.denied(lambda: other.list_objects_v2(Bucket=bucket))

    def test_assumed_role_session_uses_the_role_policies(self):
        bucket = unique_name("role")
        self.s3().create_bucket(Bucket=bucket)
        self.s3().put_object(Bucket=bucket, Key="k", Body=b"v")
        role = unique_name("reader")
        iam = self.client("iam")
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=policy(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Action": "sts:AssumeRole"}))
        creds = self.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="ci")["Credentials"]
        s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                          aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key=creds["SecretAccessKey"],
                          aws_session_token=creds["SessionToken"],
                          config=Config(retries={"total_max_attempts": 1}))
        message = self.denied(lambda: s3.get_object(Bucket=bucket, Key="k"))
        self.assertEqual(
            message,
            f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{role}/ci is not authorized to perform: "
            f"s3:GetObject on resource: \"arn:aws:s3:::{bucket}/k\" because no identity-based "
            f"policy allows the s3:GetObject action")
        # An AWS managed policy attached to the role grants reads, not writes.
        iam.attach_role_policy(RoleName=role,
                               PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")
        self.denied(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"w"))
        # A bucket policy can name the role: its sessions are covered.
        self.s3().put_bucket_policy(Bucket=bucket, Policy=policy(
            {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/{role}"},
             "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
        self.denied(lambda: s3.get_object(Bucket=bucket, Key="k"))

    def test_copy_from_another_accounts_bucket_through_its_policy(self):
        source = unique_name("src")
        root = self.s3()
        root.create_bucket(Bucket=source)
        root.put_object(Bucket=source, Key="k", Body=b"copied")
        other = self.client("s3", OTHER_KEY, OTHER_SECRET)
        dest = unique_name("dst")
        other.create_bucket(Bucket=dest)
        self.denied(lambda: other.copy_object(Bucket=dest, Key="k",
                                              CopySource={"Bucket": source, "Key": "k"}))
        root.put_bucket_policy(Bucket=source, Policy=policy(
            {"Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT},
             "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{source}/*"}))
        other.copy_object(Bucket=dest, Key="k", CopySource={"Bucket": source, "Key": "k"})
        self.assertEqual(other.get_object(Bucket=dest, Key="k")["Body"].read(), b"copied")

    def test_malformed_bucket_policy(self):
        bucket = unique_name("bad")
        root = self.s3()
        root.create_bucket(Bucket=bucket)
        for doc, message in (
                (policy({"Effect": "Allow", "Action": "s3:GetObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*"}),
                 "Missing required field Principal"),
                (policy({"Effect": "Allow", "Principal": "*", "Action": "GetObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*"}),
                 "Policy has invalid action")):
            with self.assertRaises(ClientError) as ctx:
                root.put_bucket_policy(Bucket=bucket, Policy=doc)
            self.assertClientError(ctx.exception, "MalformedPolicy", 400, message)

    def test_dynamodb_put_item_denied_until_granted(self):
        table = unique_name("locks")
        ddb_root = self.client("dynamodb")
        ddb_root.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "LockID",
                                                     "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
        name, key, secret = self.new_user("locker")
        ddb = self.client("dynamodb", key, secret)
        item = {"LockID": {"S": "state/terraform.tfstate"}}
        message = self.denied(lambda: ddb.put_item(TableName=table, Item=item),
                              code="AccessDeniedException", status=400)
        self.assertEqual(
            message,
            f"User: arn:aws:iam::{ACCOUNT}:user/{name} is not authorized to perform: "
            f"dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table} "
            f"because no identity-based policy allows the dynamodb:PutItem action")
        self.client("iam").put_user_policy(UserName=name, PolicyName="lock", PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem",
                                           "dynamodb:DeleteItem"],
             "Resource": f"arn:aws:dynamodb:*:*:table/{table}"}))
        ddb.put_item(TableName=table, Item=item)
        self.assertEqual(ddb.get_item(TableName=table, Key=item)["Item"], item)
        self.denied(lambda: ddb.describe_table(TableName=table),
                    code="AccessDeniedException", status=400)
        self.assertEqual(ddb_root.get_item(TableName=table, Key=item)["Item"], item)

    def test_root_is_unaffected(self):
        bucket = unique_name("root")
        s3 = self.s3()
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        self.assertIn(bucket, [b["Name"] for b in s3.list_buckets()["Buckets"]])
        s3.delete_object(Bucket=bucket, Key="k")
        s3.delete_bucket(Bucket=bucket)
        ddb = self.client("dynamodb")
        self.assertIn("TableNames", ddb.list_tables())
        entries = self.journal(operation="ListBuckets")["entries"]
        self.assertIn("account root", [e.get("policy") for e in entries], entries)


if __name__ == "__main__":
    unittest.main()

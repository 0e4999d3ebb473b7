"""Resources at start-up: `--init FILE` and the SKIFF_BUCKETS / SKIFF_TABLES short forms.

Skiff is started with them and real clients (boto3) then see the buckets (region, versioning,
encryption, tags, Block Public Access), the tables (key schema, ACTIVE), the credentials, the IAM
users with their policies, and the fault rules. A restart on the same data directory with the same
resources changes nothing; a bad file fails start-up (exit 1) with a message naming the entry and
applies nothing.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import skiff_harness as h

READER_KEY = "AKIAINITREADER01"
READER_SECRET = "init-reader-secret"
CI_KEY = "AKIDINITCI0001"
CI_SECRET = "init-ci-secret"
CI_ACCOUNT = "111111111111"

INIT = {
    "buckets": [
        {"name": "init-tf-state", "region": "eu-west-1", "versioning": True,
         "encryption": {"kmsKeyId": "alias/terraform", "bucketKey": True},
         "tags": {"team": "infra"}},
        {"name": "init-logs", "encryption": "AES256"},
        "init-plain",
        {"name": "init-ci-owned", "account": CI_ACCOUNT},
    ],
    "tables": [
        {"name": "init-locks", "hashKey": "LockID", "hashKeyType": "S"},
        {"name": "init-orders", "region": "eu-west-1", "hashKey": "pk", "rangeKey": "sk",
         "rangeKeyType": "N"},
        {"TableName": "init-events", "account": CI_ACCOUNT,
         "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                                  {"AttributeName": "at", "AttributeType": "N"}],
         "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"},
                       {"AttributeName": "at", "KeyType": "RANGE"}],
         "BillingMode": "PROVISIONED",
         "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}},
        {"name": "init-throttled", "hashKey": "id"},
    ],
    "credentials": [
        {"accessKeyId": CI_KEY, "secretAccessKey": CI_SECRET, "accountId": CI_ACCOUNT},
    ],
    "users": [
        {"name": "init-reader",
         "accessKeys": [{"id": READER_KEY, "secret": READER_SECRET}],
         "policies": {"read-state": {
             "Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                            "Resource": ["arn:aws:s3:::init-plain",
                                         "arn:aws:s3:::init-plain/*"]}]}}},
    ],
    "faults": [
        {"id": "init-throttle", "preset": "throttle",
         "match": {"service": "dynamodb", "table": "init-throttled"}},
    ],
}


def write_json(directory, name, document):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(document if isinstance(document, str) else json.dumps(document))
    return path


def ddb_client(endpoint, region=h.DEFAULT_REGION, access_key=h.ACCESS_KEY,
               secret_key=h.SECRET_KEY):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        config=Config(retries={"total_max_attempts": 1}))


def run_failing_start(args, env=None, data_dir=None):
    """Runs skiff expecting start-up to fail; returns (exit code, stderr)."""
    own = data_dir is None
    data_dir = data_dir or tempfile.mkdtemp(prefix="skiff-init-bad-")
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("SKIFF_")}
    clean_env.update(env or {})
    try:
        proc = subprocess.run([h.SKIFF_BIN, "--port", "0", "--data-dir", data_dir] + list(args),
                              env=clean_env, capture_output=True, timeout=20,
                              stdin=subprocess.DEVNULL)
    finally:
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)
    return proc.returncode, proc.stderr.decode("utf-8", "replace"), proc.stdout.decode()


class InitFileTest(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        cls.files = tempfile.mkdtemp(prefix="skiff-init-file-")
        cls.server_args = ["--init", write_json(cls.files, "init.json", INIT)]
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.files, ignore_errors=True)

    def test_buckets_have_their_regions(self):
        names = {b["Name"] for b in self.s3().list_buckets()["Buckets"]}
        self.assertTrue({"init-tf-state", "init-logs", "init-plain"} <= names, names)
        eu = self.s3(region="eu-west-1")
        self.assertEqual(eu.get_bucket_location(Bucket="init-tf-state")["LocationConstraint"],
                         "eu-west-1")
        self.assertIsNone(self.s3().get_bucket_location(Bucket="init-plain")
                          .get("LocationConstraint"))
        head = self.s3().head_bucket(Bucket="init-plain")
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"],
                         "us-east-1")
        # The bucket lives in eu-west-1: a us-east-1 request gets S3's redirect.
        raw = self.signed("HEAD", "/init-tf-state")
        self.assertEqual(raw.status, 301)
        self.assertEqual(raw.headers.get("x-amz-bucket-region"), "eu-west-1")

    def test_bucket_versioning_encryption_and_tags(self):
        eu = self.s3(region="eu-west-1")
        self.assertEqual(eu.get_bucket_versioning(Bucket="init-tf-state")["Status"], "Enabled")
        rule = eu.get_bucket_encryption(Bucket="init-tf-state")[
            "ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"],
                         {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/terraform"})
        self.assertTrue(rule["BucketKeyEnabled"])
        self.assertEqual(eu.get_bucket_tagging(Bucket="init-tf-state")["TagSet"],
                         [{"Key": "team", "Value": "infra"}])
        s3 = self.s3()
        rule = s3.get_bucket_encryption(Bucket="init-logs")[
            "ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.assertNotIn("Status", s3.get_bucket_versioning(Bucket="init-plain"))
        with self.assertRaises(ClientError) as ctx:
            s3.get_bucket_tagging(Bucket="init-plain")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchTagSet")
        # As for a bucket made by CreateBucket: Block Public Access is on.
        self.assertEqual(s3.get_public_access_block(Bucket="init-plain")
                         ["PublicAccessBlockConfiguration"],
                         dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls",
                                        "BlockPublicPolicy", "RestrictPublicBuckets"), True))

    def test_versioned_bucket_keeps_versions(self):
        eu = self.s3(region="eu-west-1")
        first = eu.put_object(Bucket="init-tf-state", Key="env/state", Body=b"1")["VersionId"]
        second = eu.put_object(Bucket="init-tf-state", Key="env/state", Body=b"2")["VersionId"]
        self.assertNotEqual(first, second)
        self.assertNotEqual(first, "null")
        body = eu.get_object(Bucket="init-tf-state", Key="env/state", VersionId=first)["Body"]
        self.assertEqual(body.read(), b"1")

    def test_tables_are_active_with_their_keys(self):
        ddb = ddb_client(self.endpoint)
        table = ddb.describe_table(TableName="init-locks")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["KeySchema"], [{"AttributeName": "LockID", "KeyType": "HASH"}])
        self.assertEqual(table["AttributeDefinitions"],
                         [{"AttributeName": "LockID", "AttributeType": "S"}])
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertTrue(table["TableArn"].endswith(":000000000000:table/init-locks"))
        # The lock protocol works at once.
        ddb.put_item(TableName="init-locks", Item={"LockID": {"S": "state"}},
                     ConditionExpression="attribute_not_exists(LockID)")
        with self.assertRaises(ClientError) as ctx:
            ddb.put_item(TableName="init-locks", Item={"LockID": {"S": "state"}},
                         ConditionExpression="attribute_not_exists(LockID)")
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "ConditionalCheckFailedException")

    def test_tables_live_in_their_region_and_account(self):
        with self.assertRaises(ClientError) as ctx:
            ddb_client(self.endpoint).describe_table(TableName="init-orders")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")
        orders = ddb_client(self.endpoint, "eu-west-1").describe_table(
            TableName="init-orders")["Table"]
        self.assertEqual(orders["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                               {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertIn({"AttributeName": "sk", "AttributeType": "N"},
                      orders["AttributeDefinitions"])
        ci = ddb_client(self.endpoint, access_key=CI_KEY, secret_key=CI_SECRET)
        events = ci.describe_table(TableName="init-events")["Table"]
        self.assertEqual(events["TableStatus"], "ACTIVE")
        self.assertEqual(events["ProvisionedThroughput"]["ReadCapacityUnits"], 3)
        self.assertEqual(events["ProvisionedThroughput"]["WriteCapacityUnits"], 2)
        self.assertIn(f":{CI_ACCOUNT}:table/init-events", events["TableArn"])
        self.assertNotIn("init-events",
                         ddb_client(self.endpoint).list_tables()["TableNames"])

    def test_credentials_from_the_file(self):
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                           aws_access_key_id=CI_KEY, aws_secret_access_key=CI_SECRET)
        ident = sts.get_caller_identity()
        self.assertEqual(ident["Account"], CI_ACCOUNT)
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{CI_ACCOUNT}:root")
        # The bucket declared for that account is its own; the default account's is not.
        ci = self.s3(access_key=CI_KEY, secret_key=CI_SECRET)
        ci.put_object(Bucket="init-ci-owned", Key="k", Body=b"ci")
        self.assertEqual([b["Name"] for b in ci.list_buckets()["Buckets"]], ["init-ci-owned"])
        wrong = self.s3(access_key=CI_KEY, secret_key="not-the-secret")
        with self.assertRaises(ClientError) as ctx:
            wrong.list_buckets()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "SignatureDoesNotMatch")

    def test_user_with_a_policy(self):
        self.s3().put_object(Bucket="init-plain", Key="readable", Body=b"hello")
        reader = self.s3(access_key=READER_KEY, secret_key=READER_SECRET)
        self.assertEqual(reader.get_object(Bucket="init-plain", Key="readable")["Body"].read(),
                         b"hello")
        keys = [o["Key"] for o in reader.list_objects_v2(Bucket="init-plain")["Contents"]]
        self.assertIn("readable", keys)
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                           aws_access_key_id=READER_KEY, aws_secret_access_key=READER_SECRET)
        self.assertEqual(sts.get_caller_identity()["Arn"],
                         "arn:aws:iam::000000000000:user/init-reader")
        # Anything the policy does not allow is denied.
        with self.assertRaises(ClientError) as ctx:
            reader.put_object(Bucket="init-plain", Key="written", Body=b"no")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        with self.assertRaises(ClientError) as ctx:
            reader.get_object(Bucket="init-logs", Key="anything")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")

    def test_fault_rules_fire(self):
        ddb = ddb_client(self.endpoint)
        with self.assertRaises(ClientError) as ctx:
            ddb.get_item(TableName="init-throttled", Key={"id": {"S": "x"}})
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "ProvisionedThroughputExceededException")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        # Only the matched table.
        missing = ddb.get_item(TableName="init-locks", Key={"LockID": {"S": "none"}})
        self.assertNotIn("Item", missing)


class ShortFormsTest(h.SkiffTestCase):
    server_env = {"SKIFF_BUCKETS": "env-state@eu-central-1:versioned, env-logs",
                  "SKIFF_TABLES": "env-locks:LockID,env-orders@eu-west-1:pk:sk/N"}
    server_args = ["--buckets", "flag-bucket"]

    def test_buckets(self):
        # --buckets wins over SKIFF_BUCKETS, as every flag does.
        names = {b["Name"] for b in self.s3().list_buckets()["Buckets"]}
        self.assertEqual(names, {"flag-bucket"})

    def test_tables(self):
        locks = ddb_client(self.endpoint).describe_table(TableName="env-locks")["Table"]
        self.assertEqual(locks["TableStatus"], "ACTIVE")
        self.assertEqual(locks["KeySchema"], [{"AttributeName": "LockID", "KeyType": "HASH"}])
        self.assertEqual(locks["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        orders = ddb_client(self.endpoint, "eu-west-1").describe_table(
            TableName="env-orders")["Table"]
        self.assertEqual(orders["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                               {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertEqual(sorted(orders["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
                         [{"AttributeName": "pk", "AttributeType": "S"},
                          {"AttributeName": "sk", "AttributeType": "N"}])


class EnvBucketsTest(h.SkiffTestCase):
    server_env = {"SKIFF_BUCKETS": "env-state@eu-central-1:versioned, env-logs"}

    def test_buckets_from_the_environment(self):
        names = {b["Name"] for b in self.s3().list_buckets()["Buckets"]}
        self.assertEqual(names, {"env-state", "env-logs"})
        central = self.s3(region="eu-central-1")
        self.assertEqual(central.get_bucket_location(Bucket="env-state")["LocationConstraint"],
                         "eu-central-1")
        self.assertEqual(central.get_bucket_versioning(Bucket="env-state")["Status"], "Enabled")
        self.assertNotIn("Status", self.s3().get_bucket_versioning(Bucket="env-logs"))


class RestartTest(unittest.TestCase):
    """A second start on the same data directory with the same resources changes nothing."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="skiff-init-restart-")
        self.data = os.path.join(self.dir, "data")
        self.init = write_json(self.dir, "init.json", {
            "buckets": [{"name": "again-state", "region": "eu-west-1", "versioning": True,
                         "encryption": "AES256"}],
            "tables": [{"name": "again-locks", "hashKey": "LockID"}],
            "users": [{"name": "again-user", "accessKeys": [{"id": "AKIAAGAIN0001",
                                                             "secret": "again-secret"}],
                       "policies": {"all": {"Version": "2012-10-17", "Statement": [
                           {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}}],
        })
        self.env = {"SKIFF_BUCKETS": "again-logs", "SKIFF_TABLES": "again-orders:pk:sk"}

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        server = h.SkiffServer(["--init", self.init], self.env, data_dir=self.data)
        server.start()
        return server

    def stop(self, server):
        try:
            self.assertEqual(server.stop(), 0, server.stderr_text())
        finally:
            server.cleanup()

    def test_second_start_is_idempotent(self):
        server = self.start()
        try:
            log = server.stderr_text()
            self.assertIn("init: created bucket again-state in eu-west-1 for 000000000000 "
                          "(versioning Enabled, encryption)", log)
            self.assertIn("init: created table again-locks in us-east-1 for 000000000000", log)
            eu = h.make_s3_client(server.endpoint, "eu-west-1")
            eu.put_object(Bucket="again-state", Key="state", Body=b"v1")
            ddb = ddb_client(server.endpoint)
            ddb.put_item(TableName="again-locks", Item={"LockID": {"S": "held"}})
            created = ddb.describe_table(TableName="again-locks")["Table"]["CreationDateTime"]
            table_id = ddb.describe_table(TableName="again-locks")["Table"]["TableId"]
            user = h.make_s3_client(server.endpoint, "eu-west-1", "AKIAAGAIN0001", "again-secret")
            self.assertEqual(user.get_object(Bucket="again-state", Key="state")["Body"].read(),
                             b"v1")
        finally:
            self.stop(server)

        server = self.start()
        try:
            log = server.stderr_text()
            self.assertIn("init: bucket again-state exists, unchanged", log)
            self.assertIn("init: table again-locks in us-east-1 for 000000000000 exists, unchanged",
                          log)
            eu = h.make_s3_client(server.endpoint, "eu-west-1")
            self.assertEqual(eu.get_object(Bucket="again-state", Key="state")["Body"].read(),
                             b"v1")
            versions = eu.list_object_versions(Bucket="again-state")["Versions"]
            self.assertEqual(len(versions), 1)
            self.assertEqual(eu.get_bucket_versioning(Bucket="again-state")["Status"], "Enabled")
            ddb = ddb_client(server.endpoint)
            table = ddb.describe_table(TableName="again-locks")["Table"]
            self.assertEqual(table["CreationDateTime"], created)
            self.assertEqual(table["TableId"], table_id)
            self.assertEqual(ddb.get_item(TableName="again-locks",
                                          Key={"LockID": {"S": "held"}})["Item"],
                             {"LockID": {"S": "held"}})
            names = {b["Name"] for b in eu.list_buckets()["Buckets"]}
            self.assertEqual(names, {"again-state", "again-logs"})
            # The IAM user and its key survive too (persisted, re-declared without conflict).
            user = h.make_s3_client(server.endpoint, "eu-west-1", "AKIAAGAIN0001", "again-secret")
            self.assertEqual(user.get_object(Bucket="again-state", Key="state")["Body"].read(),
                             b"v1")
        finally:
            self.stop(server)


class BadInitTest(unittest.TestCase):
    """A bad file or short form fails start-up with exit 1 and a message naming the entry."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="skiff-init-bad-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def assertStartFails(self, message, args=(), env=None, init=None, data_dir=None):
        if init is not None:
            args = ["--init", write_json(self.dir, "init.json", init)] + list(args)
        code, stderr, stdout = run_failing_start(args, env, data_dir)
        self.assertEqual(code, 1, stderr)
        self.assertNotIn("listening on", stdout)
        self.assertIn(message, stderr)
        return stderr

    def test_not_json(self):
        path = os.path.join(self.dir, "init.json")
        self.assertStartFails(f"init file {path}: not valid JSON at offset", init='{"buckets": [')

    def test_unknown_member(self):
        self.assertStartFails('buckets[0] "bad-member": unknown member "versioned"',
                              init={"buckets": [{"name": "bad-member", "versioned": True}]})

    def test_invalid_bucket_name(self):
        self.assertStartFails('buckets[1] "Not_A_Bucket": not a valid bucket name',
                              init={"buckets": ["fine-bucket", {"name": "Not_A_Bucket"}]})

    def test_invalid_encryption(self):
        self.assertStartFails('buckets[0] "bad-enc": encryption: MalformedXML',
                              init={"buckets": [{"name": "bad-enc", "encryption": "DES"}]})

    def test_create_table_validation(self):
        self.assertStartFails(
            'tables[0] "bad-keys": ValidationException: One or more parameter values were '
            'invalid: Some index key attributes are not defined in AttributeDefinitions',
            init={"tables": [{"TableName": "bad-keys",
                              "AttributeDefinitions": [{"AttributeName": "a",
                                                        "AttributeType": "S"}],
                              "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}]}]})

    def test_malformed_policy(self):
        self.assertStartFails('users[0] "bad-policy": policy "p" is not a valid policy',
                              init={"users": [{"name": "bad-policy",
                                               "policies": {"p": {"Statement": "nope"}}}]})

    def test_bad_fault_rule(self):
        self.assertStartFails("faults: ", init={"faults": [{"preset": "no-such-preset"}]})

    def test_missing_file(self):
        path = os.path.join(self.dir, "missing.json")
        self.assertStartFails(f"init file {path}: cannot be read", args=["--init", path])

    def test_bad_short_forms(self):
        self.assertStartFails('SKIFF_BUCKETS entry "x": "x" is not a valid bucket name',
                              env={"SKIFF_BUCKETS": "ok-bucket,x"})
        self.assertStartFails('SKIFF_TABLES entry "locks": expected '
                              'name[@region]:HashKey[/TYPE][:RangeKey[/TYPE]]',
                              env={"SKIFF_TABLES": "locks"})

    def test_nothing_is_half_applied(self):
        data = os.path.join(self.dir, "data")
        # The bucket is valid but the table after it is not: neither may exist afterwards.
        self.assertStartFails(
            'tables[0] "half-table": ValidationException',
            init={"buckets": ["half-bucket"],
                  "tables": [{"TableName": "half-table", "BillingMode": "PAY_PER_REQUEST",
                              "AttributeDefinitions": [{"AttributeName": "id",
                                                        "AttributeType": "X"}],
                              "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}]},
            data_dir=data)
        server = h.SkiffServer(data_dir=data)
        server.start()
        try:
            self.assertEqual(h.make_s3_client(server.endpoint).list_buckets()["Buckets"], [])
            self.assertEqual(ddb_client(server.endpoint).list_tables()["TableNames"], [])
        finally:
            self.assertEqual(server.stop(), 0)
            server.cleanup()

    def test_conflict_with_existing_state(self):
        data = os.path.join(self.dir, "data")
        server = h.SkiffServer(data_dir=data)
        server.start()
        try:
            h.make_s3_client(server.endpoint).create_bucket(Bucket="placed-bucket")
        finally:
            self.assertEqual(server.stop(), 0)
            server.cleanup()
        self.assertStartFails('SKIFF_BUCKETS entry "placed-bucket@eu-west-1": the bucket already '
                              'exists in us-east-1 (account 000000000000), not in eu-west-1',
                              env={"SKIFF_BUCKETS": "placed-bucket@eu-west-1"}, data_dir=data)


if __name__ == "__main__":
    unittest.main()

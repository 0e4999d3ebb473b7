"""Wire replay of the AWS provider's (hashicorp/terraform-provider-aws, aws-sdk-go-v2) create,
read and delete sequences for aws_s3_bucket, aws_s3_bucket_versioning,
aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_public_access_block and
aws_dynamodb_table.

Each call is sent header by header as the Go SDK sends it (its User-Agent, amz-sdk-invocation-id
and amz-sdk-request, Accept-Encoding: identity, a signed payload hash, and on the bucket PUTs the
model marks checksum-required an x-amz-checksum-crc32 with x-amz-sdk-checksum-algorithm instead of
Content-MD5), signed with botocore's SigV4 signer. Each answer is checked for its status, its error
code, and the fields the provider reads, parsed with botocore's parser for the operation's model
(as an SDK would parse it). Resources declared at start-up (--init, SKIFF_TABLES) are read the way
`terraform import` and refresh read them.
"""

import base64
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import time
import unittest
import uuid
import xml.etree.ElementTree as ET
import zlib

import boto3
import botocore.session
from botocore import parsers
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest, HeadersDict
from botocore.config import Config
from botocore.credentials import Credentials

import skiff_harness as h

S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
GO_UA = ("aws-sdk-go-v2/1.41.5 ua/2.1 os/linux lang/go#1.24.6 md/GOOS#linux md/GOARCH#amd64 "
         "api/{api} m/E,Z,g APN/1.0 HashiCorp/1.0 Terraform/1.11.4 "
         "(+https://www.terraform.io) terraform-provider-aws/6.0.0 "
         "(+https://registry.terraform.io/providers/hashicorp/aws)")
OTHER_ACCOUNT = "222222222222"
TRANSITION_MS = 300

_botocore = botocore.session.get_session()


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # HeadersDict (case-insensitive)
        self.body = body

    def error_code(self):
        if not self.body:
            return None
        if self.body.lstrip().startswith(b"{"):
            return json.loads(self.body)["__type"].rsplit("#", 1)[-1]
        return ET.fromstring(self.body).findtext("Code")

    def describe(self):
        return f"{self.status} {dict(self.headers)} {self.body[:600]!r}"


def xml_body(root, inner):
    return (f'<{root} xmlns="{S3_XMLNS}">{inner}</{root}>').encode()


class GoSdk:
    """Sends requests as aws-sdk-go-v2 does, and parses answers with botocore's models."""

    def __init__(self, endpoint, region, access_key=h.ACCESS_KEY, secret_key=h.SECRET_KEY):
        self.endpoint = endpoint
        self.region = region
        self.credentials = Credentials(access_key, secret_key)

    def _send(self, method, path, body, headers, auth):
        request = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=headers)
        if auth is not None:
            auth.add_auth(request)
        prepared = request.prepare()
        conn = http.client.HTTPConnection(self.endpoint.split("//", 1)[1], timeout=10)
        try:
            conn.request(method, path, body=body, headers=dict(prepared.headers.items()))
            resp = conn.getresponse()
            data = resp.read()
            headers = HeadersDict()
            for name, value in resp.getheaders():
                headers[name] = value
            return Reply(resp.status, headers, data)
        finally:
            conn.close()

    def s3(self, method, bucket, query="", body=b"", headers=None, anonymous=False,
           checksum=False):
        path = "/" + bucket + ("?" + query if query else "")
        hdrs = {"User-Agent": GO_UA.format(api="s3#1.97.3"),
                "Amz-Sdk-Invocation-Id": str(uuid.uuid4()),
                "Amz-Sdk-Request": "attempt=1; max=3", "Accept-Encoding": "identity"}
        if body:
            hdrs["Content-Length"] = str(len(body))
        if checksum:
            # requestChecksumRequired operations: the current Go SDK default is CRC32.
            crc = zlib.crc32(body).to_bytes(4, "big")
            hdrs["X-Amz-Checksum-Crc32"] = base64.b64encode(crc).decode()
            hdrs["X-Amz-Sdk-Checksum-Algorithm"] = "CRC32"
        hdrs.update(headers or {})
        hdrs["X-Amz-Content-Sha256"] = hashlib.sha256(body).hexdigest()
        auth = None if anonymous else S3SigV4Auth(self.credentials, "s3", self.region)
        return self._send(method, path, body, hdrs, auth)

    def dynamodb(self, operation, payload):
        body = json.dumps(payload).encode()
        hdrs = {"User-Agent": GO_UA.format(api="dynamodb#1.56.2"),
                "Amz-Sdk-Invocation-Id": str(uuid.uuid4()),
                "Amz-Sdk-Request": "attempt=1; max=3", "Accept-Encoding": "identity",
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810." + operation,
                "Content-Length": str(len(body))}
        return self._send("POST", "/", body, hdrs,
                          SigV4Auth(self.credentials, "dynamodb", self.region))

    @staticmethod
    def parse(service, operation, reply):
        model = _botocore.get_service_model(service)
        parser = parsers.create_parser(model.metadata["protocol"])
        return parser.parse({"status_code": reply.status, "headers": reply.headers,
                             "body": reply.body, "context": {"operation_name": operation}},
                            model.operation_model(operation).output_shape)


class ProviderReplayTest(h.SkiffTestCase):
    """Every answer is one the provider handles the way it handles AWS's."""

    @classmethod
    def setUpClass(cls):
        cls.files = tempfile.mkdtemp(prefix="skiff-provider-")
        init = {"buckets": [
                    {"name": "tfprov-declared", "region": "eu-west-1", "versioning": True,
                     "encryption": {"kmsKeyId": "alias/state"}, "tags": {"owner": "ci"}},
                    {"name": "tfprov-taken", "account": OTHER_ACCOUNT}],
                "tables": [{"name": "tfprov-declared-locks", "hashKey": "LockID"}]}
        path = os.path.join(cls.files, "init.json")
        with open(path, "w") as f:
            json.dump(init, f)
        cls.server_args = ["--init", path, "--table-transition-ms", str(TRANSITION_MS)]
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.files, ignore_errors=True)

    def go(self, region=h.DEFAULT_REGION):
        return GoSdk(self.endpoint, region)

    def expect(self, reply, status, code=None):
        self.assertEqual(reply.status, status, reply.describe())
        if code is not None:
            self.assertEqual(reply.error_code(), code, reply.describe())
        return reply

    def expect_head_error(self, reply, status):
        # HEAD errors have no body: the SDK derives the code from the status text.
        self.assertEqual(reply.status, status, reply.describe())
        self.assertEqual(reply.body, b"")
        return reply

    # --- aws_s3_bucket -----------------------------------------------------------------------

    def create_bucket(self, go, name, region, tags=None):
        """resourceBucketCreate: HeadBucket must be 404, then CreateBucket, HeadBucket until 200,
        then PutBucketTagging."""
        self.expect_head_error(go.s3("HEAD", name), 404)
        body = b""
        if region != "us-east-1":
            body = xml_body("CreateBucketConfiguration",
                            f"<LocationConstraint>{region}</LocationConstraint>")
        created = self.expect(go.s3("PUT", name, body=body, headers={"X-Amz-Acl": "private"}),
                              200)
        self.assertEqual(created.headers["Location"], "/" + name)
        head = self.expect(go.s3("HEAD", name), 200)
        self.assertEqual(head.headers["x-amz-bucket-region"], region)
        if tags:
            tag_xml = "".join(f"<Tag><Key>{k}</Key><Value>{v}</Value></Tag>"
                              for k, v in tags.items())
            self.expect(go.s3("PUT", name, "tagging",
                              body=xml_body("Tagging", f"<TagSet>{tag_xml}</TagSet>"),
                              checksum=True), 204)

    def read_bucket(self, go, name, region, tags=None, versioning=None, encryption=None):
        """resourceBucketRead, call by call, with the answer each one must give."""
        head = self.expect(go.s3("HEAD", name), 200)
        self.assertEqual(head.headers["x-amz-bucket-region"], region)
        self.expect(go.s3("GET", name, "policy"), 404, "NoSuchBucketPolicy")
        acl = go.parse("s3", "GetBucketAcl", self.expect(go.s3("GET", name, "acl"), 200))
        self.assertTrue(acl["Owner"]["ID"])
        self.assertIn({"Grantee": {"ID": acl["Owner"]["ID"], "Type": "CanonicalUser",
                                   "DisplayName": acl["Owner"].get("DisplayName")},
                       "Permission": "FULL_CONTROL"},
                      [{**g, "Grantee": {k: g["Grantee"].get(k)
                                         for k in ("ID", "Type", "DisplayName")}}
                       for g in acl["Grants"]])
        self.expect(go.s3("GET", name, "cors"), 404, "NoSuchCORSConfiguration")
        self.expect(go.s3("GET", name, "website"), 404, "NoSuchWebsiteConfiguration")
        ver = go.parse("s3", "GetBucketVersioning",
                       self.expect(go.s3("GET", name, "versioning"), 200))
        self.assertEqual(ver.get("Status"), versioning)
        accel = go.parse("s3", "GetBucketAccelerateConfiguration",
                         self.expect(go.s3("GET", name, "accelerate"), 200))
        self.assertNotIn("Status", accel)
        payment = go.parse("s3", "GetBucketRequestPayment",
                           self.expect(go.s3("GET", name, "requestPayment"), 200))
        self.assertEqual(payment["Payer"], "BucketOwner")
        logging = go.parse("s3", "GetBucketLogging",
                           self.expect(go.s3("GET", name, "logging"), 200))
        self.assertNotIn("LoggingEnabled", logging)
        self.expect(go.s3("GET", name, "lifecycle"), 404, "NoSuchLifecycleConfiguration")
        self.expect(go.s3("GET", name, "replication"), 404,
                    "ReplicationConfigurationNotFoundError")
        sse = go.parse("s3", "GetBucketEncryption",
                       self.expect(go.s3("GET", name, "encryption"), 200))
        rule = sse["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"],
                         encryption or {"SSEAlgorithm": "AES256"})
        self.expect(go.s3("GET", name, "object-lock"), 404, "ObjectLockConfigurationNotFoundError")
        # manager.GetBucketRegion: an anonymous HeadBucket whose x-amz-bucket-region is read
        # even from the 403.
        anon = self.expect_head_error(go.s3("HEAD", name, anonymous=True), 403)
        self.assertEqual(anon.headers["x-amz-bucket-region"], region)
        tagging = go.s3("GET", name, "tagging")
        if tags:
            parsed = go.parse("s3", "GetBucketTagging", self.expect(tagging, 200))
            self.assertEqual({t["Key"]: t["Value"] for t in parsed["TagSet"]}, tags)
        else:
            self.expect(tagging, 404, "NoSuchTagSet")

    def delete_bucket(self, go, name):
        """resourceBucketDelete: DeleteBucket, then HeadBucket polled until 404."""
        self.expect(go.s3("DELETE", name), 204)
        self.expect_head_error(go.s3("HEAD", name), 404)
        # Already gone: NoSuchBucket, which the provider treats as deleted.
        self.expect(go.s3("DELETE", name), 404, "NoSuchBucket")

    def test_aws_s3_bucket_us_east_1(self):
        go = self.go()
        name = h.unique_name("tfprov")
        self.create_bucket(go, name, "us-east-1", tags={"team": "infra", "env": "ci"})
        self.read_bucket(go, name, "us-east-1", tags={"team": "infra", "env": "ci"})
        self.delete_bucket(go, name)

    def test_aws_s3_bucket_eu_west_1(self):
        go = self.go("eu-west-1")
        name = h.unique_name("tfprov")
        self.create_bucket(go, name, "eu-west-1")
        self.read_bucket(go, name, "eu-west-1")
        # A provider configured for another region gets the 301 (no Location, empty HEAD body)
        # that Terraform turns into "requested bucket from ..., actual location eu-west-1".
        moved = self.expect_head_error(self.go().s3("HEAD", name), 301)
        self.assertEqual(moved.headers["x-amz-bucket-region"], "eu-west-1")
        self.assertNotIn("Location", moved.headers)
        moved = self.expect(self.go().s3("GET", name, "versioning"), 301, "PermanentRedirect")
        self.assertEqual(moved.headers["x-amz-bucket-region"], "eu-west-1")
        self.delete_bucket(go, name)

    def test_aws_s3_bucket_force_destroy(self):
        # Delete with force_destroy: BucketNotEmpty, then ListObjectVersions + DeleteObjects of
        # every version and marker, then DeleteBucket again.
        go = self.go()
        name = h.unique_name("tfprov")
        self.create_bucket(go, name, "us-east-1")
        self.expect(go.s3("PUT", name, "versioning", checksum=True,
                          body=xml_body("VersioningConfiguration", "<Status>Enabled</Status>")),
                    200)
        s3 = self.s3()
        s3.put_object(Bucket=name, Key="a", Body=b"1")
        s3.put_object(Bucket=name, Key="a", Body=b"2")
        s3.delete_object(Bucket=name, Key="a")
        self.expect(go.s3("DELETE", name), 409, "BucketNotEmpty")
        listed = go.parse("s3", "ListObjectVersions",
                          self.expect(go.s3("GET", name, "versions"), 200))
        entries = listed.get("Versions", []) + listed.get("DeleteMarkers", [])
        self.assertEqual(len(entries), 3)
        objects = "".join(f"<Object><Key>{e['Key']}</Key><VersionId>{e['VersionId']}</VersionId>"
                          "</Object>" for e in entries)
        deleted = go.parse("s3", "DeleteObjects", self.expect(go.s3(
            "POST", name, "delete", checksum=True,
            body=xml_body("Delete", f"{objects}<Quiet>true</Quiet>")), 200))
        self.assertNotIn("Errors", deleted)
        self.delete_bucket(go, name)

    def test_aws_s3_bucket_that_exists(self):
        go = self.go()
        # Another account's bucket (declared at start-up): HeadBucket 403, CreateBucket 409.
        self.expect_head_error(go.s3("HEAD", "tfprov-taken"), 403)
        self.expect(go.s3("PUT", "tfprov-taken", headers={"X-Amz-Acl": "private"}), 409,
                    "BucketAlreadyExists")
        # Our own bucket in another region: BucketAlreadyOwnedByYou from its region.
        owned = self.expect(self.go("eu-west-1").s3(
            "PUT", "tfprov-declared", headers={"X-Amz-Acl": "private"},
            body=xml_body("CreateBucketConfiguration",
                          "<LocationConstraint>eu-west-1</LocationConstraint>")),
            409, "BucketAlreadyOwnedByYou")
        self.assertIn(b"<BucketName>tfprov-declared</BucketName>", owned.body)

    def test_import_of_a_bucket_declared_at_start(self):
        # `terraform import aws_s3_bucket...` followed by refresh: the plain Read sequence, and
        # the sub-resources' reads, see what the init file declared.
        go = self.go("eu-west-1")
        self.read_bucket(go, "tfprov-declared", "eu-west-1", tags={"owner": "ci"},
                         versioning="Enabled",
                         encryption={"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/state"})
        pab = go.parse("s3", "GetPublicAccessBlock",
                       self.expect(go.s3("GET", "tfprov-declared", "publicAccessBlock"), 200))
        self.assertEqual(set(pab["PublicAccessBlockConfiguration"].values()), {True})

    # --- aws_s3_bucket_versioning ----------------------------------------------------------

    def test_aws_s3_bucket_versioning(self):
        go = self.go()
        name = h.unique_name("tfprov")
        self.create_bucket(go, name, "us-east-1")
        enabled = xml_body("VersioningConfiguration", "<Status>Enabled</Status>")
        put = self.expect(go.s3("PUT", name, "versioning", body=enabled, checksum=True), 200)
        self.assertEqual(put.body, b"")
        # waitForBucketVersioningStatus, then Read.
        got = go.parse("s3", "GetBucketVersioning",
                       self.expect(go.s3("GET", name, "versioning"), 200))
        self.assertEqual(got["Status"], "Enabled")
        self.assertNotIn("MFADelete", got)
        # Older SDKs sent Content-MD5 instead of a flexible checksum: accepted as well.
        md5 = base64.b64encode(hashlib.md5(enabled).digest()).decode()
        self.expect(go.s3("PUT", name, "versioning", body=enabled,
                          headers={"Content-MD5": md5}), 200)
        # Delete: Suspended (versioning never returns to unversioned).
        suspended = xml_body("VersioningConfiguration", "<Status>Suspended</Status>")
        self.expect(go.s3("PUT", name, "versioning", body=suspended, checksum=True), 200)
        got = go.parse("s3", "GetBucketVersioning",
                       self.expect(go.s3("GET", name, "versioning"), 200))
        self.assertEqual(got["Status"], "Suspended")
        # A checksum that does not match the body is refused, and changes nothing.
        bad = go.s3("PUT", name, "versioning", body=enabled,
                    headers={"X-Amz-Checksum-Crc32": "AAAAAA==",
                             "X-Amz-Sdk-Checksum-Algorithm": "CRC32"})
        self.assertEqual(bad.status, 400, bad.describe())
        got = go.parse("s3", "GetBucketVersioning", go.s3("GET", name, "versioning"))
        self.assertEqual(got["Status"], "Suspended")
        self.delete_bucket(go, name)
        # Read and Delete of a bucket that is gone: NoSuchBucket (removed from state / ignored).
        self.expect(go.s3("GET", name, "versioning"), 404, "NoSuchBucket")
        self.expect(go.s3("PUT", name, "versioning", body=suspended, checksum=True), 404,
                    "NoSuchBucket")

    # --- aws_s3_bucket_server_side_encryption_configuration --------------------------------

    def test_aws_s3_bucket_server_side_encryption_configuration(self):
        go = self.go()
        name = h.unique_name("tfprov")
        self.create_bucket(go, name, "us-east-1")
        key = "arn:aws:kms:us-east-1:000000000000:key/tf"
        config = xml_body("ServerSideEncryptionConfiguration",
                          "<Rule><ApplyServerSideEncryptionByDefault>"
                          "<SSEAlgorithm>aws:kms</SSEAlgorithm>"
                          f"<KMSMasterKeyID>{key}</KMSMasterKeyID>"
                          "</ApplyServerSideEncryptionByDefault>"
                          "<BucketKeyEnabled>true</BucketKeyEnabled></Rule>")
        self.expect(go.s3("PUT", name, "encryption", body=config, checksum=True), 200)
        got = go.parse("s3", "GetBucketEncryption",
                       self.expect(go.s3("GET", name, "encryption"), 200))
        rule = got["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"],
                         {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key})
        self.assertTrue(rule["BucketKeyEnabled"])
        # An invalid algorithm is refused as S3 refuses it.
        bad = xml_body("ServerSideEncryptionConfiguration",
                       "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES"
                       "</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>")
        self.expect(go.s3("PUT", name, "encryption", body=bad, checksum=True), 400,
                    "MalformedXML")
        # Delete, then the bucket is back to S3's default (SSE-S3).
        self.expect(go.s3("DELETE", name, "encryption"), 204)
        got = go.parse("s3", "GetBucketEncryption",
                       self.expect(go.s3("GET", name, "encryption"), 200))
        self.assertEqual(got["ServerSideEncryptionConfiguration"]["Rules"][0]
                         ["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.delete_bucket(go, name)
        self.expect(go.s3("GET", name, "encryption"), 404, "NoSuchBucket")
        self.expect(go.s3("DELETE", name, "encryption"), 404, "NoSuchBucket")

    # --- aws_s3_bucket_public_access_block --------------------------------------------------

    def test_aws_s3_bucket_public_access_block(self):
        go = self.go()
        name = h.unique_name("tfprov")
        self.create_bucket(go, name, "us-east-1")
        config = {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                  "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
        inner = "".join(f"<{k}>{str(v).lower()}</{k}>" for k, v in config.items())
        self.expect(go.s3("PUT", name, "publicAccessBlock",
                          body=xml_body("PublicAccessBlockConfiguration", inner), checksum=True),
                    200)
        got = go.parse("s3", "GetPublicAccessBlock",
                       self.expect(go.s3("GET", name, "publicAccessBlock"), 200))
        self.assertEqual(got["PublicAccessBlockConfiguration"], config)
        self.expect(go.s3("DELETE", name, "publicAccessBlock"), 204)
        self.expect(go.s3("GET", name, "publicAccessBlock"), 404,
                    "NoSuchPublicAccessBlockConfiguration")
        # Deleting again is not an error.
        self.expect(go.s3("DELETE", name, "publicAccessBlock"), 204)
        self.delete_bucket(go, name)
        self.expect(go.s3("GET", name, "publicAccessBlock"), 404, "NoSuchBucket")
        self.expect(go.s3("DELETE", name, "publicAccessBlock"), 404, "NoSuchBucket")

    # --- aws_dynamodb_table -----------------------------------------------------------------

    def ddb(self, go, operation, payload, status=200, code=None):
        reply = go.dynamodb(operation, payload)
        self.assertEqual(reply.status, status, reply.describe())
        self.assertEqual(reply.headers["Content-Type"], "application/x-amz-json-1.0")
        self.assertTrue(reply.headers.get("x-amzn-RequestId"))
        if "X-Amz-Crc32" in reply.headers:
            # The Go SDK validates it when present.
            self.assertEqual(int(reply.headers["X-Amz-Crc32"]), zlib.crc32(reply.body))
        if code is not None:
            self.assertEqual(reply.error_code(), code, reply.describe())
        return go.parse("dynamodb", operation, reply)

    def read_table(self, go, name):
        """resourceTableRead: DescribeTable, DescribeContinuousBackups, DescribeTimeToLive,
        ListTagsOfResource."""
        table = self.ddb(go, "DescribeTable", {"TableName": name})["Table"]
        backups = self.ddb(go, "DescribeContinuousBackups", {"TableName": name})
        pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual(pitr["PointInTimeRecoveryStatus"], "DISABLED")
        ttl = self.ddb(go, "DescribeTimeToLive", {"TableName": name})["TimeToLiveDescription"]
        tags = self.ddb(go, "ListTagsOfResource", {"ResourceArn": table["TableArn"]})["Tags"]
        return table, ttl, tags

    def test_aws_dynamodb_table(self):
        go = self.go()
        name = h.unique_name("tfprov-locks")
        created = self.ddb(go, "CreateTable", {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
            "Tags": [{"Key": "team", "Value": "infra"}]})["TableDescription"]
        self.assertEqual(created["TableStatus"], "CREATING")
        # waitTableActive: DescribeTable polled until ACTIVE (--table-transition-ms).
        started = time.monotonic()
        statuses = []
        while True:
            table = self.ddb(go, "DescribeTable", {"TableName": name})["Table"]
            statuses.append(table["TableStatus"])
            if table["TableStatus"] == "ACTIVE" or time.monotonic() - started > 10:
                break
            time.sleep(0.05)
        self.assertEqual(statuses[0], "CREATING")
        self.assertEqual(statuses[-1], "ACTIVE")
        self.assertGreaterEqual(time.monotonic() - started, TRANSITION_MS / 1000 * 0.5)
        self.ddb(go, "UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "expires"}})
        table, ttl, tags = self.read_table(go, name)
        self.assertEqual(table["KeySchema"], [{"AttributeName": "LockID", "KeyType": "HASH"}])
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(ttl, {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        self.assertEqual(tags, [{"Key": "team", "Value": "infra"}])
        # Delete: DELETING, then DescribeTable polled until ResourceNotFoundException.
        deleted = self.ddb(go, "DeleteTable", {"TableName": name})["TableDescription"]
        self.assertEqual(deleted["TableStatus"], "DELETING")
        started = time.monotonic()
        while time.monotonic() - started < 10:
            reply = go.dynamodb("DescribeTable", {"TableName": name})
            if reply.status != 200:
                break
            self.assertEqual(json.loads(reply.body)["Table"]["TableStatus"], "DELETING")
            time.sleep(0.05)
        self.assertEqual(reply.status, 400, reply.describe())
        self.assertEqual(json.loads(reply.body)["__type"],
                         "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
        # A delete of a table that is gone: the provider accepts only this message.
        self.ddb(go, "DeleteTable", {"TableName": name}, 400, "ResourceNotFoundException")
        message = json.loads(go.dynamodb("DeleteTable", {"TableName": name}).body)["message"]
        self.assertTrue(message.startswith("Requested resource not found: Table: "), message)

    def test_aws_dynamodb_table_waiters(self):
        # The SDKs' own waiters (DescribeTable until ACTIVE / until gone) over the transition.
        ddb = boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                           aws_access_key_id=h.ACCESS_KEY, aws_secret_access_key=h.SECRET_KEY,
                           config=Config(retries={"total_max_attempts": 1}))
        name = h.unique_name("tfprov-wait")
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        ddb.get_waiter("table_exists").wait(TableName=name,
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        self.assertEqual(ddb.describe_table(TableName=name)["Table"]["TableStatus"], "ACTIVE")
        ddb.delete_table(TableName=name)
        ddb.get_waiter("table_not_exists").wait(TableName=name,
                                                WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        self.assertNotIn(name, ddb.list_tables()["TableNames"])

    def test_import_of_a_table_declared_at_start(self):
        # Declared at start-up: ACTIVE at once, even with --table-transition-ms.
        go = self.go()
        table, ttl, tags = self.read_table(go, "tfprov-declared-locks")
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["KeySchema"], [{"AttributeName": "LockID", "KeyType": "HASH"}])
        self.assertEqual(ttl, {"TimeToLiveStatus": "DISABLED"})
        self.assertEqual(tags, [])


if __name__ == "__main__":
    unittest.main()

"""Terraform's real requests, header by header: the CLI talks to Skiff through a recording
pass-through, and the test checks the requests the replays in test_terraform_wire and the Go
program assume (lock file If-None-Match: *, checksum headers, x-amz-checksum-mode on ranged
GETs, the DynamoDB lock and digest bodies, the workspace listing query)."""

import base64
import hashlib
import json
import unittest
import urllib.parse

from terraform.recorder import RecordingProxy
from terraform.tfcli import TerraformTestCase

KEY = "rec/terraform.tfstate"


class TerraformRecordedRequestsTest(TerraformTestCase):

    def setUp(self):
        super().setUp()
        self.proxy = RecordingProxy(self.server.host, self.server.port)
        self.addCleanup(self.proxy.close)

    def s3_requests(self, method=None, key=None):
        out = []
        for r in self.proxy.records:
            if "x-amz-target" in r.headers or r.path == "/":
                continue
            if method and r.method != method:
                continue
            if key is not None and urllib.parse.unquote(r.path) != f"/{self.bucket}/{key}":
                continue
            out.append(r)
        return out

    def ddb_requests(self, operation):
        return [(r, json.loads(r.body)) for r in self.proxy.records
                if r.headers.get("x-amz-target") == f"DynamoDB_20120810.{operation}"]

    def test_apply_and_plan_with_both_locks(self):
        self.bucket = self.new_bucket(prefix="tfrec")
        table = self.new_lock_table()
        wd = self.workdir(endpoint=self.proxy.endpoint, bucket=self.bucket, key=KEY,
                          dynamodb_table=table, use_lockfile=True)
        self.tf(wd, "init")

        # Workspace listing: ListObjectsV2 with prefix env:/, no encoding-type.
        lists = [r for r in self.s3_requests("GET") if "list-type=2" in r.query]
        self.assertTrue(lists)
        for r in lists:
            query = urllib.parse.parse_qs(r.query)
            self.assertEqual(query["prefix"], ["env:/"])
            self.assertNotIn("encoding-type", query)
            self.assertEqual(r.path, f"/{self.bucket}")  # use_path_style
        # Credentials validated with STS (no skip_credentials_validation).
        sts = [r for r in self.proxy.records if r.body.startswith(b"Action=GetCallerIdentity")]
        self.assertTrue(sts)
        self.assertIn("/sts/aws4_request", sts[0].headers["authorization"])

        self.proxy.clear()
        self.apply(wd)
        # Lock file: PutObject <key>.tflock, If-None-Match: *, SHA-256 checksum of the body.
        [put_lock] = self.s3_requests("PUT", f"{KEY}.tflock")
        self.assertEqual(put_lock.headers.get("if-none-match"), "*")
        self.assertEqual(put_lock.headers.get("content-type"), "application/json")
        self.assertEqual(put_lock.headers.get("x-amz-sdk-checksum-algorithm"), "SHA256")
        self.assertEqual(put_lock.headers.get("x-amz-checksum-sha256"),
                         base64.b64encode(hashlib.sha256(put_lock.body).digest()).decode())
        self.assertEqual(put_lock.headers.get("x-amz-content-sha256"),
                         hashlib.sha256(put_lock.body).hexdigest())  # plain body over http
        self.assertIn("x-id=PutObject", put_lock.query)
        info = json.loads(put_lock.body)
        self.assertEqual(list(info), ["ID", "Operation", "Info", "Who", "Version", "Created",
                                      "Path"])
        self.assertEqual((info["Operation"], info["Path"]),
                         ("OperationTypeApply", f"{self.bucket}/{KEY}"))
        # State: PutObject with a SHA-256 checksum, no If-None-Match.
        [put_state] = self.s3_requests("PUT", KEY)
        self.assertNotIn("if-none-match", put_state.headers)
        self.assertEqual(put_state.headers.get("x-amz-checksum-sha256"),
                         base64.b64encode(hashlib.sha256(put_state.body).digest()).decode())
        self.assertNotEqual(put_state.headers.get("content-encoding"), "aws-chunked")
        # DynamoDB: conditional lock PutItem, then the -md5 digest PutItem.
        puts = self.ddb_requests("PutItem")
        self.assertEqual(len(puts), 2, puts)
        (lock_req, lock_body), (_, digest_body) = puts
        self.assertEqual(lock_req.headers["content-type"], "application/x-amz-json-1.0")
        self.assertEqual(lock_body["ConditionExpression"], "attribute_not_exists(LockID)")
        self.assertEqual(lock_body["Item"]["LockID"], {"S": f"{self.bucket}/{KEY}"})
        self.assertEqual(json.loads(lock_body["Item"]["Info"]["S"])["ID"], info["ID"])
        self.assertNotIn("ConditionExpression", digest_body)
        self.assertEqual(digest_body["Item"], {
            "LockID": {"S": f"{self.bucket}/{KEY}-md5"},
            "Digest": {"S": hashlib.md5(put_state.body).hexdigest()}})
        # Unlock: GetItem "LockID, Info" (consistent), unconditional DeleteItem, and the lock
        # file read back then deleted without If-Match.
        gets = [b for _, b in self.ddb_requests("GetItem")]
        self.assertIn({"TableName": table, "Key": {"LockID": {"S": f"{self.bucket}/{KEY}"}},
                       "ProjectionExpression": "LockID, Info", "ConsistentRead": True}, gets)
        [(_, delete_body)] = self.ddb_requests("DeleteItem")
        self.assertEqual(delete_body, {"TableName": table,
                                       "Key": {"LockID": {"S": f"{self.bucket}/{KEY}"}}})
        [delete_lock] = self.s3_requests("DELETE", f"{KEY}.tflock")
        self.assertNotIn("if-match", delete_lock.headers)
        self.assertEqual(delete_lock.status, 204)

        self.proxy.clear()
        self.tf(wd, "plan", "-input=false", "-no-color", "-lock-timeout=5s")
        # Reading the state: HeadObject, then a 5 MiB range GET with checksum mode.
        [head] = self.s3_requests("HEAD", KEY)
        self.assertEqual(head.status, 200)
        [get] = self.s3_requests("GET", KEY)
        self.assertEqual(get.headers.get("range"), "bytes=0-5242879")
        self.assertEqual(get.headers.get("x-amz-checksum-mode"), "ENABLED")
        self.assertEqual(get.status, 206)
        # The digest is read on every refresh.
        digest_gets = [b for _, b in self.ddb_requests("GetItem")
                       if b["Key"]["LockID"]["S"].endswith("-md5")]
        self.assertEqual(digest_gets[0]["ProjectionExpression"], "LockID, Digest")
        self.assertTrue(digest_gets[0]["ConsistentRead"])


if __name__ == "__main__":
    unittest.main()

"""Replays, request by request and header by header, what Terraform's S3 backend sends
(hashicorp/terraform internal/backend/remote-state/s3/client.go and backend_state.go, on the
AWS SDK for Go v2 and its checksum middleware): the lock file PutObject with If-None-Match: *, the
DynamoDB lock/digest items, ranged GETs with x-amz-checksum-mode, multipart with per-part
SHA-256, the HTTPS body form (aws-chunked with a trailing checksum), skip_s3_checksum's CRC32
and racing lockers, of which exactly one must win."""

import hashlib
import json
import threading
import unittest
import urllib.parse
import uuid
import zlib

import boto3
from botocore.config import Config

import skiff_harness as h
from terraform.tfcli import lock_info

KEY = "app/terraform.tfstate"
MiB = 1024 * 1024


def sdk_headers(extra=None):
    """Headers every Go SDK v2 request carries besides the signature."""
    hdrs = {"User-Agent": "APN/1.0 HashiCorp/1.0 Terraform/1.11.4 aws-sdk-go-v2/1.36.3 "
                          "ua/2.1 os/linux lang/go#1.23.7 md/GOOS#linux md/GOARCH#amd64 "
                          "api/s3#1.79.2 m/E,Z,g",
            "Amz-Sdk-Invocation-Id": str(uuid.uuid4()),
            "Amz-Sdk-Request": "attempt=1; max=5",
            "Accept-Encoding": "identity"}
    hdrs.update(extra or {})
    return hdrs


def b64(algorithm, data):
    return h.b64_checksum(algorithm, data)


class TerraformWireTest(h.SkiffTestCase):

    def setUp(self):
        super().setUp()
        self.bucket = self.new_bucket(prefix="tfwire")

    def path(self, key, bucket=None):
        return "/" + (bucket or self.bucket) + "/" + h.quote_path(key)

    def ddb(self):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                            aws_access_key_id=h.ACCESS_KEY, aws_secret_access_key=h.SECRET_KEY,
                            config=Config(retries={"total_max_attempts": 1}))

    def new_lock_table(self):
        name = h.unique_name("tflocks")
        self.ddb().create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
        return name

    def ddb_call(self, operation, body):
        """One raw DynamoDB JSON 1.0 call exactly as the Go SDK frames it."""
        payload = json.dumps(body).encode()
        hdrs = sdk_headers({"Host": f"{self.server.host}:{self.server.port}",
                            "Content-Type": "application/x-amz-json-1.0",
                            "X-Amz-Target": f"DynamoDB_20120810.{operation}",
                            "Content-Length": str(len(payload))})
        h.sign_headers("POST", "/", "", hdrs, hashlib.sha256(payload).hexdigest(),
                       service="dynamodb", send_content_sha256=False)
        resp = self.raw(h.build_request_bytes("POST", "/", "", hdrs, payload), "POST")
        if "x-amz-crc32" in resp.headers:  # the Go SDK validates it when present
            self.assertEqual(int(resp.headers["x-amz-crc32"]), zlib.crc32(resp.body) & 0xFFFFFFFF)
        return resp

    def put_state(self, key, body, checksum="SHA256", extra=None):
        """PutObject as `put`/`lockWithFile` send it over http://: signed payload, a
        checksum header and x-amz-sdk-checksum-algorithm."""
        hdrs = {"Content-Type": "application/json"}
        if checksum:
            hdrs["x-amz-sdk-checksum-algorithm"] = checksum
            hdrs[f"x-amz-checksum-{checksum.lower()}"] = b64(checksum, body)
        if len(body) >= 2 * MiB:
            hdrs["Expect"] = "100-continue"
        hdrs.update(extra or {})
        return self.signed("PUT", self.path(key), query="x-id=PutObject",
                           headers=sdk_headers(hdrs), body=body)

    def put_lockfile(self, key, info):
        return self.put_state(f"{key}.tflock", json.dumps(info).encode(),
                              extra={"If-None-Match": "*"})

    def get(self, key, range_header=None):
        hdrs = {"x-amz-checksum-mode": "ENABLED"}
        if range_header:
            hdrs["Range"] = range_header
        return self.signed("GET", self.path(key), query="x-id=GetObject",
                           headers=sdk_headers(hdrs))

    # --- S3: state and lock file -------------------------------------------------------------

    def test_list_head_get_before_any_state(self):
        # init: ListObjectsV2 prefix=env:/ (no encoding-type), HeadObject -> 404 without a body.
        resp = self.signed("GET", f"/{self.bucket}",
                           query="list-type=2&max-keys=1000&prefix=env%3A%2F",
                           headers=sdk_headers())
        self.assertEqual(resp.status, 200, resp.describe())
        root = h.xml_root(resp.body)
        self.assertEqual(root.find(f"{h.S3_NS}IsTruncated").text, "false")
        self.assertEqual(root.findall(f"{h.S3_NS}Contents"), [])
        self.assertEqual(root.find(f"{h.S3_NS}Prefix").text, "env:/")
        for bucket in (self.bucket, "no-such-tfwire-bucket"):
            resp = self.signed("HEAD", self.path(KEY, bucket), headers=sdk_headers())
            self.assertEqual((resp.status, resp.body), (404, b""), resp.describe())
        resp = self.get(KEY)
        self.assertS3Error(resp, 404, "NoSuchKey")
        resp = self.signed("GET", "/no-such-tfwire-bucket",
                           query="list-type=2&max-keys=1000&prefix=env%3A%2F",
                           headers=sdk_headers())
        self.assertS3Error(resp, 404, "NoSuchBucket")

    def test_state_put_head_get_with_checksum_mode(self):
        state = json.dumps({"version": 4, "serial": 3, "lineage": str(uuid.uuid4()),
                            "outputs": {}, "resources": []}, indent=2).encode()
        resp = self.put_state(KEY, state)
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("x-amz-checksum-sha256"), b64("SHA256", state))
        self.assertTrue(resp.headers.get("etag"))
        resp = self.signed("HEAD", self.path(KEY), headers=sdk_headers())
        self.assertEqual(resp.status, 200)
        self.assertEqual(int(resp.headers["content-length"]), len(state))
        # The downloader's first (and here only) 5 MiB range covers the whole object.
        resp = self.get(KEY, "bytes=0-5242879")
        self.assertIn(resp.status, (200, 206), resp.describe())
        self.assertEqual(resp.body, state)
        if resp.status == 206:
            self.assertEqual(resp.headers["content-range"], f"bytes 0-{len(state) - 1}/{len(state)}")
        if "x-amz-checksum-sha256" in resp.headers:  # harmless when the range is the object
            self.assertEqual(resp.headers["x-amz-checksum-sha256"], b64("SHA256", state))
        resp = self.get(KEY)
        self.assertEqual((resp.status, resp.body), (200, state))
        self.assertEqual(resp.headers.get("x-amz-checksum-sha256"), b64("SHA256", state))

    def test_lockfile_protocol(self):
        info = lock_info(f"{self.bucket}/{KEY}")
        resp = self.put_lockfile(KEY, info)
        self.assertEqual(resp.status, 200, resp.describe())
        # Held: 412 PreconditionFailed, and the holder's LockInfo stays readable.
        resp = self.put_lockfile(KEY, lock_info(f"{self.bucket}/{KEY}", who="other@host"))
        fields = self.assertS3Error(resp, 412, "PreconditionFailed")
        self.assertEqual(fields["Message"],
                         "At least one of the pre-conditions you specified did not hold")
        resp = self.get(f"{KEY}.tflock")
        self.assertEqual(resp.status, 200)
        self.assertEqual(json.loads(resp.body), info)
        self.assertEqual(resp.headers.get("content-type"), "application/json")
        # Unlock: unconditional DeleteObject, 204; the next locker then wins at once.
        resp = self.signed("DELETE", self.path(f"{KEY}.tflock"), query="x-id=DeleteObject",
                           headers=sdk_headers())
        self.assertEqual((resp.status, resp.body), (204, b""), resp.describe())
        self.assertEqual(self.put_lockfile(KEY, info).status, 200)
        # Workspace lock files live under env:/<ws>/ and are listed, but are not workspaces.
        self.assertEqual(self.put_lockfile(f"env:/dev/{KEY}", info).status, 200)
        self.assertEqual(self.put_state(f"env:/dev/{KEY}", b"{}").status, 200)
        resp = self.signed("GET", f"/{self.bucket}",
                           query="list-type=2&max-keys=1000&prefix=env%3A%2F",
                           headers=sdk_headers())
        keys = [e.find(f"{h.S3_NS}Key").text for e in
                h.xml_root(resp.body).findall(f"{h.S3_NS}Contents")]
        self.assertEqual(keys, [f"env:/dev/{KEY}", f"env:/dev/{KEY}.tflock"])

    def test_racing_lockfile_writers_exactly_one_wins(self):
        for round_ in range(3):
            key = f"race{round_}/{KEY}"
            infos = [lock_info(f"{self.bucket}/{key}", who=f"runner-{i}") for i in range(16)]
            results = [None] * len(infos)
            barrier = threading.Barrier(len(infos))

            def lock(i):
                barrier.wait()
                results[i] = self.put_lockfile(key, infos[i])

            threads = [threading.Thread(target=lock, args=(i,)) for i in range(len(infos))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            statuses = [r.status for r in results]
            self.assertEqual(statuses.count(200), 1, statuses)
            self.assertTrue(set(statuses) <= {200, 409, 412}, statuses)
            for r in results:
                if r.status == 409:
                    self.assertS3Error(r, 409, "ConditionalRequestConflict")
                elif r.status == 412:
                    self.assertS3Error(r, 412, "PreconditionFailed")
            winner = infos[statuses.index(200)]
            self.assertEqual(json.loads(self.get(f"{key}.tflock").body), winner)

    def test_skip_s3_checksum_crc32_and_none(self):
        # skip_s3_checksum: the SDK's own default (CRC32) is still sent, as a header over HTTP.
        body = b'{"version":4,"serial":1}'
        resp = self.put_state(KEY, body, checksum="CRC32")
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("x-amz-checksum-crc32"), b64("CRC32", body))
        resp = self.get(KEY)
        self.assertEqual(resp.headers.get("x-amz-checksum-crc32"), b64("CRC32", body))
        # A CRC32 that does not match the body is refused and changes nothing.
        resp = self.put_state(KEY, b'{"version":4,"serial":2}',
                              extra={"x-amz-sdk-checksum-algorithm": "CRC32",
                                     "x-amz-checksum-crc32": b64("CRC32", b"other")},
                              checksum=None)
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertIn(h.error_fields(resp.body)["Code"],
                      ("BadDigest", "XAmzContentChecksumMismatch", "InvalidRequest"))
        self.assertEqual(self.get(KEY).body, body)
        # With AWS_REQUEST_CHECKSUM_CALCULATION=when_required: no checksum header at all.
        resp = self.put_state(KEY, b'{"version":4,"serial":3}', checksum=None)
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(self.get(KEY).body, b'{"version":4,"serial":3}')

    def test_https_form_aws_chunked_with_trailing_checksum(self):
        # Over https:// the SDK sends the body as ONE aws-chunked chunk with the checksum in a
        # trailer. Skiff must store the decoded bytes, not the framing (hashicorp/terraform#34054).
        state = json.dumps({"version": 4, "serial": 7, "pad": "x" * 3000}).encode()
        for key, extra in ((KEY, {}), (f"{KEY}.tflock", {"If-None-Match": "*"})):
            body = h.unsigned_trailer_body([state], "x-amz-checksum-sha256", b64("SHA256", state))
            hdrs = sdk_headers({"Content-Type": "application/json",
                                "Content-Encoding": "aws-chunked",
                                "x-amz-decoded-content-length": str(len(state)),
                                "x-amz-sdk-checksum-algorithm": "SHA256",
                                "x-amz-trailer": "x-amz-checksum-sha256", **extra})
            resp = self.signed("PUT", self.path(key), query="x-id=PutObject", headers=hdrs,
                               body=body, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
            self.assertEqual(resp.status, 200, resp.describe())
            resp = self.get(key)
            self.assertEqual(resp.body, state)
            self.assertEqual(resp.headers.get("x-amz-checksum-sha256"), b64("SHA256", state))
            self.assertFalse(resp.headers.get("content-encoding", "").startswith("aws-chunked"))
        # A trailer that does not match is refused; the lock file is then still free.
        other = f"other/{KEY}.tflock"
        body = h.unsigned_trailer_body([state], "x-amz-checksum-sha256", b64("SHA256", b"x"))
        hdrs = sdk_headers({"Content-Encoding": "aws-chunked", "If-None-Match": "*",
                            "x-amz-decoded-content-length": str(len(state)),
                            "x-amz-sdk-checksum-algorithm": "SHA256",
                            "x-amz-trailer": "x-amz-checksum-sha256"})
        resp = self.signed("PUT", self.path(other), query="x-id=PutObject", headers=hdrs,
                           body=body, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertEqual(self.signed("HEAD", self.path(other)).status, 404)

    def test_state_over_5_mib_multipart_and_range_gets(self):
        # manager.Uploader: CreateMultipartUpload (x-amz-checksum-algorithm: SHA256), 5 MiB
        # parts with x-amz-checksum-sha256 (echoed), Complete listing the echoed checksums.
        state = (b'{"version":4,"blob":"' + bytes(range(97, 123)) * (11 * MiB // 26) + b'"}')
        resp = self.signed("POST", self.path(KEY), query="uploads",
                           headers=sdk_headers({"Content-Type": "application/json",
                                                "x-amz-checksum-algorithm": "SHA256"}))
        self.assertEqual(resp.status, 200, resp.describe())
        upload_id = h.xml_root(resp.body).find(f"{h.S3_NS}UploadId").text
        parts = [state[i:i + 5 * MiB] for i in range(0, len(state), 5 * MiB)]
        self.assertEqual(len(parts), 3)
        complete = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for n, part in enumerate(parts, 1):
            q = f"partNumber={n}&uploadId={urllib.parse.quote(upload_id, safe='')}&x-id=UploadPart"
            resp = self.signed("PUT", self.path(KEY), query=q, body=part, headers=sdk_headers({
                "Expect": "100-continue", "x-amz-sdk-checksum-algorithm": "SHA256",
                "x-amz-checksum-sha256": b64("SHA256", part)}))
            self.assertEqual(resp.status, 200, resp.describe())
            echoed = resp.headers.get("x-amz-checksum-sha256")
            self.assertEqual(echoed, b64("SHA256", part))
            complete += (f"<Part><ChecksumSHA256>{echoed}</ChecksumSHA256>"
                         f"<ETag>{resp.headers['etag']}</ETag><PartNumber>{n}</PartNumber></Part>")
        complete += "</CompleteMultipartUpload>"
        resp = self.signed("POST", self.path(KEY),
                           query=f"uploadId={urllib.parse.quote(upload_id, safe='')}",
                           headers=sdk_headers({"Content-Type": "application/xml"}),
                           body=complete.encode())
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertNotIn(b"<Error>", resp.body)
        # manager.Downloader: HeadObject for the size, then 5 MiB ranges with checksum mode.
        resp = self.signed("HEAD", self.path(KEY), headers=sdk_headers())
        total = int(resp.headers["content-length"])
        self.assertEqual(total, len(state))
        got = b""
        for start in range(0, total, 5 * MiB):
            end = start + 5 * MiB - 1
            resp = self.get(KEY, f"bytes={start}-{end}")
            self.assertEqual(resp.status, 206, resp.describe())
            self.assertEqual(resp.headers["content-range"],
                             f"bytes {start}-{min(end, total - 1)}/{total}")
            # No full-object checksum on a partial range (the SDK would fail the read).
            self.assertFalse([k for k in resp.headers if k.startswith("x-amz-checksum-")
                              and k != "x-amz-checksum-type"], resp.headers)
            got += resp.body
        self.assertEqual(got, state)
        # A whole-object GET: the multipart checksum is composite ("...-3"), which the SDK skips.
        resp = self.get(KEY)
        value = resp.headers.get("x-amz-checksum-sha256")
        self.assertTrue(value is None or value.endswith("-3"), value)

    # --- DynamoDB: lock and digest items -------------------------------------------------------

    def test_dynamodb_lock_and_digest_items(self):
        table = self.new_lock_table()
        path = f"{self.bucket}/{KEY}"
        info = json.dumps(lock_info(path))
        lock = {"TableName": table, "ConditionExpression": "attribute_not_exists(LockID)",
                "Item": {"LockID": {"S": path}, "Info": {"S": info}}}
        # init: the digest GetItem on an empty table returns {} (no Item).
        resp = self.ddb_call("GetItem", {"TableName": table, "ConsistentRead": True,
                                         "Key": {"LockID": {"S": f"{path}-md5"}},
                                         "ProjectionExpression": "LockID, Digest"})
        self.assertEqual((resp.status, json.loads(resp.body)), (200, {}))
        resp = self.ddb_call("PutItem", lock)
        self.assertEqual((resp.status, json.loads(resp.body)), (200, {}))
        resp = self.ddb_call("PutItem", dict(lock, Item={"LockID": {"S": path},
                                                         "Info": {"S": "{}"}}))
        self.assertEqual(resp.status, 400)
        err = json.loads(resp.body)
        self.assertEqual(err["__type"],
                         "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException")
        self.assertEqual(err["message"], "The conditional request failed")
        resp = self.ddb_call("GetItem", {"TableName": table, "ConsistentRead": True,
                                         "Key": {"LockID": {"S": path}},
                                         "ProjectionExpression": "LockID, Info"})
        self.assertEqual(json.loads(resp.body),
                         {"Item": {"LockID": {"S": path}, "Info": {"S": info}}})
        # apply: digest item after the state write; unlock: unconditional DeleteItem.
        digest = hashlib.md5(b"state").hexdigest()
        resp = self.ddb_call("PutItem", {"TableName": table, "Item": {
            "LockID": {"S": f"{path}-md5"}, "Digest": {"S": digest}}})
        self.assertEqual(resp.status, 200)
        resp = self.ddb_call("GetItem", {"TableName": table, "ConsistentRead": True,
                                         "Key": {"LockID": {"S": f"{path}-md5"}},
                                         "ProjectionExpression": "LockID, Digest"})
        self.assertEqual(json.loads(resp.body)["Item"]["Digest"], {"S": digest})
        for key in (path, f"{path}-md5"):
            resp = self.ddb_call("DeleteItem", {"TableName": table,
                                                "Key": {"LockID": {"S": key}}})
            self.assertEqual((resp.status, json.loads(resp.body)), (200, {}))
        self.assertEqual(self.ddb().scan(TableName=table)["Count"], 0)
        # A missing table: 400 ResourceNotFoundException (Terraform: no Lock Info, no retry).
        resp = self.ddb_call("PutItem", dict(lock, TableName="no-such-tfwire-table"))
        self.assertEqual(resp.status, 400)
        err = json.loads(resp.body)
        self.assertEqual(err["__type"],
                         "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")
        self.assertEqual(err["message"], "Requested resource not found")

    def test_racing_dynamodb_lockers_exactly_one_wins(self):
        table = self.new_lock_table()
        for round_ in range(3):
            path = f"{self.bucket}/race{round_}/{KEY}"
            infos = [json.dumps(lock_info(path, who=f"runner-{i}")) for i in range(16)]
            results = [None] * len(infos)
            barrier = threading.Barrier(len(infos))

            def lock(i):
                barrier.wait()
                results[i] = self.ddb_call("PutItem", {
                    "TableName": table, "ConditionExpression": "attribute_not_exists(LockID)",
                    "Item": {"LockID": {"S": path}, "Info": {"S": infos[i]}}})

            threads = [threading.Thread(target=lock, args=(i,)) for i in range(len(infos))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            statuses = [r.status for r in results]
            self.assertEqual(statuses.count(200), 1, statuses)
            self.assertEqual(statuses.count(400), len(infos) - 1, statuses)
            for r in results:
                if r.status == 400:
                    self.assertTrue(json.loads(r.body)["__type"].endswith(
                        "#ConditionalCheckFailedException"))
            item = self.ddb().get_item(TableName=table, ConsistentRead=True,
                                       Key={"LockID": {"S": path}})["Item"]
            self.assertEqual(item["Info"]["S"], infos[statuses.index(200)])

    # --- STS: credential validation -----------------------------------------------------------

    def test_sts_get_caller_identity_as_aws_sdk_go_base_sends_it(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        hdrs = sdk_headers({"Host": f"{self.server.host}:{self.server.port}",
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Content-Length": str(len(body))})
        h.sign_headers("POST", "/", "", hdrs, hashlib.sha256(body).hexdigest(), service="sts",
                       send_content_sha256=False)
        resp = self.raw(h.build_request_bytes("POST", "/", "", hdrs, body), "POST")
        self.assertEqual(resp.status, 200, resp.describe())
        root = h.xml_root(resp.body)
        result = root.find("{https://sts.amazonaws.com/doc/2011-06-15/}GetCallerIdentityResult")
        fields = {h.strip_ns(c.tag): c.text for c in result}
        self.assertEqual(fields["Account"], h.ACCOUNT_ID)
        arn = fields["Arn"].split(":")
        self.assertEqual(arn[:5], ["arn", "aws", "iam", "", h.ACCOUNT_ID])


if __name__ == "__main__":
    unittest.main()

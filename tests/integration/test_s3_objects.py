"""Object operations: put/get/head/delete, keys, metadata, digests and flexible checksums,
ranges, conditional reads and writes, SSE, storage class, addressing styles, big bodies."""

import base64
import datetime
import hashlib
import io
import os
import threading
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h

NO_SUCH_KEY = "The specified key does not exist."
PRECONDITION = "At least one of the pre-conditions you specified did not hold"


def md5_etag(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


class S3ObjectsTest(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = h.unique_name("obj")
        h.make_s3_client(cls.endpoint).create_bucket(Bucket=cls.bucket)

    def setUp(self):
        self.c = self.s3()

    def put(self, key, body=b"data", **kwargs):
        return self.c.put_object(Bucket=self.bucket, Key=key, Body=body, **kwargs)

    def assertNotStored(self, key):
        with self.assertRaises(ClientError) as ctx:
            self.c.head_object(Bucket=self.bucket, Key=key)
        self.assertClientError(ctx.exception, "404", 404)

    # --- basic CRUD -----------------------------------------------------------------------

    def test_put_get_head_delete(self):
        body = b"hello skiff\n" * 10
        expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        put = self.put("crud/obj.txt", body, ContentType="text/plain; charset=utf-8",
                       ContentDisposition='attachment; filename="obj.txt"',
                       ContentLanguage="en-GB", CacheControl="max-age=60", Expires=expires,
                       Metadata={"Color": "Blue", "owner-name": "Ada Lovelace"})
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(put["ETag"], md5_etag(body))

        for op in ("get", "head"):
            with self.subTest(op=op):
                if op == "get":
                    resp = self.c.get_object(Bucket=self.bucket, Key="crud/obj.txt")
                    self.assertEqual(resp["Body"].read(), body)
                else:
                    resp = self.c.head_object(Bucket=self.bucket, Key="crud/obj.txt")
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
                self.assertEqual(resp["ETag"], md5_etag(body))
                self.assertEqual(resp["ContentLength"], len(body))
                self.assertEqual(resp["ContentType"], "text/plain; charset=utf-8")
                self.assertEqual(resp["ContentDisposition"], 'attachment; filename="obj.txt"')
                self.assertEqual(resp["ContentLanguage"], "en-GB")
                self.assertEqual(resp["CacheControl"], "max-age=60")
                self.assertEqual(resp["ResponseMetadata"]["HTTPHeaders"].get("expires"),
                                 "Wed, 02 Jan 2030 03:04:05 GMT")
                # S3 lower-cases user metadata names.
                self.assertEqual(resp["Metadata"], {"color": "Blue", "owner-name": "Ada Lovelace"})
                self.assertEqual(resp["AcceptRanges"], "bytes")
                self.assertIsInstance(resp["LastModified"], datetime.datetime)
                age = datetime.datetime.now(datetime.timezone.utc) - resp["LastModified"]
                self.assertLess(abs(age.total_seconds()), 120)
                self.assertRegex(resp["ResponseMetadata"]["HTTPHeaders"]["last-modified"],
                                 r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")

        deleted = self.c.delete_object(Bucket=self.bucket, Key="crud/obj.txt")
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(ClientError) as ctx:
            self.c.get_object(Bucket=self.bucket, Key="crud/obj.txt")
        err = self.assertClientError(ctx.exception, "NoSuchKey", 404, NO_SUCH_KEY)
        self.assertEqual(err.get("Key"), "crud/obj.txt")
        self.assertNotStored("crud/obj.txt")
        # Deleting a missing key is not an error.
        again = self.c.delete_object(Bucket=self.bucket, Key="crud/obj.txt")
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_default_content_type_and_empty_object(self):
        self.put("empty", b"")
        resp = self.c.get_object(Bucket=self.bucket, Key="empty")
        self.assertEqual(resp["Body"].read(), b"")
        self.assertEqual(resp["ContentLength"], 0)
        self.assertEqual(resp["ETag"], '"d41d8cd98f00b204e9800998ecf8427e"')
        raw = self.signed("PUT", f"/{self.bucket}/no-type", body=b"x")
        self.assertEqual(raw.status, 200, raw.describe())
        head = self.c.head_object(Bucket=self.bucket, Key="no-type")
        self.assertEqual(head["ContentType"], "binary/octet-stream")

    def test_overwrite(self):
        self.put("over", b"first")
        self.put("over", b"second version")
        got = self.c.get_object(Bucket=self.bucket, Key="over")
        self.assertEqual(got["Body"].read(), b"second version")
        self.assertEqual(got["ETag"], md5_etag(b"second version"))

    def test_special_keys(self):
        keys = ["with space.txt", "unicode/ünïcødé/日本語.txt", "plus+sign", "percent%20literal",
                "env:/x/y", "a//double/slash", "trailing/", "q?mark#hash", "amp&eq=semi;",
                "tilde~star*quote'paren()", "brackets[]{}<>", "emoji-\U0001F600", "back\\slash", "/leading-slash", "tab\tand\nnewline"]
        for key in keys:
            with self.subTest(key=key):
                body = key.encode("utf-8") * 3
                self.put(key, body)
                self.assertEqual(self.c.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                                 body)
                self.assertEqual(self.c.head_object(Bucket=self.bucket, Key=key)["ContentLength"],
                                 len(body))
        listed = set()
        for page in self.c.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            listed.update(o["Key"] for o in page.get("Contents", []))
        for key in keys:
            self.assertIn(key, listed)
        # The same object through a hand-encoded path.
        raw = self.signed("GET", f"/{self.bucket}/" + h.quote_path("with space.txt"))
        self.assertEqual(raw.status, 200, raw.describe())
        self.assertEqual(raw.body, b"with space.txt" * 3)
        raw = self.signed("GET", f"/{self.bucket}/" + h.quote_path("plus+sign"))
        self.assertEqual(raw.status, 200, raw.describe())
        self.assertEqual(raw.body, b"plus+sign" * 3)

    def test_key_length_limit(self):
        ok_key = "k" * 1024
        self.put(ok_key, b"max key")
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key=ok_key)["Body"].read(),
                         b"max key")
        with self.assertRaises(ClientError) as ctx:
            self.put("k" * 1025, b"too long")
        self.assertClientError(ctx.exception, "KeyTooLongError", 400, "Your key is too long")
        # 342 three-byte characters: 1026 UTF-8 bytes but only 342 characters.
        with self.assertRaises(ClientError) as ctx:
            self.put("€" * 342, b"too long in bytes")
        self.assertClientError(ctx.exception, "KeyTooLongError", 400)

    def test_metadata_limit(self):
        self.put("meta-ok", b"x", Metadata={"k": "v" * 1500})
        with self.assertRaises(ClientError) as ctx:
            self.put("meta-big", b"x", Metadata={"big": "v" * 2100})
        self.assertClientError(
            ctx.exception, "MetadataTooLarge", 400,
            "Your metadata headers exceed the maximum allowed metadata size")
        self.assertNotStored("meta-big")

    # --- Content-MD5 and flexible checksums ------------------------------------------------

    def test_content_md5(self):
        body = b"digest me"
        good = base64.b64encode(hashlib.md5(body).digest()).decode()
        put = self.put("md5-ok", body, ContentMD5=good)
        self.assertEqual(put["ETag"], md5_etag(body))

        wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        with self.assertRaises(ClientError) as ctx:
            self.put("md5-bad", body, ContentMD5=wrong)
        self.assertClientError(ctx.exception, "BadDigest", 400,
                               "The Content-MD5 you specified did not match what we received.")
        self.assertNotStored("md5-bad")

        for invalid in ("not-base64!!", base64.b64encode(b"short").decode()):
            with self.subTest(invalid=invalid):
                with self.assertRaises(ClientError) as ctx:
                    self.put("md5-invalid", body, ContentMD5=invalid)
                self.assertClientError(ctx.exception, "InvalidDigest", 400,
                                       "The Content-MD5 you specified was invalid.")
        self.assertNotStored("md5-invalid")

    def test_default_crc32_checksum(self):
        # boto3 sends a CRC32 by default; S3 keeps it and returns it on ChecksumMode=ENABLED.
        body = b"default checksum body"
        put = self.put("default-crc", body)
        self.assertEqual(put.get("ChecksumCRC32"), h.b64_checksum("CRC32", body))
        self.assertEqual(put.get("ChecksumType"), "FULL_OBJECT")
        got = self.c.get_object(Bucket=self.bucket, Key="default-crc", ChecksumMode="ENABLED")
        self.assertEqual(got.get("ChecksumCRC32"), h.b64_checksum("CRC32", body))
        self.assertEqual(got["Body"].read(), body)
        # boto3 sends x-amz-checksum-mode: ENABLED on every GetObject by default
        # (response_checksum_validation=when_supported); without it S3 sends no checksum.
        plain = self.signed("GET", f"/{self.bucket}/default-crc")
        self.assertEqual(plain.status, 200, plain.describe())
        self.assertNotIn("x-amz-checksum-crc32", plain.headers, "returned only on request")
        asked = self.signed("GET", f"/{self.bucket}/default-crc",
                            headers={"x-amz-checksum-mode": "ENABLED"})
        self.assertEqual(asked.headers.get("x-amz-checksum-crc32"), h.b64_checksum("CRC32", body))
        self.assertEqual(asked.headers.get("x-amz-checksum-type"), "FULL_OBJECT")

    def test_flexible_checksums(self):
        body = os.urandom(3000) + b"checksummed"
        for algorithm in ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"):
            with self.subTest(algorithm=algorithm):
                key = f"checksum-{algorithm}"
                expected = h.b64_checksum(algorithm, body)
                extra = {}
                if algorithm in ("CRC32C", "CRC64NVME"):
                    # botocore needs awscrt to compute these; give it the value.
                    extra[f"Checksum{algorithm}"] = expected
                put = self.put(key, body, ChecksumAlgorithm=algorithm, **extra)
                self.assertEqual(put.get(f"Checksum{algorithm}"), expected)
                self.assertEqual(put.get("ChecksumType"), "FULL_OBJECT")

                got = self.c.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual(got["Body"].read(), body)
                self.assertEqual(got.get(f"Checksum{algorithm}"), expected)
                self.assertEqual(got.get("ChecksumType"), "FULL_OBJECT")

                head = self.c.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual(head.get(f"Checksum{algorithm}"), expected)

                ranged = self.c.get_object(Bucket=self.bucket, Key=key, Range="bytes=0-99",
                                           ChecksumMode="ENABLED")
                self.assertEqual(ranged["ResponseMetadata"]["HTTPStatusCode"], 206)
                self.assertEqual(ranged["Body"].read(), body[:100])
                self.assertNotIn(f"Checksum{algorithm}", ranged)

    def test_wrong_checksum_value(self):
        body = b"the real body"
        for algorithm in ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"):
            with self.subTest(algorithm=algorithm):
                key = f"bad-checksum-{algorithm}"
                wrong = h.b64_checksum(algorithm, b"a different body")
                with self.assertRaises(ClientError) as ctx:
                    self.put(key, body, ChecksumAlgorithm=algorithm,
                             **{f"Checksum{algorithm}": wrong})
                self.assertClientError(
                    ctx.exception, "BadDigest", 400,
                    f"The {algorithm} you specified did not match the calculated checksum.")
                self.assertNotStored(key)

    def test_malformed_checksum_value(self):
        with self.assertRaises(ClientError) as ctx:
            self.put("malformed-checksum", b"body", ChecksumAlgorithm="CRC32",
                     ChecksumCRC32="!!notbase64")
        self.assertClientError(ctx.exception, "InvalidRequest", 400,
                               "Value for x-amz-checksum-crc32 header is invalid.")
        self.assertNotStored("malformed-checksum")

    # --- ranges ---------------------------------------------------------------------------

    def test_range_get(self):
        body = bytes(range(256)) * 4  # 1024 bytes
        self.put("ranged", body)
        n = len(body)
        cases = [("bytes=0-9", 0, 9), ("bytes=100-199", 100, 199), ("bytes=-5", n - 5, n - 1),
                 ("bytes=1000-", 1000, n - 1), ("bytes=1020-5000", 1020, n - 1),
                 ("bytes=-5000", 0, n - 1), ("bytes=1023-1023", 1023, 1023)]
        for header, first, last in cases:
            with self.subTest(range=header):
                resp = self.c.get_object(Bucket=self.bucket, Key="ranged", Range=header)
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 206)
                self.assertEqual(resp["ContentRange"], f"bytes {first}-{last}/{n}")
                self.assertEqual(resp["ContentLength"], last - first + 1)
                self.assertEqual(resp["Body"].read(), body[first:last + 1])
                self.assertEqual(resp["ETag"], md5_etag(body))
        head = self.c.head_object(Bucket=self.bucket, Key="ranged", Range="bytes=0-9")
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(head["ContentLength"], 10)
        self.assertEqual(head["ContentRange"], f"bytes 0-9/{n}")

    def test_range_not_satisfiable(self):
        body = b"0123456789"
        self.put("ranged-small", body)
        for header in ("bytes=10-", "bytes=20-30"):
            with self.subTest(range=header):
                resp = self.signed("GET", f"/{self.bucket}/ranged-small",
                                   headers={"Range": header})
                fields = self.assertS3Error(resp, 416, "InvalidRange",
                                            "The requested range is not satisfiable")
                self.assertEqual(fields.get("RangeRequested"), header)
                self.assertEqual(fields.get("ActualObjectSize"), "10")
        with self.assertRaises(ClientError) as ctx:
            self.c.get_object(Bucket=self.bucket, Key="ranged-small", Range="bytes=10-")
        self.assertClientError(ctx.exception, "InvalidRange", 416)

    def test_unparsable_range_is_ignored(self):
        body = b"0123456789"
        self.put("ranged-ignored", body)
        for header in ("bytes=abc", "items=0-1", "bytes=5-2"):
            with self.subTest(range=header):
                resp = self.c.get_object(Bucket=self.bucket, Key="ranged-ignored", Range=header)
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
                self.assertEqual(resp["Body"].read(), body)

    # --- conditional requests ---------------------------------------------------------------

    def test_conditional_get_and_head(self):
        body = b"conditional"
        etag = self.put("cond", body)["ETag"]
        modified = self.c.head_object(Bucket=self.bucket, Key="cond")["LastModified"]
        past = modified - datetime.timedelta(days=1)
        future = modified + datetime.timedelta(days=1)
        ok, not_modified, failed = 200, 304, 412
        cases = [
            ({"IfMatch": etag}, ok), ({"IfMatch": '"0123"'}, failed),
            ({"IfNoneMatch": etag}, not_modified), ({"IfNoneMatch": '"0123"'}, ok),
            ({"IfModifiedSince": past}, ok), ({"IfModifiedSince": future}, not_modified),
            ({"IfUnmodifiedSince": future}, ok), ({"IfUnmodifiedSince": past}, failed),
            # RFC 7232 precedence, as S3 documents it.
            ({"IfMatch": etag, "IfUnmodifiedSince": past}, ok),
            ({"IfNoneMatch": '"0123"', "IfModifiedSince": future}, ok),
            ({"IfNoneMatch": etag, "IfModifiedSince": past}, not_modified),
        ]
        for op in ("get_object", "head_object"):
            for conditions, expected in cases:
                with self.subTest(op=op, conditions=conditions):
                    call = getattr(self.c, op)
                    if expected == ok:
                        resp = call(Bucket=self.bucket, Key="cond", **conditions)
                        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
                        continue
                    with self.assertRaises(ClientError) as ctx:
                        call(Bucket=self.bucket, Key="cond", **conditions)
                    status = ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"]
                    self.assertEqual(status, expected, ctx.exception.response)
                    if expected == failed and op == "get_object":
                        self.assertClientError(ctx.exception, "PreconditionFailed", 412,
                                               PRECONDITION)
                    if expected == not_modified:
                        headers = ctx.exception.response["ResponseMetadata"]["HTTPHeaders"]
                        self.assertEqual(headers.get("etag"), etag)

    def test_precondition_failed_document(self):
        self.put("cond-doc", b"x")
        resp = self.signed("GET", f"/{self.bucket}/cond-doc", headers={"If-Match": '"nope"'})
        fields = self.assertS3Error(resp, 412, "PreconditionFailed", PRECONDITION)
        self.assertEqual(fields.get("Condition"), "If-Match")
        etag = self.c.head_object(Bucket=self.bucket, Key="cond-doc")["ETag"]
        resp = self.signed("GET", f"/{self.bucket}/cond-doc", headers={"If-None-Match": etag})
        self.assertEqual(resp.status, 304, resp.describe())
        self.assertEqual(resp.body, b"")

    def test_conditional_put(self):
        first = self.put("cput", b"v1", IfNoneMatch="*")
        self.assertEqual(first["ResponseMetadata"]["HTTPStatusCode"], 200)
        with self.assertRaises(ClientError) as ctx:
            self.put("cput", b"v2", IfNoneMatch="*")
        self.assertClientError(ctx.exception, "PreconditionFailed", 412, PRECONDITION)
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key="cput")["Body"].read(), b"v1")

        second = self.put("cput", b"v2", IfMatch=first["ETag"])
        self.assertEqual(second["ETag"], md5_etag(b"v2"))
        with self.assertRaises(ClientError) as ctx:
            self.put("cput", b"v3", IfMatch=first["ETag"])  # stale ETag
        self.assertClientError(ctx.exception, "PreconditionFailed", 412, PRECONDITION)
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key="cput")["Body"].read(), b"v2")

        with self.assertRaises(ClientError) as ctx:
            self.put("cput-missing", b"v1", IfMatch=first["ETag"])
        self.assertClientError(ctx.exception, "NoSuchKey", 404)
        self.assertNotStored("cput-missing")

    def test_conditional_put_race(self):
        key = h.unique_name("race")
        clients = [self.s3() for _ in range(16)]
        barrier = threading.Barrier(len(clients))
        results = [None] * len(clients)

        def attempt(i):
            body = f"writer {i}".encode()
            barrier.wait()
            try:
                clients[i].put_object(Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*")
                results[i] = (200, body)
            except ClientError as e:
                results[i] = (e.response["ResponseMetadata"]["HTTPStatusCode"],
                              e.response["Error"]["Code"])

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        winners = [r for r in results if r and r[0] == 200]
        self.assertEqual(len(winners), 1, results)
        for r in results:
            if r[0] != 200:
                self.assertIn(r, [(412, "PreconditionFailed"), (409, "ConditionalRequestConflict")])
        stored = self.c.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.assertEqual(stored, winners[0][1])

    def test_empty_body_then_body_on_one_connection(self):
        # boto3 sends `Expect: 100-continue` with file bodies, also empty ones. Answered with a
        # final status instead of 100 Continue, botocore reads the next response on the same
        # connection with a stale status line and no headers (boto/botocore#3755): `aws s3 sync`
        # of a tree with an empty file failed with 'ETag'. S3 sends 100 Continue; so does Skiff.
        for i in range(4):
            empty = self.c.put_object(Bucket=self.bucket, Key=f"expect/empty-{i}",
                                      Body=io.BytesIO(b""))
            self.assertEqual(empty["ETag"], md5_etag(b""))
            data = b"after an empty body %d\n" % i * 100
            full = self.c.put_object(Bucket=self.bucket, Key=f"expect/full-{i}",
                                     Body=io.BytesIO(data))
            self.assertEqual(full["ETag"], md5_etag(data))
            got = self.c.get_object(Bucket=self.bucket, Key=f"expect/full-{i}")["Body"].read()
            self.assertEqual(got, data)

    # --- encryption, ACL, storage class ---------------------------------------------------

    def test_sse_headers(self):
        plain = self.put("sse-default", b"x")
        self.assertEqual(plain.get("ServerSideEncryption"), "AES256",
                         "S3 encrypts every new object with SSE-S3 by default")
        aes = self.put("sse-aes", b"x", ServerSideEncryption="AES256")
        self.assertEqual(aes.get("ServerSideEncryption"), "AES256")
        self.assertEqual(self.c.head_object(Bucket=self.bucket, Key="sse-aes")
                         .get("ServerSideEncryption"), "AES256")
        key_id = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        kms = self.put("sse-kms", b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
        self.assertEqual(kms.get("ServerSideEncryption"), "aws:kms")
        self.assertEqual(kms.get("SSEKMSKeyId"), key_id)
        for resp in (self.c.head_object(Bucket=self.bucket, Key="sse-kms"),
                     self.c.get_object(Bucket=self.bucket, Key="sse-kms")):
            self.assertEqual(resp.get("ServerSideEncryption"), "aws:kms")
            self.assertEqual(resp.get("SSEKMSKeyId"), key_id)
        with self.assertRaises(ClientError) as ctx:
            self.put("sse-bad", b"x", ServerSideEncryption="AES512")
        self.assertClientError(ctx.exception, "InvalidArgument", 400)
        self.assertNotStored("sse-bad")

    def test_canned_acl(self):
        # New buckets have ACLs disabled (Object Ownership BucketOwnerEnforced): S3 accepts a PUT
        # with no ACL or with bucket-owner-full-control, and refuses any other grant.
        resp = self.put("acl-owner", b"x", ACL="bucket-owner-full-control")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        with self.assertRaises(ClientError) as ctx:
            self.put("acl-public", b"x", ACL="public-read")
        self.assertClientError(ctx.exception, "AccessControlListNotSupported", 400,
                               "The bucket does not allow ACLs")
        self.assertNotStored("acl-public")

    def test_storage_class(self):
        self.put("sc-standard", b"x")
        head = self.c.head_object(Bucket=self.bucket, Key="sc-standard")
        self.assertNotIn("StorageClass", head, "S3 omits x-amz-storage-class for STANDARD")
        self.put("sc-ia", b"x", StorageClass="STANDARD_IA")
        head = self.c.head_object(Bucket=self.bucket, Key="sc-ia")
        self.assertEqual(head.get("StorageClass"), "STANDARD_IA")
        listing = self.c.list_objects_v2(Bucket=self.bucket, Prefix="sc-")
        classes = {o["Key"]: o["StorageClass"] for o in listing["Contents"]}
        self.assertEqual(classes, {"sc-standard": "STANDARD", "sc-ia": "STANDARD_IA"})
        resp = self.signed("PUT", f"/{self.bucket}/sc-bad", body=b"x",
                           headers={"x-amz-storage-class": "PLATINUM"})
        self.assertS3Error(resp, 400, "InvalidStorageClass",
                           "The storage class you specified is not valid")

    def test_tagging_count(self):
        self.put("tagged", b"x", Tagging="project=skiff&tier=gold")
        got = self.c.get_object(Bucket=self.bucket, Key="tagged")
        self.assertEqual(got.get("TagCount"), 2)
        got = self.c.get_object(Bucket=self.bucket, Key="tagged", Range="bytes=0-0")
        self.assertEqual(got.get("TagCount"), 2)

    def test_get_missing_key_and_prefix_key(self):
        self.put("dir/inside", b"x")
        for key in ("dir", "dir/", "dir/insid", "nothing"):
            with self.subTest(key=key):
                with self.assertRaises(ClientError) as ctx:
                    self.c.get_object(Bucket=self.bucket, Key=key)
                err = self.assertClientError(ctx.exception, "NoSuchKey", 404, NO_SUCH_KEY)
                self.assertEqual(err.get("Key"), key)

    # --- addressing -------------------------------------------------------------------------

    def test_virtual_hosted_style(self):
        for suffix in ("localhost", "s3.localhost"):
            with self.subTest(suffix=suffix):
                host = f"{self.bucket}.{suffix}:{self.server.port}"
                body = f"virtual {suffix}".encode()
                put = self.signed("PUT", "/vhost/obj.txt", body=body, host_header=host)
                self.assertEqual(put.status, 200, put.describe())
                got = self.c.get_object(Bucket=self.bucket, Key="vhost/obj.txt")
                self.assertEqual(got["Body"].read(), body)
                get = self.signed("GET", "/vhost/obj.txt", host_header=host)
                self.assertEqual(get.status, 200, get.describe())
                self.assertEqual(get.body, body)
                listing = self.signed("GET", "/", query="list-type=2&prefix=vhost%2F",
                                      host_header=host)
                self.assertEqual(listing.status, 200, listing.describe())
                root = h.xml_root(listing.body)
                self.assertEqual(root.find(h.S3_NS + "Name").text, self.bucket)
                keys = [e.text for e in root.iter(h.S3_NS + "Key")]
                self.assertEqual(keys, ["vhost/obj.txt"])

    def test_go_sdk_x_id_query_ignored(self):
        put = self.signed("PUT", f"/{self.bucket}/xid", query="x-id=PutObject", body=b"go sdk")
        self.assertEqual(put.status, 200, put.describe())
        get = self.signed("GET", f"/{self.bucket}/xid", query="x-id=GetObject")
        self.assertEqual(get.status, 200, get.describe())
        self.assertEqual(get.body, b"go sdk")
        listing = self.c.list_objects_v2(Bucket=self.bucket, Prefix="xid")
        self.assertEqual([o["Key"] for o in listing.get("Contents", [])], ["xid"])

    # --- bodies and overrides -------------------------------------------------------------

    def test_ten_mib_round_trip(self):
        body = os.urandom(10 * 1024 * 1024)
        put = self.put("big/10mib.bin", body)
        self.assertEqual(put["ETag"], md5_etag(body))
        got = self.c.get_object(Bucket=self.bucket, Key="big/10mib.bin")
        self.assertEqual(got["ContentLength"], len(body))
        data = got["Body"].read()
        self.assertEqual(len(data), len(body))
        self.assertEqual(hashlib.md5(data).hexdigest(), hashlib.md5(body).hexdigest())

    def test_response_overrides(self):
        self.put("override", b"{}", ContentType="application/json")
        resp = self.c.get_object(
            Bucket=self.bucket, Key="override", ResponseContentType="text/csv",
            ResponseContentDisposition='attachment; filename="x.csv"',
            ResponseCacheControl="no-cache", ResponseContentLanguage="fr",
            ResponseContentEncoding="identity",
            ResponseExpires=datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc))
        self.assertEqual(resp["ContentType"], "text/csv")
        self.assertEqual(resp["ContentDisposition"], 'attachment; filename="x.csv"')
        self.assertEqual(resp["CacheControl"], "no-cache")
        self.assertEqual(resp["ContentLanguage"], "fr")
        self.assertEqual(resp["ContentEncoding"], "identity")
        self.assertEqual(resp["ResponseMetadata"]["HTTPHeaders"].get("expires"),
                         "Tue, 06 May 2031 07:08:09 GMT")
        # Stored values are unchanged.
        head = self.c.head_object(Bucket=self.bucket, Key="override")
        self.assertEqual(head["ContentType"], "application/json")


if __name__ == "__main__":
    unittest.main()

"""Multipart uploads with boto3: the low-level calls and their errors, ETag and checksum rules,
partNumber reads, UploadPartCopy, listings, and the transfer manager (50 MiB upload_file /
download_file)."""

import base64
import hashlib
import os
import struct
import tempfile
import zlib

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

import skiff_harness as h

MiB = 1024 * 1024


def md5(data):
    return hashlib.md5(data).digest()


def multipart_etag(parts):
    return '"%s-%d"' % (hashlib.md5(b"".join(md5(p) for p in parts)).hexdigest(), len(parts))


def crc32_b64(data):
    return base64.b64encode(struct.pack(">I", zlib.crc32(data))).decode()


class S3MultipartTest(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = h.unique_name("mp")
        h.make_s3_client(cls.endpoint).create_bucket(Bucket=cls.bucket)

    def setUp(self):
        self.c = self.s3()

    def create(self, key, **kwargs):
        return self.c.create_multipart_upload(Bucket=self.bucket, Key=key, **kwargs)["UploadId"]

    def upload(self, key, upload_id, number, body, **kwargs):
        return self.c.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                  PartNumber=number, Body=body, **kwargs)

    def test_upload_complete_etag_parts_and_part_reads(self):
        key = "big/object.bin"
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 123), b"tail"]
        uid = self.create(key, ContentType="application/x-test", Metadata={"color": "blue"})
        etags = []
        for i, body in enumerate(parts, 1):
            resp = self.upload(key, uid, i, body)
            self.assertEqual(resp["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
            etags.append(resp["ETag"])
        done = self.c.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": i, "ETag": e}
                                       for i, e in enumerate(etags, 1)]})
        self.assertEqual(done["ETag"], multipart_etag(parts))
        self.assertEqual(done["Key"], key)
        self.assertEqual(done["Bucket"], self.bucket)
        head = self.c.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(head["ContentLength"], sum(len(p) for p in parts))
        self.assertEqual(head["ContentType"], "application/x-test")
        self.assertEqual(head["Metadata"], {"color": "blue"})
        # The part count comes only with a partNumber request.
        self.assertNotIn("PartsCount", head)
        self.assertEqual(self.c.head_object(Bucket=self.bucket, Key=key, PartNumber=1)["PartsCount"], 3)
        got = self.c.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.assertEqual(got, b"".join(parts))
        second = self.c.get_object(Bucket=self.bucket, Key=key, PartNumber=2)
        self.assertEqual(second["Body"].read(), parts[1])
        self.assertEqual(second["PartsCount"], 3)
        self.assertEqual(second["ResponseMetadata"]["HTTPStatusCode"], 206)
        with self.assertRaises(ClientError) as ctx:
            self.c.head_object(Bucket=self.bucket, Key=key, PartNumber=4)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 416)
        # The upload is gone once completed.
        with self.assertRaises(ClientError) as ctx:
            self.c.list_parts(Bucket=self.bucket, Key=key, UploadId=uid)
        self.assertClientError(ctx.exception, "NoSuchUpload", 404)

    def test_complete_errors(self):
        key = "errors"
        uid = self.create(key)
        small = self.upload(key, uid, 1, b"small")["ETag"]
        last = self.upload(key, uid, 2, b"last")["ETag"]
        complete = self.c.complete_multipart_upload
        with self.assertRaises(ClientError) as ctx:
            complete(Bucket=self.bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": [
                {"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}]})
        self.assertClientError(ctx.exception, "InvalidPartOrder", 400)
        with self.assertRaises(ClientError) as ctx:
            complete(Bucket=self.bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": [
                {"PartNumber": 1, "ETag": '"%s"' % ("0" * 32)}]})
        err = self.assertClientError(ctx.exception, "InvalidPart", 400)
        self.assertEqual(err.get("PartNumber"), "1")
        with self.assertRaises(ClientError) as ctx:
            complete(Bucket=self.bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": [
                {"PartNumber": 3, "ETag": last}]})
        self.assertClientError(ctx.exception, "InvalidPart", 400)
        with self.assertRaises(ClientError) as ctx:
            complete(Bucket=self.bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": [
                {"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}]})
        err = self.assertClientError(ctx.exception, "EntityTooSmall", 400)
        self.assertEqual(err.get("MinSizeAllowed"), str(5 * MiB))
        self.assertEqual(err.get("ProposedSize"), "5")
        with self.assertRaises(ClientError) as ctx:
            complete(Bucket=self.bucket, Key=key, UploadId="nope", MultipartUpload={"Parts": [
                {"PartNumber": 1, "ETag": small}]})
        self.assertClientError(ctx.exception, "NoSuchUpload", 404)
        with self.assertRaises(ClientError) as ctx:
            self.upload(key, uid, 10001, b"x")
        self.assertClientError(ctx.exception, "InvalidArgument", 400)
        # A single small part is a valid (last) part.
        done = complete(Bucket=self.bucket, Key=key, UploadId=uid, MultipartUpload={"Parts": [
            {"PartNumber": 2, "ETag": last}]})
        self.assertEqual(done["ETag"], multipart_etag([b"last"]))
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"last")

    def test_composite_crc32_checksum(self):
        key = "crc32"
        uid = self.create(key, ChecksumAlgorithm="CRC32")
        parts = [os.urandom(5 * MiB), b"end"]
        sent = []
        for i, body in enumerate(parts, 1):
            resp = self.upload(key, uid, i, body, ChecksumAlgorithm="CRC32")
            self.assertEqual(resp["ChecksumCRC32"], crc32_b64(body))
            sent.append({"PartNumber": i, "ETag": resp["ETag"], "ChecksumCRC32": resp["ChecksumCRC32"]})
        listed = self.c.list_parts(Bucket=self.bucket, Key=key, UploadId=uid)
        self.assertEqual([p["ChecksumCRC32"] for p in listed["Parts"]],
                         [crc32_b64(p) for p in parts])
        self.assertEqual(listed["ChecksumAlgorithm"], "CRC32")
        with self.assertRaises(ClientError) as ctx:
            self.c.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=uid,
                MultipartUpload={"Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]}
                                           for p in sent]})
        self.assertClientError(ctx.exception, "InvalidRequest", 400)
        done = self.c.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid,
                                                MultipartUpload={"Parts": sent})
        raw = b"".join(base64.b64decode(crc32_b64(p)) for p in parts)
        self.assertEqual(done["ChecksumCRC32"], crc32_b64(raw) + "-2")
        self.assertEqual(done["ChecksumType"], "COMPOSITE")
        head = self.c.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], crc32_b64(raw) + "-2")

    def test_full_object_crc32_checksum(self):
        key = "crc32-full"
        uid = self.create(key, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
        parts = [os.urandom(5 * MiB), b"end"]
        sent = []
        for i, body in enumerate(parts, 1):
            resp = self.upload(key, uid, i, body, ChecksumAlgorithm="CRC32")
            sent.append({"PartNumber": i, "ETag": resp["ETag"], "ChecksumCRC32": resp["ChecksumCRC32"]})
        done = self.c.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid,
                                                MultipartUpload={"Parts": sent})
        self.assertEqual(done["ChecksumCRC32"], crc32_b64(b"".join(parts)))
        self.assertEqual(done["ChecksumType"], "FULL_OBJECT")

    def test_abort_and_list_uploads_paginate(self):
        keys = ["list/a", "list/b", "list/b", "list/c/d"]
        ids = [self.create(k) for k in keys]
        self.upload("list/a", ids[0], 1, b"x")
        resp = self.c.list_multipart_uploads(Bucket=self.bucket, Prefix="list/")
        self.assertEqual([u["Key"] for u in resp["Uploads"]], keys)
        self.assertEqual([u["UploadId"] for u in resp["Uploads"]], ids)
        resp = self.c.list_multipart_uploads(Bucket=self.bucket, Prefix="list/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["list/c/"])
        page = self.c.list_multipart_uploads(Bucket=self.bucket, Prefix="list/", MaxUploads=2)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["NextKeyMarker"], "list/b")
        page2 = self.c.list_multipart_uploads(Bucket=self.bucket, Prefix="list/", MaxUploads=2,
                                              KeyMarker=page["NextKeyMarker"],
                                              UploadIdMarker=page["NextUploadIdMarker"])
        self.assertEqual([u["UploadId"] for u in page2["Uploads"]], ids[2:])
        for k, uid in zip(keys, ids):
            self.c.abort_multipart_upload(Bucket=self.bucket, Key=k, UploadId=uid)
        self.assertNotIn("Uploads", self.c.list_multipart_uploads(Bucket=self.bucket, Prefix="list/"))
        with self.assertRaises(ClientError) as ctx:
            self.c.abort_multipart_upload(Bucket=self.bucket, Key="list/a", UploadId=ids[0])
        self.assertClientError(ctx.exception, "NoSuchUpload", 404)

    def test_list_parts_paginates(self):
        key = "parts"
        uid = self.create(key)
        for i in range(1, 6):
            self.upload(key, uid, i, b"p%d" % i)
        page = self.c.list_parts(Bucket=self.bucket, Key=key, UploadId=uid, MaxParts=2)
        self.assertTrue(page["IsTruncated"])
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [1, 2])
        self.assertEqual(page["NextPartNumberMarker"], 2)
        page = self.c.list_parts(Bucket=self.bucket, Key=key, UploadId=uid, MaxParts=2,
                                 PartNumberMarker=4)
        self.assertFalse(page["IsTruncated"])
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [5])
        self.c.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid)

    def test_upload_part_copy_with_range(self):
        source = os.urandom(6 * MiB)
        self.c.put_object(Bucket=self.bucket, Key="copy-src", Body=source)
        key = "copy-dst"
        uid = self.create(key)
        first = self.c.upload_part_copy(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=1,
                                        CopySource={"Bucket": self.bucket, "Key": "copy-src"},
                                        CopySourceRange="bytes=0-%d" % (5 * MiB - 1))
        self.assertEqual(first["CopyPartResult"]["ETag"],
                         '"%s"' % hashlib.md5(source[:5 * MiB]).hexdigest())
        second = self.c.upload_part_copy(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=2,
                                         CopySource="%s/copy-src" % self.bucket,
                                         CopySourceRange="bytes=%d-%d" % (5 * MiB, len(source) - 1))
        with self.assertRaises(ClientError) as ctx:
            self.c.upload_part_copy(Bucket=self.bucket, Key=key, UploadId=uid, PartNumber=3,
                                    CopySource="%s/copy-src" % self.bucket,
                                    CopySourceRange="bytes=0-%d" % len(source))
        self.assertClientError(ctx.exception, "InvalidArgument", 400)
        self.c.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid,
                                         MultipartUpload={"Parts": [
                                             {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
                                             {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key=key)["Body"].read(), source)

    def test_create_refuses_acls_the_bucket_does_not_allow(self):
        with self.assertRaises(ClientError) as ctx:
            self.create("acl", ACL="public-read")
        self.assertClientError(ctx.exception, "AccessControlListNotSupported", 400)
        # The owner's own private ACL grants only the bucket owner: accepted (rclone sends it).
        uid = self.create("acl", ACL="private")
        self.c.abort_multipart_upload(Bucket=self.bucket, Key="acl", UploadId=uid)

    def test_delete_bucket_with_uploads_in_progress(self):
        # S3 deletes a bucket whose only content is unfinished uploads (and the uploads with it).
        bucket = self.new_bucket()
        uid = self.c.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
        self.c.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"x")
        self.c.delete_bucket(Bucket=bucket)
        with self.assertRaises(ClientError) as ctx:
            self.c.list_multipart_uploads(Bucket=bucket)
        self.assertClientError(ctx.exception, "NoSuchBucket", 404)

    def test_transfer_manager_50_mib(self):
        data = os.urandom(50 * MiB)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.bin")
            dst = os.path.join(tmp, "dst.bin")
            with open(src, "wb") as f:
                f.write(data)
            config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB,
                                    max_concurrency=4)
            self.c.upload_file(src, self.bucket, "transfer/50mib.bin", Config=config)
            head = self.c.head_object(Bucket=self.bucket, Key="transfer/50mib.bin")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertTrue(head["ETag"].endswith('-7"'), head["ETag"])
            self.c.download_file(self.bucket, "transfer/50mib.bin", dst, Config=config)
            with open(dst, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                                 hashlib.sha256(data).hexdigest())


if __name__ == "__main__":
    import unittest
    unittest.main()

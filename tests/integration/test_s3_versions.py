"""Object versions with boto3: version ids on PUT/GET/HEAD/DELETE, null versions, delete
markers, NoSuchVersion / MethodNotAllowed / InvalidArgument, ListObjectVersions pagination,
CopyObject and DeleteObjects."""

import base64
import hashlib
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h


class S3VersionsTest(h.SkiffTestCase):

    def setUp(self):
        self.c = self.s3()

    def versioned_bucket(self):
        bucket = self.new_bucket()
        self.c.put_bucket_versioning(Bucket=bucket,
                                     VersioningConfiguration={"Status": "Enabled"})
        return bucket

    def test_versions_and_delete_markers(self):
        b = self.versioned_bucket()
        v1 = self.c.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
        v2 = self.c.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
        self.assertNotEqual(v1, v2)
        got = self.c.get_object(Bucket=b, Key="k")
        self.assertEqual(got["VersionId"], v2)
        self.assertEqual(got["Body"].read(), b"two")
        self.assertEqual(self.c.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read(), b"one")
        self.assertEqual(self.c.head_object(Bucket=b, Key="k", VersionId=v1)["VersionId"], v1)

        deleted = self.c.delete_object(Bucket=b, Key="k")
        self.assertTrue(deleted["DeleteMarker"])
        marker = deleted["VersionId"]
        with self.assertRaises(ClientError) as ctx:
            self.c.get_object(Bucket=b, Key="k")
        self.assertClientError(ctx.exception, "NoSuchKey", 404)
        headers = ctx.exception.response["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers.get("x-amz-delete-marker"), "true")
        self.assertEqual(headers.get("x-amz-version-id"), marker)
        with self.assertRaises(ClientError) as ctx:
            self.c.get_object(Bucket=b, Key="k", VersionId=marker)
        self.assertClientError(ctx.exception, "MethodNotAllowed", 405)
        with self.assertRaises(ClientError) as ctx:
            self.c.get_object(Bucket=b, Key="k", VersionId="A" * 32)
        self.assertClientError(ctx.exception, "NoSuchVersion", 404)
        with self.assertRaises(ClientError) as ctx:
            self.c.get_object(Bucket=b, Key="k", VersionId="bad")
        self.assertClientError(ctx.exception, "InvalidArgument", 400,
                               "Invalid version id specified")

        # Deleting the marker by id brings v2 back.
        gone = self.c.delete_object(Bucket=b, Key="k", VersionId=marker)
        self.assertTrue(gone["DeleteMarker"])
        self.assertEqual(gone["VersionId"], marker)
        self.assertEqual(self.c.get_object(Bucket=b, Key="k")["Body"].read(), b"two")
        self.c.delete_object(Bucket=b, Key="k", VersionId=v2)
        self.assertEqual(self.c.get_object(Bucket=b, Key="k")["Body"].read(), b"one")

    def test_null_versions_when_suspended(self):
        b = self.new_bucket()
        self.c.put_object(Bucket=b, Key="k", Body=b"before")
        self.c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        v = self.c.put_object(Bucket=b, Key="k", Body=b"versioned")["VersionId"]
        self.assertEqual(self.c.get_object(Bucket=b, Key="k", VersionId="null")["Body"].read(),
                         b"before")
        self.c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(self.c.put_object(Bucket=b, Key="k", Body=b"s1")["VersionId"], "null")
        self.c.put_object(Bucket=b, Key="k", Body=b"s2")  # replaces the null version
        versions = self.c.list_object_versions(Bucket=b)["Versions"]
        self.assertEqual([(x["VersionId"], x["IsLatest"]) for x in versions],
                         [("null", True), (v, False)])

    def test_list_object_versions_order_and_pagination(self):
        b = self.versioned_bucket()
        ids = {}
        for key in ("a", "b/1", "b/2", "c"):
            ids[key] = [self.c.put_object(Bucket=b, Key=key, Body=key.encode())["VersionId"]
                        for _ in range(2)]
        marker = self.c.delete_object(Bucket=b, Key="c")["VersionId"]
        resp = self.c.list_object_versions(Bucket=b)
        entries = sorted(
            [(v["Key"], v["VersionId"], v["IsLatest"], "v") for v in resp["Versions"]] +
            [(m["Key"], m["VersionId"], m["IsLatest"], "m") for m in resp["DeleteMarkers"]],
            key=lambda e: e[0])
        self.assertEqual(len(resp["Versions"]), 8)
        self.assertEqual([m["VersionId"] for m in resp["DeleteMarkers"]], [marker])
        self.assertEqual([v["VersionId"] for v in resp["Versions"] if v["Key"] == "a"],
                         list(reversed(ids["a"])))
        self.assertTrue(all(not e[2] for e in entries if e[0] == "c" and e[3] == "v"))

        resp = self.c.list_object_versions(Bucket=b, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["b/"])

        seen = []
        kwargs = {"Bucket": b, "MaxKeys": 3}
        while True:
            page = self.c.list_object_versions(**kwargs)
            seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
            seen += [(m["Key"], m["VersionId"]) for m in page.get("DeleteMarkers", [])]
            if not page["IsTruncated"]:
                break
            kwargs["KeyMarker"] = page["NextKeyMarker"]
            kwargs["VersionIdMarker"] = page["NextVersionIdMarker"]
        self.assertEqual(len(seen), 9)
        self.assertEqual(len(set(seen)), 9)

    def test_copy_object(self):
        b = self.versioned_bucket()
        v1 = self.c.put_object(Bucket=b, Key="src", Body=b"first", ContentType="text/plain",
                               Metadata={"a": "1"}, Tagging="t=1")["VersionId"]
        self.c.put_object(Bucket=b, Key="src", Body=b"second", Metadata={"a": "2"})
        out = self.c.copy_object(Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src",
                                                                   "VersionId": v1})
        self.assertEqual(out["CopyObjectResult"]["ETag"], '"%s"' % hashlib.md5(b"first").hexdigest())
        self.assertEqual(out["CopySourceVersionId"], v1)
        self.assertTrue(out["VersionId"])
        head = self.c.head_object(Bucket=b, Key="dst")
        self.assertEqual(head["Metadata"], {"a": "1"})
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(self.c.get_object_tagging(Bucket=b, Key="dst")["TagSet"],
                         [{"Key": "t", "Value": "1"}])

        self.c.copy_object(Bucket=b, Key="dst2", CopySource="%s/src" % b,
                           MetadataDirective="REPLACE", Metadata={"new": "yes"},
                           ContentType="application/json", TaggingDirective="REPLACE",
                           Tagging="x=y")
        head = self.c.head_object(Bucket=b, Key="dst2")
        self.assertEqual(head["Metadata"], {"new": "yes"})
        self.assertEqual(head["ContentType"], "application/json")
        self.assertEqual(self.c.get_object(Bucket=b, Key="dst2")["Body"].read(), b"second")

        with self.assertRaises(ClientError) as ctx:
            self.c.copy_object(Bucket=b, Key="src", CopySource="%s/src" % b)
        self.assertClientError(ctx.exception, "InvalidRequest", 400)
        self.c.copy_object(Bucket=b, Key="src", CopySource="%s/src" % b,
                           MetadataDirective="REPLACE", Metadata={"a": "3"})
        with self.assertRaises(ClientError) as ctx:
            self.c.copy_object(Bucket=b, Key="x", CopySource="%s/src" % b,
                               CopySourceIfMatch='"0000"')
        self.assertClientError(ctx.exception, "PreconditionFailed", 412)
        with self.assertRaises(ClientError) as ctx:
            self.c.copy_object(Bucket=b, Key="x", CopySource="%s/missing" % b)
        self.assertClientError(ctx.exception, "NoSuchKey", 404)
        out = self.c.copy_object(Bucket=b, Key="crc", CopySource="%s/src" % b,
                                 ChecksumAlgorithm="SHA256")
        self.assertEqual(out["CopyObjectResult"]["ChecksumSHA256"],
                         base64.b64encode(hashlib.sha256(b"second").digest()).decode())

    def test_delete_objects(self):
        b = self.versioned_bucket()
        v = self.c.put_object(Bucket=b, Key="one", Body=b"1")["VersionId"]
        self.c.put_object(Bucket=b, Key="two", Body=b"2")
        resp = self.c.delete_objects(Bucket=b, Delete={"Objects": [
            {"Key": "one", "VersionId": v}, {"Key": "two"}, {"Key": "never"}]})
        deleted = {d["Key"]: d for d in resp["Deleted"]}
        self.assertEqual(deleted["one"]["VersionId"], v)
        self.assertTrue(deleted["two"]["DeleteMarker"])
        self.assertTrue(deleted["two"]["DeleteMarkerVersionId"])
        quiet = self.c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "x"}], "Quiet": True})
        self.assertNotIn("Deleted", quiet)
        with self.assertRaises(ClientError) as ctx:
            self.c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "k%d" % i}
                                                                for i in range(1001)]})
        self.assertClientError(ctx.exception, "MalformedXML", 400)

    def test_delete_objects_requires_an_integrity_header(self):
        b = self.new_bucket()
        body = b"<Delete><Object><Key>a</Key></Object></Delete>"
        resp = self.signed("POST", "/%s" % b, query="delete=", body=body)
        self.assertS3Error(resp, 400, "InvalidRequest")
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        resp = self.signed("POST", "/%s" % b, query="delete=", body=body,
                           headers={"Content-MD5": md5})
        self.assertEqual(resp.status, 200, resp.describe())


if __name__ == "__main__":
    unittest.main()

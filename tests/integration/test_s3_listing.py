"""ListObjectsV2 and ListObjects (v1): prefixes, delimiters, pagination, start-after, markers,
fetch-owner, encoding-type=url."""

import hashlib
import unittest
import urllib.parse

import skiff_harness as h

TREE = ["a/1.txt", "a/2.txt", "a/b/3.txt", "b/4.txt", "c.txt", "d/e/f.txt"]
PAGED = [f"page/key-{i:02d}" for i in range(25)]
SPECIAL = "enc/sp ace+plus&amp<lt>\u00e9%25"


class S3ListingTest(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = h.unique_name("list")
        s3 = h.make_s3_client(cls.endpoint)
        s3.create_bucket(Bucket=cls.bucket)
        for key in TREE + PAGED + [SPECIAL]:
            s3.put_object(Bucket=cls.bucket, Key=key, Body=key.encode())

    def setUp(self):
        self.c = self.s3()

    def test_v2_whole_bucket(self):
        resp = self.c.list_objects_v2(Bucket=self.bucket)
        keys = [o["Key"] for o in resp["Contents"]]
        self.assertEqual(keys, sorted(TREE + PAGED + [SPECIAL]))
        self.assertEqual(resp["KeyCount"], len(keys))
        self.assertFalse(resp["IsTruncated"])
        self.assertEqual(resp["MaxKeys"], 1000)
        self.assertEqual(resp["Name"], self.bucket)
        first = resp["Contents"][0]
        self.assertEqual(first["ETag"], '"%s"' % hashlib.md5(first["Key"].encode()).hexdigest())
        self.assertEqual(first["Size"], len(first["Key"].encode()))
        self.assertEqual(first["StorageClass"], "STANDARD")
        self.assertIn("LastModified", first)
        self.assertNotIn("Owner", first, "Owner is only listed with fetch-owner=true")
        # boto3 sent a CRC32 with every upload.
        self.assertEqual(first.get("ChecksumAlgorithm"), ["CRC32"])

    def test_v2_delimiter_at_root(self):
        resp = self.c.list_objects_v2(Bucket=self.bucket, Delimiter="/")
        self.assertEqual([o["Key"] for o in resp.get("Contents", [])], ["c.txt"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]],
                         ["a/", "b/", "d/", "enc/", "page/"])
        self.assertEqual(resp["KeyCount"], 6, "KeyCount counts keys and common prefixes")
        self.assertEqual(resp["Delimiter"], "/")

    def test_v2_prefix_and_delimiter(self):
        resp = self.c.list_objects_v2(Bucket=self.bucket, Prefix="a/", Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["a/1.txt", "a/2.txt"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/b/"])
        self.assertEqual(resp["Prefix"], "a/")
        self.assertEqual(resp["KeyCount"], 3)
        resp = self.c.list_objects_v2(Bucket=self.bucket, Prefix="nothing-here/")
        self.assertNotIn("Contents", resp)
        self.assertEqual(resp["KeyCount"], 0)
        # A delimiter other than '/'.
        resp = self.c.list_objects_v2(Bucket=self.bucket, Prefix="page/key-", Delimiter="1")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]],
                         ["page/key-01", "page/key-1", "page/key-21"])

    def test_v2_pagination(self):
        keys, tokens, pages = [], [], 0
        kwargs = {"Bucket": self.bucket, "Prefix": "page/", "MaxKeys": 10}
        while True:
            resp = self.c.list_objects_v2(**kwargs)
            pages += 1
            self.assertEqual(resp["MaxKeys"], 10)
            batch = [o["Key"] for o in resp.get("Contents", [])]
            self.assertEqual(resp["KeyCount"], len(batch))
            keys += batch
            if "ContinuationToken" in kwargs:
                self.assertEqual(resp.get("ContinuationToken"), kwargs["ContinuationToken"])
            if not resp["IsTruncated"]:
                self.assertNotIn("NextContinuationToken", resp)
                break
            self.assertEqual(len(batch), 10)
            tokens.append(resp["NextContinuationToken"])
            kwargs["ContinuationToken"] = resp["NextContinuationToken"]
            self.assertLess(pages, 10, "pagination does not end")
        self.assertEqual(pages, 3)
        self.assertEqual(keys, PAGED)
        self.assertEqual(len(set(tokens)), len(tokens))

    def test_v2_paginator_with_delimiter(self):
        # Common prefixes count towards max-keys.
        seen_keys, seen_prefixes = [], []
        for page in self.c.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Delimiter="/", PaginationConfig={"PageSize": 2}):
            self.assertLessEqual(page["KeyCount"], 2)
            seen_keys += [o["Key"] for o in page.get("Contents", [])]
            seen_prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        self.assertEqual(seen_keys, ["c.txt"])
        self.assertEqual(seen_prefixes, ["a/", "b/", "d/", "enc/", "page/"])

    def test_v2_start_after(self):
        resp = self.c.list_objects_v2(Bucket=self.bucket, Prefix="page/",
                                      StartAfter="page/key-19")
        self.assertEqual([o["Key"] for o in resp["Contents"]], PAGED[20:])
        self.assertEqual(resp["StartAfter"], "page/key-19")
        resp = self.c.list_objects_v2(Bucket=self.bucket, StartAfter="zzz")
        self.assertNotIn("Contents", resp)

    def test_v2_fetch_owner(self):
        resp = self.c.list_objects_v2(Bucket=self.bucket, Prefix="a/", FetchOwner=True)
        for obj in resp["Contents"]:
            self.assertTrue(obj.get("Owner", {}).get("ID"), obj)
        owner_id = self.c.list_buckets()["Owner"]["ID"]
        self.assertEqual(resp["Contents"][0]["Owner"]["ID"], owner_id)

    def test_v2_encoding_type_url_raw(self):
        query = "list-type=2&prefix=enc%2F&encoding-type=url"
        resp = self.signed("GET", f"/{self.bucket}", query=query)
        self.assertEqual(resp.status, 200, resp.describe())
        root = h.xml_root(resp.body)
        self.assertEqual(root.find(h.S3_NS + "EncodingType").text, "url")
        self.assertEqual(urllib.parse.unquote_plus(root.find(h.S3_NS + "Prefix").text), "enc/")
        raw_keys = [e.text for e in root.iter(h.S3_NS + "Key")]
        self.assertEqual(len(raw_keys), 1, resp.body)
        raw = raw_keys[0]
        self.assertEqual(urllib.parse.unquote_plus(raw), SPECIAL)
        for ch in " &<\u00e9":
            self.assertNotIn(ch, raw, f"{ch!r} must be URL-encoded: {raw}")
        # Without encoding-type the key comes back as XML text.
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2&prefix=enc%2F")
        root = h.xml_root(resp.body)
        self.assertEqual([e.text for e in root.iter(h.S3_NS + "Key")], [SPECIAL])
        self.assertIsNone(root.find(h.S3_NS + "EncodingType"))

    def test_v2_invalid_arguments(self):
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2&max-keys=-1")
        self.assertS3Error(resp, 400, "InvalidArgument")
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2&encoding-type=base64")
        self.assertS3Error(resp, 400, "InvalidArgument")
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2&continuation-token=bogus")
        self.assertS3Error(resp, 400, "InvalidArgument",
                           "The continuation token provided is incorrect")

    def test_v1_marker_without_delimiter(self):
        resp = self.c.list_objects(Bucket=self.bucket, Prefix="page/", MaxKeys=10)
        self.assertEqual([o["Key"] for o in resp["Contents"]], PAGED[:10])
        self.assertTrue(resp["IsTruncated"])
        self.assertNotIn("NextMarker", resp, "v1 sends NextMarker only with a delimiter")
        resp = self.c.list_objects(Bucket=self.bucket, Prefix="page/", MaxKeys=10,
                                   Marker=PAGED[9])
        self.assertEqual(resp["Marker"], PAGED[9])
        self.assertEqual([o["Key"] for o in resp["Contents"]], PAGED[10:20])
        resp = self.c.list_objects(Bucket=self.bucket, Prefix="page/", Marker=PAGED[19])
        self.assertEqual([o["Key"] for o in resp["Contents"]], PAGED[20:])
        self.assertFalse(resp["IsTruncated"])
        # v1 lists the owner without being asked.
        self.assertTrue(resp["Contents"][0].get("Owner", {}).get("ID"))

    def test_v1_next_marker_with_delimiter(self):
        resp = self.c.list_objects(Bucket=self.bucket, Delimiter="/", MaxKeys=2)
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/", "b/"])
        self.assertTrue(resp["IsTruncated"])
        self.assertEqual(resp["NextMarker"], "b/")
        resp = self.c.list_objects(Bucket=self.bucket, Delimiter="/", MaxKeys=2,
                                   Marker=resp["NextMarker"])
        self.assertEqual([o["Key"] for o in resp.get("Contents", [])], ["c.txt"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["d/"])
        self.assertEqual(resp["NextMarker"], "d/")
        resp = self.c.list_objects(Bucket=self.bucket, Delimiter="/", Marker="d/")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["enc/", "page/"])
        self.assertFalse(resp["IsTruncated"])

    def test_v1_raw_document(self):
        resp = self.signed("GET", f"/{self.bucket}", query="prefix=a%2F&max-keys=1")
        self.assertEqual(resp.status, 200, resp.describe())
        root = h.xml_root(resp.body)
        self.assertEqual(root.tag, h.S3_NS + "ListBucketResult")
        self.assertEqual(root.find(h.S3_NS + "Marker").text or "", "")
        self.assertEqual(root.find(h.S3_NS + "MaxKeys").text, "1")
        self.assertEqual(root.find(h.S3_NS + "IsTruncated").text, "true")
        self.assertIsNone(root.find(h.S3_NS + "KeyCount"), "KeyCount is a v2 element")


if __name__ == "__main__":
    unittest.main()

"""Bucket operations: create/list/head/delete, naming rules, regions and location constraints,
ownership across accounts, region redirects, unimplemented operations."""

import unittest

from botocore.exceptions import ClientError

import skiff_harness as h

OTHER_KEY, OTHER_SECRET, OTHER_ACCOUNT = "AK2", "SK2", "111111111111"
NO_SUCH_BUCKET = "The specified bucket does not exist"


class S3BucketsTest(h.SkiffTestCase):
    server_env = {"SKIFF_CREDENTIALS": f"{OTHER_KEY}:{OTHER_SECRET}:{OTHER_ACCOUNT}"}

    def other(self, region=h.DEFAULT_REGION):
        return self.s3(region=region, access_key=OTHER_KEY, secret_key=OTHER_SECRET)

    # --- create / list / head / delete ----------------------------------------------------

    def test_create_list_head_delete(self):
        s3 = self.s3()
        name = h.unique_name("crud")
        created = s3.create_bucket(Bucket=name)
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(created.get("Location"), f"/{name}")

        listing = s3.list_buckets()
        entries = [b for b in listing["Buckets"] if b["Name"] == name]
        self.assertEqual(len(entries), 1, listing["Buckets"])
        self.assertIn("CreationDate", entries[0])
        self.assertEqual(entries[0].get("BucketRegion"), "us-east-1")
        self.assertTrue(listing.get("Owner", {}).get("ID"), listing)
        names = [b["Name"] for b in listing["Buckets"]]
        self.assertEqual(names, sorted(names), "ListBuckets is sorted by name")

        head = s3.head_bucket(Bucket=name)
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region"),
                         "us-east-1")
        self.assertEqual(head.get("BucketRegion"), "us-east-1")

        deleted = s3.delete_bucket(Bucket=name)
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        with self.assertRaises(ClientError) as ctx:
            s3.head_bucket(Bucket=name)
        self.assertClientError(ctx.exception, "404", 404)
        with self.assertRaises(ClientError) as ctx:
            s3.delete_bucket(Bucket=name)
        err = self.assertClientError(ctx.exception, "NoSuchBucket", 404, NO_SUCH_BUCKET)
        self.assertEqual(err.get("BucketName"), name)
        self.assertNotIn(name, [b["Name"] for b in s3.list_buckets()["Buckets"]])

    def test_no_such_bucket_on_object_and_list(self):
        s3 = self.s3()
        name = h.unique_name("missing")
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=name)
        self.assertClientError(ctx.exception, "NoSuchBucket", 404, NO_SUCH_BUCKET)
        with self.assertRaises(ClientError) as ctx:
            s3.get_object(Bucket=name, Key="k")
        self.assertClientError(ctx.exception, "NoSuchBucket", 404, NO_SUCH_BUCKET)
        resp = self.signed("GET", f"/{name}", query="list-type=2")
        fields = self.assertS3Error(resp, 404, "NoSuchBucket", NO_SUCH_BUCKET)
        self.assertEqual(fields.get("BucketName"), name)
        self.assertTrue(fields.get("HostId"))

    def test_invalid_bucket_names(self):
        bad = ["ab", "a" * 64, "UpperCase", "under_score", "-leading-dash", "trailing-dash-",
               "192.168.5.4", "double..dots", "xn--punycode-prefix",
               "ends-with-s3alias", "ends-with--ol-s3", "sthree-reserved", ".leading-dot"]
        for name in bad:
            with self.subTest(name=name):
                resp = self.signed("PUT", f"/{name}")
                fields = self.assertS3Error(resp, 400, "InvalidBucketName",
                                            "The specified bucket is not valid.")
                self.assertEqual(fields.get("BucketName"), name)
        with self.assertRaises(ClientError) as ctx:
            self.s3().create_bucket(Bucket="Bad_Bucket")
        self.assertClientError(ctx.exception, "InvalidBucketName", 400)

    def test_valid_edge_names(self):
        s3 = self.s3()
        for name in ["abc", "a" * 63, "with.dots.name-1", "0starts-with-digit"]:
            with self.subTest(name=name):
                s3.create_bucket(Bucket=name)
                s3.head_bucket(Bucket=name)
                s3.delete_bucket(Bucket=name)

    def test_malformed_create_bucket_body(self):
        name = h.unique_name("mx")
        resp = self.signed("PUT", f"/{name}", body=b"<CreateBucketConfiguration><Loc")
        self.assertS3Error(
            resp, 400, "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published "
            "schema")
        with self.assertRaises(ClientError):
            self.s3().head_bucket(Bucket=name)

    # --- regions --------------------------------------------------------------------------

    def test_location_constraint_mismatch(self):
        eu = self.s3(region="eu-west-1")
        with self.assertRaises(ClientError) as ctx:
            eu.create_bucket(Bucket=h.unique_name("lc"),
                             CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        self.assertClientError(
            ctx.exception, "IllegalLocationConstraintException", 400,
            "The us-west-2 location constraint is incompatible for the region specific "
            "endpoint this request was sent to.")
        with self.assertRaises(ClientError) as ctx:
            eu.create_bucket(Bucket=h.unique_name("lc"))
        self.assertClientError(
            ctx.exception, "IllegalLocationConstraintException", 400,
            "The unspecified location constraint is incompatible for the region specific "
            "endpoint this request was sent to.")

    def test_us_east_1_constraint_is_invalid(self):
        with self.assertRaises(ClientError) as ctx:
            self.s3().create_bucket(Bucket=h.unique_name("lc"),
                                    CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
        self.assertClientError(ctx.exception, "InvalidLocationConstraint", 400,
                               "The specified location-constraint is not valid")

    def test_already_owned_by_you(self):
        eu = self.s3(region="eu-west-1")
        name = self.new_bucket(eu, "owned")
        with self.assertRaises(ClientError) as ctx:
            eu.create_bucket(Bucket=name,
                             CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        err = self.assertClientError(
            ctx.exception, "BucketAlreadyOwnedByYou", 409,
            "Your previous request to create the named bucket succeeded and you already own it.")
        self.assertEqual(err.get("BucketName"), name)

    def test_us_east_1_recreate_is_legacy_200(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "legacy")
        s3.put_object(Bucket=name, Key="keep", Body=b"still here")
        again = s3.create_bucket(Bucket=name)
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 200)
        # The existing bucket is untouched.
        self.assertEqual(s3.get_object(Bucket=name, Key="keep")["Body"].read(), b"still here")

    def test_head_bucket_region_header(self):
        eu = self.s3(region="eu-west-1")
        name = self.new_bucket(eu, "headeu")
        head = eu.head_bucket(Bucket=name)
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region"),
                         "eu-west-1")
        listed = [b for b in self.s3().list_buckets()["Buckets"] if b["Name"] == name]
        self.assertEqual(listed[0].get("BucketRegion"), "eu-west-1")

    def test_get_bucket_location(self):
        us = self.s3()
        us_name = self.new_bucket(us, "locus")
        self.assertIsNone(us.get_bucket_location(Bucket=us_name).get("LocationConstraint"))
        resp = self.signed("GET", f"/{us_name}", query="location")
        self.assertEqual(resp.status, 200, resp.describe())
        root = h.xml_root(resp.body)
        self.assertEqual(root.tag, h.S3_NS + "LocationConstraint")
        self.assertFalse(root.text)

        eu_name = self.new_bucket(self.s3(region="eu-west-1"), "loceu")
        # GetBucketLocation answers from any region.
        for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
            with self.subTest(region=region):
                loc = self.s3(region=region).get_bucket_location(Bucket=eu_name)
                self.assertEqual(loc.get("LocationConstraint"), "eu-west-1")

    def test_region_redirect_raw(self):
        name = self.new_bucket(self.s3(region="eu-west-1"), "redir")
        self.s3(region="eu-west-1").put_object(Bucket=name, Key="k", Body=b"eu data")
        for method, path, query in (("GET", f"/{name}", "list-type=2"),
                                    ("GET", f"/{name}/k", ""),
                                    ("PUT", f"/{name}/k2", "")):
            with self.subTest(method=method, path=path):
                resp = self.signed(method, path, query=query, region="us-east-1")
                fields = self.assertS3Error(
                    resp, 301, "PermanentRedirect",
                    "The bucket you are attempting to access must be addressed using the "
                    "specified endpoint. Please send all future requests to this endpoint.")
                self.assertEqual(resp.headers.get("x-amz-bucket-region"), "eu-west-1")
                self.assertNotIn("location", resp.headers)
                self.assertEqual(fields.get("Bucket"), name)
                self.assertTrue(fields.get("Endpoint"))
        with self.assertRaises(ClientError):
            self.s3(region="eu-west-1").head_object(Bucket=name, Key="k2")

    def test_region_redirect_head_bucket(self):
        name = self.new_bucket(self.s3(region="eu-west-1"), "redirhead")
        resp = self.signed("HEAD", f"/{name}", region="us-east-1")
        self.assertEqual(resp.status, 301, resp.describe())
        self.assertEqual(resp.headers.get("x-amz-bucket-region"), "eu-west-1")
        self.assertEqual(resp.body, b"")
        self.assertNotIn("location", resp.headers)

    def test_region_redirect_then_boto3_follows(self):
        eu = self.s3(region="eu-west-1")
        name = self.new_bucket(eu, "follow")
        eu.put_object(Bucket=name, Key="k", Body=b"followed")
        us = self.s3()
        got = us.get_object(Bucket=name, Key="k")
        self.assertEqual(got["Body"].read(), b"followed")

    # --- delete ---------------------------------------------------------------------------

    def test_delete_non_empty(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "nonempty")
        s3.put_object(Bucket=name, Key="k", Body=b"x")
        with self.assertRaises(ClientError) as ctx:
            s3.delete_bucket(Bucket=name)
        err = self.assertClientError(ctx.exception, "BucketNotEmpty", 409,
                                     "The bucket you tried to delete is not empty")
        self.assertEqual(err.get("BucketName"), name)
        s3.delete_object(Bucket=name, Key="k")
        s3.delete_bucket(Bucket=name)

    # --- accounts -------------------------------------------------------------------------

    def test_other_account_bucket(self):
        mine = self.new_bucket(self.s3(), "mine")
        self.s3().put_object(Bucket=mine, Key="k", Body=b"private")
        other = self.other()
        with self.assertRaises(ClientError) as ctx:
            other.create_bucket(Bucket=mine)
        self.assertClientError(
            ctx.exception, "BucketAlreadyExists", 409,
            "The requested bucket name is not available. The bucket namespace is shared by all "
            "users of the system. Please select a different name and try again.")
        for call in (lambda: other.list_objects_v2(Bucket=mine),
                     lambda: other.get_object(Bucket=mine, Key="k"),
                     lambda: other.put_object(Bucket=mine, Key="k", Body=b"overwrite"),
                     lambda: other.delete_bucket(Bucket=mine)):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertClientError(ctx.exception, "AccessDenied", 403, "Access Denied")
        with self.assertRaises(ClientError) as ctx:
            other.head_bucket(Bucket=mine)
        self.assertClientError(ctx.exception, "403", 403)
        self.assertNotIn(mine, [b["Name"] for b in other.list_buckets()["Buckets"]])
        self.assertEqual(self.s3().get_object(Bucket=mine, Key="k")["Body"].read(), b"private")

    # --- unbuilt operations ---------------------------------------------------------------

    def test_not_implemented_operation(self):
        name = self.new_bucket(self.s3(), "ni")
        with self.assertRaises(ClientError) as ctx:
            self.s3().get_bucket_analytics_configuration(Bucket=name, Id="report")
        self.assertClientError(ctx.exception, "NotImplemented", 501)
        resp = self.signed("GET", f"/{name}", query="analytics&id=report")
        self.assertS3Error(resp, 501, "NotImplemented")


if __name__ == "__main__":
    unittest.main()

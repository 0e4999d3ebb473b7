"""Object sub-resources with boto3: tagging (x-amz-tagging on PUT, Put/Get/DeleteObjectTagging,
x-amz-tagging-count), object ACLs (canned, stored; refused while ACLs are disabled) and
GetObjectAttributes."""

import unittest

from botocore.exceptions import ClientError

import skiff_harness as h


class S3ObjectConfigTest(h.SkiffTestCase):

    def expect_error(self, call, code, status, message=None):
        with self.assertRaises(ClientError) as ctx:
            call()
        return self.assertClientError(ctx.exception, code, status, message)

    def test_object_tagging(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "otag")
        s3.put_object(Bucket=name, Key="k", Body=b"v", Tagging="a=1&b=x%20y")
        self.assertEqual(s3.head_object(Bucket=name, Key="k")["ResponseMetadata"]
                         ["HTTPHeaders"].get("x-amz-tagging-count"), "2")
        self.assertEqual(s3.get_object_tagging(Bucket=name, Key="k")["TagSet"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "x y"}])

        tags = [{"Key": "env", "Value": "prod & test"}, {"Key": "k=2", "Value": ""}]
        resp = s3.put_object_tagging(Bucket=name, Key="k", Tagging={"TagSet": tags})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertNotIn("VersionId", resp)
        self.assertEqual(s3.get_object_tagging(Bucket=name, Key="k")["TagSet"], tags)
        got = s3.get_object(Bucket=name, Key="k")
        self.assertEqual(got["TagCount"], 2)
        self.assertEqual(got["Body"].read(), b"v")

        self.assertEqual(s3.delete_object_tagging(Bucket=name, Key="k")["ResponseMetadata"]
                         ["HTTPStatusCode"], 204)
        self.assertEqual(s3.get_object_tagging(Bucket=name, Key="k")["TagSet"], [])
        self.assertNotIn("TagCount", s3.get_object(Bucket=name, Key="k"))

        self.expect_error(lambda: s3.put_object_tagging(Bucket=name, Key="k", Tagging={
            "TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}),
            "InvalidTag", 400, "Object tags cannot be greater than 10")
        self.expect_error(lambda: s3.get_object_tagging(Bucket=name, Key="missing"),
                          "NoSuchKey", 404)

    def test_tagging_on_versions(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "vtag")
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket=name, Key="k", Body=b"1")["VersionId"]
        v2 = s3.put_object(Bucket=name, Key="k", Body=b"2")["VersionId"]
        resp = s3.put_object_tagging(Bucket=name, Key="k", VersionId=v1,
                                     Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
        self.assertEqual(resp["VersionId"], v1)
        self.assertEqual(s3.get_object_tagging(Bucket=name, Key="k", VersionId=v1)["TagSet"],
                         [{"Key": "old", "Value": "yes"}])
        current = s3.get_object_tagging(Bucket=name, Key="k")
        self.assertEqual(current["TagSet"], [])
        self.assertEqual(current["VersionId"], v2)

    def test_object_acl(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "oacl")
        s3.put_object(Bucket=name, Key="k", Body=b"v")
        acl = s3.get_object_acl(Bucket=name, Key="k")
        self.assertEqual(len(acl["Grants"]), 1)
        self.assertEqual(acl["Grants"][0]["Permission"], "FULL_CONTROL")
        self.assertEqual(acl["Grants"][0]["Grantee"]["ID"], acl["Owner"]["ID"])
        # ACLs are disabled on new buckets (BucketOwnerEnforced).
        self.expect_error(lambda: s3.put_object_acl(Bucket=name, Key="k", ACL="public-read"),
                          "AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
        s3.put_object_acl(Bucket=name, Key="k", ACL="bucket-owner-full-control")

        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
            "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
        s3.put_object_acl(Bucket=name, Key="k", ACL="public-read")
        grants = s3.get_object_acl(Bucket=name, Key="k")["Grants"]
        self.assertIn({"Grantee": {"Type": "Group",
                                   "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                       "Permission": "READ"}, grants)
        # An AccessControlPolicy body is stored and answered as sent.
        owner = acl["Owner"]
        policy = {"Owner": owner, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "READ"},
            {"Grantee": {"Type": "Group",
                         "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
             "Permission": "READ_ACP"}]}
        s3.put_object_acl(Bucket=name, Key="k", AccessControlPolicy=policy)
        got = s3.get_object_acl(Bucket=name, Key="k")
        self.assertEqual([g["Permission"] for g in got["Grants"]], ["READ", "READ_ACP"])
        self.assertEqual(s3.get_object(Bucket=name, Key="k")["Body"].read(), b"v")
        self.expect_error(lambda: s3.get_object_acl(Bucket=name, Key="nope"), "NoSuchKey", 404)

    def test_get_object_attributes(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "attr")
        put = s3.put_object(Bucket=name, Key="k", Body=b"hello", ChecksumAlgorithm="SHA256",
                            StorageClass="STANDARD_IA")
        got = s3.get_object_attributes(Bucket=name, Key="k", ObjectAttributes=[
            "ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"])
        self.assertEqual(got["ETag"], put["ETag"].strip('"'))
        self.assertEqual(got["Checksum"]["ChecksumSHA256"], put["ChecksumSHA256"])
        self.assertEqual(got["Checksum"]["ChecksumType"], "FULL_OBJECT")
        self.assertEqual(got["StorageClass"], "STANDARD_IA")
        self.assertEqual(got["ObjectSize"], 5)
        self.assertNotIn("ObjectParts", got)
        self.assertIn("LastModified", got)
        only = s3.get_object_attributes(Bucket=name, Key="k", ObjectAttributes=["ObjectSize"])
        self.assertNotIn("ETag", only)
        self.expect_error(lambda: s3.get_object_attributes(
            Bucket=name, Key="missing", ObjectAttributes=["ETag"]), "NoSuchKey", 404)
        resp = self.signed("GET", f"/{name}/k", query="attributes",
                           headers={"x-amz-object-attributes": "Colour"})
        self.assertS3Error(resp, 400, "InvalidArgument", "Invalid attribute name specified.")

    def test_get_object_attributes_multipart(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "mpattr")
        upload = s3.create_multipart_upload(Bucket=name, Key="big")["UploadId"]
        first = b"a" * (5 * 1024 * 1024)
        parts = []
        for n, body in ((1, first), (2, b"tail")):
            etag = s3.upload_part(Bucket=name, Key="big", UploadId=upload, PartNumber=n,
                                  Body=body)["ETag"]
            parts.append({"PartNumber": n, "ETag": etag})
        s3.complete_multipart_upload(Bucket=name, Key="big", UploadId=upload,
                                     MultipartUpload={"Parts": parts})
        got = s3.get_object_attributes(Bucket=name, Key="big", ObjectAttributes=[
            "ObjectParts", "ObjectSize", "ETag"], MaxParts=1)
        self.assertTrue(got["ETag"].endswith("-2"), got)
        self.assertEqual(got["ObjectSize"], len(first) + 4)
        self.assertEqual(got["ObjectParts"]["TotalPartsCount"], 2)
        self.assertEqual(got["ObjectParts"]["MaxParts"], 1)
        self.assertTrue(got["ObjectParts"]["IsTruncated"])
        self.assertEqual(got["ObjectParts"]["NextPartNumberMarker"], 1)


if __name__ == "__main__":
    unittest.main()

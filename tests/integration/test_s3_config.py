"""Bucket configuration with boto3: the aws_s3_bucket read sequence of terraform-provider-aws
(fresh bucket, then after each configuration is set), the aws_s3_bucket_versioning /
server_side_encryption_configuration / public_access_block create/read/delete sequences,
validation errors, integrity headers, Object Lock on create, and CORS in practice (preflight and
Access-Control-* headers on real responses)."""

import base64
import hashlib
import json
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h

MISSING = object()


def tf_read_sequence(s3, name):
    """The Get* calls of aws_s3_bucket's Read, in order; each answer or error code by name."""
    out = {}
    s3.head_bucket(Bucket=name)
    calls = [
        ("policy", lambda: s3.get_bucket_policy(Bucket=name)),
        ("acl", lambda: s3.get_bucket_acl(Bucket=name)),
        ("cors", lambda: s3.get_bucket_cors(Bucket=name)),
        ("website", lambda: s3.get_bucket_website(Bucket=name)),
        ("versioning", lambda: s3.get_bucket_versioning(Bucket=name)),
        ("accelerate", lambda: s3.get_bucket_accelerate_configuration(Bucket=name)),
        ("request_payment", lambda: s3.get_bucket_request_payment(Bucket=name)),
        ("logging", lambda: s3.get_bucket_logging(Bucket=name)),
        ("lifecycle", lambda: s3.get_bucket_lifecycle_configuration(Bucket=name)),
        ("replication", lambda: s3.get_bucket_replication(Bucket=name)),
        ("encryption", lambda: s3.get_bucket_encryption(Bucket=name)),
        ("object_lock", lambda: s3.get_object_lock_configuration(Bucket=name)),
        ("region", lambda: s3.head_bucket(Bucket=name)),
        ("tagging", lambda: s3.get_bucket_tagging(Bucket=name)),
    ]
    for key, call in calls:
        try:
            resp = call()
            resp.pop("ResponseMetadata", None)
            out[key] = resp
        except ClientError as e:
            out[key] = ("error", e.response["Error"]["Code"],
                        e.response["ResponseMetadata"]["HTTPStatusCode"])
    return out


class S3ConfigTest(h.SkiffTestCase):

    def assertErr(self, got, code, status):
        self.assertEqual(got, ("error", code, status))

    def expect_error(self, call, code, status, message=None):
        with self.assertRaises(ClientError) as ctx:
            call()
        return self.assertClientError(ctx.exception, code, status, message)

    # --- Terraform aws_s3_bucket ------------------------------------------------------------

    def test_tf_read_sequence_fresh_bucket(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "tf")
        got = tf_read_sequence(s3, name)
        self.assertErr(got["policy"], "NoSuchBucketPolicy", 404)
        grants = got["acl"]["Grants"]
        self.assertEqual(len(grants), 1)
        self.assertEqual(grants[0]["Permission"], "FULL_CONTROL")
        self.assertEqual(grants[0]["Grantee"]["Type"], "CanonicalUser")
        self.assertEqual(grants[0]["Grantee"]["ID"], got["acl"]["Owner"]["ID"])
        self.assertErr(got["cors"], "NoSuchCORSConfiguration", 404)
        self.assertErr(got["website"], "NoSuchWebsiteConfiguration", 404)
        self.assertEqual(got["versioning"], {})
        self.assertEqual(got["accelerate"], {})
        self.assertEqual(got["request_payment"], {"Payer": "BucketOwner"})
        self.assertEqual(got["logging"], {})
        self.assertErr(got["lifecycle"], "NoSuchLifecycleConfiguration", 404)
        self.assertErr(got["replication"], "ReplicationConfigurationNotFoundError", 404)
        # Every bucket has SSE-S3 by default (S3 since January 2023).
        self.assertEqual(got["encryption"]["ServerSideEncryptionConfiguration"]["Rules"], [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False}])
        self.assertErr(got["object_lock"], "ObjectLockConfigurationNotFoundError", 404)
        self.assertEqual(got["region"]["BucketRegion"], "us-east-1")
        self.assertErr(got["tagging"], "NoSuchTagSet", 404)

    def test_tf_bucket_region_discovery_is_anonymous(self):
        # manager.GetBucketRegion: an unsigned HeadBucket whose 403 still names the region.
        for region in ("us-east-1", "eu-west-1"):
            name = self.new_bucket(self.s3(region=region), "rgn")
            resp = self.signed("HEAD", f"/{name}", sign=False)
            self.assertEqual(resp.status, 403, resp.describe())
            self.assertEqual(resp.headers.get("x-amz-bucket-region"), region, resp.describe())
        resp = self.signed("HEAD", f"/{h.unique_name('nobkt')}", sign=False)
        self.assertNotIn("x-amz-bucket-region", resp.headers)

    def test_tf_read_sequence_after_each_configuration(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "tfset")
        dest = self.new_bucket(s3, "tfdst")
        logs = self.new_bucket(s3, "tflog")
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]})
        cors = {"CORSRules": [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"],
                               "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"],
                               "MaxAgeSeconds": 3000}]}
        website = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "err.html"}}
        lifecycle = {"Rules": [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                                "Expiration": {"Days": 7}}]}
        replication = {"Role": "arn:aws:iam::000000000000:role/repl", "Rules": [{
            "ID": "r1", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{dest}"}}]}
        encryption = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/tf"}, "BucketKeyEnabled": True}]}
        tags = [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "s3 & co"}]

        s3.put_bucket_policy(Bucket=name, Policy=policy)
        s3.put_bucket_cors(Bucket=name, CORSConfiguration=cors)
        s3.put_bucket_website(Bucket=name, WebsiteConfiguration=website)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_versioning(Bucket=dest, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_accelerate_configuration(
            Bucket=name, AccelerateConfiguration={"Status": "Enabled"})
        s3.put_bucket_request_payment(
            Bucket=name, RequestPaymentConfiguration={"Payer": "Requester"})
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": logs, "TargetPrefix": "logs/"}})
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration=lifecycle)
        s3.put_bucket_replication(Bucket=name, ReplicationConfiguration=replication)
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=encryption)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})

        got = tf_read_sequence(s3, name)
        self.assertEqual(json.loads(got["policy"]["Policy"]), json.loads(policy))
        self.assertEqual(got["cors"]["CORSRules"], cors["CORSRules"])
        self.assertEqual(got["website"]["IndexDocument"], {"Suffix": "index.html"})
        self.assertEqual(got["website"]["ErrorDocument"], {"Key": "err.html"})
        self.assertEqual(got["versioning"], {"Status": "Enabled"})
        self.assertEqual(got["accelerate"], {"Status": "Enabled"})
        self.assertEqual(got["request_payment"], {"Payer": "Requester"})
        self.assertEqual(got["logging"]["LoggingEnabled"],
                         {"TargetBucket": logs, "TargetPrefix": "logs/"})
        self.assertEqual(got["lifecycle"]["Rules"], lifecycle["Rules"])
        self.assertEqual(got["lifecycle"].get("TransitionDefaultMinimumObjectSize"),
                         "all_storage_classes_128K")
        self.assertEqual(got["replication"]["ReplicationConfiguration"]["Role"],
                         replication["Role"])
        self.assertEqual(got["replication"]["ReplicationConfiguration"]["Rules"],
                         replication["Rules"])
        self.assertEqual(got["encryption"]["ServerSideEncryptionConfiguration"]["Rules"],
                         encryption["Rules"])
        self.assertErr(got["object_lock"], "ObjectLockConfigurationNotFoundError", 404)
        self.assertEqual(got["tagging"]["TagSet"], tags)

        # ... and each DELETE brings back the "not configured" answer.
        s3.delete_bucket_policy(Bucket=name)
        s3.delete_bucket_cors(Bucket=name)
        s3.delete_bucket_website(Bucket=name)
        s3.delete_bucket_lifecycle(Bucket=name)
        s3.delete_bucket_replication(Bucket=name)
        s3.delete_bucket_encryption(Bucket=name)
        self.assertEqual(s3.delete_bucket_tagging(Bucket=name)["ResponseMetadata"]
                         ["HTTPStatusCode"], 204)
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={})
        got = tf_read_sequence(s3, name)
        self.assertErr(got["policy"], "NoSuchBucketPolicy", 404)
        self.assertErr(got["cors"], "NoSuchCORSConfiguration", 404)
        self.assertErr(got["website"], "NoSuchWebsiteConfiguration", 404)
        self.assertErr(got["lifecycle"], "NoSuchLifecycleConfiguration", 404)
        self.assertErr(got["replication"], "ReplicationConfigurationNotFoundError", 404)
        self.assertEqual(got["encryption"]["ServerSideEncryptionConfiguration"]["Rules"][0]
                         ["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.assertErr(got["tagging"], "NoSuchTagSet", 404)
        self.assertEqual(got["logging"], {})

    def test_lifecycle_minimum_object_size(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "lcmin")
        rules = [{"ID": "a", "Status": "Enabled", "Filter": {},
                  "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]
        put = s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": rules},
            TransitionDefaultMinimumObjectSize="varies_by_storage_class")
        self.assertEqual(put["TransitionDefaultMinimumObjectSize"], "varies_by_storage_class")
        got = s3.get_bucket_lifecycle_configuration(Bucket=name)
        self.assertEqual(got["TransitionDefaultMinimumObjectSize"], "varies_by_storage_class")
        self.assertEqual(got["Rules"], rules)
        self.expect_error(lambda: s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": [{"ID": "x", "Status": "Enabled",
                                                            "Filter": {}}]}),
            "InvalidRequest", 400, "At least one action needs to be specified in a rule")

    def test_public_policy_status_and_block(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "pub")
        public = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{name}/*"}]})
        self.expect_error(lambda: s3.get_bucket_policy_status(Bucket=name),
                          "NoSuchBucketPolicy", 404)
        err = self.expect_error(lambda: s3.put_bucket_policy(Bucket=name, Policy=public),
                                "AccessDenied", 403)
        self.assertIn("BlockPublicPolicy", err["Message"])
        s3.delete_public_access_block(Bucket=name)
        s3.put_bucket_policy(Bucket=name, Policy=public)
        self.assertTrue(s3.get_bucket_policy_status(Bucket=name)["PolicyStatus"]["IsPublic"])
        private = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
            "Action": "s3:*", "Resource": f"arn:aws:s3:::{name}/*"}]})
        s3.put_bucket_policy(Bucket=name, Policy=private)
        self.assertFalse(s3.get_bucket_policy_status(Bucket=name)["PolicyStatus"]["IsPublic"])

    def test_object_lock_on_create(self):
        s3 = self.s3()
        name = h.unique_name("lock")
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        got = tf_read_sequence(s3, name)
        self.assertEqual(got["versioning"], {"Status": "Enabled"})
        self.assertEqual(got["object_lock"]["ObjectLockConfiguration"],
                         {"ObjectLockEnabled": "Enabled"})
        rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 5}}
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": rule})
        self.assertEqual(s3.get_object_lock_configuration(Bucket=name)
                         ["ObjectLockConfiguration"]["Rule"], rule)
        err = self.expect_error(lambda: s3.put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": "Suspended"}),
            "InvalidBucketState", 409)
        self.assertIn("Object Lock", err["Message"])
        plain = self.new_bucket(s3, "nolock")
        self.expect_error(lambda: s3.put_object_lock_configuration(
            Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}),
            "InvalidBucketState", 409)

    # --- Terraform companion resources --------------------------------------------------------

    def test_tf_versioning_create_read_delete(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "ver")
        self.assertNotIn("Status", s3.get_bucket_versioning(Bucket=name))
        resp = s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={
            "Status": "Enabled", "MFADelete": "Disabled"})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(s3.get_bucket_versioning(Bucket=name)["Status"], "Enabled")
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(s3.get_bucket_versioning(Bucket=name)["Status"], "Suspended")
        resp = self.signed("PUT", f"/{name}", query="versioning",
                           body=b"<VersioningConfiguration><Status>On</Status>"
                                b"</VersioningConfiguration>")
        self.assertS3Error(resp, 400, "MalformedXML")
        self.expect_error(lambda: s3.get_bucket_versioning(Bucket=h.unique_name("none")),
                          "NoSuchBucket", 404)

    def test_tf_encryption_create_read_delete(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "sse")
        conf = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                           "BucketKeyEnabled": True}]}
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=conf)
        self.assertEqual(s3.get_bucket_encryption(Bucket=name)
                         ["ServerSideEncryptionConfiguration"], conf)
        self.assertEqual(s3.delete_bucket_encryption(Bucket=name)["ResponseMetadata"]
                         ["HTTPStatusCode"], 204)
        self.assertEqual(s3.get_bucket_encryption(Bucket=name)
                         ["ServerSideEncryptionConfiguration"]["Rules"][0]
                         ["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
        self.expect_error(lambda: s3.put_bucket_encryption(
            Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256",
                                                       "KMSMasterKeyID": "k"}}]}),
            "InvalidArgument", 400)
        self.expect_error(lambda: s3.put_bucket_encryption(
            Bucket=h.unique_name("none"), ServerSideEncryptionConfiguration=conf),
            "NoSuchBucket", 404)

    def test_tf_public_access_block_create_read_delete(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "pab")
        # New buckets block public access (S3's default since April 2023).
        self.assertEqual(s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"],
                         {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                          "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "BlockPublicPolicy": False})
        self.assertEqual(s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"],
                         {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                          "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
        self.assertEqual(s3.delete_public_access_block(Bucket=name)["ResponseMetadata"]
                         ["HTTPStatusCode"], 204)
        self.expect_error(lambda: s3.get_public_access_block(Bucket=name),
                          "NoSuchPublicAccessBlockConfiguration", 404,
                          "The public access block configuration was not found")
        s3.delete_public_access_block(Bucket=name)  # absent: still 204

    # --- more configuration -----------------------------------------------------------------

    def test_ownership_controls_and_bucket_acl(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "own")
        self.assertEqual(s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"],
                         {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        self.expect_error(lambda: s3.put_bucket_acl(Bucket=name, ACL="public-read"),
                          "AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
        grants = s3.get_bucket_acl(Bucket=name)["Grants"]
        self.assertIn({"Grantee": {"Type": "Group",
                                   "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                       "Permission": "READ"}, grants)
        s3.delete_bucket_ownership_controls(Bucket=name)
        self.expect_error(lambda: s3.get_bucket_ownership_controls(Bucket=name),
                          "OwnershipControlsNotFoundError", 404)

    def test_notification_and_defaults(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "ntf")
        got = s3.get_bucket_notification_configuration(Bucket=name)
        got.pop("ResponseMetadata")
        self.assertEqual(got, {})
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
            "EventBridgeConfiguration": {}})
        got = s3.get_bucket_notification_configuration(Bucket=name)
        self.assertEqual(got.get("EventBridgeConfiguration"), {})

    def test_validation_errors(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "val")
        self.expect_error(lambda: s3.put_bucket_policy(Bucket=name, Policy="{not json"),
                          "MalformedPolicy", 400)
        self.expect_error(lambda: s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [
            {"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}), "InvalidTag", 400,
            "Cannot provide multiple Tags with the same key")
        self.expect_error(lambda: s3.put_bucket_cors(Bucket=name, CORSConfiguration={
            "CORSRules": [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]}),
            "InvalidRequest", 400,
            "Found unsupported HTTP method in CORS config. Unsupported method is PATCH")
        self.expect_error(lambda: s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": h.unique_name("nolog"), "TargetPrefix": "x"}}),
            "InvalidTargetBucketForLogging", 400)
        self.expect_error(lambda: s3.put_bucket_replication(Bucket=name, ReplicationConfiguration={
            "Role": "arn:aws:iam::000000000000:role/r", "Rules": [{
                "Status": "Enabled", "Prefix": "", "Destination": {"Bucket": "arn:aws:s3:::x"}}]}),
            "InvalidRequest", 400)
        body = b"<CORSConfiguration><CORSRule>"
        resp = self.signed("PUT", f"/{name}", query="cors", body=body, headers={
            "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
        self.assertS3Error(resp, 400, "MalformedXML")
        # Integrity header required for CORS, lifecycle, tagging, replication, object lock.
        good = (b"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                b"<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")
        resp = self.signed("PUT", f"/{name}", query="cors", body=good)
        self.assertS3Error(resp, 400, "InvalidRequest",
                           "Missing required header for this request: Content-MD5")
        resp = self.signed("PUT", f"/{name}", query="cors", body=good,
                           headers={"Content-MD5": base64.b64encode(b"0" * 16).decode()})
        self.assertS3Error(resp, 400, "BadDigest")
        resp = self.signed("PUT", f"/{name}", query="cors", body=good,
                           headers={"x-amz-checksum-crc32": h.b64_checksum("CRC32", good)})
        self.assertEqual(resp.status, 200, resp.describe())

    # --- CORS in practice ---------------------------------------------------------------------

    def preflight(self, name, origin, method, headers=None, key="obj"):
        hdrs = {"Access-Control-Request-Method": method}
        if origin is not None:
            hdrs["Origin"] = origin
        if headers:
            hdrs["Access-Control-Request-Headers"] = headers
        return self.signed("OPTIONS", f"/{name}/{key}", headers=hdrs, sign=False)

    def test_cors_preflight_and_response_headers(self):
        s3 = self.s3()
        name = self.new_bucket(s3, "cors")
        resp = self.preflight(name, "http://app.example", "PUT")
        fields = self.assertS3Error(resp, 403, "AccessForbidden",
                                    "CORSResponse: CORS is not enabled for this bucket.")
        self.assertEqual(fields.get("Method"), "PUT")
        self.assertEqual(fields.get("ResourceType"), "OBJECT")

        s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["http://app.example"], "AllowedMethods": ["PUT", "GET"],
             "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"],
             "MaxAgeSeconds": 600},
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]})

        resp = self.preflight(name, "http://app.example", "PUT", "Content-Type, X-Amz-Date")
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("access-control-allow-origin"), "http://app.example")
        self.assertEqual(resp.headers.get("access-control-allow-methods"), "PUT, GET")
        self.assertEqual(resp.headers.get("access-control-allow-headers"),
                         "content-type, x-amz-date")
        self.assertEqual(resp.headers.get("access-control-expose-headers"), "ETag")
        self.assertEqual(resp.headers.get("access-control-max-age"), "600")
        self.assertEqual(resp.headers.get("access-control-allow-credentials"), "true")

        resp = self.preflight(name, "http://other.example", "GET")
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("access-control-allow-origin"), "*")

        resp = self.preflight(name, "http://other.example", "PUT")
        self.assertS3Error(resp, 403, "AccessForbidden", h.error_fields(resp.body)["Message"])
        self.assertTrue(h.error_fields(resp.body)["Message"].startswith(
            "CORSResponse: This CORS request is not allowed."))
        resp = self.preflight(name, "http://app.example", "PUT", "x-custom")
        self.assertEqual(resp.status, 403, resp.describe())
        resp = self.preflight(name, None, "PUT")
        self.assertS3Error(resp, 400, "BadRequest",
                           "Insufficient information. Origin request header needed.")

        # Real (signed) requests from a matching origin carry the headers; others do not.
        s3.put_object(Bucket=name, Key="obj", Body=b"x")
        resp = self.signed("GET", f"/{name}/obj", headers={"Origin": "http://app.example"})
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.headers.get("access-control-allow-origin"), "http://app.example")
        self.assertEqual(resp.headers.get("access-control-expose-headers"), "ETag")
        self.assertIn("Origin", resp.headers.get("vary", ""))
        resp = self.signed("DELETE", f"/{name}/obj", headers={"Origin": "http://app.example"})
        self.assertNotIn("access-control-allow-origin", resp.headers)
        resp = self.signed("GET", f"/{name}/obj")
        self.assertNotIn("access-control-allow-origin", resp.headers)


class S3ConfigCliTest(h.SkiffTestCase):
    """The same documents through the AWS CLI (its own checksum and XML serialization)."""

    def cli(self, *args):
        proc = self.aws(*args)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        out = proc.stdout.decode().strip()
        return json.loads(out) if out else {}

    def test_cli_configuration_round_trip(self):
        name = h.unique_name("cli")
        self.cli("s3api", "create-bucket", "--bucket", name)
        cors = {"CORSRules": [{"AllowedOrigins": ["https://a.example"],
                               "AllowedMethods": ["GET"], "MaxAgeSeconds": 60}]}
        self.cli("s3api", "put-bucket-cors", "--bucket", name,
                 "--cors-configuration", json.dumps(cors))
        self.assertEqual(self.cli("s3api", "get-bucket-cors", "--bucket", name), cors)
        self.cli("s3api", "put-bucket-versioning", "--bucket", name,
                 "--versioning-configuration", "Status=Enabled")
        self.assertEqual(self.cli("s3api", "get-bucket-versioning", "--bucket", name),
                         {"Status": "Enabled"})
        self.cli("s3api", "put-bucket-tagging", "--bucket", name,
                 "--tagging", "TagSet=[{Key=a,Value=b}]")
        self.assertEqual(self.cli("s3api", "get-bucket-tagging", "--bucket", name),
                         {"TagSet": [{"Key": "a", "Value": "b"}]})
        proc = self.aws("s3api", "get-bucket-website", "--bucket", name)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("NoSuchWebsiteConfiguration", proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()

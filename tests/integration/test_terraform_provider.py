"""Replays the AWS provider's (hashicorp/terraform-provider-aws) create / read / delete call
sequences against Skiff for aws_s3_bucket, aws_s3_bucket_versioning,
aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_public_access_block and
aws_dynamodb_table. For each read call the provider either needs real data ("required") or
swallows a listed set of error codes ("tolerated"): every answer must be one of those."""

import unittest

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

import skiff_harness as h

# Read calls of aws_s3_bucket (internal/service/s3/bucket.go resourceBucketRead) in order, with
# the error codes the provider tolerates for each. An empty set means the call must succeed.
BUCKET_READ = [
    ("get_bucket_policy", {"NoSuchBucketPolicy", "MethodNotAllowed", "NotImplemented",
                           "XNotImplemented"}),
    ("get_bucket_acl", {"NotFound", "MethodNotAllowed", "NotImplemented", "XNotImplemented"}),
    ("get_bucket_cors", {"NoSuchCORSConfiguration", "MethodNotAllowed", "NotImplemented",
                         "XNotImplemented"}),
    ("get_bucket_website", {"NoSuchWebsiteConfiguration", "MethodNotAllowed", "NotImplemented",
                            "XNotImplemented"}),
    ("get_bucket_versioning", {"MethodNotAllowed", "NotImplemented", "XNotImplemented"}),
    ("get_bucket_accelerate_configuration", {"MethodNotAllowed", "NotImplemented",
                                             "XNotImplemented", "UnsupportedArgument",
                                             "UnsupportedOperation"}),
    ("get_bucket_request_payment", {"MethodNotAllowed", "NotImplemented", "XNotImplemented"}),
    ("get_bucket_logging", {"MethodNotAllowed", "NotImplemented", "XNotImplemented"}),
    ("get_bucket_lifecycle_configuration", {"NoSuchLifecycleConfiguration", "MethodNotAllowed",
                                            "NotImplemented", "XNotImplemented"}),
    ("get_bucket_replication", {"ReplicationConfigurationNotFoundError", "MethodNotAllowed",
                                "NotImplemented", "XNotImplemented"}),
    ("get_bucket_encryption", {"ServerSideEncryptionConfigurationNotFoundError",
                               "UnsupportedOperation", "MethodNotAllowed", "NotImplemented",
                               "XNotImplemented"}),
    # Any other error is fatal in the aws partition.
    ("get_object_lock_configuration", {"ObjectLockConfigurationNotFoundError"}),
]
TAGGING_TOLERATED = {"NoSuchTagSet", "MethodNotAllowed", "NotImplemented", "XNotImplemented",
                     "UnsupportedOperation"}


class ProviderS3Test(h.SkiffTestCase):

    def call(self, s3, method, tolerated, **kwargs):
        """Runs one call; returns the response, or None for a tolerated error."""
        try:
            return getattr(s3, method)(**kwargs)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            self.assertIn(code, tolerated, f"{method}: {e.response}")
            return None

    def bucket_lifecycle(self, region):
        s3 = self.s3(region=region)
        name = h.unique_name("tfprov")
        # Create: HeadBucket must be 404 first, then CreateBucket (x-amz-acl: private).
        with self.assertRaises(ClientError) as ctx:
            s3.head_bucket(Bucket=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")
        kwargs = {"Bucket": name, "ACL": "private"}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        # Read: HeadBucket (required) carries the region.
        head = s3.head_bucket(Bucket=name)
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], region)
        for method, tolerated in BUCKET_READ:
            resp = self.call(s3, method, tolerated, Bucket=name)
            if method == "get_bucket_versioning" and resp is not None:
                self.assertNotIn("Status", resp)  # never enabled
        # manager.GetBucketRegion: an anonymous HeadBucket; the header counts even on 403.
        anon = h.make_s3_client(self.endpoint, region, signature_version=UNSIGNED)
        try:
            resp = anon.head_bucket(Bucket=name)
            headers = resp["ResponseMetadata"]["HTTPHeaders"]
        except ClientError as e:
            headers = e.response["ResponseMetadata"]["HTTPHeaders"]
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(headers.get("x-amz-bucket-region"), region)
        self.call(s3, "get_bucket_tagging", TAGGING_TOLERATED, Bucket=name)
        # Delete, then HeadBucket is polled until 404.
        s3.delete_bucket(Bucket=name)
        with self.assertRaises(ClientError) as ctx:
            s3.head_bucket(Bucket=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")
        # A second delete (resource already gone) is NoSuchBucket, which the provider accepts.
        with self.assertRaises(ClientError) as ctx:
            s3.delete_bucket(Bucket=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchBucket")

    def test_aws_s3_bucket_us_east_1(self):
        self.bucket_lifecycle("us-east-1")

    def test_aws_s3_bucket_eu_west_1(self):
        self.bucket_lifecycle("eu-west-1")

    def test_aws_s3_bucket_with_tags(self):
        s3 = self.s3()
        name = self.new_bucket(prefix="tfprov")
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "team", "Value": "ci"}]})
        resp = self.call(s3, "get_bucket_tagging", TAGGING_TOLERATED, Bucket=name)
        self.assertEqual(resp["TagSet"], [{"Key": "team", "Value": "ci"}])

    def test_aws_s3_bucket_versioning(self):
        s3 = self.s3()
        name = self.new_bucket(prefix="tfprov")
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_versioning(Bucket=name)["Status"], "Enabled")
        # Delete: Suspended (versioning can never go back to unversioned).
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(s3.get_bucket_versioning(Bucket=name)["Status"], "Suspended")
        with self.assertRaises(ClientError) as ctx:
            s3.get_bucket_versioning(Bucket="no-such-tfprov-bucket")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchBucket")

    def test_aws_s3_bucket_server_side_encryption_configuration(self):
        s3 = self.s3()
        name = self.new_bucket(prefix="tfprov")
        rules = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                         "KMSMasterKeyID": "alias/tf"},
                  "BucketKeyEnabled": True}]
        # boto3 sends a flexible checksum (CRC32) here, as the Go SDK does, not Content-MD5.
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        got = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(got[0]["ApplyServerSideEncryptionByDefault"],
                         rules[0]["ApplyServerSideEncryptionByDefault"])
        s3.delete_bucket_encryption(Bucket=name)
        # After delete the provider's read finds either "not found" or the SSE-S3 default.
        resp = self.call(s3, "get_bucket_encryption",
                         {"ServerSideEncryptionConfigurationNotFoundError"}, Bucket=name)
        if resp is not None:
            default = resp["ServerSideEncryptionConfiguration"]["Rules"][0]
            self.assertEqual(default["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
                             "AES256")

    def test_aws_s3_bucket_public_access_block(self):
        s3 = self.s3()
        name = self.new_bucket(prefix="tfprov")
        # New buckets block public access by default (S3 since April 2023).
        self.assertEqual(s3.get_public_access_block(Bucket=name)
                         ["PublicAccessBlockConfiguration"],
                         dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls",
                                        "BlockPublicPolicy", "RestrictPublicBuckets"), True))
        config = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                  "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=config)
        self.assertEqual(s3.get_public_access_block(Bucket=name)
                         ["PublicAccessBlockConfiguration"], config)
        s3.delete_public_access_block(Bucket=name)
        with self.assertRaises(ClientError) as ctx:
            s3.get_public_access_block(Bucket=name)
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "NoSuchPublicAccessBlockConfiguration")


class ProviderDynamoDBTest(h.SkiffTestCase):

    def ddb(self):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                            aws_access_key_id=h.ACCESS_KEY, aws_secret_access_key=h.SECRET_KEY,
                            config=Config(retries={"total_max_attempts": 1}))

    def test_aws_dynamodb_table(self):
        ddb = self.ddb()
        name = h.unique_name("tfprov-locks")
        created = ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            Tags=[{"Key": "team", "Value": "ci"}])
        arn = created["TableDescription"]["TableArn"]
        # waitTableActive: DescribeTable polled until ACTIVE.
        for _ in range(50):
            table = ddb.describe_table(TableName=name)["Table"]
            if table["TableStatus"] == "ACTIVE":
                break
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["KeySchema"], [{"AttributeName": "LockID", "KeyType": "HASH"}])
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "expires"})
        # Read: DescribeTable, DescribeContinuousBackups (UnknownOperationException tolerated),
        # DescribeTimeToLive (required), ListTagsOfResource (required).
        try:
            backups = ddb.describe_continuous_backups(TableName=name)
            self.assertIn("ContinuousBackupsStatus", backups["ContinuousBackupsDescription"])
        except ClientError as e:
            self.assertIn(e.response["Error"]["Code"],
                          ("UnknownOperationException", "TableNotFoundException"))
        ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        self.assertEqual(ttl["AttributeName"], "expires")
        self.assertIn(ttl["TimeToLiveStatus"], ("ENABLED", "ENABLING"))
        tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "ci"}])
        # Delete, then DescribeTable polled until ResourceNotFoundException.
        ddb.delete_table(TableName=name)
        for _ in range(50):
            try:
                ddb.describe_table(TableName=name)
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "ResourceNotFoundException")
                break
        else:
            self.fail("table never went away")
        # Deleting a missing table: the provider accepts only this message prefix.
        with self.assertRaises(ClientError) as ctx:
            ddb.delete_table(TableName=name)
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "ResourceNotFoundException")
        self.assertIn("Requested resource not found: Table: ", err["Message"])


if __name__ == "__main__":
    unittest.main()

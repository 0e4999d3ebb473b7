"""The CI drop-in path: Skiff started with its state bucket and lock table declared in the
environment (SKIFF_BUCKETS / SKIFF_TABLES, as a service container gets them), and the real
Terraform CLI run against it at once, with no set-up step: init, two applies, every state
version kept by the versioned bucket, the lock table in the same region."""

import hashlib
import json
import unittest

from terraform.tfcli import TerraformTestCase

REGION = "eu-west-1"
BUCKET = "tf-state"
TABLE = "terraform-locks"
KEY = "prod/terraform.tfstate"


class TerraformStartupResourcesTest(TerraformTestCase):
    server_env = {"SKIFF_BUCKETS": f"{BUCKET}@{REGION}:versioned,other-bucket",
                  "SKIFF_TABLES": f"{TABLE}@{REGION}:LockID"}

    def test_backend_works_against_declared_resources(self):
        wd = self.workdir(bucket=BUCKET, key=KEY, region=REGION, dynamodb_table=TABLE,
                          use_lockfile=True)
        self.tf(wd, "init")
        self.apply(wd)
        self.apply(wd, "-var", "message=second")
        s3 = self.s3(region=REGION)
        versions = [v for v in s3.list_object_versions(Bucket=BUCKET, Prefix=KEY)["Versions"]
                    if v["Key"] == KEY]
        self.assertEqual(len(versions), 2)
        serials = sorted(json.loads(s3.get_object(Bucket=BUCKET, Key=KEY, VersionId=v["VersionId"])
                                    ["Body"].read())["serial"] for v in versions)
        self.assertEqual(serials, [1, 2])
        body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
        self.assertEqual(json.loads(body)["outputs"]["message"]["value"], "second")
        digest = self.ddb(REGION).get_item(TableName=TABLE, ConsistentRead=True,
                                           Key={"LockID": {"S": f"{BUCKET}/{KEY}-md5"}})["Item"]
        self.assertEqual(digest["Digest"]["S"], hashlib.md5(body).hexdigest())
        # The table lives in eu-west-1 only (DynamoDB tables are regional).
        self.assertNotIn(TABLE, self.ddb("us-east-1").list_tables()["TableNames"])


if __name__ == "__main__":
    unittest.main()

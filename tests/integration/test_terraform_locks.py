"""Lock contention with the real Terraform CLI: a lock held the way another Terraform run holds
it (the DynamoDB lock item, the S3 `.tflock` object, or both) makes `terraform plan
-lock-timeout=1s` fail with "Error acquiring the state lock" and the holder's Lock Info;
`terraform force-unlock` checks the ID and releases it. Also a missing lock table."""

import json
import time
import unittest

from botocore.exceptions import ClientError

from terraform.tfcli import TerraformTestCase, lock_info

KEY = "net/terraform.tfstate"


class TerraformLockContentionTest(TerraformTestCase):

    def setup_backend(self, dynamodb, lockfile):
        bucket = self.new_bucket(prefix="tflock")
        table = self.new_lock_table() if dynamodb else None
        wd = self.workdir(bucket=bucket, key=KEY, dynamodb_table=table, use_lockfile=lockfile)
        self.tf(wd, "init")
        self.apply(wd)
        return bucket, table, wd

    def hold_dynamodb_lock(self, bucket, table, info):
        # What lockWithDynamoDB sends (client.go): a conditional PutItem of LockID + Info.
        self.ddb().put_item(TableName=table, ConditionExpression="attribute_not_exists(LockID)",
                            Item={"LockID": {"S": f"{bucket}/{KEY}"},
                                  "Info": {"S": json.dumps(info, separators=(",", ":"))}})

    def hold_lockfile(self, bucket, info):
        # What lockWithFile sends: PutObject <key>.tflock with If-None-Match: * and a checksum.
        self.s3().put_object(Bucket=bucket, Key=f"{KEY}.tflock", IfNoneMatch="*",
                             ContentType="application/json", ChecksumAlgorithm="SHA256",
                             Body=json.dumps(info).encode())

    def assert_lock_error(self, wd, info, error_text):
        started = time.monotonic()
        proc = self.tf(wd, "plan", "-input=false", "-no-color", "-lock-timeout=1s", expect=1)
        self.assertLess(time.monotonic() - started, 30)
        err = proc.stderr
        self.assertIn("Error acquiring the state lock", err)
        self.assertIn(error_text, err)
        self.assertIn("Lock Info:", err)
        for field in ("ID", "Path", "Operation", "Who", "Version", "Info"):
            self.assertRegex(err, rf"\n\s+{field}:\s+{info[field]}\s*\n")
        return proc

    def force_unlock(self, wd, info, still_held):
        proc = self.tf(wd, "force-unlock", "-no-color", "-force",
                       "00000000-0000-0000-0000-000000000000", expect=1)
        # DynamoDB: 'lock ID "x" does not match existing lock ("y")'; lock file: 'lock ID 'x'
        # does not match the existing lock ID 'y''. Nothing is released either way.
        self.assertRegex(proc.stderr, r"does not match (the )?existing lock")
        self.assertIn(info["ID"], proc.stderr)
        self.assertTrue(still_held())
        proc = self.tf(wd, "force-unlock", "-no-color", "-force", info["ID"])
        self.assertIn("Terraform state has been successfully unlocked!", proc.stdout)

    def lockfile_exists(self, bucket):
        try:
            self.s3().head_object(Bucket=bucket, Key=f"{KEY}.tflock")
            return True
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "404")
            return False

    def lock_item(self, bucket, table):
        return self.ddb().get_item(TableName=table, ConsistentRead=True,
                                   Key={"LockID": {"S": f"{bucket}/{KEY}"}}).get("Item")

    def test_dynamodb_lock_held(self):
        bucket, table, wd = self.setup_backend(dynamodb=True, lockfile=False)
        info = lock_info(f"{bucket}/{KEY}")
        self.hold_dynamodb_lock(bucket, table, info)
        self.assert_lock_error(wd, info, "ConditionalCheckFailedException")
        self.assertIsNotNone(self.lock_item(bucket, table))  # the loser leaves it alone
        self.force_unlock(wd, info, still_held=lambda: self.lock_item(bucket, table))
        self.assertIsNone(self.lock_item(bucket, table))
        self.apply(wd, "-var", "message=after-unlock")

    def test_lockfile_held(self):
        bucket, _, wd = self.setup_backend(dynamodb=False, lockfile=True)
        info = lock_info(f"{bucket}/{KEY}", who="bob@laptop")
        self.hold_lockfile(bucket, info)
        proc = self.assert_lock_error(wd, info, "PreconditionFailed")
        self.assertIn("StatusCode: 412", proc.stderr)
        self.force_unlock(wd, info, still_held=lambda: self.lockfile_exists(bucket))
        self.assertFalse(self.lockfile_exists(bucket))
        self.apply(wd, "-var", "message=after-unlock")

    def test_both_dynamodb_held_releases_the_lockfile_it_took(self):
        # Lock order is file first, then DynamoDB; a DynamoDB failure releases the file again.
        bucket, table, wd = self.setup_backend(dynamodb=True, lockfile=True)
        info = lock_info(f"{bucket}/{KEY}", operation="OperationTypePlan")
        self.hold_dynamodb_lock(bucket, table, info)
        self.assert_lock_error(wd, info, "ConditionalCheckFailedException")
        self.assertFalse(self.lockfile_exists(bucket))
        self.assertEqual(json.loads(self.lock_item(bucket, table)["Info"]["S"])["ID"], info["ID"])

    def test_both_lockfile_held(self):
        bucket, table, wd = self.setup_backend(dynamodb=True, lockfile=True)
        info = lock_info(f"{bucket}/{KEY}")
        self.hold_lockfile(bucket, info)
        self.assert_lock_error(wd, info, "PreconditionFailed")
        self.assertIsNone(self.lock_item(bucket, table))  # never reached DynamoDB

    def test_missing_lock_table(self):
        bucket = self.new_bucket(prefix="tflock")
        wd = self.workdir(bucket=bucket, key=KEY, dynamodb_table="no-such-lock-table")
        self.tf(wd, "init")  # the digest GetItem failure is only logged
        proc = self.tf(wd, "plan", "-input=false", "-no-color", "-lock-timeout=1s", expect=1)
        self.assertIn("Error acquiring the state lock", proc.stderr)
        self.assertIn("ResourceNotFoundException", proc.stderr)
        self.assertIn("Requested resource not found", proc.stderr)
        self.assertNotIn("Lock Info:", proc.stderr)


if __name__ == "__main__":
    unittest.main()

"""The real Terraform CLI against Skiff, beyond the basic lifecycle: a state over 5 MiB
(multipart upload + 5 MiB range GETs with checksum mode), skip_s3_checksum and the SDK's
checksum settings, encrypt = true, region handling (made-up regions, a bucket in another
region) and bad credentials — each with what Terraform prints."""

import hashlib
import json
import random
import unittest

from terraform.tfcli import TerraformTestCase, ops

KEY = "big/terraform.tfstate"


class TerraformLargeStateTest(TerraformTestCase):

    def test_state_over_5_mib_uses_multipart_and_range_gets(self):
        bucket = self.new_bucket(prefix="tfbig")
        table = self.new_lock_table()
        wd = self.workdir("big", bucket=bucket, key=KEY, dynamodb_table=table,
                          use_lockfile=True)
        rnd = random.Random(7)
        blob = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                       for _ in range(3 * 1024 * 1024))
        wd.write("blob.txt", blob)
        self.tf(wd, "init")

        mark = self.log.mark()
        self.apply(wd)
        calls = ops(self.log.since(mark))
        state_ops = [c[1] for c in calls if c[2] == f"{bucket}/{KEY}" and c[1] != "HeadObject"]
        self.assertEqual(state_ops, ["CreateMultipartUpload", "UploadPart", "UploadPart",
                                     "CompleteMultipartUpload"], calls)
        self.assertFalse([c for c in calls if c[3] >= 400 and c[1] != "HeadObject"], calls)
        body = self.state_object(bucket, KEY)
        self.assertGreater(len(body), 5 * 1024 * 1024)
        state = json.loads(body)
        self.assertEqual(state["resources"][0]["instances"][0]["attributes"]["input"]["value"],
                         blob)
        digest = self.ddb().get_item(TableName=table, ConsistentRead=True,
                                     Key={"LockID": {"S": f"{bucket}/{KEY}-md5"}})["Item"]
        self.assertEqual(digest["Digest"]["S"], hashlib.md5(body).hexdigest())

        # Reading it back: 5 MiB ranges (x-amz-checksum-mode: ENABLED), and the SDK validates
        # any checksum header Skiff sends on them; the state must come back bit for bit.
        mark = self.log.mark()
        self.tf(wd, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=5s")
        gets = [c for c in ops(self.log.since(mark)) if c[1] == "GetObject"
                and c[2] == f"{bucket}/{KEY}"]
        self.assertEqual([c[3] for c in gets], [206, 206])
        out = self.tf(wd, "output", "-no-color", "-raw", "blob_sha256").stdout
        self.assertEqual(out, hashlib.sha256(blob.encode()).hexdigest())
        pulled = self.tf(wd, "state", "pull").stdout
        self.assertEqual(json.loads(pulled), state)


class TerraformChecksumSettingsTest(TerraformTestCase):

    def stored_checksums(self, bucket, key):
        head = self.s3().head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        return {k for k in head if k.startswith("Checksum") and k != "ChecksumType"}

    def run_apply(self, env=None, **backend):
        bucket = self.new_bucket(prefix="tfsum")
        wd = self.workdir(bucket=bucket, key="s/terraform.tfstate", use_lockfile=True,
                          env=env, **backend)
        self.tf(wd, "init")
        self.apply(wd)
        self.apply(wd, "-var", "message=second")
        state = json.loads(self.state_object(bucket, "s/terraform.tfstate"))
        self.assertEqual(state["outputs"]["message"]["value"], "second")
        return bucket

    def test_default_sends_sha256(self):
        bucket = self.run_apply()
        self.assertEqual(self.stored_checksums(bucket, "s/terraform.tfstate"),
                         {"ChecksumSHA256"})

    def test_skip_s3_checksum_still_gets_the_sdk_default_crc32(self):
        bucket = self.run_apply(skip_s3_checksum=True)
        self.assertEqual(self.stored_checksums(bucket, "s/terraform.tfstate"), {"ChecksumCRC32"})

    def test_skip_s3_checksum_with_when_required_sends_none(self):
        bucket = self.run_apply(env={"AWS_REQUEST_CHECKSUM_CALCULATION": "when_required"},
                                skip_s3_checksum=True)
        # No checksum header at all: S3 (and Skiff) then stores its default CRC64NVME.
        self.assertEqual(self.stored_checksums(bucket, "s/terraform.tfstate"),
                         {"ChecksumCRC64NVME"})

    def test_encrypt_true_stores_sse_s3(self):
        bucket = self.run_apply(encrypt=True)
        head = self.s3().head_object(Bucket=bucket, Key="s/terraform.tfstate")
        self.assertEqual(head.get("ServerSideEncryption"), "AES256")


class TerraformRegionAndCredentialsTest(TerraformTestCase):

    def test_made_up_region_needs_only_skip_region_validation(self):
        region = "skiff-local-1"
        bucket = self.new_bucket(prefix="tfreg", region=region)
        table = self.new_lock_table(region=region)
        wd = self.workdir(bucket=bucket, key="r/terraform.tfstate", region=region,
                          dynamodb_table=table)
        proc = self.tf(wd, "init", expect=1)
        self.assertIn("Invalid region value", proc.stderr)
        wd.write_backend(dict(self.backend(bucket, region, table), skip_region_validation=True))
        self.tf(wd, "init", "-reconfigure")
        self.apply(wd)
        self.assertEqual(len(self.ddb(region).scan(TableName=table)["Items"]), 1)  # the digest

    def backend(self, bucket, region, table):
        from terraform.tfcli import backend_config
        return backend_config(self.endpoint, bucket=bucket, key="r/terraform.tfstate",
                              region=region, dynamodb_table=table)

    def test_bucket_in_another_region(self):
        bucket = self.new_bucket(prefix="tfreg", region="eu-west-1")
        wd = self.workdir(bucket=bucket, key="r/terraform.tfstate", region="us-east-1")
        proc = self.tf(wd, "init", expect=1)
        self.assertIn("StatusCode: 301", proc.stderr)
        self.assertIn('requested bucket from "us-east-1", actual location "eu-west-1"',
                      proc.stderr)

    def test_missing_bucket(self):
        wd = self.workdir(bucket="no-such-tf-bucket", key="r/terraform.tfstate")
        proc = self.tf(wd, "init", expect=1)
        self.assertIn('S3 bucket "no-such-tf-bucket" does not exist', proc.stderr)

    def test_skip_settings_change_only_the_credential_calls(self):
        # skip_credentials_validation alone: the account ID is looked up, iam:GetUser first
        # (sts:GetCallerIdentity and iam:ListRoles only if that fails); with
        # skip_requesting_account_id too, no STS/IAM call at all.
        bucket = self.new_bucket(prefix="tfreg")
        for skips, expected in (
                ({"skip_credentials_validation": True}, {("iam", "GetUser")}),
                ({"skip_credentials_validation": True, "skip_requesting_account_id": True},
                 set())):
            wd = self.workdir(bucket=bucket, key="r/terraform.tfstate", **skips)
            mark = self.log.mark()
            self.tf(wd, "init")
            called = {c[:2] for c in ops(self.log.since(mark)) if c[0] in ("sts", "iam")}
            self.assertTrue(expected <= called, called)
            self.assertTrue(called <= expected | {("sts", "GetCallerIdentity"),
                                                  ("iam", "ListRoles")}, called)
            if not expected:
                self.assertEqual(called, set())
            self.apply(wd)

    def test_bad_credentials_fail_sts_validation(self):
        bucket = self.new_bucket(prefix="tfreg")
        wd = self.workdir(bucket=bucket, key="r/terraform.tfstate", access_key="AKIAWRONGKEY",
                          secret_key="wrong")
        proc = self.tf(wd, "init", expect=1)
        self.assertIn("retrieving caller identity from STS", proc.stderr)
        self.assertIn("InvalidClientTokenId", proc.stderr)


if __name__ == "__main__":
    unittest.main()

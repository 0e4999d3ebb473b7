"""STS and IAM over the AWS Query protocol: GetCallerIdentity for every credential, and the
credential errors SDKs and Terraform see (InvalidClientTokenId, SignatureDoesNotMatch) in the
services' own XML."""

import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from skiff_harness import SkiffTestCase


class StsTest(SkiffTestCase):
    server_env = {"SKIFF_CREDENTIALS": "AKUSER:SKUSER:111111111111"}

    def client(self, service, key="test", secret="test", region="us-east-1"):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"total_max_attempts": 1}))

    def test_get_caller_identity_default_root(self):
        who = self.client("sts").get_caller_identity()
        self.assertEqual(who["Account"], "000000000000")
        self.assertEqual(who["Arn"], "arn:aws:iam::000000000000:root")
        self.assertEqual(who["UserId"], "000000000000")
        self.assertTrue(who["ResponseMetadata"]["RequestId"])

    def test_get_caller_identity_other_account_and_region(self):
        who = self.client("sts", "AKUSER", "SKUSER", region="eu-west-1").get_caller_identity()
        self.assertEqual(who["Account"], "111111111111")
        self.assertEqual(who["Arn"], "arn:aws:iam::111111111111:root")

    def test_unknown_key_is_invalid_client_token_id(self):
        with self.assertRaises(ClientError) as e:
            self.client("sts", "NOPE", "whatever").get_caller_identity()
        err = self.assertClientError(e.exception, "InvalidClientTokenId", 403,
                                     "The security token included in the request is invalid.")
        self.assertEqual(err.get("Type"), "Sender")

    def test_wrong_secret_is_signature_does_not_match(self):
        with self.assertRaises(ClientError) as e:
            self.client("sts", "test", "wrong").get_caller_identity()
        self.assertClientError(e.exception, "SignatureDoesNotMatch", 403)
        self.assertIn("Check your AWS Secret Access Key",
                      e.exception.response["Error"]["Message"])

    def test_iam_authenticates_before_answering(self):
        with self.assertRaises(ClientError) as e:
            self.client("iam", "NOPE", "x").list_users()
        self.assertClientError(e.exception, "InvalidClientTokenId", 403)
        self.assertEqual(self.client("iam").list_users()["IsTruncated"], False)

    def test_aws_cli_get_caller_identity(self):
        out = self.aws("sts", "get-caller-identity")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(b'"Account": "000000000000"', out.stdout)
        bad = self.aws("sts", "get-caller-identity", secret_key="wrong")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn(b"SignatureDoesNotMatch", bad.stderr)


if __name__ == "__main__":
    unittest.main()

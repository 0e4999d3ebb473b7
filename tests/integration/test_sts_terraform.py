"""The real Terraform CLI's S3 backend assuming a role through Skiff's STS: `assume_role` (the
state is then written by the role session, under the role's policies), a trust policy that
refuses the caller (init fails with STS's AccessDenied), and `assume_role_with_web_identity` with
a JWT from a configured issuer."""

import base64
import json
import time
import unittest

import boto3
from botocore.config import Config

import skiff_harness as h
from terraform.tfcli import TerraformTestCase

ISSUER = "https://ci.example.com"


def trust(principal, action="sts:AssumeRole"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": action}]})


def jwt(claims):
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return part({"alg": "RS256", "typ": "JWT"}) + "." + part(claims) + ".c2ln"


class TerraformAssumeRoleTest(TerraformTestCase):
    server_args = ("--log-format", "json", "--oidc-issuer", ISSUER)

    def iam(self):
        return boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"total_max_attempts": 1}))

    def role(self, name, trust_document):
        iam = self.iam()
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_document)["Role"]["Arn"]
        iam.attach_role_policy(RoleName=name,
                               PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
        return arn

    def state_writers(self, mark):
        return {r.get("principal") for r in self.log.since(mark)
                if r.get("service") == "s3" and r.get("operation") == "PutObject"}

    def test_backend_assume_role(self):
        bucket = h.unique_name("tf-assume")
        self.s3().create_bucket(Bucket=bucket)
        arn = self.role("tf-deployer", trust({"AWS": f"arn:aws:iam::{h.ACCOUNT_ID}:root"}))
        wd = self.workdir(bucket=bucket, assume_role={"role_arn": arn,
                                                      "session_name": "terraform"})
        mark = self.log.mark()
        self.tf(wd, "init")
        self.apply(wd)
        self.assertEqual(json.loads(self.state_object(bucket, "app/terraform.tfstate"))
                         ["outputs"]["message"]["value"], "hello")
        records = self.log.since(mark)
        self.assertIn(("sts", "AssumeRole", 200),
                      [(r.get("service"), r.get("operation"), r.get("status")) for r in records])
        self.assertEqual(self.state_writers(mark),
                         {f"arn:aws:sts::{h.ACCOUNT_ID}:assumed-role/tf-deployer/terraform"})

    def test_backend_assume_role_denied_by_trust_policy(self):
        bucket = h.unique_name("tf-denied")
        self.s3().create_bucket(Bucket=bucket)
        arn = self.role("tf-elsewhere", trust({"AWS": "arn:aws:iam::222222222222:root"}))
        wd = self.workdir(bucket=bucket, assume_role={"role_arn": arn,
                                                      "session_name": "terraform"})
        proc = self.tf(wd, "init", expect=1)
        message = " ".join(proc.stderr.split())  # Terraform wraps long lines
        self.assertIn("api error AccessDenied: User: arn:aws:iam::000000000000:root is not "
                      f"authorized to perform: sts:AssumeRole on resource: {arn}", message)

    def test_backend_assume_role_with_web_identity(self):
        bucket = h.unique_name("tf-oidc")
        self.s3().create_bucket(Bucket=bucket)
        arn = self.role("tf-ci", trust(
            {"Federated": f"arn:aws:iam::{h.ACCOUNT_ID}:oidc-provider/ci.example.com"},
            "sts:AssumeRoleWithWebIdentity"))
        token = jwt({"iss": ISSUER, "aud": "sts.amazonaws.com", "sub": "repo:org/infra",
                     "exp": int(time.time()) + 600})
        wd = self.workdir(bucket=bucket, assume_role_with_web_identity={
            "role_arn": arn, "session_name": "ci", "web_identity_token": token})
        mark = self.log.mark()
        self.tf(wd, "init")
        self.apply(wd)
        self.assertEqual(self.state_writers(mark),
                         {f"arn:aws:sts::{h.ACCOUNT_ID}:assumed-role/tf-ci/ci"})


if __name__ == "__main__":
    unittest.main()

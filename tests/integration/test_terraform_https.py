"""The real Terraform CLI against Skiff over HTTPS. Over https:// the Go SDK sends PutObject
bodies as aws-chunked with a trailing x-amz-checksum-sha256 (STREAMING-UNSIGNED-PAYLOAD-TRAILER):
Skiff must store the decoded state, or the state is corrupted (hashicorp/terraform#34054).

Three set-ups, Terraform trusting the certificate through SSL_CERT_FILE:
- Skiff behind a TLS-terminating pass-through (terraform/recorder.py), which also records the
  body form Terraform really sends;
- Skiff's own listener with a given certificate (--tls-cert/--tls-key);
- Skiff's own listener with --tls-self-signed, trusting the certificate whose path the start-up
  line prints (tls-cert=PATH).
"""

import hashlib
import json
import os
import shutil
import tempfile
import unittest

import boto3
from botocore.config import Config

import skiff_harness as h
from terraform.recorder import RecordingProxy
from terraform.tls import TlsServer, make_certificate
from terraform.tfcli import (AccessLog, TerraformTestCase, backend_config, describe, ops,
                             Workdir)

KEY = "tls/terraform.tfstate"


class TerraformBehindTlsProxyTest(TerraformTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert_dir = tempfile.mkdtemp(prefix="skiff-tls-cert-")
        cls.cert, cls.key = make_certificate(cls.cert_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.cert_dir, ignore_errors=True)
        super().tearDownClass()

    def test_aws_chunked_trailer_bodies_are_stored_decoded(self):
        proxy = RecordingProxy(self.server.host, self.server.port, tls=(self.cert, self.key))
        self.addCleanup(proxy.close)
        bucket, table = self.new_bucket(prefix="tftls"), self.new_lock_table()
        wd = self.workdir(endpoint=proxy.endpoint, env={"SSL_CERT_FILE": self.cert},
                          bucket=bucket, key=KEY, dynamodb_table=table, use_lockfile=True)
        self.tf(wd, "init")
        self.apply(wd)
        self.tf(wd, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=5s")
        puts = [r for r in proxy.records if r.method == "PUT" and "x-id=PutObject" in r.query]
        # Lock file (apply), state, lock file (plan).
        self.assertEqual([r.path.endswith(".tflock") for r in puts], [True, False, True], puts)
        for r in puts:
            self.assertEqual(r.headers.get("content-encoding"), "aws-chunked")
            self.assertEqual(r.headers.get("x-amz-content-sha256"),
                             "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
            self.assertEqual(r.headers.get("x-amz-trailer"), "x-amz-checksum-sha256")
            self.assertIn(b"\r\n0\r\nx-amz-checksum-sha256:", r.body)
        body = self.state_object(bucket, KEY)
        self.assertEqual(len(body), int(puts[1].headers["x-amz-decoded-content-length"]))
        self.assertEqual(json.loads(body)["outputs"]["message"]["value"], "hello")
        digest = self.ddb().get_item(TableName=table, ConsistentRead=True,
                                     Key={"LockID": {"S": f"{bucket}/{KEY}-md5"}})["Item"]
        self.assertEqual(digest["Digest"]["S"], hashlib.md5(body).hexdigest())
        self.assertEqual(self.tf(wd, "output", "-no-color", "-raw", "message").stdout, "hello")


class TerraformHttpsTest(TerraformTestCase):
    """Skiff's own HTTPS listener with a certificate the test made."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert_dir = tempfile.mkdtemp(prefix="skiff-tls-cert-")
        cls.cert, key = make_certificate(cls.cert_dir)
        cls.tls = TlsServer(cls.tls_args(cls.cert, key))

    @classmethod
    def tls_args(cls, cert, key):
        return ["--tls-cert", cert, "--tls-key", key]

    @classmethod
    def tearDownClass(cls):
        code = cls.tls.stop()
        cls.tls.close()
        shutil.rmtree(cls.cert_dir, ignore_errors=True)
        super().tearDownClass()
        if code != 0:
            raise AssertionError(f"the TLS skiff exited with {code} on SIGTERM")

    def setUp(self):
        super().setUp()
        self.assertEqual(self.tls.scheme, "https",
                         f"skiff did not start an HTTPS listener: {''.join(self.tls._stdout)}")
        self.tls_endpoint = f"https://localhost:{self.tls.port}"
        self.tls_log = AccessLog(self.tls)

    def test_apply_over_https_stores_the_decoded_state(self):
        s3 = boto3.client("s3", endpoint_url=self.tls_endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          verify=self.cert, config=Config(s3={"addressing_style": "path"}))
        ddb = boto3.client("dynamodb", endpoint_url=self.tls_endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           verify=self.cert)
        bucket, table = h.unique_name("tftls"), h.unique_name("tftls")
        s3.create_bucket(Bucket=bucket)
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "LockID",
                                                "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
        wd = Workdir("basic", backend_config(self.tls_endpoint, bucket=bucket, key=KEY,
                                             dynamodb_table=table, use_lockfile=True),
                     env={"SSL_CERT_FILE": self.cert})
        self.addCleanup(wd.cleanup)
        for args in (("init",), ("apply", "-auto-approve", "-input=false", "-no-color",
                                 "-lock-timeout=5s"),
                     ("plan", "-input=false", "-no-color", "-detailed-exitcode",
                      "-lock-timeout=5s")):
            proc = wd.init() if args == ("init",) else wd.run(*args)
            self.assertEqual(proc.returncode, 0, describe(proc))
        body = s3.get_object(Bucket=bucket, Key=KEY)["Body"].read()
        state = json.loads(body)  # framing stored as is would not parse
        self.assertEqual(state["outputs"]["message"]["value"], "hello")
        digest = ddb.get_item(TableName=table, ConsistentRead=True,
                              Key={"LockID": {"S": f"{bucket}/{KEY}-md5"}})["Item"]
        self.assertEqual(digest["Digest"]["S"], hashlib.md5(body).hexdigest())
        calls = ops(self.tls_log.since(0))
        self.assertIn(("s3", "PutObject", f"{bucket}/{KEY}.tflock", 200), calls)
        self.assertIn(("s3", "PutObject", f"{bucket}/{KEY}", 200), calls)


class TerraformSelfSignedHttpsTest(TerraformHttpsTest):
    """--tls-self-signed: the client trusts the certificate named on the start-up line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert = cls.tls.cert  # what the start-up line names, not the test's own

    @classmethod
    def tls_args(cls, cert, key):
        return ["--tls-self-signed"]

    def test_certificate_path_is_printed(self):
        self.assertTrue(self.cert and os.path.isfile(self.cert), self.tls._stdout)


if __name__ == "__main__":
    unittest.main()

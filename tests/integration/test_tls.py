"""HTTPS: --tls-self-signed and --tls-cert/--tls-key with real clients.

SDKs send aws-chunked bodies with trailing checksums (x-amz-content-sha256:
STREAMING-UNSIGNED-PAYLOAD-TRAILER) only over HTTPS, so that path is driven here with boto3, the
AWS CLI and the JS SDK v3, each trusting the certificate Skiff prints. Also: DynamoDB over TLS,
aws:SecureTransport, plain HTTP sent to the TLS port, the idle/handshake timeout, `skiff
healthcheck`, and start-up failures for unusable certificate files.
"""

import base64
import json
import os
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import time
import unittest
import zlib

import boto3
import botocore.exceptions
from botocore.config import Config

from skiff_harness import (ACCESS_KEY, DEFAULT_REGION, SECRET_KEY, SKIFF_BIN, SkiffServer,
                           SkiffTestCase, run_aws, unique_name)

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")


def aws_cli(endpoint, *args):
    """The AWS CLI; returns (exit code, stdout, stderr) as text."""
    proc = run_aws(endpoint, args)
    return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


def tls_client(service, endpoint, cert, **config):
    cfg = {"retries": {"total_max_attempts": 1}}
    if service == "s3":
        cfg["s3"] = {"addressing_style": "path"}
    cfg.update(config)
    return boto3.client(service, endpoint_url=endpoint, region_name=DEFAULT_REGION,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        verify=cert, config=Config(**cfg))


def record_headers(client):
    """Returns a list that receives the headers of every request `client` sends."""
    sent = []
    client.meta.events.register("before-send.*.*",
                                lambda request, **_: sent.append(dict(request.headers)))
    return sent


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name:
            return v.decode() if isinstance(v, bytes) else v
    return None


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def make_certificate(directory, name="localhost"):
    """A self-signed P-256 certificate and key made with the openssl CLI (a user's own files)."""
    cert = os.path.join(directory, "user-cert.pem")
    key = os.path.join(directory, "user-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


class SelfSignedTest(SkiffTestCase):
    server_args = ("--tls-self-signed", "--idle-timeout", "2")

    def s3_tls(self, **config):
        return tls_client("s3", self.endpoint, self.server.tls_cert, **config)

    def test_startup_line_says_https_and_names_the_certificate(self):
        self.assertIn(" listening on https://", self.server.startup_line)
        self.assertEqual(self.server.tls_cert,
                         os.path.join(self.server.data_dir, "tls", "cert.pem"))
        key = os.path.join(self.server.data_dir, "tls", "key.pem")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        # The certificate names what local clients connect to.
        der = ssl.PEM_cert_to_DER_cert(open(self.server.tls_cert).read())
        text = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-text"],
                              input=der, capture_output=True, check=True).stdout.decode()
        self.assertIn("DNS:localhost", text)
        self.assertIn("IP Address:127.0.0.1", text)
        self.assertIn("IP Address:0:0:0:0:0:0:0:1", text)

    def test_boto3_put_with_trailing_checksum_and_get_it_back(self):
        s3 = self.s3_tls()
        sent = record_headers(s3)
        bucket = unique_name("tls")
        s3.create_bucket(Bucket=bucket)
        body = os.urandom(300 * 1024)
        sent.clear()
        put = s3.put_object(Bucket=bucket, Key="trailer.bin", Body=body)
        headers = sent[-1]
        # What boto3 sends over HTTPS by default: aws-chunked with a CRC32 trailer.
        self.assertEqual(header(headers, "x-amz-content-sha256"),
                         "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual(header(headers, "x-amz-trailer"), "x-amz-checksum-crc32")
        self.assertIn("aws-chunked", header(headers, "content-encoding") or "")
        self.assertEqual(put["ChecksumCRC32"], crc32_b64(body))
        got = s3.get_object(Bucket=bucket, Key="trailer.bin", ChecksumMode="ENABLED")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ChecksumCRC32"], crc32_b64(body))
        self.assertEqual(got["ContentLength"], len(body))

    def test_untrusted_certificate_is_refused_by_the_client(self):
        s3 = tls_client("s3", self.endpoint, True)  # the system CAs only
        with self.assertRaises(botocore.exceptions.SSLError):
            s3.list_buckets()

    def test_requests_over_tls_are_secure_transport(self):
        s3 = self.s3_tls()
        bucket = unique_name("tls")
        s3.create_bucket(Bucket=bucket)

        def deny_when(secure):
            return json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"Bool": {"aws:SecureTransport": secure}}}]})

        s3.put_bucket_policy(Bucket=bucket, Policy=deny_when("false"))
        s3.put_object(Bucket=bucket, Key="allowed", Body=b"over https")
        s3.put_bucket_policy(Bucket=bucket, Policy=deny_when("true"))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.put_object(Bucket=bucket, Key="denied", Body=b"over https")
        self.assertClientError(ctx.exception, "AccessDenied", 403)

    def test_aws_cli_with_ca_bundle(self):
        bucket = unique_name("tls-cli")
        ca = ("--ca-bundle", self.server.tls_cert)
        code, _, err = aws_cli(self.endpoint, *ca, "s3", "mb", f"s3://{bucket}")
        self.assertEqual(code, 0, err)
        src = os.path.join(self.server.data_dir, "cli-upload.bin")
        data = os.urandom(64 * 1024)
        with open(src, "wb") as f:
            f.write(data)
        code, _, err = aws_cli(self.endpoint, *ca, "s3", "cp", src, f"s3://{bucket}/cli.bin")
        self.assertEqual(code, 0, err)
        code, out, err = aws_cli(self.endpoint, *ca, "s3", "ls", f"s3://{bucket}")
        self.assertEqual(code, 0, err)
        self.assertIn("cli.bin", out)
        code, out, err = aws_cli(self.endpoint, *ca, "dynamodb", "list-tables")
        self.assertEqual(code, 0, err)
        self.assertIn("TableNames", out)
        got = self.s3_tls().get_object(Bucket=bucket, Key="cli.bin")["Body"].read()
        self.assertEqual(got, data)
        # Without the bundle the CLI refuses the certificate.
        code, _, err = aws_cli(self.endpoint, "s3", "ls")
        self.assertNotEqual(code, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", err)

    def test_dynamodb_over_tls(self):
        ddb = tls_client("dynamodb", self.endpoint, self.server.tls_cert)
        table = unique_name("tls-table")
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
        ddb.put_item(TableName=table, Item={"LockID": {"S": "state"}, "Info": {"S": "held"}},
                     ConditionExpression="attribute_not_exists(LockID)")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            ddb.put_item(TableName=table, Item={"LockID": {"S": "state"}},
                         ConditionExpression="attribute_not_exists(LockID)")
        self.assertClientError(ctx.exception, "ConditionalCheckFailedException", 400)
        item = ddb.get_item(TableName=table, Key={"LockID": {"S": "state"}})["Item"]
        self.assertEqual(item["Info"], {"S": "held"})
        sts = tls_client("sts", self.endpoint, self.server.tls_cert)
        self.assertEqual(sts.get_caller_identity()["Account"], "000000000000")

    def test_js_sdk_v3_trailer_upload(self):
        node, npm = shutil.which("node"), shutil.which("npm")
        self.assertTrue(node and npm, "node and npm are needed for the JS SDK tests")
        if not os.path.isdir(os.path.join(JS_DIR, "node_modules", "@aws-sdk", "client-s3")):
            proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR,
                                  capture_output=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace")[-3000:])
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(SKIFF_ENDPOINT=self.endpoint, NODE_EXTRA_CA_CERTS=self.server.tls_cert,
                   NODE_NO_WARNINGS="1")
        proc = subprocess.run([node, "tls-trailer-upload.mjs"], cwd=JS_DIR, env=env,
                              capture_output=True, timeout=120)
        output = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, output[-4000:])
        seen = json.loads(proc.stdout.decode().strip().splitlines()[-1])
        self.assertEqual(seen["contentSha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual(seen["trailer"], "x-amz-checksum-crc32")

    def test_plain_http_to_the_tls_port_gets_a_clean_400(self):
        with socket.create_connection((self.server.host, self.server.port), timeout=5) as sock:
            sock.sendall(b"GET /_skiff/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 400 Bad Request\r\n"), data)
        self.assertIn(b"This port serves HTTPS", data)
        # The server is unharmed.
        self.assertEqual(self.s3_tls().list_buckets()["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_silent_and_stalled_handshakes_are_closed_by_the_idle_timeout(self):
        # Connected, nothing sent; then half a ClientHello. Both end after --idle-timeout 2.
        for first_bytes in (b"", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"):
            with socket.create_connection((self.server.host, self.server.port),
                                          timeout=10) as sock:
                start = time.monotonic()
                if first_bytes:
                    sock.sendall(first_bytes)
                try:
                    data = sock.recv(4096)
                except ConnectionResetError:
                    data = b""
                elapsed = time.monotonic() - start
            self.assertEqual(data, b"")
            self.assertGreaterEqual(elapsed, 1.5)
            self.assertLess(elapsed, 6)

    def test_idle_tls_connection_is_closed_after_the_idle_timeout(self):
        ctx = ssl.create_default_context(cafile=self.server.tls_cert)
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"GET /_skiff/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                first = tls.recv(4096)
                self.assertTrue(first.startswith(b"HTTP/1.1 200"), first)
                start = time.monotonic()
                try:
                    rest = tls.recv(4096)
                except (ssl.SSLError, ConnectionResetError):
                    rest = b""
                elapsed = time.monotonic() - start
        self.assertEqual(rest, b"")
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertLess(elapsed, 6)

    def test_healthcheck_subcommand_speaks_https_when_tls_is_configured(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKIFF_")}
        env["SKIFF_PORT"] = str(self.server.port)
        env["SKIFF_TLS_SELF_SIGNED"] = "1"
        proc = subprocess.run([SKIFF_BIN, "healthcheck"], env=env, capture_output=True,
                              timeout=20)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # Plain HTTP to the TLS port: 400, so unhealthy (exit 1) with the reason on stderr.
        del env["SKIFF_TLS_SELF_SIGNED"]
        proc = subprocess.run([SKIFF_BIN, "healthcheck"], env=env, capture_output=True,
                              timeout=20)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"HTTP 400", proc.stderr)


class UserCertificateTest(SkiffTestCase):
    @classmethod
    def setUpClass(cls):
        cls.cert_dir = tempfile.mkdtemp(prefix="skiff-tls-user-")
        cls.cert, cls.key = make_certificate(cls.cert_dir)
        cls.server_args = ("--tls-cert", cls.cert, "--tls-key", cls.key)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.cert_dir, ignore_errors=True)

    def test_serves_the_given_certificate(self):
        self.assertEqual(self.server.tls_cert, self.cert)
        s3 = tls_client("s3", self.endpoint, self.cert)
        bucket = unique_name("user-cert")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")
        der = ssl.PEM_cert_to_DER_cert(open(self.cert).read())
        served = ssl.get_server_certificate((self.server.host, self.server.port))
        self.assertEqual(ssl.PEM_cert_to_DER_cert(served), der)


class StartupTest(unittest.TestCase):
    def start_fails(self, *args):
        """Runs skiff with `args`; it must exit 1 before listening. Returns stderr."""
        data_dir = tempfile.mkdtemp(prefix="skiff-tls-fail-")
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("SKIFF_")}
            proc = subprocess.run([SKIFF_BIN, "--port", "0", "--data-dir", data_dir, *args],
                                  env=env, capture_output=True, timeout=20)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        self.assertEqual(proc.returncode, 1, proc)
        self.assertNotIn(b"listening on", proc.stdout)
        return proc.stderr.decode()

    def test_unusable_certificate_files_fail_start_up_with_a_clear_message(self):
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as other:
            cert, key = make_certificate(d)
            _, other_key = make_certificate(other, "other")
            missing = os.path.join(d, "missing.pem")
            err = self.start_fails("--tls-cert", missing, "--tls-key", key)
            self.assertIn(f"{missing}: No such file or directory", err)
            err = self.start_fails("--tls-cert", cert)
            self.assertIn("--tls-cert and --tls-key", err)
            not_pem = os.path.join(d, "not.pem")
            with open(not_pem, "w") as f:
                f.write("not a certificate\n")
            err = self.start_fails("--tls-cert", not_pem, "--tls-key", key)
            self.assertIn(f"{not_pem}: no PEM certificate found", err)
            err = self.start_fails("--tls-cert", cert, "--tls-key", other_key)
            self.assertIn("does not match the certificate", err)

    def test_self_signed_certificate_is_kept_across_restarts(self):
        data_dir = tempfile.mkdtemp(prefix="skiff-tls-restart-")
        try:
            pems = []
            for _ in range(2):
                server = SkiffServer(["--tls-self-signed"], data_dir=data_dir)
                try:
                    server.start()
                    pems.append(open(server.tls_cert).read())
                    self.assertEqual(server.stop(), 0)
                finally:
                    server.cleanup()
            self.assertEqual(pems[0], pems[1])
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    def test_in_memory_self_signed_certificate_goes_to_a_temporary_directory(self):
        server = SkiffServer(["--tls-self-signed"], in_memory=True)
        try:
            server.start()
            self.assertTrue(server.tls_cert.startswith(tempfile.gettempdir()), server.tls_cert)
            self.assertFalse(server.tls_cert.startswith(server.data_dir))
            s3 = tls_client("s3", server.endpoint, server.tls_cert)
            self.assertEqual(s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"], 200)
            self.assertEqual(server.stop(), 0)
            # Nothing of an in-memory server outlives it.
            self.assertFalse(os.path.exists(os.path.dirname(server.tls_cert)))
        finally:
            if server.tls_cert:
                shutil.rmtree(os.path.dirname(server.tls_cert), ignore_errors=True)
            server.cleanup()


if __name__ == "__main__":
    unittest.main()

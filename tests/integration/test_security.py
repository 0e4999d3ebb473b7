"""Security: loopback by default, the admin API behind --admin-token, secrets never in the logs or
the journal (after good and bad signed requests, presigned URLs, streaming uploads and failing
ones, at debug level), and no request reads a file outside the data directory."""

import datetime
import hashlib
import os
import socket
import urllib.request

from botocore.config import Config
from botocore.exceptions import ClientError

import skiff_harness as h

SECRET = "Sup3rS3cretKeyThatMustNeverBeLogged0123456"
AKID = "AKIARELIABSECRETTEST"
ACCOUNT = "111122223333"
ADMIN_TOKEN = "admin-token-never-logged-98765"


def non_loopback_address():
    """An address of this machine other than 127.0.0.0/8, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent for a UDP connect
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def listening_addresses(port):
    """Local addresses with a LISTEN socket on `port`, from /proc/net/tcp{,6}."""
    found = []
    for path, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            with open(path) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address if width == 32 else
                             socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


class LoopbackDefaultTest(h.SkiffTestCase):

    def test_binds_loopback_by_default(self):
        self.assertEqual(self.server.host, "127.0.0.1")
        self.assertEqual(listening_addresses(self.server.port), ["127.0.0.1"])
        other = non_loopback_address()
        if other is not None:
            with self.assertRaises(OSError):
                socket.create_connection((other, self.server.port), timeout=2).close()


class AdminTokenTest(h.SkiffTestCase):
    server_args = ("--admin-token", ADMIN_TOKEN)

    def admin(self, path, token=None, method="GET"):
        req = urllib.request.Request(self.endpoint + path, method=method)
        if token is not None:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_admin_api_needs_the_token(self):
        self.assertEqual(self.admin("/_skiff/health")[0], 200)
        for path in ("/_skiff/journal", "/_skiff/state", "/_skiff/faults"):
            with self.subTest(path):
                self.assertEqual(self.admin(path)[0], 401)
                self.assertEqual(self.admin(path, token="wrong")[0], 401)
                self.assertEqual(self.admin(path, token=ADMIN_TOKEN + "x")[0], 401)
        self.assertEqual(self.admin("/_skiff/reset", method="POST")[0], 401)
        self.assertEqual(self.admin("/_skiff/journal", token=ADMIN_TOKEN)[0], 200)

    def test_admin_token_is_not_logged(self):
        self.admin("/_skiff/journal", token=ADMIN_TOKEN)
        self.admin("/_skiff/journal", token=ADMIN_TOKEN[:-1])
        self.assertNotIn(ADMIN_TOKEN[:-1], self.server.stderr_text())
        self.assertNotIn(ADMIN_TOKEN[:-1], "\n".join(self.server.stdout_lines))


class SecretsNotLoggedTest(h.SkiffTestCase):
    server_args = ("--log-level", "debug", "--admin-token", ADMIN_TOKEN)
    server_env = {"SKIFF_CREDENTIALS": f"{AKID}:{SECRET}:{ACCOUNT}"}

    def client(self, service="s3", secret=SECRET):
        cfg = Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"},
                     signature_version="s3v4")
        import boto3
        return boto3.client(service, endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                            aws_access_key_id=AKID, aws_secret_access_key=secret, config=cfg)

    def everything_logged(self):
        text = self.server.stderr_text() + "\n".join(self.server.stdout_lines)
        req = urllib.request.Request(self.endpoint + "/_skiff/journal?limit=1000")
        req.add_header("Authorization", f"Bearer {ADMIN_TOKEN}")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                journal = resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            journal = e.read().decode("utf-8", "replace")
        return text, journal

    def test_secrets_never_in_logs_or_journal(self):
        s3 = self.client()
        bucket = h.unique_name("sec")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        s3.get_object(Bucket=bucket, Key="k")["Body"].read()
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
        with urllib.request.urlopen(url, timeout=10) as resp:
            self.assertEqual(resp.read(), b"v")
        # Failing requests: a wrong secret, a tampered presigned URL, a missing key.
        with self.assertRaises(ClientError):
            self.client(secret=SECRET[::-1]).list_buckets()
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(url.replace("Signature=", "Signature=0"), timeout=10)
        with self.assertRaises(ClientError):
            s3.get_object(Bucket=bucket, Key="missing")
        # A streaming (aws-chunked) upload signed with the secret.
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        chunks = [b"c" * 5000]
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "5000"}
        hdrs["Content-Length"] = str(len(h.signed_chunks(chunks, b"k" * 32, amz_date, "s",
                                                         "0" * 64)))
        seed, key, amz_date, scope = h.sign_headers(
            "PUT", f"/{bucket}/chunked", "", hdrs, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            access_key=AKID, secret_key=SECRET, amz_date=amz_date)
        body = h.signed_chunks(chunks, key, amz_date, scope, seed)
        resp = self.raw(h.build_request_bytes("PUT", f"/{bucket}/chunked", "", hdrs, body), "PUT")
        self.assertEqual(resp.status, 200, resp.describe())
        ddb = self.client("dynamodb")
        with self.assertRaises(ClientError):
            ddb.describe_table(TableName="no-such-table")
        sts = self.client("sts")
        self.assertEqual(sts.get_caller_identity()["Account"], ACCOUNT)

        text, journal = self.everything_logged()
        self.assertIn(ACCOUNT, text, "the access log names the principal")
        signing_key_hex = h.signing_key(SECRET, amz_date[:8], h.DEFAULT_REGION).hex()
        for secret in (SECRET, SECRET[::-1], SECRET[:16], signing_key_hex, ADMIN_TOKEN):
            self.assertNotIn(secret, text, "a secret reached the log")
            self.assertNotIn(secret, journal, "a secret reached the journal")


class NoEscapeFromDataDirTest(h.SkiffTestCase):

    def test_requests_cannot_read_files_outside_the_data_directory(self):
        paths = ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                 "/_skiff/../../../../etc/passwd", "/_skiff/%2e%2e/%2e%2e/etc/passwd",
                 "/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd", "/etc/passwd",
                 "/_skiff/health/../../../../etc/passwd"]
        for path in paths:
            with self.subTest(path):
                for sign in (False, True):
                    resp = self.raw(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()) \
                        if not sign else self.signed("GET", path)
                    self.assertNotIn(b"root:", resp.body, resp.describe())
                    if resp.status == 200:  # "//etc/passwd" is ListBuckets to S3
                        self.assertTrue(resp.body.startswith(b"<?xml"), resp.describe())
        # Bucket names cannot be paths either.
        for name in ("..", ".", "a..b", "-etc"):
            with self.subTest(bucket=name):
                resp = self.signed("PUT", f"/{name}")
                self.assertEqual(resp.status, 400, resp.describe())
        for entry in os.listdir(self.server.data_dir):
            self.assertTrue(entry.startswith("skiff.db"), entry)

    def test_data_directory_is_only_the_database(self):
        s3 = self.s3()
        bucket = self.new_bucket()
        s3.put_object(Bucket=bucket, Key="../../../outside", Body=b"x" * 100_000)
        found = []
        for root, dirs, files in os.walk(self.server.data_dir):
            found += [os.path.relpath(os.path.join(root, f), self.server.data_dir) for f in files]
        self.assertTrue(all(f.startswith("skiff.db") for f in found), found)
        digest = hashlib.sha256(b"x" * 100_000).hexdigest()
        self.assertEqual(hashlib.sha256(s3.get_object(Bucket=bucket, Key="../../../outside")
                                        ["Body"].read()).hexdigest(), digest)


if __name__ == "__main__":
    import unittest
    unittest.main()

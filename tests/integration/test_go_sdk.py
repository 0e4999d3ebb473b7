"""The AWS SDK for Go v2 (Terraform's SDK family) against Skiff: tests/go/sdkcheck drives the S3,
DynamoDB and STS calls of Terraform's S3 backend and checks the answers itself. It is built
offline from Debian's golang-go and golang-github-aws-aws-sdk-go-v2-dev (tests/go/build) into
the build tree next to SKIFF_BIN, where Go's build cache makes rebuilds cheap. It runs over
http:// (checksums as headers), through a TLS-terminating recording pass-through over https://
(where the SDK sends PutObject/UploadPart bodies as aws-chunked with trailing checksums, which
the recording confirms), and against Skiff's own --tls-self-signed listener."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import skiff_harness as h
from terraform.recorder import RecordingProxy
from terraform.tls import TlsServer, make_certificate

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_SCRIPT = os.path.join(HERE, "..", "go", "build")
# build/<dir>/server/skiff -> build/<dir>/go
GO_OUT = os.environ.get("SKIFF_GO_BUILD_DIR") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(h.SKIFF_BIN))), "go")

# Every check the program must report; a check that silently disappears fails the test.
EXPECTED_CHECKS = [
    "sts-get-caller-identity",
    "s3-create-bucket", "s3-list-workspaces-empty", "s3-list-missing-bucket",
    "s3-head-missing-state", "s3-get-missing-state", "s3-put-state-crc32", "s3-head-state",
    "s3-get-state-checksum-mode", "s3-get-range-checksum-mode",
    "s3-put-state-sha256-no-checksum",
    "s3-lockfile-acquire", "s3-lockfile-held-412", "s3-lockfile-holder-info",
    "s3-lockfile-release", "s3-lockfile-race-one-winner",
    "s3-upload-part-echoes-sha256", "s3-manager-multipart-upload", "s3-manager-range-download",
    "s3-list-workspaces-paginated", "s3-delete-workspace-state",
    "dynamodb-create-lock-table", "dynamodb-lock-acquire",
    "dynamodb-lock-held-conditional-check-failed", "dynamodb-lock-holder-info",
    "dynamodb-md5-digest", "dynamodb-unlock", "dynamodb-lock-race-one-winner",
    "dynamodb-missing-table",
]


class GoSdkTest(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        # Build first (a cold build compiles the SDK packages once; later runs hit the cache).
        cls.build = subprocess.run([BUILD_SCRIPT, GO_OUT], capture_output=True, text=True,
                                   timeout=600)
        super().setUpClass()

    def run_sdkcheck(self, endpoint, extra_env=None):
        self.assertEqual(self.build.returncode, 0,
                         f"building tests/go/sdkcheck failed (needs golang-go and "
                         f"golang-github-aws-aws-sdk-go-v2-dev):\n{self.build.stderr[-6000:]}")
        binary = self.build.stdout.strip().splitlines()[-1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["SKIFF_ENDPOINT"] = endpoint
        env.update(extra_env or {})
        proc = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=120)
        output = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, output)
        passed = re.findall(r"^ok (\S+)$", proc.stdout, re.M)
        self.assertEqual(passed, EXPECTED_CHECKS, output)
        self.assertIn(f"{len(EXPECTED_CHECKS)} passed, 0 failed", proc.stdout)

    def test_terraform_backend_calls_with_the_go_sdk(self):
        self.run_sdkcheck(self.endpoint)

    def test_same_calls_over_https_with_aws_chunked_trailers(self):
        cert_dir = tempfile.mkdtemp(prefix="skiff-go-tls-")
        self.addCleanup(shutil.rmtree, cert_dir, True)
        cert, key = make_certificate(cert_dir)
        proxy = RecordingProxy(self.server.host, self.server.port, tls=(cert, key))
        self.addCleanup(proxy.close)
        self.run_sdkcheck(proxy.endpoint, {"SSL_CERT_FILE": cert})
        chunked = [r for r in proxy.records if r.method == "PUT"
                   and r.headers.get("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]
        # The state, the If-None-Match lock file (also under the race) and the parts.
        kinds = {("state" if r.path.endswith(".tfstate") and "partNumber" not in r.query
                  else "lockfile" if r.headers.get("if-none-match") == "*"
                  else "part" if "partNumber=" in r.query else "other") for r in chunked}
        self.assertEqual(kinds, {"state", "lockfile", "part"}, chunked)
        for r in chunked:
            self.assertIn("aws-chunked", r.headers.get("content-encoding", ""))
            self.assertTrue(r.headers.get("x-amz-trailer", "").startswith("x-amz-checksum-"))

    def test_same_calls_against_skiffs_own_tls_listener(self):
        server = TlsServer(["--tls-self-signed"])
        self.addCleanup(server.close)
        self.assertEqual(server.scheme, "https", server._stdout)
        self.run_sdkcheck(f"https://localhost:{server.port}", {"SSL_CERT_FILE": server.cert})
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()

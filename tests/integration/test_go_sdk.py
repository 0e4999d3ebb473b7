"""The AWS SDK for Go v2 (Terraform's SDK family) against Skiff: tests/go/sdkcheck drives the S3,
DynamoDB and STS calls of Terraform's S3 backend and checks the answers itself. It is built
offline from Debian's golang-go and golang-github-aws-aws-sdk-go-v2-dev (tests/go/build) into
the build tree next to SKIFF_BIN, where Go's build cache makes rebuilds cheap."""

import os
import re
import subprocess
import unittest

import skiff_harness as h

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

    def test_terraform_backend_calls_with_the_go_sdk(self):
        self.assertEqual(self.build.returncode, 0,
                         f"building tests/go/sdkcheck failed (needs golang-go and "
                         f"golang-github-aws-aws-sdk-go-v2-dev):\n{self.build.stderr[-6000:]}")
        binary = self.build.stdout.strip().splitlines()[-1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["SKIFF_ENDPOINT"] = self.endpoint
        proc = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=120)
        output = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, output)
        passed = re.findall(r"^ok (\S+)$", proc.stdout, re.M)
        self.assertEqual(passed, EXPECTED_CHECKS, output)
        self.assertIn(f"{len(EXPECTED_CHECKS)} passed, 0 failed", proc.stdout)


if __name__ == "__main__":
    unittest.main()

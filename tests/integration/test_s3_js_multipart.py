"""Runs the AWS SDK for JavaScript v3 multipart tests (js-s3-multipart/*.test.mjs, node:test,
using @aws-sdk/lib-storage's Upload) against a fresh skiff."""

import os
import shutil
import subprocess
import unittest

import skiff_harness as h

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js-s3-multipart")


class JsS3MultipartTest(h.SkiffTestCase):

    def test_node_suite(self):
        node, npm = shutil.which("node"), shutil.which("npm")
        self.assertTrue(node and npm, "node and npm are needed for the JS SDK tests")
        if not os.path.isdir(os.path.join(JS_DIR, "node_modules", "@aws-sdk", "lib-storage")):
            proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR,
                                  capture_output=True, timeout=300)
            self.assertEqual(proc.returncode, 0,
                             f"npm ci failed: {proc.stderr.decode(errors='replace')[-3000:]}")
        env = dict(os.environ, SKIFF_ENDPOINT=self.endpoint, NODE_NO_WARNINGS="1")
        for k in list(env):
            if k.startswith("AWS_"):
                del env[k]
        proc = subprocess.run([node, "--test"], cwd=JS_DIR, env=env, capture_output=True,
                              timeout=180)
        output = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, f"node --test failed:\n{output[-8000:]}")
        self.assertRegex(output, r"# pass [1-9]")
        self.assertRegex(output, r"# fail 0")


if __name__ == "__main__":
    unittest.main()

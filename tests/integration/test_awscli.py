"""The AWS CLI (v1) against skiff: high-level `aws s3` and low-level `aws s3api` commands."""

import json
import os
import shutil
import tempfile
import unittest

import skiff_harness as h


class AwsCliTest(h.SkiffTestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="skiff-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def run_ok(self, *args, **kwargs):
        proc = self.aws(*args, **kwargs)
        self.assertEqual(proc.returncode, 0,
                         f"aws {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode("utf-8", "replace")

    def test_s3_high_level_commands(self):
        bucket = h.unique_name("cli")
        out = self.run_ok("s3", "mb", f"s3://{bucket}")
        self.assertIn(f"make_bucket: {bucket}", out)
        self.assertIn(bucket, self.run_ok("s3", "ls"))

        src = os.path.join(self.tmp, "upload.txt")
        content = b"uploaded by the aws cli\n" * 50
        with open(src, "wb") as f:
            f.write(content)
        out = self.run_ok("s3", "cp", src, f"s3://{bucket}/dir/upload.txt")
        self.assertIn(f"upload: ", out)

        listing = self.run_ok("s3", "ls", f"s3://{bucket}/dir/")
        self.assertRegex(listing, rf"\s{len(content)} upload\.txt")
        self.assertIn("PRE dir/", self.run_ok("s3", "ls", f"s3://{bucket}"))

        dst = os.path.join(self.tmp, "download.txt")
        out = self.run_ok("s3", "cp", f"s3://{bucket}/dir/upload.txt", dst)
        self.assertIn("download: ", out)
        with open(dst, "rb") as f:
            self.assertEqual(f.read(), content)

        # Removing a non-empty bucket without --force fails with BucketNotEmpty.
        proc = self.aws("s3", "rb", f"s3://{bucket}")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("BucketNotEmpty", proc.stderr.decode(errors="replace"))

        out = self.run_ok("s3", "rm", f"s3://{bucket}/dir/upload.txt")
        self.assertIn(f"delete: s3://{bucket}/dir/upload.txt", out)
        # `aws s3 ls` exits 1 when nothing matches.
        proc = self.aws("s3", "ls", f"s3://{bucket}/dir/")
        self.assertEqual((proc.returncode, proc.stdout.strip()), (1, b""), proc.stderr)
        out = self.run_ok("s3", "rb", f"s3://{bucket}")
        self.assertIn(f"remove_bucket: {bucket}", out)
        self.assertNotIn(bucket, self.run_ok("s3", "ls"))

    def test_s3_recursive_and_stdin(self):
        bucket = h.unique_name("clir")
        self.run_ok("s3", "mb", f"s3://{bucket}")
        tree = os.path.join(self.tmp, "tree")
        for rel in ("one.txt", "sub/two.txt", "sub/deeper/three.txt"):
            path = os.path.join(tree, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(rel)
        self.run_ok("s3", "cp", tree, f"s3://{bucket}/t/", "--recursive")
        listing = self.run_ok("s3", "ls", f"s3://{bucket}/t/", "--recursive")
        for rel in ("t/one.txt", "t/sub/two.txt", "t/sub/deeper/three.txt"):
            self.assertIn(rel, listing)
        self.run_ok("s3", "cp", "-", f"s3://{bucket}/from-stdin", input_bytes=b"piped in")
        self.assertEqual(self.run_ok("s3", "cp", f"s3://{bucket}/from-stdin", "-"), "piped in")
        self.run_ok("s3", "rb", f"s3://{bucket}", "--force")
        self.assertNotIn(bucket, self.run_ok("s3", "ls"))

    def test_s3api_commands(self):
        bucket = h.unique_name("api")
        self.run_ok("s3api", "create-bucket", "--bucket", bucket)
        src = os.path.join(self.tmp, "body.bin")
        body = os.urandom(4096)
        with open(src, "wb") as f:
            f.write(body)
        put = json.loads(self.run_ok(
            "s3api", "put-object", "--bucket", bucket, "--key", "k/body.bin", "--body", src,
            "--content-type", "application/x-test", "--metadata", "color=blue"))
        self.assertTrue(put["ETag"].startswith('"'))

        head = json.loads(self.run_ok("s3api", "head-object", "--bucket", bucket,
                                      "--key", "k/body.bin"))
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["ContentType"], "application/x-test")
        self.assertEqual(head["Metadata"], {"color": "blue"})
        self.assertEqual(head["ETag"], put["ETag"])

        out_file = os.path.join(self.tmp, "out.bin")
        got = json.loads(self.run_ok("s3api", "get-object", "--bucket", bucket,
                                     "--key", "k/body.bin", out_file))
        self.assertEqual(got["ContentLength"], len(body))
        with open(out_file, "rb") as f:
            self.assertEqual(f.read(), body)

        listing = json.loads(self.run_ok("s3api", "list-objects-v2", "--bucket", bucket,
                                         "--no-paginate"))
        self.assertEqual([o["Key"] for o in listing["Contents"]], ["k/body.bin"])
        self.assertEqual(listing["KeyCount"], 1)

        proc = self.aws("s3api", "head-object", "--bucket", bucket, "--key", "missing")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("404", proc.stderr.decode(errors="replace"))
        proc = self.aws("s3api", "get-object", "--bucket", bucket, "--key", "missing",
                        os.path.join(self.tmp, "x"))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("NoSuchKey", proc.stderr.decode(errors="replace"))

    def test_wrong_secret(self):
        proc = self.aws("s3", "ls", secret_key="definitely-wrong")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("SignatureDoesNotMatch", proc.stderr.decode(errors="replace"))
        proc = self.aws("s3api", "list-buckets", secret_key="definitely-wrong")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("SignatureDoesNotMatch", proc.stderr.decode(errors="replace"))


if __name__ == "__main__":
    unittest.main()

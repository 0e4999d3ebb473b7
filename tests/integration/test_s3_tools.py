"""rclone and s3cmd (the Debian packages) copy and sync a directory tree to skiff and back,
including files large enough for their multipart uploads, and the trees compare equal."""

import filecmp
import os
import shutil
import subprocess
import tempfile
import unittest

import skiff_harness as h

MiB = 1024 * 1024

TREE = {
    "top.txt": b"top level\n",
    "docs/readme.md": b"# readme\n" * 100,
    "docs/nested/deep/data.bin": None,   # random, multipart-sized
    "empty.txt": b"",
    "odd name (1).txt": b"parentheses and spaces",
    "unicode/caf\u00e9.txt": b"accents",
}


def make_tree(root):
    for rel, data in TREE.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(os.urandom(12 * MiB + 5) if data is None else data)


def assert_same_tree(test, a, b):
    def walk(root):
        out = set()
        for d, _, files in os.walk(root):
            for f in files:
                out.add(os.path.relpath(os.path.join(d, f), root))
        return out
    test.assertEqual(walk(a), walk(b))
    for rel in walk(a):
        test.assertTrue(filecmp.cmp(os.path.join(a, rel), os.path.join(b, rel), shallow=False), rel)


class S3ToolsTest(h.SkiffTestCase):

    def setUp(self):
        self.c = self.s3()
        self.bucket = self.new_bucket(prefix="tools")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.src = os.path.join(self.tmp.name, "src")
        make_tree(self.src)

    def run_tool(self, args, env=None, timeout=180):
        proc = subprocess.run(args, capture_output=True, timeout=timeout, env=env)
        self.assertEqual(proc.returncode, 0, "%s failed:\n%s\n%s" % (
            args[0], proc.stdout.decode(errors="replace")[-3000:],
            proc.stderr.decode(errors="replace")[-3000:]))
        return proc.stdout.decode(errors="replace")

    def stored_keys(self, prefix):
        keys = []
        for page in self.c.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return sorted(keys)

    # --- rclone -----------------------------------------------------------------------------

    def rclone(self, *args):
        rclone = shutil.which("rclone")
        self.assertIsNotNone(rclone, "rclone is not installed (apt-get install rclone)")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_"))}
        env.update({
            "RCLONE_CONFIG": os.devnull,
            "RCLONE_CONFIG_SKIFF_TYPE": "s3",
            "RCLONE_CONFIG_SKIFF_PROVIDER": "Other",
            "RCLONE_CONFIG_SKIFF_ACCESS_KEY_ID": h.ACCESS_KEY,
            "RCLONE_CONFIG_SKIFF_SECRET_ACCESS_KEY": h.SECRET_KEY,
            "RCLONE_CONFIG_SKIFF_REGION": h.DEFAULT_REGION,
            "RCLONE_CONFIG_SKIFF_ENDPOINT": self.endpoint,
            "RCLONE_CONFIG_SKIFF_FORCE_PATH_STYLE": "true",
        })
        return self.run_tool([rclone, "--retries", "1", "--low-level-retries", "1",
                              "--s3-force-path-style", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", *args],
                             env=env)

    def test_rclone_copy_sync_check(self):
        remote = "skiff:%s/rc" % self.bucket
        self.rclone("copy", self.src, remote)
        self.assertEqual(self.stored_keys("rc/"), sorted("rc/" + k for k in TREE))
        big = self.c.head_object(Bucket=self.bucket, Key="rc/docs/nested/deep/data.bin")
        self.assertRegex(big["ETag"], r'-\d+"$')  # went up in parts
        self.rclone("check", self.src, remote)

        # sync removes what the source no longer has and uploads what changed.
        os.remove(os.path.join(self.src, "top.txt"))
        with open(os.path.join(self.src, "docs/readme.md"), "wb") as f:
            f.write(b"changed\n")
        self.rclone("sync", self.src, remote)
        self.assertNotIn("rc/top.txt", self.stored_keys("rc/"))
        self.rclone("check", self.src, remote)

        back = os.path.join(self.tmp.name, "back")
        self.rclone("copy", remote, back)
        assert_same_tree(self, self.src, back)

    # --- s3cmd ------------------------------------------------------------------------------

    def s3cmd(self, *args):
        s3cmd = shutil.which("s3cmd")
        self.assertIsNotNone(s3cmd, "s3cmd is not installed (apt-get install s3cmd)")
        cfg = os.path.join(self.tmp.name, "s3cfg")
        hostport = "%s:%d" % (self.server.host, self.server.port)
        with open(cfg, "w") as f:
            f.write("[default]\naccess_key = %s\nsecret_key = %s\nhost_base = %s\n"
                    "host_bucket = %s\nuse_https = False\nsignature_v2 = False\n"
                    "bucket_location = us-east-1\nmultipart_chunk_size_mb = 5\n"
                    "check_ssl_certificate = False\n" % (h.ACCESS_KEY, h.SECRET_KEY, hostport,
                                                         hostport))
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        return self.run_tool([s3cmd, "-c", cfg, "--no-progress", *args], env=env)

    def test_s3cmd_put_sync_get(self):
        target = "s3://%s/sc/" % self.bucket
        self.s3cmd("sync", self.src + "/", target)
        self.assertEqual(self.stored_keys("sc/"), sorted("sc/" + k for k in TREE))
        big = self.c.head_object(Bucket=self.bucket, Key="sc/docs/nested/deep/data.bin")
        self.assertRegex(big["ETag"], r'-\d+"$')
        listing = self.s3cmd("ls", "--recursive", target)
        self.assertIn("sc/docs/readme.md", listing)

        os.remove(os.path.join(self.src, "empty.txt"))
        self.s3cmd("sync", "--delete-removed", self.src + "/", target)
        self.assertNotIn("sc/empty.txt", self.stored_keys("sc/"))

        back = os.path.join(self.tmp.name, "back")
        os.makedirs(back)
        self.s3cmd("sync", target, back + "/")
        assert_same_tree(self, self.src, back)

        self.s3cmd("del", "--recursive", "--force", target)
        self.assertEqual(self.stored_keys("sc/"), [])


if __name__ == "__main__":
    unittest.main()

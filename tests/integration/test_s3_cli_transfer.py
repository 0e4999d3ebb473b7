"""The AWS CLI's high-level S3 commands against skiff: `s3 cp` of a large file (multipart both
ways), `s3 sync` of a directory tree (and a second sync that copies nothing), `s3 rm
--recursive` (DeleteObjects), and `s3api list-object-versions`."""

import filecmp
import hashlib
import json
import os
import tempfile
import unittest

import skiff_harness as h

MiB = 1024 * 1024


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


class S3CliTransferTest(h.SkiffTestCase):

    def setUp(self):
        self.c = self.s3()
        self.bucket = self.new_bucket(prefix="cli")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def run_ok(self, *args, timeout=180):
        proc = self.aws(*args, timeout=timeout)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        return proc.stdout.decode(errors="replace")

    def test_cp_large_file_multipart_round_trip(self):
        src = os.path.join(self.tmp.name, "big.bin")
        data = os.urandom(40 * MiB + 12345)
        write(src, data)
        self.run_ok("s3", "cp", src, "s3://%s/dir/big.bin" % self.bucket)
        head = self.c.head_object(Bucket=self.bucket, Key="dir/big.bin")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-\d+"$')  # uploaded in parts
        dst = os.path.join(self.tmp.name, "back.bin")
        self.run_ok("s3", "cp", "s3://%s/dir/big.bin" % self.bucket, dst)
        with open(dst, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(data).digest())
        self.assertNotIn("Uploads", self.c.list_multipart_uploads(Bucket=self.bucket))

    def test_sync_tree_then_rm_recursive(self):
        tree = os.path.join(self.tmp.name, "tree")
        files = {"a.txt": b"alpha", "sub/b.txt": b"beta" * 1000, "sub/deeper/c.bin":
                 os.urandom(9 * MiB), "empty": b"", "with space/d e.txt": b"spaces"}
        for rel, data in files.items():
            write(os.path.join(tree, rel), data)
        self.run_ok("s3", "sync", tree, "s3://%s/tree" % self.bucket)
        listed = self.c.list_objects_v2(Bucket=self.bucket, Prefix="tree/")
        self.assertEqual(sorted(o["Key"] for o in listed["Contents"]),
                         sorted("tree/" + k for k in files))
        # Nothing changed: a second sync uploads nothing.
        out = self.run_ok("s3", "sync", tree, "s3://%s/tree" % self.bucket)
        self.assertNotIn("upload:", out)

        back = os.path.join(self.tmp.name, "back")
        self.run_ok("s3", "sync", "s3://%s/tree" % self.bucket, back)
        cmp = filecmp.dircmp(tree, back)
        self.assertEqual((cmp.left_only, cmp.right_only, cmp.diff_files), ([], [], []))
        for rel, data in files.items():
            with open(os.path.join(back, rel), "rb") as f:
                self.assertEqual(f.read(), data, rel)

        out = self.run_ok("s3", "rm", "--recursive", "s3://%s/tree" % self.bucket)
        self.assertEqual(out.count("delete:"), len(files))
        self.assertEqual(self.c.list_objects_v2(Bucket=self.bucket)["KeyCount"], 0)

    def test_rm_recursive_over_a_thousand_keys(self):
        for i in range(1105):
            self.c.put_object(Bucket=self.bucket, Key="many/key-%05d" % i, Body=b"")
        self.run_ok("s3", "rm", "--recursive", "s3://%s/many/" % self.bucket)
        self.assertEqual(self.c.list_objects_v2(Bucket=self.bucket)["KeyCount"], 0)

    def test_s3api_list_object_versions(self):
        self.c.put_bucket_versioning(Bucket=self.bucket,
                                     VersioningConfiguration={"Status": "Enabled"})
        ids = [self.c.put_object(Bucket=self.bucket, Key="v", Body=b"%d" % i)["VersionId"]
               for i in range(3)]
        marker = self.c.delete_object(Bucket=self.bucket, Key="v")["VersionId"]
        out = json.loads(self.run_ok("s3api", "list-object-versions", "--bucket", self.bucket))
        self.assertEqual([v["VersionId"] for v in out["Versions"]], list(reversed(ids)))
        self.assertFalse(any(v["IsLatest"] for v in out["Versions"]))
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in out["DeleteMarkers"]],
                         [(marker, True)])
        # The CLI paginates by itself with --page-size.
        out = json.loads(self.run_ok("s3api", "list-object-versions", "--bucket", self.bucket,
                                     "--page-size", "1"))
        self.assertEqual(len(out["Versions"]) + len(out["DeleteMarkers"]), 4)


if __name__ == "__main__":
    unittest.main()

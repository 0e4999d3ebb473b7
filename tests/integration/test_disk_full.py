"""Resource faults: a full database. Writes that do not fit answer 500 in each service's style
(S3 InternalError, DynamoDB InternalServerError), store nothing partial, leave the database
consistent (integrity_check), and writes succeed again once space returns.

Two ways to fill it: --max-db-mb (SQLite's page limit; always run) and, when the test runs as
root and may mount, a real small filesystem (tmpfs with size=) under the data directory."""

import os
import shutil
import subprocess
import tempfile
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h

MIB = 1024 * 1024


class DiskFullCase(unittest.TestCase):
    """Helpers shared by both ways of filling the disk."""

    def start(self, data_dir, *args):
        server = h.SkiffServer(list(args), data_dir=data_dir)
        server.start()
        self.addCleanup(server.cleanup)
        s3 = h.make_s3_client(server.endpoint)
        ddb = h.make_ddb_client(server.endpoint)
        return server, s3, ddb

    def fill(self, s3, bucket, size, limit=400):
        """Puts objects of `size` bytes until one fails; returns (stored keys, the error)."""
        stored = []
        for i in range(limit):
            key = f"fill-{i}"
            try:
                s3.put_object(Bucket=bucket, Key=key, Body=os.urandom(size))
            except ClientError as e:
                return stored, e
            stored.append(key)
        self.fail(f"{limit} objects of {size} bytes never filled the database")

    def assertS3Full(self, err):
        status = err.response["ResponseMetadata"]["HTTPStatusCode"]
        code = err.response["Error"]["Code"]
        self.assertIn((status, code), [(500, "InternalError"), (503, "ServiceUnavailable"),
                                       (503, "SlowDown")], err.response)

    def assertDdbFull(self, err):
        status = err.response["ResponseMetadata"]["HTTPStatusCode"]
        code = err.response["Error"]["Code"]
        self.assertIn((status, code), [(500, "InternalServerError"),
                                       (503, "ServiceUnavailable")], err.response)

    def exercise_full_database(self, server, s3, ddb, object_size):
        bucket = h.unique_name("full")
        s3.create_bucket(Bucket=bucket)
        ddb.create_table(TableName="full-table", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        stored, err = self.fill(s3, bucket, object_size)
        self.assertS3Full(err)
        self.assertGreater(len(stored), 0)
        failed_key = f"fill-{len(stored)}"

        # DynamoDB writes fail the same way while the database is full.
        big = "x" * (350 * 1024)
        ddb_err = None
        for i in range(40):
            try:
                ddb.put_item(TableName="full-table", Item={"pk": {"S": f"i{i}"}, "v": {"S": big}})
            except ClientError as e:
                ddb_err = e
                break
        self.assertIsNotNone(ddb_err, "PutItem never failed on a full database")
        self.assertDdbFull(ddb_err)
        failed_item = f"i{i}"

        # The server is up, answers reads, and nothing partial was stored.
        self.assertIsNone(server.proc.poll(), server.stderr_text())
        with self.assertRaises(ClientError) as ctx:
            s3.head_object(Bucket=bucket, Key=failed_key)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertNotIn("Item", ddb.get_item(TableName="full-table",
                                              Key={"pk": {"S": failed_item}}))
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        self.assertEqual(sorted(o["Key"] for o in listed), sorted(stored))
        first = s3.get_object(Bucket=bucket, Key=stored[0])
        self.assertEqual(first["ContentLength"], object_size)
        self.assertEqual(h.integrity(os.path.join(server.data_dir, "skiff.db")), [("ok",)])
        return bucket, stored


class MaxDbSizeTest(DiskFullCase):

    def test_full_database_answers_500_and_recovers(self):
        data_dir = tempfile.mkdtemp(prefix="skiff-full-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        server, s3, ddb = self.start(data_dir, "--max-db-mb", "6")
        bucket, stored = self.exercise_full_database(server, s3, ddb, 512 * 1024)

        # Deleting objects frees pages: writes fit again without a restart.
        for key in stored[: len(stored) // 2]:
            s3.delete_object(Bucket=bucket, Key=key)
        s3.put_object(Bucket=bucket, Key="after-delete", Body=b"a" * (512 * 1024))
        ddb.put_item(TableName="full-table", Item={"pk": {"S": "after"}, "v": {"S": "ok"}})
        self.assertEqual(server.stop(), 0)

        # A larger cap on restart: everything kept, and much more fits.
        server, s3, ddb = self.start(data_dir, "--max-db-mb", "64")
        for key in stored[len(stored) // 2:] + ["after-delete"]:
            self.assertEqual(s3.get_object(Bucket=bucket, Key=key)["ContentLength"], 512 * 1024)
        for i in range(20):
            s3.put_object(Bucket=bucket, Key=f"more-{i}", Body=os.urandom(512 * 1024))
        self.assertEqual(ddb.get_item(TableName="full-table", Key={"pk": {"S": "after"}})
                         ["Item"]["v"], {"S": "ok"})
        self.assertEqual(h.integrity(os.path.join(data_dir, "skiff.db")), [("ok",)])

    def test_cap_flag_is_validated(self):
        proc = subprocess.run([h.SKIFF_BIN, "--max-db-mb", "lots", "--port", "0"],
                              capture_output=True, timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"--max-db-mb", proc.stderr)


def can_mount_tmpfs():
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = tempfile.mkdtemp(prefix="skiff-mount-probe-")
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", probe], capture_output=True)
        return ok
    finally:
        os.rmdir(probe)


@unittest.skipUnless(can_mount_tmpfs(), "needs root and permission to mount a tmpfs")
class SmallFilesystemTest(DiskFullCase):

    def test_full_filesystem_answers_500_and_recovers_when_space_returns(self):
        mount_point = tempfile.mkdtemp(prefix="skiff-tmpfs-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount_point],
                       check=True)
        self.addCleanup(os.rmdir, mount_point)
        self.addCleanup(subprocess.run, ["umount", "-l", mount_point])
        # Ballast we can delete later to give the space back.
        ballast = os.path.join(mount_point, "ballast")
        with open(ballast, "wb") as f:
            f.write(b"\0" * (4 * MIB))
        data_dir = os.path.join(mount_point, "data")
        server, s3, ddb = self.start(data_dir)
        bucket, stored = self.exercise_full_database(server, s3, ddb, 256 * 1024)

        os.remove(ballast)
        s3.put_object(Bucket=bucket, Key="after-space", Body=os.urandom(256 * 1024))
        ddb.put_item(TableName="full-table", Item={"pk": {"S": "after"}, "v": {"S": "ok"}})
        self.assertEqual(s3.get_object(Bucket=bucket, Key="after-space")["ContentLength"],
                         256 * 1024)
        self.assertEqual(server.stop(), 0)
        server, s3, ddb = self.start(data_dir)
        for key in stored + ["after-space"]:
            self.assertEqual(s3.head_object(Bucket=bucket, Key=key)["ContentLength"], 256 * 1024)
        self.assertEqual(h.integrity(os.path.join(data_dir, "skiff.db")), [("ok",)])
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()

"""Resource faults: a disk that answers I/O errors. While writes and syncs to the database files
fail with EIO (an LD_PRELOAD shim, eio_preload.c, switched on and off by a trigger file), writes
answer S3 500 InternalError / DynamoDB 500 InternalServerError, reads keep working, nothing
partial is stored, and once the disk behaves again writes succeed on the same running server,
integrity_check is clean and everything acknowledged survives a restart.

The storage-level counterpart, failing each write position in turn, is storage_test's
IoErrorTest (tests/unit/storage/io_error_test.cc)."""

import os
import shutil
import subprocess
import tempfile
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1024 * 1024


def build_shim(out_dir):
    """Compiles eio_preload.c; None when there is no C compiler."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        return None
    out = os.path.join(out_dir, "eio_preload.so")
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", out,
                    os.path.join(HERE, "eio_preload.c"), "-ldl"], check=True)
    return out


class IoErrorTest(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="skiff-eio-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.shim = build_shim(self.work)
        if self.shim is None:
            self.skipTest("needs a C compiler for the LD_PRELOAD shim")
        self.trigger = os.path.join(self.work, "fail-now")
        self.data_dir = os.path.join(self.work, "data")

    def start(self, preload):
        env = {"LD_PRELOAD": self.shim, "EIO_PRELOAD_TRIGGER": self.trigger} if preload else {}
        server = h.SkiffServer(env=env, data_dir=self.data_dir)
        server.start()
        self.addCleanup(server.cleanup)
        s3 = h.make_s3_client(server.endpoint)
        ddb = h.make_ddb_client(server.endpoint)
        return server, s3, ddb

    def assertFails(self, call, status, code):
        with self.assertRaises(ClientError) as ctx:
            call()
        response = ctx.exception.response
        self.assertEqual((response["ResponseMetadata"]["HTTPStatusCode"],
                          response["Error"]["Code"]), (status, code), response)

    def test_io_errors_answer_500_store_nothing_and_recover(self):
        server, s3, ddb = self.start(preload=True)
        bucket = h.unique_name("eio")
        s3.create_bucket(Bucket=bucket)
        before = os.urandom(3 * MIB // 2)
        s3.put_object(Bucket=bucket, Key="before", Body=before)
        ddb.create_table(TableName="eio", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        ddb.put_item(TableName="eio", Item={"pk": {"S": "before"}, "v": {"S": "1"}})

        open(self.trigger, "w").close()  # the disk starts failing
        for key, size in (("small", 10), ("large", 3 * MIB)):
            self.assertFails(lambda: s3.put_object(Bucket=bucket, Key=key,
                                                   Body=os.urandom(size)),
                             500, "InternalError")
        self.assertFails(lambda: s3.delete_object(Bucket=bucket, Key="before"),
                         500, "InternalError")
        self.assertFails(lambda: ddb.put_item(TableName="eio",
                                              Item={"pk": {"S": "during"}, "v": {"S": "x"}}),
                         500, "InternalServerError")
        self.assertFails(lambda: ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "eio", "Item": {"pk": {"S": "t1"}}}},
            {"Update": {"TableName": "eio", "Key": {"pk": {"S": "before"}},
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "2"}}}}]),
            500, "InternalServerError")
        # Reads do not touch the failing writes.
        self.assertEqual(s3.get_object(Bucket=bucket, Key="before")["Body"].read(), before)
        self.assertEqual(ddb.get_item(TableName="eio", Key={"pk": {"S": "before"}})["Item"]["v"],
                         {"S": "1"})

        os.remove(self.trigger)  # the disk recovers; same server process
        self.assertIsNone(server.proc.poll(), server.stderr_text())
        for key in ("small", "large"):
            self.assertFails(lambda: s3.head_object(Bucket=bucket, Key=key), 404, "404")
        self.assertNotIn("Item", ddb.get_item(TableName="eio", Key={"pk": {"S": "during"}}))
        self.assertNotIn("Item", ddb.get_item(TableName="eio", Key={"pk": {"S": "t1"}}))
        after = os.urandom(2 * MIB)
        s3.put_object(Bucket=bucket, Key="after", Body=after)
        ddb.put_item(TableName="eio", Item={"pk": {"S": "after"}, "v": {"S": "ok"}})
        self.assertEqual(h.integrity(os.path.join(self.data_dir, "skiff.db")), [("ok",)])
        self.assertEqual(server.stop(), 0)

        server, s3, ddb = self.start(preload=False)
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        self.assertEqual(sorted(o["Key"] for o in listed), ["after", "before"])
        self.assertEqual(s3.get_object(Bucket=bucket, Key="before")["Body"].read(), before)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="after")["Body"].read(), after)
        items = ddb.scan(TableName="eio")["Items"]
        self.assertEqual(sorted(i["pk"]["S"] for i in items), ["after", "before"])
        self.assertEqual(h.integrity(os.path.join(self.data_dir, "skiff.db")), [("ok",)])


if __name__ == "__main__":
    unittest.main()

"""Crash safety: concurrent S3 writes (PutObject, multipart uploads) and DynamoDB
TransactWriteItems from several threads while the server is killed with SIGKILL at random
moments, then restarted on the same data directory. After every kill:

- SQLite's `PRAGMA integrity_check` on a copy of the files the kill left behind says ok;
- every acknowledged write is there with the right bytes and ETag (items with the right values);
- nothing is partial: an unacknowledged object is wholly present or absent, every listed object
  is one that was written, whole; a transaction's two items are both there or neither is.

Short version: 5 rounds. SKIFF_LONG_TESTS=1: 50 rounds. SKIFF_CRASH_SEED picks the random seed
(printed on failure)."""

import hashlib
import http.client
import os
import random
import shutil
import sqlite3
import tempfile
import threading
import time
import unittest

import urllib3.exceptions
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError

import skiff_harness as h

LONG = os.environ.get("SKIFF_LONG_TESTS") == "1"
ROUNDS = 50 if LONG else 5
MIB = 1024 * 1024

# What a request sees when the server dies under it: refused or unreachable (botocore's
# EndpointConnectionError, ConnectTimeoutError), closed or reset mid-request (ConnectionClosedError,
# ReadTimeoutError, ResponseStreamingError, all HTTPClientError; urllib3's ProtocolError or
# http.client's IncompleteRead while botocore reads a body; the built-in ConnectionResetError and
# BrokenPipeError). Anything else, such as an AssertionError on a wrong ETag, is a finding.
CONNECTION_ERRORS = (BotoConnectionError, HTTPClientError, urllib3.exceptions.HTTPError,
                     http.client.HTTPException, ConnectionError)


def body_for(rng, size):
    # Random-looking but cheap: a random 4 KiB block repeated, then cut to size.
    block = rng.randbytes(4096)
    return (block * (size // 4096 + 1))[:size]


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


class Ledger:
    """What the workers attempted and what the server acknowledged (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.objects = {}      # key -> (size, sha256, etag, round)   attempted S3 objects
        self.acked_objects = set()
        self.txns = {}         # txn id -> value        attempted transactions
        self.acked_txns = set()
        self.unexpected = []   # answers that are neither success nor a dropped connection

    def attempt_object(self, key, body, etag, round_no):
        # A digest, not the body: the long run attempts gigabytes.
        with self.lock:
            self.objects[key] = (len(body), hashlib.sha256(body).digest(), etag, round_no)

    def ack_object(self, key):
        with self.lock:
            self.acked_objects.add(key)

    def attempt_txn(self, txn, value):
        with self.lock:
            self.txns[txn] = value

    def ack_txn(self, txn):
        with self.lock:
            self.acked_txns.add(txn)


class CrashTest(unittest.TestCase):

    def setUp(self):
        self.seed = int(os.environ.get("SKIFF_CRASH_SEED", str(int(time.time() * 1000))))
        self.rng = random.Random(self.seed)
        self.data_dir = tempfile.mkdtemp(prefix="skiff-crash-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.ledger = Ledger()
        self.bucket = "crash-bucket"
        self.table = "crash-table"

    def msg(self, text):
        return f"{text} (seed {self.seed}; rerun with SKIFF_CRASH_SEED={self.seed})"

    # --- clients ---------------------------------------------------------------------------

    def s3(self, server):
        return h.make_s3_client(server.endpoint, connect_timeout=2, read_timeout=20)

    def ddb(self, server):
        return h.make_ddb_client(server.endpoint, connect_timeout=2, read_timeout=20)

    def start(self):
        server = h.SkiffServer(data_dir=self.data_dir)
        server.start()
        return server

    # --- workers ---------------------------------------------------------------------------

    def run_worker(self, kind, server, stop, rng, counter):
        s3, ddb = self.s3(server), self.ddb(server)
        while not stop.is_set():
            n = next(counter)
            try:
                if kind == "put":
                    self.put_one(s3, rng, n)
                elif kind == "multipart":
                    self.multipart_one(s3, rng, n)
                else:
                    self.txn_one(ddb, rng, n)
            except ClientError as e:
                status = e.response["ResponseMetadata"].get("HTTPStatusCode", 0)
                if status < 500:
                    with self.ledger.lock:
                        self.ledger.unexpected.append(f"{kind} {n}: {e.response}")
                    return
                # A 5xx changes nothing that was acknowledged; carry on.
            except CONNECTION_ERRORS:  # the server is gone
                if not stop.wait(0.05):
                    continue
                return
            except Exception as e:  # noqa: BLE001 - recorded, so the test fails with it
                with self.ledger.lock:
                    self.ledger.unexpected.append(f"{kind} {n}: {type(e).__name__}: {e}")
                return

    def put_one(self, s3, rng, n):
        key = f"put/{n}"
        size = rng.choice([0, 1, 1000, 70_000, 300_000, int(1.5 * MIB)])
        body = body_for(rng, size)
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        self.ledger.attempt_object(key, body, etag, self.round_no)
        resp = s3.put_object(Bucket=self.bucket, Key=key, Body=body)
        if resp["ETag"] != etag:
            raise AssertionError(f"{key}: ETag {resp['ETag']} != {etag}")
        self.ledger.ack_object(key)

    def multipart_one(self, s3, rng, n):
        key = f"multipart/{n}"
        parts = [body_for(rng, 5 * MIB), body_for(rng, rng.choice([1, 4096, 200_000]))]
        etag = multipart_etag(parts)
        upload = s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        listed = []
        for i, part in enumerate(parts, start=1):
            resp = s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=i,
                                  Body=part)
            listed.append({"PartNumber": i, "ETag": resp["ETag"]})
        self.ledger.attempt_object(key, b"".join(parts), etag, self.round_no)
        resp = s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload,
                                            MultipartUpload={"Parts": listed})
        if resp["ETag"] != etag:
            raise AssertionError(f"{key}: ETag {resp['ETag']} != {etag}")
        self.ledger.ack_object(key)

    def txn_one(self, ddb, rng, n):
        txn = f"tx{n}"
        value = rng.randbytes(rng.choice([10, 1000, 30_000])).hex()
        self.ledger.attempt_txn(txn, value)
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table,
                     "Item": {"pk": {"S": f"{txn}/a"}, "txn": {"S": txn}, "v": {"S": value}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": self.table,
                     "Item": {"pk": {"S": f"{txn}/b"}, "txn": {"S": txn}, "v": {"S": value}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
        self.ledger.ack_txn(txn)

    # --- checks ----------------------------------------------------------------------------

    def integrity_check(self):
        """Runs integrity_check on a copy of what the kill left behind (db + WAL), so that the
        server's own recovery on restart still starts from the crashed state."""
        copy = tempfile.mkdtemp(prefix="skiff-crash-copy-")
        try:
            for suffix in ("", "-wal"):
                src = os.path.join(self.data_dir, "skiff.db" + suffix)
                if os.path.exists(src):
                    shutil.copyfile(src, os.path.join(copy, "skiff.db" + suffix))
            conn = sqlite3.connect(os.path.join(copy, "skiff.db"))
            try:
                result = conn.execute("PRAGMA integrity_check").fetchall()
                fk = conn.execute("PRAGMA foreign_key_check").fetchall()
            finally:
                conn.close()
            self.assertEqual(result, [("ok",)], self.msg("integrity_check after SIGKILL"))
            self.assertEqual(fk, [], self.msg("foreign_key_check after SIGKILL"))
        finally:
            shutil.rmtree(copy, ignore_errors=True)

    def verify(self, server):
        s3, ddb = self.s3(server), self.ddb(server)
        ledger = self.ledger
        listed = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for obj in page.get("Contents", []):
                listed[obj["Key"]] = obj
        for key, obj in listed.items():
            self.assertIn(key, ledger.objects, self.msg(f"unknown object {key}"))
            size, _, etag, _ = ledger.objects[key]
            self.assertEqual(obj["Size"], size, self.msg(f"{key}: partial size"))
            self.assertEqual(obj["ETag"], etag, self.msg(f"{key}: listed ETag"))
        for key in ledger.acked_objects:
            self.assertIn(key, listed, self.msg(f"acknowledged object {key} lost"))
        # Every body written in this round is read back whole, and a sample of older ones.
        older = sorted(k for k in listed if ledger.objects[k][3] != self.round_no)
        check = [k for k in listed if ledger.objects[k][3] == self.round_no]
        check += self.rng.sample(older, min(len(older), 10))
        for key in check:
            size, digest, etag = ledger.objects[key][:3]
            got = s3.get_object(Bucket=self.bucket, Key=key)
            data = got["Body"].read()
            self.assertEqual(len(data), size, self.msg(f"{key}: partial body"))
            self.assertTrue(hashlib.sha256(data).digest() == digest,
                            self.msg(f"{key}: body differs"))
            self.assertEqual(got["ETag"], etag, self.msg(f"{key}: ETag"))

        items = {}
        for page in ddb.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            for item in page["Items"]:
                items[item["pk"]["S"]] = item
        by_txn = {}
        for pk, item in items.items():
            txn = item["txn"]["S"]
            self.assertIn(txn, ledger.txns, self.msg(f"unknown item {pk}"))
            self.assertEqual(item["v"]["S"], ledger.txns[txn], self.msg(f"{pk}: value"))
            by_txn.setdefault(txn, set()).add(pk)
        for txn, pks in by_txn.items():
            self.assertEqual(pks, {f"{txn}/a", f"{txn}/b"},
                             self.msg(f"transaction {txn} is half applied"))
        for txn in ledger.acked_txns:
            self.assertIn(txn, by_txn, self.msg(f"acknowledged transaction {txn} lost"))

    def prune(self, server):
        """Deletes big objects two rounds old (verified across two restarts by now), so that
        the long run's database stays small; small ones stay to the end."""
        s3 = self.s3(server)
        ledger = self.ledger
        old = [k for k, (size, _, _, r) in ledger.objects.items()
               if size > 64 * 1024 and r <= self.round_no - 2]
        for key in old:
            s3.delete_object(Bucket=self.bucket, Key=key)
            del ledger.objects[key]
            ledger.acked_objects.discard(key)
        # Uploads a kill interrupted keep their 5 MiB parts until aborted.
        for upload in s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                      UploadId=upload["UploadId"])

    # --- the test --------------------------------------------------------------------------

    def test_sigkill_loses_no_acknowledged_write(self):
        counter = iter(range(10**9))
        server = self.start()
        try:
            self.s3(server).create_bucket(Bucket=self.bucket)
            self.ddb(server).create_table(
                TableName=self.table, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
            for round_no in range(ROUNDS):
                self.round_no = round_no
                stop = threading.Event()
                kinds = ["put", "put", "multipart", "txn", "txn"]
                workers = [threading.Thread(
                    target=self.run_worker,
                    args=(kind, server, stop, random.Random(self.rng.random()), counter))
                    for kind in kinds]
                for w in workers:
                    w.start()
                time.sleep(self.rng.uniform(0.3, 1.5))
                server.proc.kill()  # SIGKILL, mid-flight
                server.proc.wait()
                stop.set()
                for w in workers:
                    w.join(30)
                    self.assertFalse(w.is_alive(), self.msg("worker hung after the kill"))
                server.cleanup()
                self.assertEqual(self.ledger.unexpected, [], self.msg("unexpected answers"))
                self.integrity_check()
                server = self.start()
                self.verify(server)
                self.prune(server)
            self.assertGreater(len(self.ledger.acked_objects), 0, self.msg("no S3 write landed"))
            self.assertGreater(len(self.ledger.acked_txns), 0, self.msg("no transaction landed"))
            if os.environ.get("SKIFF_CRASH_VERBOSE"):
                print(f"\nseed {self.seed}: {ROUNDS} kills; objects {len(self.ledger.objects)} "
                      f"attempted, {len(self.ledger.acked_objects)} acknowledged; transactions "
                      f"{len(self.ledger.txns)} attempted, {len(self.ledger.acked_txns)} "
                      "acknowledged")
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()

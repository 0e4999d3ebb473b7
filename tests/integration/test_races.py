"""Races through the real server: of N concurrent conditional writers exactly one wins and the
losers get AWS's error (S3 If-None-Match: * and If-Match; DynamoDB attribute_not_exists and
conflicting TransactWriteItems); concurrent writes to a versioned bucket keep every version."""

import hashlib
import threading

from botocore.exceptions import ClientError

import skiff_harness as h
from test_dynamodb_protocol import DynamoTestCase

N = 12


def race(n, attempt):
    """Runs attempt(i) in n threads released together; returns the list of outcomes, each the
    attempt's return value or the ClientError (or other exception) it raised."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait(30)
            outcomes[i] = attempt(i)
        except Exception as e:  # collected; asserted by the test
            outcomes[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def error_code(outcome):
    if isinstance(outcome, ClientError):
        return (outcome.response["ResponseMetadata"]["HTTPStatusCode"],
                outcome.response["Error"]["Code"])
    return None


class RaceTestCase(DynamoTestCase):

    def clients(self, n, factory):
        # Clients are built before the race so that building them does not spread the start.
        return [factory() for _ in range(n)]

    def split(self, outcomes):
        wins = [o for o in outcomes if not isinstance(o, Exception)]
        losses = [o for o in outcomes if isinstance(o, Exception)]
        return wins, losses


class S3RaceTest(RaceTestCase):

    def test_if_none_match_star_exactly_one_creator_wins(self):
        bucket = self.new_bucket()
        clients = self.clients(N, self.s3)
        bodies = [f"creator-{i}".encode() * 100 for i in range(N)]
        outcomes = race(N, lambda i: clients[i].put_object(
            Bucket=bucket, Key="lock", Body=bodies[i], IfNoneMatch="*"))
        wins, losses = self.split(outcomes)
        self.assertEqual(len(wins), 1, outcomes)
        for loss in losses:
            # S3 answers 412 PreconditionFailed, or 409 ConditionalRequestConflict when the
            # writes overlap in time.
            self.assertIn(error_code(loss), [(412, "PreconditionFailed"),
                                             (409, "ConditionalRequestConflict")], repr(loss))
        winner = outcomes.index(wins[0])
        got = self.s3().get_object(Bucket=bucket, Key="lock")
        self.assertEqual(got["Body"].read(), bodies[winner])
        self.assertEqual(got["ETag"], wins[0]["ETag"])

    def test_if_match_exactly_one_updater_wins(self):
        bucket = self.new_bucket()
        s3 = self.s3()
        base = s3.put_object(Bucket=bucket, Key="state", Body=b"v0")["ETag"]
        clients = self.clients(N, self.s3)
        bodies = [f"update-{i}".encode() for i in range(N)]
        outcomes = race(N, lambda i: clients[i].put_object(
            Bucket=bucket, Key="state", Body=bodies[i], IfMatch=base))
        wins, losses = self.split(outcomes)
        self.assertEqual(len(wins), 1, outcomes)
        for loss in losses:
            self.assertIn(error_code(loss), [(412, "PreconditionFailed"),
                                             (409, "ConditionalRequestConflict")], repr(loss))
        winner = outcomes.index(wins[0])
        self.assertEqual(s3.get_object(Bucket=bucket, Key="state")["Body"].read(),
                         bodies[winner])

    def test_concurrent_versioned_writes_keep_every_version(self):
        bucket = self.new_bucket()
        s3 = self.s3()
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        clients = self.clients(N, self.s3)
        per_thread = 4
        bodies = {}

        def writer(i):
            out = []
            for j in range(per_thread):
                body = f"version-{i}-{j}".encode() * (50 + i)
                resp = clients[i].put_object(Bucket=bucket, Key="doc", Body=body)
                out.append((resp["VersionId"], body, resp["ETag"]))
            return out

        outcomes = race(N, writer)
        for o in outcomes:
            self.assertNotIsInstance(o, Exception, o)
            for version_id, body, etag in o:
                bodies[version_id] = (body, etag)
        self.assertEqual(len(bodies), N * per_thread, "version ids must be unique")
        listed = s3.list_object_versions(Bucket=bucket, Prefix="doc")["Versions"]
        self.assertEqual(len(listed), N * per_thread)
        self.assertEqual(sum(1 for v in listed if v["IsLatest"]), 1)
        self.assertEqual({v["VersionId"] for v in listed}, set(bodies))
        for version_id, (body, etag) in bodies.items():
            got = s3.get_object(Bucket=bucket, Key="doc", VersionId=version_id)
            self.assertEqual(got["Body"].read(), body)
            self.assertEqual(got["ETag"], etag)
            self.assertEqual(etag, '"' + hashlib.md5(body).hexdigest() + '"')

    def test_concurrent_multipart_completions_one_object(self):
        bucket = self.new_bucket()
        s3 = self.s3()
        upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
        part = b"p" * (5 * 1024 * 1024)
        tail = b"tail"
        parts = [
            {"PartNumber": 1, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload,
                                                     PartNumber=1, Body=part)["ETag"]},
            {"PartNumber": 2, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload,
                                                     PartNumber=2, Body=tail)["ETag"]},
        ]
        n = 6
        clients = self.clients(n, self.s3)
        outcomes = race(n, lambda i: clients[i].complete_multipart_upload(
            Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts}))
        wins, losses = self.split(outcomes)
        # S3 answers a repeated completion of the same upload with the same result, or
        # NoSuchUpload once the upload is gone; either way one object, whole.
        self.assertGreaterEqual(len(wins), 1, outcomes)
        for loss in losses:
            self.assertEqual(error_code(loss), (404, "NoSuchUpload"), repr(loss))
        etags = {w["ETag"] for w in wins}
        self.assertEqual(len(etags), 1, wins)
        got = s3.get_object(Bucket=bucket, Key="mp")
        self.assertEqual(got["ETag"], etags.pop())
        self.assertEqual(hashlib.sha256(got["Body"].read()).digest(),
                         hashlib.sha256(part + tail).digest())


class DynamoRaceTest(RaceTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.new_table(cls, cls.ddb(cls), prefix="race")

    def ddb_clients(self, n):
        return self.clients(n, self.ddb)

    def test_attribute_not_exists_exactly_one_creator_wins(self):
        clients = self.ddb_clients(N)
        outcomes = race(N, lambda i: clients[i].put_item(
            TableName=self.table, Item={"pk": {"S": "lock"}, "owner": {"N": str(i)}},
            ConditionExpression="attribute_not_exists(pk)"))
        wins, losses = self.split(outcomes)
        self.assertEqual(len(wins), 1, outcomes)
        for loss in losses:
            self.assertEqual(error_code(loss), (400, "ConditionalCheckFailedException"),
                             repr(loss))
        winner = outcomes.index(wins[0])
        item = self.ddb().get_item(TableName=self.table, Key={"pk": {"S": "lock"}},
                                   ConsistentRead=True)["Item"]
        self.assertEqual(item["owner"], {"N": str(winner)})

    def test_optimistic_version_counter_loses_no_update(self):
        ddb = self.ddb()
        ddb.put_item(TableName=self.table, Item={"pk": {"S": "counter"}, "v": {"N": "0"}})
        clients = self.ddb_clients(N)

        def bump(i):
            # Read-modify-write with a version check, retried on conflict: every bump lands once.
            done = 0
            while True:
                item = clients[i].get_item(TableName=self.table, Key={"pk": {"S": "counter"}},
                                           ConsistentRead=True)["Item"]
                v = int(item["v"]["N"])
                try:
                    clients[i].put_item(
                        TableName=self.table, Item={"pk": {"S": "counter"}, "v": {"N": str(v + 1)}},
                        ConditionExpression="v = :v", ExpressionAttributeValues={":v": {"N": str(v)}})
                    done += 1
                    if done == 3:
                        return done
                except ClientError as e:
                    if error_code(e) != (400, "ConditionalCheckFailedException"):
                        raise

        outcomes = race(N, bump)
        self.assertEqual(outcomes, [3] * N)
        item = ddb.get_item(TableName=self.table, Key={"pk": {"S": "counter"}},
                            ConsistentRead=True)["Item"]
        self.assertEqual(item["v"], {"N": str(3 * N)})

    def test_conflicting_transactions_exactly_one_wins(self):
        clients = self.ddb_clients(N)

        def transact(i):
            # Every transaction claims the same two keys; only one can find both absent.
            return clients[i].transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table,
                         "Item": {"pk": {"S": "tx-a"}, "by": {"N": str(i)}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table,
                         "Item": {"pk": {"S": "tx-b"}, "by": {"N": str(i)}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ])

        outcomes = race(N, transact)
        wins, losses = self.split(outcomes)
        self.assertEqual(len(wins), 1, outcomes)
        for loss in losses:
            status, code = error_code(loss)
            self.assertEqual(status, 400, repr(loss))
            self.assertIn(code, ("TransactionCanceledException", "TransactionConflictException"),
                          repr(loss))
            if code == "TransactionCanceledException":
                reasons = [r.get("Code") for r in loss.response.get("CancellationReasons", [])]
                self.assertEqual(len(reasons), 2, loss.response)
                self.assertIn("ConditionalCheckFailed", reasons, loss.response)
                self.assertTrue(set(reasons) <= {"ConditionalCheckFailed", "None",
                                                 "TransactionConflict"}, loss.response)
        winner = outcomes.index(wins[0])
        ddb = self.ddb()
        for key in ("tx-a", "tx-b"):
            item = ddb.get_item(TableName=self.table, Key={"pk": {"S": key}},
                                ConsistentRead=True)["Item"]
            self.assertEqual(item["by"], {"N": str(winner)}, "both puts come from one winner")

    def test_transfers_in_transactions_conserve_the_total(self):
        ddb = self.ddb()
        accounts = [f"acct-{i}" for i in range(4)]
        for a in accounts:
            ddb.put_item(TableName=self.table, Item={"pk": {"S": a}, "bal": {"N": "100"}})
        clients = self.ddb_clients(8)

        def mover(i):
            moved = 0
            for j in range(6):
                src, dst = accounts[(i + j) % 4], accounts[(i + 2 * j + 1) % 4]
                if src == dst:
                    continue
                try:
                    clients[i].transact_write_items(TransactItems=[
                        {"Update": {"TableName": self.table, "Key": {"pk": {"S": src}},
                                    "UpdateExpression": "SET bal = bal - :x",
                                    "ConditionExpression": "bal >= :x",
                                    "ExpressionAttributeValues": {":x": {"N": "5"}}}},
                        {"Update": {"TableName": self.table, "Key": {"pk": {"S": dst}},
                                    "UpdateExpression": "SET bal = bal + :x",
                                    "ExpressionAttributeValues": {":x": {"N": "5"}}}},
                    ])
                    moved += 1
                except ClientError as e:
                    if error_code(e)[1] not in ("TransactionConflictException",
                                                "TransactionCanceledException"):
                        raise
            return moved

        outcomes = race(8, mover)
        for o in outcomes:
            self.assertIsInstance(o, int, o)
        total = sum(int(ddb.get_item(TableName=self.table, Key={"pk": {"S": a}},
                                     ConsistentRead=True)["Item"]["bal"]["N"]) for a in accounts)
        self.assertEqual(total, 400)


if __name__ == "__main__":
    import unittest
    unittest.main()

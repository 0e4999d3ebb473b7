"""DynamoDB BatchGetItem/BatchWriteItem limits, TransactWriteItems/TransactGetItems, conditional
writes under concurrency, and the Terraform S3-backend lock sequence (terraform-wire.md §2.2,
§4.1) as the Go SDK sends it."""

import datetime
import hashlib
import json
import threading
import unittest
import uuid

from botocore.exceptions import ClientError

from test_dynamodb_protocol import DynamoTestCase

CCF = "The conditional request failed"


def s(v):
    return {"S": v}


class DynamoBatchTest(DynamoTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.ddb(cls)
        cls.table = cls.new_table(cls, cls.client, prefix="batch")
        cls.other = cls.new_table(cls, cls.client, hash_key=("id", "N"), prefix="other")

    def get(self, key, table=None):
        return self.client.get_item(TableName=table or self.table, Key={"pk": s(key)},
                                    ConsistentRead=True).get("Item")

    # --- BatchWriteItem / BatchGetItem ---------------------------------------------------

    def test_batch_write_and_get(self):
        puts = [{"PutRequest": {"Item": {"pk": s(f"bw{i}"), "v": {"N": str(i)}}}}
                for i in range(20)]
        others = [{"PutRequest": {"Item": {"id": {"N": str(i)}}}} for i in range(5)]
        out = self.client.batch_write_item(RequestItems={self.table: puts, self.other: others})
        self.assertEqual(out["UnprocessedItems"], {})
        out = self.client.batch_write_item(RequestItems={self.table: [
            {"DeleteRequest": {"Key": {"pk": s("bw0")}}},
            {"PutRequest": {"Item": {"pk": s("bw1"), "v": {"N": "100"}}}}]})
        self.assertEqual(out["UnprocessedItems"], {})
        self.assertIsNone(self.get("bw0"))
        self.assertEqual(self.get("bw1")["v"], {"N": "100"})

        keys = [{"pk": s(f"bw{i}")} for i in range(20)] + [{"pk": s("absent")}]
        out = self.client.batch_get_item(RequestItems={
            self.table: {"Keys": keys, "ProjectionExpression": "pk, v", "ConsistentRead": True},
            self.other: {"Keys": [{"id": {"N": "3"}}, {"id": {"N": "99"}}]}})
        self.assertEqual(out["UnprocessedKeys"], {})
        got = {it["pk"]["S"]: it["v"]["N"] for it in out["Responses"][self.table]}
        want = {f"bw{i}": str(i) for i in range(2, 20)}
        want["bw1"] = "100"
        self.assertEqual(got, want)
        self.assertEqual(out["Responses"][self.other], [{"id": {"N": "3"}}])

    def test_batch_get_100_keys_and_limit(self):
        for start in range(0, 100, 25):
            self.client.batch_write_item(RequestItems={self.table: [
                {"PutRequest": {"Item": {"pk": s(f"g{i}")}}} for i in range(start, start + 25)]})
        out = self.client.batch_get_item(RequestItems={self.table: {
            "Keys": [{"pk": s(f"g{i}")} for i in range(100)]}})
        self.assertEqual(len(out["Responses"][self.table]), 100)
        self.assertEqual(out["UnprocessedKeys"], {})
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_get_item(RequestItems={self.table: {
                "Keys": [{"pk": s(f"g{i}")} for i in range(101)]}})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Too many items requested for the BatchGetItem call")
        # The limit is per call, across tables.
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_get_item(RequestItems={
                self.table: {"Keys": [{"pk": s(f"g{i}")} for i in range(60)]},
                self.other: {"Keys": [{"id": {"N": str(i)}} for i in range(41)]}})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Too many items requested for the BatchGetItem call")

    def test_batch_write_limit_25(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_write_item(RequestItems={self.table: [
                {"PutRequest": {"Item": {"pk": s(f"w{i}")}}} for i in range(26)]})
        err = self.assertDdbError(ctx.exception, "ValidationException")
        self.assertIn("at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                      "constraint: [Member must have length less than or equal to 25",
                      err["Message"])
        self.assertIsNone(self.get("w0"))
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_write_item(RequestItems={
                self.table: [{"PutRequest": {"Item": {"pk": s(f"w{i}")}}} for i in range(13)],
                self.other: [{"PutRequest": {"Item": {"id": {"N": str(i)}}}} for i in range(13)]})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Too many items requested for the BatchWriteItem call")
        self.assertIsNone(self.get("w0"))

    def test_batch_duplicates_rejected(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_write_item(RequestItems={self.table: [
                {"PutRequest": {"Item": {"pk": s("dup"), "v": s("1")}}},
                {"DeleteRequest": {"Key": {"pk": s("dup")}}}]})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Provided list of item keys contains duplicates")
        self.assertIsNone(self.get("dup"))
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_get_item(RequestItems={self.table: {
                "Keys": [{"pk": s("dup")}, {"pk": s("dup")}]}})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Provided list of item keys contains duplicates")

    def test_batch_missing_table(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_write_item(RequestItems={"no-such-table": [
                {"PutRequest": {"Item": {"pk": s("x")}}}]})
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            self.client.batch_get_item(RequestItems={"no-such-table": {"Keys": [{"pk": s("x")}]}})
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")

    def test_batch_writer_resource(self):
        table = self.ddb_resource().Table(self.table)
        with table.batch_writer() as writer:
            for i in range(60):
                writer.put_item(Item={"pk": f"bwr{i}", "i": i})
        self.assertEqual(table.get_item(Key={"pk": "bwr59"})["Item"]["i"], 59)

    # --- transactions ----------------------------------------------------------------------

    def test_transact_write_all_or_nothing(self):
        self.client.put_item(TableName=self.table, Item={"pk": s("tx-b"), "v": {"N": "1"}})
        self.client.put_item(TableName=self.table, Item={"pk": s("tx-c"), "n": {"N": "1"}})
        items = [
            {"Put": {"TableName": self.table, "Item": {"pk": s("tx-a"), "v": s("new")}}},
            {"ConditionCheck": {"TableName": self.table, "Key": {"pk": s("tx-b")},
                                "ConditionExpression": "v = :two",
                                "ExpressionAttributeValues": {":two": {"N": "2"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": self.table, "Key": {"pk": s("tx-c")},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Delete": {"TableName": self.other, "Key": {"id": {"N": "12345"}},
                        "ConditionExpression": "attribute_exists(id)"}},
        ]
        with self.assertRaises(ClientError) as ctx:
            self.client.transact_write_items(TransactItems=items)
        self.assertDdbError(ctx.exception, "TransactionCanceledException",
                            "Transaction cancelled, please refer cancellation reasons for "
                            "specific reasons [None, ConditionalCheckFailed, None, "
                            "ConditionalCheckFailed]")
        self.assertEqual(ctx.exception.response["CancellationReasons"], [
            {"Code": "None"},
            {"Code": "ConditionalCheckFailed", "Message": CCF,
             "Item": {"pk": s("tx-b"), "v": {"N": "1"}}},
            {"Code": "None"},
            {"Code": "ConditionalCheckFailed", "Message": CCF}])
        self.assertIsNone(self.get("tx-a"))
        self.assertEqual(self.get("tx-c")["n"], {"N": "1"})

        items[1]["ConditionCheck"]["ExpressionAttributeValues"] = {":two": {"N": "1"}}
        items[3] = {"Delete": {"TableName": self.table, "Key": {"pk": s("tx-d")}}}
        self.client.transact_write_items(TransactItems=items)
        self.assertEqual(self.get("tx-a")["v"], s("new"))
        self.assertEqual(self.get("tx-c")["n"], {"N": "2"})

    def test_transact_write_validation(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": {"pk": s("same")}}},
                {"Delete": {"TableName": self.table, "Key": {"pk": s("same")}}}])
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Transaction request cannot include multiple operations on one item")
        with self.assertRaises(ClientError) as ctx:
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": "no-such-table", "Item": {"pk": s("x")}}}])
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")

    def test_client_request_token_idempotency(self):
        self.client.put_item(TableName=self.table, Item={"pk": s("idem"), "n": {"N": "0"}})
        token = str(uuid.uuid4())
        request = [{"Update": {"TableName": self.table, "Key": {"pk": s("idem")},
                               "UpdateExpression": "ADD n :one",
                               "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
        self.client.transact_write_items(TransactItems=request, ClientRequestToken=token)
        # The same token and the same request within 10 minutes succeed without a second write.
        self.client.transact_write_items(TransactItems=request, ClientRequestToken=token)
        self.assertEqual(self.get("idem")["n"], {"N": "1"})
        self.client.transact_write_items(TransactItems=request,
                                         ClientRequestToken=str(uuid.uuid4()))
        self.assertEqual(self.get("idem")["n"], {"N": "2"})
        request[0]["Update"]["ExpressionAttributeValues"][":one"] = {"N": "5"}
        with self.assertRaises(ClientError) as ctx:
            self.client.transact_write_items(TransactItems=request, ClientRequestToken=token)
        self.assertDdbError(ctx.exception, "IdempotentParameterMismatchException")
        self.assertEqual(self.get("idem")["n"], {"N": "2"})

    def test_transact_get_items(self):
        self.client.put_item(TableName=self.table, Item={"pk": s("tg1"), "a": s("1"),
                                                         "b": s("2")})
        self.client.put_item(TableName=self.other, Item={"id": {"N": "77"}, "c": s("3")})
        out = self.client.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.other, "Key": {"id": {"N": "77"}}}},
            {"Get": {"TableName": self.table, "Key": {"pk": s("missing")}}},
            {"Get": {"TableName": self.table, "Key": {"pk": s("tg1")},
                     "ProjectionExpression": "b"}}])
        self.assertEqual(out["Responses"], [
            {"Item": {"id": {"N": "77"}, "c": s("3")}}, {}, {"Item": {"b": s("2")}}])
        with self.assertRaises(ClientError) as ctx:
            self.client.transact_get_items(TransactItems=[
                {"Get": {"TableName": "no-such-table", "Key": {"pk": s("x")}}}])
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")

    # --- concurrency -----------------------------------------------------------------------

    def test_sixteen_racing_conditional_puts(self):
        for round_no in range(3):
            key = f"race-{round_no}"
            barrier = threading.Barrier(16)
            results = [None] * 16

            def worker(i):
                client = self.ddb()
                barrier.wait()
                try:
                    client.put_item(TableName=self.table,
                                    Item={"pk": s(key), "winner": {"N": str(i)}},
                                    ConditionExpression="attribute_not_exists(pk)")
                    results[i] = "ok"
                except ClientError as e:
                    results[i] = e.response["Error"]["Code"]

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(results.count("ok"), 1, results)
            self.assertEqual(results.count("ConditionalCheckFailedException"), 15, results)
            winner = int(self.get(key)["winner"]["N"])
            self.assertEqual(results[winner], "ok")

    def test_concurrent_counter_updates(self):
        self.client.put_item(TableName=self.table, Item={"pk": s("counter-race")})
        errors = []

        def worker():
            client = self.ddb()
            try:
                for _ in range(10):
                    client.update_item(TableName=self.table, Key={"pk": s("counter-race")},
                                       UpdateExpression="ADD hits :one",
                                       ExpressionAttributeValues={":one": {"N": "1"}})
            except ClientError as e:
                errors.append(e.response)

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.get("counter-race")["hits"], {"N": "160"})

    def test_transact_write_limit_100(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": {"pk": s(f"t100-{i}")}}}
                for i in range(101)])
        err = self.assertDdbError(ctx.exception, "ValidationException")
        self.assertIn("at 'transactItems' failed to satisfy constraint: Member must have length "
                      "less than or equal to 100", err["Message"])
        self.assertIsNone(self.get("t100-0"))
        self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": {"pk": s(f"t100-{i}")}}}
            for i in range(100)])
        self.assertIsNotNone(self.get("t100-99"))

    # --- Terraform S3 backend with dynamodb_table -------------------------------------------

    def test_terraform_lock_sequence(self):
        name = self.new_table(self.client, hash_key=("LockID", "S"), prefix="tflock")
        path = "my-state-bucket/env:/staging/network/terraform.tfstate"

        def lock_info(who):
            return json.dumps({
                "ID": str(uuid.uuid4()), "Operation": "OperationTypeApply", "Info": "",
                "Who": who, "Version": "1.9.8",
                "Created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "Path": path})

        def lock(info):
            return self.client.put_item(TableName=name, Item={"LockID": s(path), "Info": s(info)},
                                        ConditionExpression="attribute_not_exists(LockID)")

        def read_info():
            return self.client.get_item(TableName=name, Key={"LockID": s(path)},
                                        ProjectionExpression="LockID, Info", ConsistentRead=True)

        self.assertNotIn("Item", read_info())
        holder = lock_info("alice@ci")
        out = lock(holder)
        self.assertEqual({k: v for k, v in out.items() if k != "ResponseMetadata"}, {})

        with self.assertRaises(ClientError) as ctx:
            lock(lock_info("bob@ci"))
        self.assertDdbError(ctx.exception, "ConditionalCheckFailedException", CCF)
        self.assertEqual(read_info()["Item"], {"LockID": s(path), "Info": s(holder)})
        self.assertEqual(json.loads(read_info()["Item"]["Info"]["S"])["Who"], "alice@ci")

        state = b'{"version": 4, "serial": 1}'
        digest = hashlib.md5(state).hexdigest()
        self.client.put_item(TableName=name, Item={"LockID": s(path + "-md5"),
                                                   "Digest": s(digest)})
        got = self.client.get_item(TableName=name, Key={"LockID": s(path + "-md5")},
                                   ProjectionExpression="LockID, Digest", ConsistentRead=True)
        self.assertEqual(got["Item"], {"LockID": s(path + "-md5"), "Digest": s(digest)})
        self.assertRegex(got["Item"]["Digest"]["S"], r"^[0-9a-f]{32}$")

        out = self.client.delete_item(TableName=name, Key={"LockID": s(path)})
        self.assertEqual({k: v for k, v in out.items() if k != "ResponseMetadata"}, {})
        self.assertNotIn("Item", read_info())
        lock(lock_info("bob@ci"))
        self.assertEqual(json.loads(read_info()["Item"]["Info"]["S"])["Who"], "bob@ci")
        # The digest item survives the lock churn; workspace delete removes it.
        self.client.delete_item(TableName=name, Key={"LockID": s(path + "-md5")})
        self.assertEqual(self.client.scan(TableName=name, Select="COUNT")["Count"], 1)

    def test_terraform_lock_raw_wire(self):
        # The Go SDK's exact bodies and the error it parses (__type after '#', "message").
        name = self.new_table(self.client, hash_key=("LockID", "S"), prefix="tfraw")
        body = {"TableName": name, "Item": {"LockID": s("b/k"), "Info": s("{}")},
                "ConditionExpression": "attribute_not_exists(LockID)"}
        first = self.raw_ddb("PutItem", body)
        self.assertEqual((first.status, json.loads(first.body)), (200, {}), first.describe())
        self.assertCrc32(first)
        second = self.raw_ddb("PutItem", body)
        doc = self.assertRawError(
            second, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", CCF)
        self.assertEqual(set(doc), {"__type", "message"})
        got = self.raw_ddb("GetItem", {"TableName": name, "Key": {"LockID": s("nope")},
                                       "ProjectionExpression": "LockID, Info",
                                       "ConsistentRead": True})
        self.assertEqual((got.status, json.loads(got.body)), (200, {}), got.describe())
        gone = self.raw_ddb("DeleteItem", {"TableName": name, "Key": {"LockID": s("b/k")}})
        self.assertEqual((gone.status, json.loads(gone.body)), (200, {}), gone.describe())


if __name__ == "__main__":
    unittest.main()

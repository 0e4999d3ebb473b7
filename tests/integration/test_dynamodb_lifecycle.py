"""DynamoDB table lifecycle and TTL expiry against a server started with short timings:
--table-transition-ms makes CREATING/UPDATING/DELETING last long enough to observe (and for
waiters to poll), --ttl-period-ms makes the TTL reaper run often enough to watch items expire."""

import subprocess
import time
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h
from test_dynamodb_protocol import DynamoTestCase

TRANSITION_MS = 1500
WAITER = {"Delay": 1, "MaxAttempts": 20}


def s(value):
    return {"S": value}


class TableTransitionTest(DynamoTestCase):
    server_args = ("--table-transition-ms", str(TRANSITION_MS))

    def status(self, client, name):
        return client.describe_table(TableName=name)["Table"]["TableStatus"]

    def create(self, client, name):
        return client.create_table(
            TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")["TableDescription"]

    def test_create_is_creating_then_active_and_waiter_succeeds(self):
        client = self.ddb()
        name = h.unique_name("life")
        started = time.monotonic()
        self.assertEqual(self.create(client, name)["TableStatus"], "CREATING")
        self.assertEqual(self.status(client, name), "CREATING")
        # A table that is still being created takes no items, as in DynamoDB.
        with self.assertRaises(ClientError) as ctx:
            client.put_item(TableName=name, Item={"pk": s("a")})
        self.assertDdbError(ctx.exception, "ResourceNotFoundException",
                            "Requested resource not found")
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAITER)
        self.assertGreaterEqual(time.monotonic() - started, TRANSITION_MS / 1000 - 0.2)
        self.assertEqual(self.status(client, name), "ACTIVE")
        client.put_item(TableName=name, Item={"pk": s("a")})
        self.assertEqual(client.get_item(TableName=name, Key={"pk": s("a")})["Item"],
                         {"pk": s("a")})

    def test_cli_wait_table_exists_and_not_exists(self):
        client = self.ddb()
        name = h.unique_name("life-cli")
        self.create(client, name)
        proc = self.aws("dynamodb", "wait", "table-exists", "--table-name", name, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        self.assertEqual(self.status(client, name), "ACTIVE")
        client.delete_table(TableName=name)
        self.assertEqual(self.status(client, name), "DELETING")
        proc = self.aws("dynamodb", "wait", "table-not-exists", "--table-name", name,
                        timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        with self.assertRaises(ClientError) as ctx:
            client.describe_table(TableName=name)
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")

    def test_delete_is_deleting_then_not_found(self):
        client = self.ddb()
        name = h.unique_name("life-del")
        self.create(client, name)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAITER)
        client.put_item(TableName=name, Item={"pk": s("a")})
        deleted = client.delete_table(TableName=name)["TableDescription"]
        self.assertEqual(deleted["TableStatus"], "DELETING")
        self.assertEqual(self.status(client, name), "DELETING")
        self.assertIn(name, client.list_tables()["TableNames"])
        # Deleting again while DELETING is answered with the description, not an error.
        self.assertEqual(client.delete_table(TableName=name)["TableDescription"]["TableStatus"],
                         "DELETING")
        with self.assertRaises(ClientError) as ctx:
            client.get_item(TableName=name, Key={"pk": s("a")})
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")
        client.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig=WAITER)
        with self.assertRaises(ClientError) as ctx:
            client.describe_table(TableName=name)
        self.assertDdbError(ctx.exception, "ResourceNotFoundException",
                            f"Requested resource not found: Table: {name} not found")
        self.assertNotIn(name, client.list_tables()["TableNames"])
        # The name is free again; the new table starts empty.
        self.assertEqual(self.create(client, name)["TableStatus"], "CREATING")
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAITER)
        self.assertEqual(client.scan(TableName=name)["Count"], 0)

    def test_busy_table_refuses_changes(self):
        client = self.ddb()
        name = h.unique_name("life-busy")
        self.create(client, name)
        with self.assertRaises(ClientError) as ctx:
            client.delete_table(TableName=name)
        self.assertDdbError(
            ctx.exception, "ResourceInUseException",
            f"Attempt to change a resource which is still in use: Table is being created: {name}")
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAITER)

    def test_update_billing_mode_is_updating_then_active(self):
        client = self.ddb()
        name = h.unique_name("life-upd")
        self.create(client, name)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAITER)
        updated = client.update_table(
            TableName=name, BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        self.assertEqual(updated["TableDescription"]["TableStatus"], "UPDATING")
        self.assertEqual(self.status(client, name), "UPDATING")
        # Items are served while UPDATING; a second UpdateTable is not.
        client.put_item(TableName=name, Item={"pk": s("during")})
        with self.assertRaises(ClientError) as ctx:
            client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
        self.assertDdbError(
            ctx.exception, "ResourceInUseException",
            f"Attempt to change a resource which is still in use: Table is being updated: {name}")
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAITER)
        table = client.describe_table(TableName=name)["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 5)


class TtlExpiryTest(DynamoTestCase):
    server_args = ("--ttl-period-ms", "200")

    def test_expired_items_disappear_others_stay(self):
        client = self.ddb()
        name = self.new_table()
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        now = int(time.time())
        items = {
            "past": {"pk": s("past"), "exp": {"N": str(now - 60)}},
            "future": {"pk": s("future"), "exp": {"N": str(now + 3600)}},
            "none": {"pk": s("none")},
            "text": {"pk": s("text"), "exp": s(str(now - 60))},
        }
        for item in items.values():
            client.put_item(TableName=name, Item=item)
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            if "Item" not in client.get_item(TableName=name, Key={"pk": s("past")},
                                             ConsistentRead=True):
                break
            time.sleep(0.1)
        else:
            self.fail("the expired item was still there after 2.5 s")
        # Two more reaper periods: the rest must survive them.
        time.sleep(0.5)
        left = sorted(i["pk"]["S"] for i in
                      client.scan(TableName=name, ConsistentRead=True)["Items"])
        self.assertEqual(left, ["future", "none", "text"])


class FlagsDocumentedTest(unittest.TestCase):
    def test_help_mentions_both_flags(self):
        proc = subprocess.run([h.SKIFF_BIN, "--help"], capture_output=True, timeout=10)
        text = (proc.stdout + proc.stderr).decode()
        self.assertEqual(proc.returncode, 0, text)
        self.assertIn("--table-transition-ms", text)
        self.assertIn("SKIFF_TABLE_TRANSITION_MS", text)
        self.assertIn("--ttl-period-ms", text)
        self.assertIn("SKIFF_TTL_PERIOD_MS", text)


if __name__ == "__main__":
    unittest.main()

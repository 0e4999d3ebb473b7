"""DynamoDB table control plane through boto3: CreateTable (GSI/LSI), DescribeTable's shape,
ListTables pagination, UpdateTable, DeleteTable, deletion protection, TTL, tags and
DescribeContinuousBackups."""

import datetime
import time
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h
from test_dynamodb_protocol import DynamoTestCase, table_not_found

UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def arn(name, region=h.DEFAULT_REGION):
    return f"arn:aws:dynamodb:{region}:{h.ACCOUNT_ID}:table/{name}"


class DynamoTablesTest(DynamoTestCase):

    def create_indexed(self, client, name):
        return client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "gpk", "AttributeType": "S"},
                {"AttributeName": "lsk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "by_gpk",
                "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["extra"]}}],
            LocalSecondaryIndexes=[{
                "IndexName": "by_lsk",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "lsk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}])

    def test_create_and_describe_shape(self):
        client = self.ddb()
        name = h.unique_name("idx")
        created = self.create_indexed(client, name)["TableDescription"]
        self.assertEqual(created["TableName"], name)
        self.assertIn(created["TableStatus"], ("CREATING", "ACTIVE"))
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        t = client.describe_table(TableName=name)["Table"]
        self.assertEqual(t["TableName"], name)
        self.assertEqual(t["TableArn"], arn(name))
        self.assertRegex(t["TableId"], UUID_RE)
        self.assertEqual(t["TableId"], created["TableId"])
        self.assertEqual(t["TableStatus"], "ACTIVE")
        self.assertEqual(t["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertCountEqual(t["AttributeDefinitions"], [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "gpk", "AttributeType": "S"},
            {"AttributeName": "lsk", "AttributeType": "S"}])
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertIsInstance(t["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"],
                              datetime.datetime)
        self.assertEqual(t["ProvisionedThroughput"], {
            "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
        self.assertIsInstance(t["CreationDateTime"], datetime.datetime)
        self.assertEqual(t["ItemCount"], 0)
        self.assertEqual(t["TableSizeBytes"], 0)
        self.assertFalse(t.get("DeletionProtectionEnabled", False))

        (gsi,) = t["GlobalSecondaryIndexes"]
        self.assertEqual(gsi["IndexName"], "by_gpk")
        self.assertEqual(gsi["IndexArn"], arn(name) + "/index/by_gpk")
        self.assertEqual(gsi["IndexStatus"], "ACTIVE")
        self.assertEqual(gsi["KeySchema"], [{"AttributeName": "gpk", "KeyType": "HASH"}])
        self.assertEqual(gsi["Projection"], {"ProjectionType": "INCLUDE",
                                             "NonKeyAttributes": ["extra"]})
        self.assertEqual(gsi["ItemCount"], 0)
        (lsi,) = t["LocalSecondaryIndexes"]
        self.assertEqual(lsi["IndexName"], "by_lsk")
        self.assertEqual(lsi["IndexArn"], arn(name) + "/index/by_lsk")
        self.assertEqual(lsi["Projection"], {"ProjectionType": "KEYS_ONLY"})
        self.assertNotIn("IndexStatus", lsi)

    def test_item_count_after_puts(self):
        # AWS refreshes ItemCount/TableSizeBytes about every six hours; the value it converges
        # to is the number of items, which is what an emulator can report at once.
        client = self.ddb()
        name = self.new_table(client)
        for i in range(3):
            client.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "v": {"S": "x" * 10}})
        client.delete_item(TableName=name, Key={"pk": {"S": "k0"}})
        t = client.describe_table(TableName=name)["Table"]
        self.assertEqual(t["ItemCount"], 2)
        self.assertGreater(t["TableSizeBytes"], 0)

    def test_provisioned_table(self):
        client = self.ddb()
        name = self.new_table(client, BillingMode="PROVISIONED", ProvisionedThroughput={
            "ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
        t = client.describe_table(TableName=name)["Table"]
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.assertEqual(t["ProvisionedThroughput"]["WriteCapacityUnits"], 7)
        self.assertEqual(t.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"),
                         "PROVISIONED")

    def test_duplicate_create_is_resource_in_use(self):
        client = self.ddb()
        name = self.new_table(client)
        with self.assertRaises(ClientError) as ctx:
            client.create_table(
                TableName=name, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        self.assertDdbError(ctx.exception, "ResourceInUseException",
                            f"Table already exists: {name}")

    def test_create_validation(self):
        client = self.ddb()
        with self.assertRaises(ClientError) as ctx:
            client.create_table(
                TableName=h.unique_name("bad"), BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}])
        self.assertDdbError(ctx.exception, "ValidationException")
        with self.assertRaises(ClientError) as ctx:
            client.create_table(
                TableName=h.unique_name("bad"),
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        self.assertDdbError(
            ctx.exception, "ValidationException",
            "One or more parameter values were invalid: ReadCapacityUnits and "
            "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")

    def test_list_tables_pagination(self):
        client = self.ddb("ca-central-1")
        names = sorted(self.new_table(client, prefix="list") for _ in range(5))
        seen, start, pages = [], None, 0
        while True:
            kwargs = {"Limit": 2}
            if start:
                kwargs["ExclusiveStartTableName"] = start
            page = client.list_tables(**kwargs)
            pages += 1
            self.assertLessEqual(len(page["TableNames"]), 2)
            seen += page["TableNames"]
            start = page.get("LastEvaluatedTableName")
            if not start:
                break
            self.assertEqual(start, page["TableNames"][-1])
            self.assertLess(pages, 10)
        self.assertEqual(seen, names)
        self.assertEqual(pages, 3)
        # A start name that is not a table still lists what sorts after it.
        page = client.list_tables(ExclusiveStartTableName=names[2] + "0")
        self.assertEqual(page["TableNames"], names[3:])
        paginated = [n for p in client.get_paginator("list_tables").paginate(
            PaginationConfig={"PageSize": 1}) for n in p["TableNames"]]
        self.assertEqual(paginated, names)

    def test_update_table(self):
        client = self.ddb()
        name = self.new_table(client)
        out = client.update_table(TableName=name, BillingMode="PROVISIONED",
                                  ProvisionedThroughput={"ReadCapacityUnits": 3,
                                                         "WriteCapacityUnits": 4})
        self.assertEqual(out["TableDescription"]["TableName"], name)
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        t = client.describe_table(TableName=name)["Table"]
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 3)
        self.assertEqual(t["ProvisionedThroughput"]["WriteCapacityUnits"], 4)

        client.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "G"}})
        client.update_table(
            TableName=name, AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}])
        for _ in range(30):
            t = client.describe_table(TableName=name)["Table"]
            if t["TableStatus"] == "ACTIVE" and all(
                    g["IndexStatus"] == "ACTIVE" for g in t.get("GlobalSecondaryIndexes", [])):
                break
            time.sleep(1)
        self.assertEqual([g["IndexName"] for g in t["GlobalSecondaryIndexes"]], ["by_g"])
        got = client.query(TableName=name, IndexName="by_g", KeyConditionExpression="g = :g",
                           ExpressionAttributeValues={":g": {"S": "G"}})
        self.assertEqual(got["Items"], [{"pk": {"S": "a"}, "g": {"S": "G"}}])

    def test_update_missing_table(self):
        with self.assertRaises(ClientError) as ctx:
            self.ddb().update_table(TableName="no-such-table", BillingMode="PAY_PER_REQUEST")
        self.assertDdbError(ctx.exception, "ResourceNotFoundException",
                            table_not_found("no-such-table"))

    def test_delete_table(self):
        client = self.ddb()
        name = self.new_table(client)
        out = client.delete_table(TableName=name)["TableDescription"]
        self.assertEqual(out["TableName"], name)
        self.assertEqual(out["TableStatus"], "DELETING")
        client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        with self.assertRaises(ClientError) as ctx:
            client.describe_table(TableName=name)
        self.assertDdbError(ctx.exception, "ResourceNotFoundException", table_not_found(name))
        self.assertNotIn(name, client.list_tables()["TableNames"])
        with self.assertRaises(ClientError) as ctx:
            client.delete_table(TableName=name)
        self.assertDdbError(ctx.exception, "ResourceNotFoundException", table_not_found(name))

    def test_deletion_protection(self):
        client = self.ddb()
        name = self.new_table(client, DeletionProtectionEnabled=True)
        self.assertTrue(client.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"])
        with self.assertRaises(ClientError) as ctx:
            client.delete_table(TableName=name)
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Resource cannot be deleted as it is currently protected against "
                            "deletion. Disable deletion protection first.")
        self.assertEqual(client.describe_table(TableName=name)["Table"]["TableStatus"], "ACTIVE")
        client.update_table(TableName=name, DeletionProtectionEnabled=False)
        self.assertFalse(
            client.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"])
        client.delete_table(TableName=name)

    def test_time_to_live(self):
        client = self.ddb()
        name = self.new_table(client)
        self.assertEqual(client.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "DISABLED"})
        out = client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.assertEqual(out["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "exp"})
        desc = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        self.assertEqual(desc["AttributeName"], "exp")
        self.assertIn(desc["TimeToLiveStatus"], ("ENABLING", "ENABLED"))
        with self.assertRaises(ClientError) as ctx:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        self.assertDdbError(ctx.exception, "ValidationException", "TimeToLive is already enabled")
        with self.assertRaises(ClientError) as ctx:
            client.describe_time_to_live(TableName="no-such-table")
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")

    def test_tags(self):
        client = self.ddb()
        name = self.new_table(client, Tags=[{"Key": "team", "Value": "core"}])
        table_arn = arn(name)
        self.assertEqual(client.list_tags_of_resource(ResourceArn=table_arn)["Tags"],
                         [{"Key": "team", "Value": "core"}])
        client.tag_resource(ResourceArn=table_arn, Tags=[{"Key": "env", "Value": "ci"},
                                                         {"Key": "team", "Value": "infra"}])
        tags = client.list_tags_of_resource(ResourceArn=table_arn)["Tags"]
        self.assertEqual({t["Key"]: t["Value"] for t in tags}, {"env": "ci", "team": "infra"})
        self.assertEqual(len(tags), 2)
        client.untag_resource(ResourceArn=table_arn, TagKeys=["team"])
        self.assertEqual(client.list_tags_of_resource(ResourceArn=table_arn)["Tags"],
                         [{"Key": "env", "Value": "ci"}])
        with self.assertRaises(ClientError) as ctx:
            client.list_tags_of_resource(ResourceArn=arn("no-such-table"))
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")

    def test_describe_continuous_backups(self):
        client = self.ddb()
        name = self.new_table(client)
        out = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        self.assertEqual(out["ContinuousBackupsStatus"], "ENABLED")
        self.assertEqual(out["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
                         "DISABLED")
        with self.assertRaises(ClientError) as ctx:
            client.describe_continuous_backups(TableName="no-such-table")
        self.assertDdbError(ctx.exception, "TableNotFoundException")

    def test_resource_api_create_and_wait(self):
        resource = self.ddb_resource()
        name = h.unique_name("res")
        table = resource.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        table.wait_until_exists()
        table.reload()
        self.assertEqual(table.table_status, "ACTIVE")
        self.assertEqual(table.key_schema, [{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertEqual(table.table_arn, arn(name))
        self.assertIn(name, [t.name for t in resource.tables.all()])
        table.delete()
        table.wait_until_not_exists()


if __name__ == "__main__":
    unittest.main()

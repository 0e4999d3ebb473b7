"""The AWS CLI v1 against skiff's DynamoDB: create-table, wait table-exists, put-item, get-item,
query, scan, delete-item, and how service errors reach the user."""

import json
import re
import unittest

import skiff_harness as h
from test_dynamodb_protocol import DynamoTestCase


class DynamoCliTest(DynamoTestCase):

    def cli(self, *args, region=h.DEFAULT_REGION, **kwargs):
        proc = self.aws("dynamodb", *args, region=region, **kwargs)
        return proc

    def cli_json(self, *args, **kwargs):
        proc = self.cli(*args, "--output", "json", **kwargs)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        out = proc.stdout.decode()
        return json.loads(out) if out.strip() else {}

    def test_cli_table_and_item_lifecycle(self):
        name = h.unique_name("cli")
        created = self.cli_json(
            "create-table", "--table-name", name,
            "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "AttributeName=sk,AttributeType=N",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
            "--billing-mode", "PAY_PER_REQUEST")
        self.assertEqual(created["TableDescription"]["TableName"], name)
        self.assertEqual(created["TableDescription"]["TableArn"],
                         f"arn:aws:dynamodb:us-east-1:{h.ACCOUNT_ID}:table/{name}")
        proc = self.cli("wait", "table-exists", "--table-name", name, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        desc = self.cli_json("describe-table", "--table-name", name)["Table"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")

        for sk, color in ((1, "red"), (2, "green"), (3, "blue")):
            item = {"pk": {"S": "p"}, "sk": {"N": str(sk)}, "color": {"S": color}}
            out = self.cli_json("put-item", "--table-name", name, "--item", json.dumps(item),
                                "--return-consumed-capacity", "TOTAL")
            self.assertEqual(out["ConsumedCapacity"]["TableName"], name)
            self.assertEqual(out["ConsumedCapacity"]["CapacityUnits"], 1.0)

        got = self.cli_json("get-item", "--table-name", name, "--key",
                            '{"pk": {"S": "p"}, "sk": {"N": "2"}}')
        self.assertEqual(got["Item"], {"pk": {"S": "p"}, "sk": {"N": "2"},
                                       "color": {"S": "green"}})
        missing = self.cli_json("get-item", "--table-name", name, "--key",
                                '{"pk": {"S": "p"}, "sk": {"N": "9"}}')
        self.assertEqual(missing, {})

        q = self.cli_json("query", "--table-name", name,
                          "--key-condition-expression", "pk = :p AND sk >= :two",
                          "--expression-attribute-values",
                          '{":p": {"S": "p"}, ":two": {"N": "2"}}', "--no-scan-index-forward")
        self.assertEqual([it["sk"]["N"] for it in q["Items"]], ["3", "2"])
        self.assertEqual(q["Count"], 2)
        # The CLI's own paginator follows LastEvaluatedKey with --page-size.
        q = self.cli_json("query", "--table-name", name, "--key-condition-expression", "pk = :p",
                          "--expression-attribute-values", '{":p": {"S": "p"}}',
                          "--page-size", "1")
        self.assertEqual([it["sk"]["N"] for it in q["Items"]], ["1", "2", "3"])

        sc = self.cli_json("scan", "--table-name", name, "--filter-expression", "color <> :r",
                           "--expression-attribute-values", '{":r": {"S": "red"}}')
        self.assertCountEqual([it["color"]["S"] for it in sc["Items"]], ["green", "blue"])
        self.assertEqual(sc["ScannedCount"], 3)

        old = self.cli_json("delete-item", "--table-name", name, "--key",
                            '{"pk": {"S": "p"}, "sk": {"N": "1"}}', "--return-values", "ALL_OLD")
        self.assertEqual(old["Attributes"]["color"], {"S": "red"})
        sc = self.cli_json("scan", "--table-name", name, "--select", "COUNT")
        self.assertEqual(sc["Count"], 2)

        self.cli_json("delete-table", "--table-name", name)
        proc = self.cli("wait", "table-not-exists", "--table-name", name, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def assertCliError(self, proc, code, operation, message_start):
        self.assertEqual(proc.returncode, 255, proc)
        # The CLI's own words around the service's code and message.
        self.assertRegex(proc.stderr.decode(errors="replace"),
                         rf"An error occurred \({code}\) when calling the {operation} operation"
                         rf"( \(reached max retries: 0\))?: {re.escape(message_start)}")

    def test_cli_errors(self):
        proc = self.cli("get-item", "--table-name", "no-such-table", "--key",
                        '{"pk": {"S": "x"}}')
        self.assertCliError(proc, "ResourceNotFoundException", "GetItem",
                            "Requested resource not found")

        name = self.new_table()
        self.cli_json("put-item", "--table-name", name, "--item", '{"pk": {"S": "a"}}')
        proc = self.cli("put-item", "--table-name", name, "--item", '{"pk": {"S": "a"}}',
                        "--condition-expression", "attribute_not_exists(pk)")
        self.assertCliError(proc, "ConditionalCheckFailedException", "PutItem",
                            "The conditional request failed")

        proc = self.cli("list-tables", secret_key="wrong")
        self.assertCliError(proc, "InvalidSignatureException", "ListTables",
                            "The request signature we calculated does not match")

        proc = self.cli("describe-table", "--table-name", name, region="eu-west-1")
        self.assertCliError(proc, "ResourceNotFoundException", "DescribeTable",
                            f"Requested resource not found: Table: {name} not found")


if __name__ == "__main__":
    unittest.main()

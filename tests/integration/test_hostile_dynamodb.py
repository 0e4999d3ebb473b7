"""Hostile DynamoDB input through hand-signed requests: malformed and deeply nested JSON,
invalid UTF-8 in keys and attribute names, deeply nested and huge expressions, items over
400 KB, requests over the limits. Each gets DynamoDB's error, the server keeps running, and no
item is written."""

import base64
import json

from test_dynamodb_protocol import DynamoTestCase

SERIALIZATION = "com.amazon.coral.service#SerializationException"
VALIDATION = "com.amazon.coral.validate#ValidationException"


class HostileDynamoTest(DynamoTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.new_table(cls, cls.ddb(cls), prefix="hostile")

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), self.server.stderr_text())
        # Nothing any test sent was written.
        items = self.ddb().scan(TableName=self.table, ConsistentRead=True)["Items"]
        self.assertEqual([i for i in items if i["pk"]["S"] != "keep"], [])

    def put_raw(self, body):
        return self.raw_ddb("PutItem", body)

    def error_type(self, resp):
        self.assertEqual(resp.status, 400, resp.describe())
        return json.loads(resp.body)["__type"]

    def test_malformed_json(self):
        for body in (b'{"TableName": "' + self.table.encode() + b'", "Item": {',
                     b"[1, 2, 3]", b"null", b"\"just a string\"", b"{\"TableName\": }",
                     b"{} trailing", b"\x00\x01\x02", b"{\"a\": 1e99999}"):
            with self.subTest(body=body[:40]):
                resp = self.put_raw(body)
                self.assertIn(self.error_type(resp), (SERIALIZATION, VALIDATION), resp.describe())
                if not body.startswith(b"{\"a\""):
                    self.assertRawError(resp, SERIALIZATION)

    def test_deeply_nested_json_does_not_crash(self):
        for depth in (10_000, 1_000_000):
            with self.subTest(depth=depth):
                body = (b'{"TableName":"' + self.table.encode() + b'","Item":' + b"[" * depth +
                        b"]" * depth + b"}")
                self.assertRawError(self.put_raw(body), SERIALIZATION)
                body = (b'{"TableName":"' + self.table.encode() + b'","Item":{"pk":{"S":"d"},'
                        b'"x":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}}")
                self.assertEqual(self.put_raw(body).status, 400)

    def test_deeply_nested_attribute_values(self):
        value = {"S": "leaf"}
        for _ in range(40):
            value = {"M": {"a": value}}
        resp = self.put_raw({"TableName": self.table, "Item": {"pk": {"S": "nest"}, "v": value}})
        doc = self.assertRawError(resp, VALIDATION)
        self.assertIn("Nesting Levels have exceeded supported limits", doc["message"])
        value = {"S": "leaf"}
        for _ in range(40):
            value = {"L": [value]}
        resp = self.put_raw({"TableName": self.table, "Item": {"pk": {"S": "nest"}, "v": value}})
        self.assertRawError(resp, VALIDATION)

    def test_invalid_utf8_in_keys_and_attribute_names(self):
        table = self.table.encode()
        for body in (b'{"TableName":"' + table + b'","Item":{"pk":{"S":"a\xff\xfe"}}}',
                     b'{"TableName":"' + table + b'","Item":{"pk":{"S":"ok"},"\xc0\xaf":{"S":"v"}}}',
                     b'{"TableName":"' + table + b'","Item":{"pk":{"S":"\xed\xa0\x80"}}}',
                     b'{"TableName":"' + table + b'","Item":{"pk":{"S":"\\ud800"}}}'):
            with self.subTest(body=body[-30:]):
                self.assertRawError(self.put_raw(body), SERIALIZATION)
        # The same characters, validly encoded, are ordinary.
        self.ddb().put_item(TableName=self.table, Item={"pk": {"S": "keep"},
                                                        "\u00e9\u2603": {"S": "\U0001F600"}})
        item = self.ddb().get_item(TableName=self.table, Key={"pk": {"S": "keep"}})["Item"]
        self.assertEqual(item["\u00e9\u2603"], {"S": "\U0001F600"})
        self.ddb().delete_item(TableName=self.table, Key={"pk": {"S": "keep"}})

    def test_deeply_nested_and_huge_expressions(self):
        cases = {
            "parentheses": "(" * 2000 + "attribute_not_exists(pk)" + ")" * 2000,
            "not-chain": "NOT " * 1000 + "attribute_not_exists(pk)",
            "and-chain": " AND ".join(["attribute_not_exists(pk)"] * 30_000),
            "long-path": "attribute_exists(a" + ".b" * 3000 + ")",
            "deep-index": "attribute_exists(a" + "[0]" * 3000 + ")",
        }
        for name, expression in cases.items():
            with self.subTest(name):
                resp = self.put_raw({"TableName": self.table, "Item": {"pk": {"S": name}},
                                     "ConditionExpression": expression})
                doc = self.assertRawError(resp, VALIDATION)
                self.assertIn("Invalid ConditionExpression", doc["message"])
        resp = self.raw_ddb("UpdateItem", {
            "TableName": self.table, "Key": {"pk": {"S": "upd"}},
            "UpdateExpression": "SET " + ", ".join(f"a{i} = :v" for i in range(2000)),
            "ExpressionAttributeValues": {":v": {"N": "1"}}})
        self.assertRawError(resp, VALIDATION)

    def test_item_over_400_kb(self):
        resp = self.put_raw({"TableName": self.table,
                             "Item": {"pk": {"S": "big"}, "v": {"S": "x" * (400 * 1024)}}})
        doc = self.assertRawError(resp, VALIDATION)
        self.assertEqual(doc["message"], "Item size has exceeded the maximum allowed size")
        resp = self.raw_ddb("UpdateItem", {
            "TableName": self.table, "Key": {"pk": {"S": "big"}},
            "UpdateExpression": "SET v = :v",
            "ExpressionAttributeValues": {":v": {"B": base64.b64encode(b"x" * 410_000).decode()}}})
        self.assertRawError(resp, VALIDATION)

    def test_requests_over_the_limits(self):
        many = [{"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(26)]
        resp = self.raw_ddb("BatchWriteItem", {"RequestItems": {self.table: many}})
        self.assertRawError(resp, VALIDATION)
        transact = [{"Put": {"TableName": self.table, "Item": {"pk": {"S": f"t{i}"}}}}
                    for i in range(101)]
        resp = self.raw_ddb("TransactWriteItems", {"TransactItems": transact})
        self.assertRawError(resp, VALIDATION)
        keys = [{"pk": {"S": f"g{i}"}} for i in range(101)]
        resp = self.raw_ddb("BatchGetItem", {"RequestItems": {self.table: {"Keys": keys}}})
        self.assertRawError(resp, VALIDATION)
        # A body over DynamoDB's 16 MB request limit.
        resp = self.put_raw({"TableName": self.table,
                             "Item": {"pk": {"S": "huge"}, "v": {"S": "x" * (17 * 1024 * 1024)}}})
        self.assertEqual(resp.status // 100, 4, resp.describe())


if __name__ == "__main__":
    import unittest
    unittest.main()

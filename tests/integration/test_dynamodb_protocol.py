"""DynamoDB JSON 1.0 protocol against a fresh skiff: targets, serialization errors, headers
(x-amzn-RequestId, x-amz-crc32), error __type shapes, SigV4 failures and per-region tables.

Also holds DynamoTestCase, the base the other test_dynamodb_*.py modules share (the harness is
owned elsewhere and only knows S3)."""

import json
import threading
import unittest
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import skiff_harness as h

TARGET_PREFIX = "DynamoDB_20120810."
JSON_10 = "application/x-amz-json-1.0"
DDB_NS = "com.amazonaws.dynamodb.v20120810"
NOT_FOUND = "Requested resource not found"


def table_not_found(name):
    return f"Requested resource not found: Table: {name} not found"


class DynamoTestCase(h.SkiffTestCase):
    """SkiffTestCase plus DynamoDB clients (no retries: every answer is the server's first)."""

    def ddb(self, region=h.DEFAULT_REGION, access_key=h.ACCESS_KEY, secret_key=h.SECRET_KEY):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                            config=Config(retries={"total_max_attempts": 1}))

    def ddb_resource(self, region=h.DEFAULT_REGION):
        return boto3.resource("dynamodb", endpoint_url=self.endpoint, region_name=region,
                              aws_access_key_id=h.ACCESS_KEY,
                              aws_secret_access_key=h.SECRET_KEY,
                              config=Config(retries={"total_max_attempts": 1}))

    def new_table(self, client=None, hash_key=("pk", "S"), range_key=None, prefix="t",
                  extra_attributes=(), **kwargs):
        """Creates an on-demand table and returns its name. kwargs go to CreateTable."""
        client = client or self.ddb()
        name = h.unique_name(prefix)
        attrs = {hash_key[0]: hash_key[1]}
        schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        if range_key:
            attrs[range_key[0]] = range_key[1]
            schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        for attr_name, attr_type in extra_attributes:
            attrs[attr_name] = attr_type
        kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
        client.create_table(
            TableName=name, KeySchema=schema,
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                                  for n, t in attrs.items()], **kwargs)
        return name

    def raw_ddb(self, operation, body, region=h.DEFAULT_REGION, access_key=h.ACCESS_KEY,
                secret_key=h.SECRET_KEY, target=None, content_type=JSON_10, sign=True):
        """Sends one hand-signed DynamoDB request; `body` is a dict (JSON-encoded) or bytes."""
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        headers = {"Host": f"{self.server.host}:{self.server.port}",
                   "Content-Type": content_type,
                   "X-Amz-Target": target or TARGET_PREFIX + operation,
                   "Content-Length": str(len(body))}
        if sign:
            h.sign_headers("POST", "/", "", headers, h.hashlib.sha256(body).hexdigest(), region,
                           access_key, secret_key, service="dynamodb", send_content_sha256=False)
        return h.raw_exchange(self.server.host, self.server.port,
                              h.build_request_bytes("POST", "/", "", headers, body), "POST")

    def assertDdbError(self, ctx_exception, code, message=None, status=400):
        return self.assertClientError(ctx_exception, code, status, message)

    def assertRawError(self, resp, type_name, message=None, status=400):
        """A raw JSON 1.0 error: status, request id, CRC32 and the exact __type."""
        self.assertEqual(resp.status, status, resp.describe())
        self.assertTrue(resp.headers.get("x-amzn-requestid"), resp.describe())
        self.assertCrc32(resp)
        doc = json.loads(resp.body)
        self.assertEqual(doc.get("__type"), type_name, resp.describe())
        if message is not None:
            self.assertEqual(doc.get("message", doc.get("Message")), message, resp.describe())
        return doc

    def assertCrc32(self, resp):
        self.assertIn("x-amz-crc32", resp.headers, resp.describe())
        self.assertEqual(resp.headers["x-amz-crc32"], str(zlib.crc32(resp.body) & 0xFFFFFFFF),
                         resp.describe())


class DynamoProtocolTest(DynamoTestCase):

    def test_success_headers_and_crc32(self):
        resp = self.raw_ddb("ListTables", {}, region="sa-east-1")  # no test makes tables there
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("content-type"), JSON_10, resp.describe())
        self.assertRegex(resp.headers.get("x-amzn-requestid", ""), r"^[A-Za-z0-9-]{20,}$")
        self.assertCrc32(resp)
        self.assertEqual(json.loads(resp.body), {"TableNames": []})

    def test_request_ids_are_unique(self):
        ids = {self.raw_ddb("ListTables", {}).headers.get("x-amzn-requestid") for _ in range(5)}
        self.assertEqual(len(ids), 5, ids)

    def test_unknown_operation(self):
        resp = self.raw_ddb(None, {}, target="DynamoDB_20120810.DescribeTablez")
        doc = self.assertRawError(resp, "com.amazon.coral.service#UnknownOperationException")
        self.assertEqual(set(doc) - {"message", "Message"}, {"__type"})

    def test_malformed_json_is_serialization_exception(self):
        for body in (b"{not json", b'{"TableName": "x"', b"[1, 2]"):
            with self.subTest(body=body):
                resp = self.raw_ddb("DescribeTable", body)
                self.assertRawError(resp, "com.amazon.coral.service#SerializationException")

    def test_wrong_member_type_is_serialization_exception(self):
        resp = self.raw_ddb("DescribeTable", {"TableName": 5})
        self.assertRawError(resp, "com.amazon.coral.service#SerializationException")

    def test_resource_not_found_shape(self):
        resp = self.raw_ddb("DescribeTable", {"TableName": "no-such-table"})
        doc = self.assertRawError(resp, f"{DDB_NS}#ResourceNotFoundException",
                                  table_not_found("no-such-table"))
        self.assertEqual(set(doc), {"__type", "message"})

    def test_validation_error_shape(self):
        resp = self.raw_ddb("DescribeTable", {})
        doc = self.assertRawError(resp, "com.amazon.coral.validate#ValidationException")
        # "1 validation error detected: Value null at 'tableName' ..." in older DynamoDB,
        # "The parameter 'TableName' is required ..." now.
        self.assertIn("tablename", doc.get("message", "").lower())

    def test_missing_table_for_item_operations(self):
        with self.assertRaises(ClientError) as ctx:
            self.ddb().get_item(TableName="no-such-table", Key={"pk": {"S": "a"}})
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")
        self.assertTrue(ctx.exception.response["Error"]["Message"].startswith(NOT_FOUND),
                        ctx.exception.response)

    def test_wrong_secret_is_invalid_signature(self):
        with self.assertRaises(ClientError) as ctx:
            self.ddb(secret_key="not-the-secret").list_tables()
        err = self.assertDdbError(ctx.exception, "InvalidSignatureException")
        # DynamoDB appends the canonical request and string-to-sign it expected.
        self.assertTrue(err["Message"].startswith(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.\n\nThe Canonical String for this request should have "
            "been\n'POST\n/\n"), err)
        self.assertIn("\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n",
                      err["Message"])
        resp = self.raw_ddb("ListTables", {}, secret_key="nope")
        self.assertRawError(resp, "com.amazon.coral.service#InvalidSignatureException")

    def test_unknown_key_is_unrecognized_client(self):
        with self.assertRaises(ClientError) as ctx:
            self.ddb(access_key="AKIDUNKNOWN0000000000").list_tables()
        self.assertDdbError(ctx.exception, "UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        resp = self.raw_ddb("ListTables", {}, access_key="AKIDUNKNOWN0000000000")
        self.assertRawError(resp, "com.amazon.coral.service#UnrecognizedClientException")

    def test_unsigned_request_is_missing_token(self):
        resp = self.raw_ddb("ListTables", {}, sign=False)
        self.assertRawError(resp, "com.amazon.coral.service#MissingAuthenticationTokenException",
                            "Request is missing Authentication Token")

    def test_tables_live_in_a_region(self):
        east, west = self.ddb("us-east-1"), self.ddb("eu-west-1")
        name = self.new_table(east)
        desc = east.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["TableArn"],
                         f"arn:aws:dynamodb:us-east-1:{h.ACCOUNT_ID}:table/{name}")
        with self.assertRaises(ClientError) as ctx:
            west.describe_table(TableName=name)
        self.assertDdbError(ctx.exception, "ResourceNotFoundException", table_not_found(name))
        with self.assertRaises(ClientError) as ctx:
            west.put_item(TableName=name, Item={"pk": {"S": "a"}})
        self.assertDdbError(ctx.exception, "ResourceNotFoundException")
        self.assertNotIn(name, west.list_tables()["TableNames"])
        self.assertIn(name, east.list_tables()["TableNames"])
        # The same name is free in another region and holds different items.
        self.new_table_named(west, name)
        east.put_item(TableName=name, Item={"pk": {"S": "k"}, "where": {"S": "east"}})
        self.assertNotIn("Item", west.get_item(TableName=name, Key={"pk": {"S": "k"}}))
        self.assertEqual(
            west.describe_table(TableName=name)["Table"]["TableArn"],
            f"arn:aws:dynamodb:eu-west-1:{h.ACCOUNT_ID}:table/{name}")

    def new_table_named(self, client, name):
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])

    def test_boto3_parses_errors_and_validates_crc(self):
        # botocore checks x-amz-crc32 on every DynamoDB response and raises (or retries) on a
        # mismatch; a long answer makes a wrong value likely to show.
        client = self.ddb()
        name = self.new_table(client)
        client.put_item(TableName=name, Item={"pk": {"S": "big"}, "v": {"S": "x" * 100000}})
        got = client.get_item(TableName=name, Key={"pk": {"S": "big"}})
        self.assertEqual(len(got["Item"]["v"]["S"]), 100000)

    def test_parallel_clients(self):
        client = self.ddb()
        name = self.new_table(client)
        errors = []

        def worker(i):
            try:
                c = self.ddb()
                for j in range(10):
                    c.put_item(TableName=name, Item={"pk": {"S": f"{i}-{j}"}})
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(client.scan(TableName=name, Select="COUNT")["Count"], 80)


if __name__ == "__main__":
    unittest.main()

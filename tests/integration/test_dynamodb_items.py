"""DynamoDB items through the boto3 client and resource APIs: PutItem/GetItem/DeleteItem/
UpdateItem, update expressions, ReturnValues, conditions, key validation, size limits and the
ten attribute types (exact 38-digit numbers, sets, binary)."""

import decimal
import unittest

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from test_dynamodb_protocol import DynamoTestCase

INVALID = "One or more parameter values were invalid: "
CCF = "The conditional request failed"


class DynamoItemsTest(DynamoTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.ddb(cls)
        cls.table = cls.new_table(cls, cls.client, prefix="items")
        cls.composite = cls.new_table(cls, cls.client, hash_key=("pk", "S"),
                                      range_key=("sk", "N"), prefix="comp")

    def key(self, k):
        return {"pk": {"S": k}}

    def put(self, k, **attrs):
        item = {"pk": {"S": k}}
        item.update(attrs)
        self.client.put_item(TableName=self.table, Item=item)
        return item

    def get(self, k, **kwargs):
        return self.client.get_item(TableName=self.table, Key=self.key(k), **kwargs).get("Item")

    # --- basic CRUD --------------------------------------------------------------------------

    def test_put_get_delete(self):
        item = self.put("crud", a={"S": "x"})
        out = self.client.get_item(TableName=self.table, Key=self.key("crud"))
        self.assertEqual(out["Item"], item)
        self.assertEqual(self.client.put_item(TableName=self.table, Item=item)
                         .get("Attributes"), None)
        out = self.client.delete_item(TableName=self.table, Key=self.key("crud"),
                                      ReturnValues="ALL_OLD")
        self.assertEqual(out["Attributes"], item)
        self.assertNotIn("Item", self.client.get_item(TableName=self.table,
                                                      Key=self.key("crud")))
        # Deleting what is not there succeeds and returns nothing.
        out = self.client.delete_item(TableName=self.table, Key=self.key("crud"),
                                      ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", out)

    def test_put_return_values(self):
        self.put("rv", a={"N": "1"})
        out = self.client.put_item(TableName=self.table, Item={"pk": {"S": "rv"}, "a": {"N": "2"}},
                                   ReturnValues="ALL_OLD")
        self.assertEqual(out["Attributes"], {"pk": {"S": "rv"}, "a": {"N": "1"}})
        with self.assertRaises(ClientError) as ctx:
            self.client.put_item(TableName=self.table, Item={"pk": {"S": "rv"}},
                                 ReturnValues="ALL_NEW")
        err = self.assertDdbError(ctx.exception, "ValidationException")
        # DynamoDB has answered this with either wording over the years.
        self.assertIn(err["Message"], ("Return values set to invalid value",
                                       "ReturnValues can only be ALL_OLD or NONE"))

    def test_projection_expression(self):
        self.put("proj", a={"M": {"b": {"L": [{"N": "1"}, {"N": "2"}, {"S": "three"}]},
                              "c": {"S": "c"}}}, d={"S": "d"}, name={"S": "reserved"})
        item = self.get("proj", ProjectionExpression="a.b[2], #n",
                        ExpressionAttributeNames={"#n": "name"})
        self.assertEqual(item, {"a": {"M": {"b": {"L": [{"S": "three"}]}}},
                                "name": {"S": "reserved"}})
        with self.assertRaises(ClientError) as ctx:
            self.get("proj", ProjectionExpression="name")
        self.assertDdbError(ctx.exception, "ValidationException")
        self.assertIn("reserved keyword: name",
                      ctx.exception.response["Error"]["Message"])

    # --- key validation ----------------------------------------------------------------------

    def test_key_validation_messages(self):
        cases = [
            (lambda: self.client.get_item(TableName=self.table, Key={"other": {"S": "a"}}),
             "The provided key element does not match the schema"),
            (lambda: self.client.get_item(TableName=self.table, Key={"pk": {"N": "1"}}),
             "The provided key element does not match the schema"),
            (lambda: self.client.get_item(TableName=self.table,
                                          Key={"pk": {"S": "a"}, "x": {"S": "b"}}),
             "The provided key element does not match the schema"),
            (lambda: self.client.get_item(TableName=self.composite, Key={"pk": {"S": "a"}}),
             "The provided key element does not match the schema"),
            (lambda: self.client.put_item(TableName=self.table, Item={"a": {"S": "x"}}),
             INVALID + "Missing the key pk in the item"),
            (lambda: self.client.put_item(TableName=self.table, Item={"pk": {"N": "1"}}),
             INVALID + "Type mismatch for key pk expected: S actual: N"),
            (lambda: self.client.put_item(TableName=self.table, Item={"pk": {"S": ""}}),
             "One or more parameter values are not valid. The AttributeValue for a key "
             "attribute cannot contain an empty string value. Key: pk"),
            (lambda: self.client.delete_item(TableName=self.table, Key={"nope": {"S": "a"}}),
             "The provided key element does not match the schema"),
        ]
        for i, (call, message) in enumerate(cases):
            with self.subTest(case=i, message=message):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assertDdbError(ctx.exception, "ValidationException", message)

    def test_item_over_400kb(self):
        with self.assertRaises(ClientError) as ctx:
            self.put("big", v={"S": "x" * (400 * 1024)})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Item size has exceeded the maximum allowed size")
        self.assertIsNone(self.get("big"))
        # Just under the limit (name lengths count too) is accepted.
        self.put("big", v={"S": "x" * (400 * 1024 - 100)})
        self.assertEqual(len(self.get("big")["v"]["S"]), 400 * 1024 - 100)
        with self.assertRaises(ClientError) as ctx:
            self.client.update_item(TableName=self.table, Key=self.key("big"),
                                    UpdateExpression="SET w = :w",
                                    ExpressionAttributeValues={":w": {"S": "y" * 1000}})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Item size to update has exceeded the maximum allowed size")

    def test_unused_expression_values_and_names(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.update_item(TableName=self.table, Key=self.key("u"),
                                    UpdateExpression="SET a = :a",
                                    ExpressionAttributeValues={":a": {"S": "x"},
                                                               ":unused": {"S": "y"}})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Value provided in ExpressionAttributeValues unused in expressions: "
                            "keys: {:unused}")
        with self.assertRaises(ClientError) as ctx:
            self.client.get_item(TableName=self.table, Key=self.key("u"),
                                 ProjectionExpression="a",
                                 ExpressionAttributeNames={"#x": "x"})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Value provided in ExpressionAttributeNames unused in expressions: "
                            "keys: {#x}")
        with self.assertRaises(ClientError) as ctx:
            self.client.update_item(TableName=self.table, Key=self.key("u"),
                                    UpdateExpression="SET a = :missing")
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Invalid UpdateExpression: An expression attribute value used in "
                            "expression is not defined; attribute value: :missing")

    # --- UpdateItem ----------------------------------------------------------------------------

    def test_update_set_remove_add_delete(self):
        self.put("upd", keep={"S": "k"}, gone={"S": "g"}, tags={"SS": ["a", "b", "c"]},
                 doc={"M": {"deep": {"M": {"n": {"N": "1"}}}}})
        out = self.client.update_item(
            TableName=self.table, Key=self.key("upd"),
            UpdateExpression=("SET doc.deep.n = doc.deep.n + :one, doc.added = :s, "
                              "lst = list_append(if_not_exists(lst, :empty), :l), "
                              "cnt = if_not_exists(cnt, :zero) "
                              "REMOVE gone ADD hits :five, nums :ns DELETE tags :ab"),
            ExpressionAttributeValues={
                ":one": {"N": "1"}, ":s": {"S": "new"}, ":empty": {"L": []},
                ":l": {"L": [{"S": "x"}]}, ":zero": {"N": "0"}, ":five": {"N": "5"},
                ":ns": {"NS": ["1", "2"]}, ":ab": {"SS": ["a", "b"]}},
            ReturnValues="ALL_NEW")
        attrs = out["Attributes"]
        self.assertEqual(attrs["doc"], {"M": {"deep": {"M": {"n": {"N": "2"}}},
                                              "added": {"S": "new"}}})
        self.assertEqual(attrs["lst"], {"L": [{"S": "x"}]})
        self.assertEqual(attrs["cnt"], {"N": "0"})
        self.assertEqual(attrs["hits"], {"N": "5"})
        self.assertCountEqual(attrs["nums"]["NS"], ["1", "2"])
        self.assertEqual(attrs["tags"], {"SS": ["c"]})
        self.assertNotIn("gone", attrs)
        self.assertEqual(attrs["keep"], {"S": "k"})
        self.assertEqual(self.get("upd"), attrs)

        out = self.client.update_item(
            TableName=self.table, Key=self.key("upd"),
            UpdateExpression="SET lst = list_append(lst, :l), cnt = if_not_exists(cnt, :ten) "
                             "ADD hits :five DELETE tags :c",
            ExpressionAttributeValues={":l": {"L": [{"N": "9"}]}, ":ten": {"N": "10"},
                                       ":five": {"N": "5"}, ":c": {"SS": ["c"]}},
            ReturnValues="UPDATED_NEW")
        # Deleting the last element removes the set: it is not among the updated values.
        self.assertEqual(out["Attributes"], {"lst": {"L": [{"S": "x"}, {"N": "9"}]},
                                             "cnt": {"N": "0"}, "hits": {"N": "10"}})
        self.assertNotIn("tags", self.get("upd"))

    def test_update_return_values(self):
        self.put("rvu", a={"N": "1"}, b={"S": "b"})
        upd = dict(TableName=self.table, Key=self.key("rvu"), UpdateExpression="SET a = a + :o",
                   ExpressionAttributeValues={":o": {"N": "1"}})
        self.assertNotIn("Attributes", self.client.update_item(**upd))
        self.assertNotIn("Attributes", self.client.update_item(**upd, ReturnValues="NONE"))
        self.assertEqual(self.client.update_item(**upd, ReturnValues="UPDATED_OLD")["Attributes"],
                         {"a": {"N": "3"}})
        self.assertEqual(self.client.update_item(**upd, ReturnValues="ALL_OLD")["Attributes"],
                         {"pk": {"S": "rvu"}, "a": {"N": "4"}, "b": {"S": "b"}})
        self.assertEqual(self.client.update_item(**upd, ReturnValues="UPDATED_NEW")["Attributes"],
                         {"a": {"N": "6"}})
        self.assertEqual(self.client.update_item(**upd, ReturnValues="ALL_NEW")["Attributes"],
                         {"pk": {"S": "rvu"}, "a": {"N": "7"}, "b": {"S": "b"}})

    def test_update_creates_item(self):
        out = self.client.update_item(TableName=self.table, Key=self.key("fresh"),
                                      UpdateExpression="ADD n :one",
                                      ExpressionAttributeValues={":one": {"N": "1"}},
                                      ReturnValues="ALL_NEW")
        self.assertEqual(out["Attributes"], {"pk": {"S": "fresh"}, "n": {"N": "1"}})

    def test_update_errors(self):
        self.put("ue", s={"S": "str"})
        cases = [
            ("SET s = s + :one", {":one": {"N": "1"}},
             "An operand in the update expression has an incorrect data type"),
            ("SET pk = :v", {":v": {"S": "x"}},
             "One or more parameter values were invalid: Cannot update attribute pk. "
             "This attribute is part of the key"),
            ("SET a = :v REMOVE a", {":v": {"S": "x"}},
             "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
             "or rewrite one of these paths; path one: [a], path two: [a]"),
        ]
        for expr, values, message in cases:
            with self.subTest(expr=expr):
                with self.assertRaises(ClientError) as ctx:
                    self.client.update_item(TableName=self.table, Key=self.key("ue"),
                                            UpdateExpression=expr,
                                            ExpressionAttributeValues=values)
                self.assertDdbError(ctx.exception, "ValidationException", message)
        with self.assertRaises(ClientError) as ctx:
            self.client.update_item(TableName=self.table, Key=self.key("ue"),
                                    UpdateExpression="SET nosuch.nested = :v",
                                    ExpressionAttributeValues={":v": {"S": "x"}})
        self.assertDdbError(ctx.exception, "ValidationException",
                            "The document path provided in the update expression is invalid "
                            "for update")

    # --- conditions ----------------------------------------------------------------------------

    def test_condition_expressions(self):
        self.put("cond", v={"N": "5"}, s={"S": "abc"})
        # True conditions write.
        self.client.put_item(TableName=self.table, Item={"pk": {"S": "cond"}, "v": {"N": "6"}},
                             ConditionExpression="v = :five AND begins_with(s, :a) AND "
                                                 "attribute_exists(pk) AND size(s) = :three",
                             ExpressionAttributeValues={":five": {"N": "5"}, ":a": {"S": "ab"},
                                                        ":three": {"N": "3"}})
        self.assertEqual(self.get("cond"), {"pk": {"S": "cond"}, "v": {"N": "6"}})
        # False conditions do not, and say so in DynamoDB's words.
        for call in (
                lambda: self.client.put_item(
                    TableName=self.table, Item={"pk": {"S": "cond"}},
                    ConditionExpression="attribute_not_exists(pk)"),
                lambda: self.client.delete_item(
                    TableName=self.table, Key=self.key("cond"), ConditionExpression="v > :v",
                    ExpressionAttributeValues={":v": {"N": "100"}}),
                lambda: self.client.update_item(
                    TableName=self.table, Key=self.key("cond"), UpdateExpression="SET w = :v",
                    ConditionExpression="v IN (:v, :w)",
                    ExpressionAttributeValues={":v": {"N": "1"}, ":w": {"N": "2"}}),
                lambda: self.client.update_item(
                    TableName=self.table, Key=self.key("nothing-here"),
                    UpdateExpression="SET w = :v", ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues={":v": {"N": "1"}})):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertDdbError(ctx.exception, "ConditionalCheckFailedException", CCF)
            self.assertNotIn("Item", ctx.exception.response)
        self.assertEqual(self.get("cond"), {"pk": {"S": "cond"}, "v": {"N": "6"}})
        self.assertIsNone(self.get("nothing-here"))

    def test_return_values_on_condition_check_failure(self):
        item = self.put("rvcf", v={"N": "1"}, s={"SS": ["x"]})
        with self.assertRaises(ClientError) as ctx:
            self.client.put_item(TableName=self.table, Item={"pk": {"S": "rvcf"}},
                                 ConditionExpression="attribute_not_exists(pk)",
                                 ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertDdbError(ctx.exception, "ConditionalCheckFailedException", CCF)
        self.assertEqual(ctx.exception.response["Item"], item)
        with self.assertRaises(self.client.exceptions.ConditionalCheckFailedException) as ctx:
            self.client.update_item(TableName=self.table, Key=self.key("rvcf"),
                                    UpdateExpression="SET v = :v", ConditionExpression="v = :v",
                                    ExpressionAttributeValues={":v": {"N": "2"}},
                                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(ctx.exception.response["Item"], item)
        # A failed condition on a missing item carries no Item.
        with self.assertRaises(ClientError) as ctx:
            self.client.delete_item(TableName=self.table, Key=self.key("rvcf-none"),
                                    ConditionExpression="attribute_exists(pk)",
                                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertDdbError(ctx.exception, "ConditionalCheckFailedException", CCF)
        self.assertNotIn("Item", ctx.exception.response)

    def test_condition_syntax_error(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.put_item(TableName=self.table, Item={"pk": {"S": "syn"}},
                                 ConditionExpression="attribute_not_exists(")
        err = self.assertDdbError(ctx.exception, "ValidationException")
        self.assertTrue(err["Message"].startswith("Invalid ConditionExpression: Syntax error; "),
                        err)

    # --- types ---------------------------------------------------------------------------------

    def test_all_ten_types_round_trip(self):
        item = {"pk": {"S": "types"}, "s": {"S": "héllo ✓"}, "n": {"N": "-12.5"},
                "b": {"B": bytes(range(256))}, "bool": {"BOOL": False}, "null": {"NULL": True},
                "m": {"M": {"x": {"L": [{"N": "1"}, {"M": {}}, {"S": ""}]}}}, "l": {"L": []},
                "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["10", "-1.5"]},
                "bs": {"BS": [b"\x00", b"\xff\x01"]}}
        self.client.put_item(TableName=self.table, Item=item)
        got = self.get("types")
        for name in ("ss", "ns", "bs"):
            kind = next(iter(item[name]))
            self.assertCountEqual(got.pop(name)[kind], item.pop(name)[kind])
        self.assertEqual(got, item)

    def test_numbers_exact(self):
        values = {
            "12345678901234567890123456789012345678": "12345678901234567890123456789012345678",
            "-1234567890.1234567890123456789012345678": "-1234567890.1234567890123456789012345678",
            "0.00000000000000000000000000000000000001": "0.00000000000000000000000000000000000001",
            "1.50": "1.5", "007": "7", "1E+2": "100", "1.0e-3": "0.001",
        }
        for i, (sent, want) in enumerate(values.items()):
            with self.subTest(sent=sent):
                self.put(f"num{i}", n={"N": sent})
                self.assertEqual(self.get(f"num{i}")["n"], {"N": want})
        self.put("numadd", n={"N": "99999999999999999999999999999999999999"})
        out = self.client.update_item(TableName=self.table, Key=self.key("numadd"),
                                      UpdateExpression="SET n = n - :d",
                                      ExpressionAttributeValues={
                                          ":d": {"N": "99999999999999999999999999999999999998"}},
                                      ReturnValues="UPDATED_NEW")
        self.assertEqual(out["Attributes"], {"n": {"N": "1"}})

    def test_number_limits(self):
        cases = [
            ("123456789012345678901234567890123456789",
             "Attempting to store more than 38 significant digits in a Number"),
            ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than "
                       "supported range"),
            ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller "
                       "than supported range"),
            ("abc", "The parameter cannot be converted to a numeric value: abc"),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                with self.assertRaises(ClientError) as ctx:
                    self.put("bad-number", n={"N": value})
                self.assertDdbError(ctx.exception, "ValidationException", message)

    def test_sets(self):
        empty = {"SS": INVALID + "An string set  may not be empty",
                 "NS": INVALID + "An number set  may not be empty",
                 "BS": INVALID + "Binary sets should not be empty"}
        for kind, message in empty.items():
            with self.subTest(kind=kind):
                with self.assertRaises(ClientError) as ctx:
                    self.put("empty-set", s={kind: []})
                self.assertDdbError(ctx.exception, "ValidationException", message)
        dups = [({"SS": ["a", "a"]}, INVALID + "Input collection [a, a] contains duplicates."),
                ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
                ({"BS": [b"x", b"x"]}, None)]
        for value, message in dups:
            with self.subTest(value=value):
                with self.assertRaises(ClientError) as ctx:
                    self.put("dup-set", s=value)
                err = self.assertDdbError(ctx.exception, "ValidationException", message)
                if message is None:
                    self.assertTrue(err["Message"].startswith(INVALID + "Input collection ["),
                                    err)
                    self.assertTrue(err["Message"].endswith("]of type BS contains duplicates."),
                                    err)
        self.assertIsNone(self.get("dup-set"))
        # Sets are unordered: the server may reorder but keeps every distinct member.
        self.put("set-order", s={"NS": ["3", "1", "2.50"]})
        self.assertCountEqual(self.get("set-order")["s"]["NS"], ["1", "2.5", "3"])

    def test_binary_key(self):
        name = self.new_table(self.client, hash_key=("id", "B"))
        key = {"id": {"B": b"\x00\x01\xfe\xff"}}
        self.client.put_item(TableName=name, Item={**key, "v": {"B": b""}})
        self.assertEqual(self.client.get_item(TableName=name, Key=key)["Item"],
                         {**key, "v": {"B": b""}})

    # --- resource API ----------------------------------------------------------------------------

    def test_resource_api(self):
        table = self.ddb_resource().Table(self.table)
        big = decimal.Decimal("12345678901234567890123456789012345678")
        table.put_item(Item={"pk": "res", "n": big, "f": decimal.Decimal("0.1"),
                             "tags": {"a", "b"}, "blob": b"\x00bin", "flag": True, "none": None,
                             "doc": {"list": [1, "two", {"three": 3}]}})
        item = table.get_item(Key={"pk": "res"}, ConsistentRead=True)["Item"]
        self.assertEqual(item["n"], big)
        self.assertEqual(str(item["n"]), "12345678901234567890123456789012345678")
        self.assertEqual(item["f"], decimal.Decimal("0.1"))
        self.assertEqual(item["tags"], {"a", "b"})
        self.assertEqual(item["blob"].value, b"\x00bin")
        self.assertIs(item["flag"], True)
        self.assertIsNone(item["none"])
        self.assertEqual(item["doc"], {"list": [1, "two", {"three": 3}]})

        out = table.update_item(Key={"pk": "res"},
                                UpdateExpression="ADD tags :t SET doc.#l[0] = :z",
                                ExpressionAttributeNames={"#l": "list"},
                                ExpressionAttributeValues={":t": {"c", "a"}, ":z": 0},
                                ReturnValues="UPDATED_NEW")
        self.assertEqual(out["Attributes"]["tags"], {"a", "b", "c"})
        self.assertEqual(out["Attributes"]["doc"], {"list": [0]})
        with self.assertRaises(ClientError) as ctx:
            table.put_item(Item={"pk": "res"}, ConditionExpression=Attr("pk").not_exists())
        self.assertDdbError(ctx.exception, "ConditionalCheckFailedException", CCF)
        table.delete_item(Key={"pk": "res"}, ConditionExpression=Attr("flag").eq(True))
        self.assertNotIn("Item", table.get_item(Key={"pk": "res"}))


if __name__ == "__main__":
    unittest.main()

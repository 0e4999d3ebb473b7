"""DynamoDB Query and Scan through boto3: key conditions, ordering, pagination, Select COUNT,
filters, a GSI and an LSI, and parallel scans."""

import unittest

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from test_dynamodb_protocol import DynamoTestCase

N_ITEMS = 20


def s(v):
    return {"S": v}


def n(v):
    return {"N": str(v)}


class DynamoQueryTest(DynamoTestCase):
    """Table (pk S, sk S) with LSI by_num (pk, num N) and GSI by_group (grp S, rank N).
    Partition "p1" holds N_ITEMS items sk=item#00..; num = 100 - i; grp/rank only on even i."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.ddb(cls)
        cls.table = cls.new_table(
            cls, cls.client, hash_key=("pk", "S"), range_key=("sk", "S"), prefix="query",
            extra_attributes=[("num", "N"), ("grp", "S"), ("rank", "N")],
            LocalSecondaryIndexes=[{
                "IndexName": "by_num",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "num", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}],
            GlobalSecondaryIndexes=[{
                "IndexName": "by_group",
                "KeySchema": [{"AttributeName": "grp", "KeyType": "HASH"},
                              {"AttributeName": "rank", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        for i in range(N_ITEMS):
            item = {"pk": s("p1"), "sk": s(f"item#{i:02d}"), "num": n(100 - i), "i": n(i),
                    "odd": {"BOOL": i % 2 == 1}}
            if i % 2 == 0:
                item["grp"] = s("even")
                item["rank"] = n(-i)
            cls.client.put_item(TableName=cls.table, Item=item)
        for sk in ("a", "b", "c"):
            cls.client.put_item(TableName=cls.table, Item={"pk": s("p2"), "sk": s(sk)})

    def query(self, **kwargs):
        return self.client.query(TableName=self.table, **kwargs)

    def sks(self, items):
        return [it["sk"]["S"] for it in items]

    def test_partition_query_sorted(self):
        out = self.query(KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": s("p1")})
        self.assertEqual(self.sks(out["Items"]), [f"item#{i:02d}" for i in range(N_ITEMS)])
        self.assertEqual(out["Count"], N_ITEMS)
        self.assertEqual(out["ScannedCount"], N_ITEMS)
        self.assertNotIn("LastEvaluatedKey", out)
        out = self.query(KeyConditionExpression="pk = :p", ExpressionAttributeValues={
            ":p": s("nobody")})
        self.assertEqual((out["Items"], out["Count"], out["ScannedCount"]), ([], 0, 0))

    def test_key_conditions(self):
        cases = [
            ("pk = :p AND begins_with(sk, :v)", {":v": s("item#1")},
             [f"item#{i}" for i in range(10, 20)]),
            ("pk = :p AND sk BETWEEN :a AND :b", {":a": s("item#05"), ":b": s("item#08")},
             ["item#05", "item#06", "item#07", "item#08"]),
            ("pk = :p AND sk < :v", {":v": s("item#02")}, ["item#00", "item#01"]),
            ("pk = :p AND sk <= :v", {":v": s("item#01")}, ["item#00", "item#01"]),
            ("pk = :p AND sk > :v", {":v": s("item#18")}, ["item#19"]),
            ("pk = :p AND sk >= :v", {":v": s("item#18")}, ["item#18", "item#19"]),
            ("sk = :v AND pk = :p", {":v": s("item#03")}, ["item#03"]),
            ("(pk = :p) AND (sk = :v)", {":v": s("item#04")}, ["item#04"]),
        ]
        for expr, values, want in cases:
            with self.subTest(expr=expr):
                out = self.query(KeyConditionExpression=expr,
                                 ExpressionAttributeValues={":p": s("p1"), **values})
                self.assertEqual(self.sks(out["Items"]), want)

    def test_scan_index_forward_false(self):
        out = self.query(KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                         ExpressionAttributeValues={":p": s("p1"), ":a": s("item#03"),
                                                    ":b": s("item#06")},
                         ScanIndexForward=False)
        self.assertEqual(self.sks(out["Items"]), ["item#06", "item#05", "item#04", "item#03"])

    def test_limit_pagination(self):
        for forward in (True, False):
            with self.subTest(forward=forward):
                seen, start, pages = [], None, []
                while True:
                    kwargs = {"ExclusiveStartKey": start} if start else {}
                    out = self.query(KeyConditionExpression="pk = :p",
                                     ExpressionAttributeValues={":p": s("p1")}, Limit=7,
                                     ScanIndexForward=forward, **kwargs)
                    pages.append(out["Count"])
                    seen += self.sks(out["Items"])
                    start = out.get("LastEvaluatedKey")
                    if not start:
                        break
                    self.assertEqual(start, {"pk": s("p1"), "sk": out["Items"][-1]["sk"]})
                want = [f"item#{i:02d}" for i in range(N_ITEMS)]
                self.assertEqual(seen, want if forward else want[::-1])
                self.assertEqual(pages, [7, 7, 6])

    def test_select_count_and_filter(self):
        out = self.query(KeyConditionExpression="pk = :p", ExpressionAttributeValues={
            ":p": s("p1")}, Select="COUNT")
        self.assertEqual(out["Count"], N_ITEMS)
        self.assertEqual(out["ScannedCount"], N_ITEMS)
        self.assertNotIn("Items", out)
        out = self.query(KeyConditionExpression="pk = :p",
                         FilterExpression="odd = :t AND i > :five",
                         ExpressionAttributeValues={":p": s("p1"), ":t": {"BOOL": True},
                                                    ":five": n(5)})
        self.assertEqual(self.sks(out["Items"]), [f"item#{i:02d}" for i in range(7, 20, 2)])
        self.assertEqual(out["Count"], 7)
        self.assertEqual(out["ScannedCount"], N_ITEMS)
        # Limit counts items read before the filter.
        out = self.query(KeyConditionExpression="pk = :p", FilterExpression="odd = :t",
                         ExpressionAttributeValues={":p": s("p1"), ":t": {"BOOL": True}},
                         Limit=4)
        self.assertEqual(self.sks(out["Items"]), ["item#01", "item#03"])
        self.assertEqual(out["ScannedCount"], 4)
        self.assertEqual(out["LastEvaluatedKey"], {"pk": s("p1"), "sk": s("item#03")})
        out = self.query(KeyConditionExpression="pk = :p", ProjectionExpression="sk, i",
                         ExpressionAttributeValues={":p": s("p2")}, Limit=1)
        self.assertEqual(out["Items"], [{"sk": s("a")}])

    def test_query_on_lsi(self):
        out = self.query(IndexName="by_num", KeyConditionExpression="pk = :p AND num >= :m",
                         ExpressionAttributeValues={":p": s("p1"), ":m": n(97)})
        # num = 100 - i, so ascending num is descending i.
        self.assertEqual(self.sks(out["Items"]), ["item#03", "item#02", "item#01", "item#00"])
        self.assertEqual(out["Items"][0]["i"], n(3))  # projection ALL
        out = self.query(IndexName="by_num", KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": s("p1")}, Limit=2)
        self.assertEqual(out["LastEvaluatedKey"], {"pk": s("p1"), "sk": s("item#18"),
                                                   "num": n(82)})
        out2 = self.query(IndexName="by_num", KeyConditionExpression="pk = :p",
                          ExpressionAttributeValues={":p": s("p1")}, Limit=2,
                          ExclusiveStartKey=out["LastEvaluatedKey"])
        self.assertEqual(self.sks(out2["Items"]), ["item#17", "item#16"])

    def test_query_on_gsi(self):
        out = self.query(IndexName="by_group",
                         KeyConditionExpression="grp = :g AND #r BETWEEN :lo AND :hi",
                         ExpressionAttributeNames={"#r": "rank"},
                         ExpressionAttributeValues={":g": s("even"), ":lo": n(-6), ":hi": n(0)},
                         ScanIndexForward=False)
        self.assertEqual(out["Items"], [
            {"pk": s("p1"), "sk": s(f"item#{i:02d}"), "grp": s("even"), "rank": n(-i)}
            for i in (0, 2, 4, 6)])
        all_even, start = [], None
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            out = self.query(IndexName="by_group", KeyConditionExpression="grp = :g",
                             ExpressionAttributeValues={":g": s("even")}, Limit=3, **kwargs)
            all_even += self.sks(out["Items"])
            start = out.get("LastEvaluatedKey")
            if not start:
                break
            self.assertEqual(set(start), {"pk", "sk", "grp", "rank"})
        self.assertEqual(all_even, [f"item#{i:02d}" for i in range(18, -1, -2)])
        with self.assertRaises(ClientError) as ctx:
            self.query(IndexName="by_group", KeyConditionExpression="grp = :g",
                       ExpressionAttributeValues={":g": s("even")}, ConsistentRead=True)
        self.assertDdbError(ctx.exception, "ValidationException",
                            "Consistent reads are not supported on global secondary indexes")

    def test_query_errors(self):
        cases = [
            (dict(KeyConditionExpression="sk = :v", ExpressionAttributeValues={":v": s("a")}),
             "Query condition missed key schema element: pk"),
            (dict(KeyConditionExpression="pk = :p AND i = :v",
                  ExpressionAttributeValues={":p": s("p1"), ":v": n(1)}),
             "Query condition missed key schema element: sk"),
            (dict(KeyConditionExpression="pk = :p", IndexName="nope",
                  ExpressionAttributeValues={":p": s("p1")}),
             "The table does not have the specified index: nope"),
            (dict(KeyConditionExpression="pk = :p", FilterExpression="sk = :v",
                  ExpressionAttributeValues={":p": s("p1"), ":v": s("a")}),
             "Filter Expression can only contain non-primary key attributes: Primary key "
             "attribute: sk"),
            (dict(KeyConditionExpression="begins_with(pk, :p)",
                  ExpressionAttributeValues={":p": s("p")}),
             "Query key condition not supported"),
        ]
        for kwargs, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(ClientError) as ctx:
                    self.query(**kwargs)
                self.assertDdbError(ctx.exception, "ValidationException", message)

    def test_number_and_binary_sort_order(self):
        # Sort keys order by numeric value and by unsigned bytes, not by their text.
        numbers = ["1E+20", "-1E+10", "10.5", "-5.5", "0", "2", "-1", "0.001", "10", "1",
                   "-0.0000000001", "99999999999999999999999999999999999999"]
        name = self.new_table(self.client, hash_key=("pk", "S"), range_key=("sk", "N"))
        for v in numbers:
            self.client.put_item(TableName=name, Item={"pk": s("n"), "sk": {"N": v}})
        out = self.client.query(TableName=name, KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": s("n")})
        self.assertEqual([it["sk"]["N"] for it in out["Items"]], [
            "-10000000000", "-5.5", "-1", "-0.0000000001", "0", "0.001", "1", "2", "10", "10.5",
            "100000000000000000000", "99999999999999999999999999999999999999"])
        out = self.client.query(TableName=name, KeyConditionExpression="pk = :p AND sk BETWEEN "
                                ":a AND :b", ExpressionAttributeValues={
                                    ":p": s("n"), ":a": n("-2"), ":b": n("1.5")})
        self.assertEqual([it["sk"]["N"] for it in out["Items"]],
                         ["-1", "-0.0000000001", "0", "0.001", "1"])

        name = self.new_table(self.client, hash_key=("pk", "S"), range_key=("sk", "B"))
        blobs = [b"\xff", b"\x00", b"\x7f\x01", b"\x80", b"\x00\x00", b"a"]
        for v in blobs:
            self.client.put_item(TableName=name, Item={"pk": s("b"), "sk": {"B": v}})
        out = self.client.query(TableName=name, KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": s("b")})
        self.assertEqual([it["sk"]["B"] for it in out["Items"]], sorted(blobs))
        out = self.client.query(TableName=name,
                                KeyConditionExpression="pk = :p AND begins_with(sk, :x)",
                                ExpressionAttributeValues={":p": s("b"), ":x": {"B": b"\x00"}})
        self.assertEqual([it["sk"]["B"] for it in out["Items"]], [b"\x00", b"\x00\x00"])

    # --- Scan ----------------------------------------------------------------------------

    def all_keys(self):
        return {(it["pk"]["S"], it["sk"]["S"]) for it in self.client.scan(
            TableName=self.table)["Items"]}

    def test_scan_filter_and_count(self):
        out = self.client.scan(TableName=self.table)
        self.assertEqual(out["Count"], N_ITEMS + 3)
        out = self.client.scan(TableName=self.table, FilterExpression="attribute_exists(grp)")
        self.assertEqual(out["Count"], N_ITEMS // 2)
        self.assertEqual(out["ScannedCount"], N_ITEMS + 3)
        out = self.client.scan(TableName=self.table, Select="COUNT",
                               FilterExpression="pk = :p", ExpressionAttributeValues={
                                   ":p": s("p2")})
        self.assertEqual((out["Count"], out["ScannedCount"]), (3, N_ITEMS + 3))
        self.assertNotIn("Items", out)

    def test_scan_pagination(self):
        seen, start, pages = [], None, 0
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            out = self.client.scan(TableName=self.table, Limit=5, **kwargs)
            pages += 1
            self.assertLessEqual(out["Count"], 5)
            seen += [(it["pk"]["S"], it["sk"]["S"]) for it in out["Items"]]
            start = out.get("LastEvaluatedKey")
            if not start:
                break
            self.assertEqual(set(start), {"pk", "sk"})
            self.assertLess(pages, 20)
        self.assertEqual(len(seen), N_ITEMS + 3)
        self.assertEqual(set(seen), self.all_keys())

    def test_parallel_scan(self):
        for total in (1, 3, 4, 7):
            with self.subTest(total=total):
                seen = []
                for segment in range(total):
                    start = None
                    while True:
                        kwargs = {"ExclusiveStartKey": start} if start else {}
                        out = self.client.scan(TableName=self.table, Segment=segment,
                                               TotalSegments=total, Limit=4, **kwargs)
                        seen += [(it["pk"]["S"], it["sk"]["S"]) for it in out["Items"]]
                        start = out.get("LastEvaluatedKey")
                        if not start:
                            break
                self.assertEqual(len(seen), N_ITEMS + 3, seen)
                self.assertEqual(set(seen), self.all_keys())
        with self.assertRaises(ClientError) as ctx:
            self.client.scan(TableName=self.table, Segment=4, TotalSegments=4)
        err = self.assertDdbError(ctx.exception, "ValidationException")
        self.assertIn("Segment", err["Message"])
        with self.assertRaises(ClientError) as ctx:
            self.client.scan(TableName=self.table, Segment=0)
        self.assertDdbError(ctx.exception, "ValidationException",
                            "The TotalSegments parameter is required but was not present in the "
                            "request when Segment parameter is present")

    def test_scan_gsi_is_sparse(self):
        out = self.client.scan(TableName=self.table, IndexName="by_group")
        self.assertEqual(out["Count"], N_ITEMS // 2)
        for item in out["Items"]:
            self.assertEqual(set(item), {"pk", "sk", "grp", "rank"})

    def test_resource_query_and_scan(self):
        table = self.ddb_resource().Table(self.table)
        out = table.query(KeyConditionExpression=Key("pk").eq("p1") & Key("sk").begins_with(
            "item#0"), FilterExpression=Attr("odd").eq(False), ScanIndexForward=False)
        self.assertEqual([it["sk"] for it in out["Items"]],
                         ["item#08", "item#06", "item#04", "item#02", "item#00"])
        out = table.scan(FilterExpression=Attr("num").between(95, 96))
        self.assertCountEqual([it["sk"] for it in out["Items"]], ["item#04", "item#05"])



class DynamoPageLimitTest(DynamoTestCase):
    """DynamoDB stops a Query or Scan page once 1 MB of items has been read, whatever Limit says,
    and it counts what was read, not what the filter kept."""

    BIG = 30  # items of ~100 KB: about 3 MB in one partition

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.ddb(cls)
        cls.table = cls.new_table(cls, cls.client, hash_key=("pk", "S"), range_key=("sk", "S"),
                                  prefix="pages")
        blob = "x" * 100_000
        for i in range(cls.BIG):
            cls.client.put_item(TableName=cls.table,
                                Item={"pk": s("big"), "sk": s(f"{i:02d}"), "blob": s(blob)})

    def pages(self, op, **kwargs):
        out, start = [], None
        while True:
            args = dict(kwargs, TableName=self.table)
            if start:
                args["ExclusiveStartKey"] = start
            page = op(**args)
            out.append(page)
            start = page.get("LastEvaluatedKey")
            if not start:
                return out

    def test_query_pages_stop_at_one_megabyte(self):
        pages = self.pages(self.client.query, KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": s("big")})
        self.assertGreater(len(pages), 2)
        first = pages[0]
        self.assertIn("LastEvaluatedKey", first)
        # 10 items are just under 1 MiB, so the page ends with the 11th.
        self.assertEqual(first["Count"], 11)
        keys = [it["sk"]["S"] for p in pages for it in p["Items"]]
        self.assertEqual(keys, [f"{i:02d}" for i in range(self.BIG)])

    def test_filtered_and_count_pages_still_stop_at_one_megabyte(self):
        pages = self.pages(self.client.query, KeyConditionExpression="pk = :p",
                           FilterExpression="#b = :none", ExpressionAttributeNames={"#b": "blob"},
                           ExpressionAttributeValues={":p": s("big"), ":none": s("zz")})
        self.assertGreater(len(pages), 2)
        self.assertEqual(pages[0]["Count"], 0)
        self.assertEqual(pages[0]["ScannedCount"], 11)
        self.assertIn("LastEvaluatedKey", pages[0])
        counts = self.pages(self.client.query, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": s("big")}, Select="COUNT")
        self.assertGreater(len(counts), 2)
        self.assertEqual(sum(p["Count"] for p in counts), self.BIG)

    def test_scan_pages_stop_at_one_megabyte(self):
        pages = self.pages(self.client.scan)
        self.assertGreater(len(pages), 2)
        self.assertEqual(pages[0]["Count"], 11)
        self.assertEqual(sum(p["Count"] for p in pages), self.BIG)

if __name__ == "__main__":
    unittest.main()

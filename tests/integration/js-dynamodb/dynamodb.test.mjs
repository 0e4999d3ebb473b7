// AWS SDK for JavaScript v3 DynamoDB DocumentClient (@aws-sdk/lib-dynamodb) against a running
// skiff (endpoint from SKIFF_ENDPOINT). Run through ../test_dynamodb_js.py, which starts it.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, DeleteTableCommand,
  ConditionalCheckFailedException, ResourceNotFoundException, TransactionCanceledException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, DeleteCommand, QueryCommand,
  ScanCommand, BatchWriteCommand, BatchGetCommand, TransactWriteCommand, TransactGetCommand,
  NumberValue, paginateQuery,
} from "@aws-sdk/lib-dynamodb";

const endpoint = process.env.SKIFF_ENDPOINT;
assert.ok(endpoint, "SKIFF_ENDPOINT is not set");

const client = new DynamoDBClient({
  endpoint,
  region: "us-east-1",
  maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const doc = DynamoDBDocumentClient.from(client, {
  marshallOptions: { removeUndefinedValues: true },
  unmarshallOptions: { wrapNumbers: true },
});
const table = `js-${randomUUID().slice(0, 12)}`;

before(async () => {
  await client.send(new CreateTableCommand({
    TableName: table,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
  }));
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: table });
});

const num = (v) => (v instanceof NumberValue ? v.toString() : String(v));

test("describe table", async () => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  assert.equal(Table.TableStatus, "ACTIVE");
  assert.equal(Table.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`);
  assert.equal(Table.BillingModeSummary.BillingMode, "PAY_PER_REQUEST");
});

test("put, get, update and delete with native JS values", async () => {
  const item = {
    pk: "doc", sk: 1, name: "héllo", flag: true, nothing: null,
    tags: new Set(["a", "b"]), blob: new Uint8Array([0, 1, 255]),
    nested: { arr: [1, "two", { three: 3 }] },
    big: NumberValue.from("12345678901234567890123456789012345678"),
  };
  const put = await doc.send(new PutCommand({ TableName: table, Item: item }));
  assert.equal(put.$metadata.httpStatusCode, 200);
  assert.equal(put.Attributes, undefined);

  const { Item } = await doc.send(new GetCommand({
    TableName: table, Key: { pk: "doc", sk: 1 }, ConsistentRead: true,
  }));
  assert.equal(Item.name, "héllo");
  assert.equal(Item.flag, true);
  assert.equal(Item.nothing, null);
  assert.deepEqual(Item.tags, new Set(["a", "b"]));
  assert.deepEqual(Array.from(Item.blob), [0, 1, 255]);
  assert.equal(num(Item.big), "12345678901234567890123456789012345678");
  assert.equal(num(Item.nested.arr[0]), "1");
  assert.equal(Item.nested.arr[1], "two");

  const upd = await doc.send(new UpdateCommand({
    TableName: table, Key: { pk: "doc", sk: 1 },
    UpdateExpression: "SET #n = :n, nested.arr[1] = :two, hits = if_not_exists(hits, :zero) + :one "
      + "REMOVE flag ADD tags :c",
    ExpressionAttributeNames: { "#n": "name" },
    ExpressionAttributeValues: {
      ":n": "renamed", ":two": 2, ":zero": 0, ":one": 1, ":c": new Set(["c"]),
    },
    ReturnValues: "ALL_NEW",
  }));
  assert.equal(upd.Attributes.name, "renamed");
  assert.equal(num(upd.Attributes.nested.arr[1]), "2");
  assert.equal(num(upd.Attributes.hits), "1");
  assert.equal(upd.Attributes.flag, undefined);
  assert.deepEqual(upd.Attributes.tags, new Set(["a", "b", "c"]));

  const del = await doc.send(new DeleteCommand({
    TableName: table, Key: { pk: "doc", sk: 1 }, ReturnValues: "ALL_OLD",
  }));
  assert.equal(del.Attributes.name, "renamed");
  const after = await doc.send(new GetCommand({ TableName: table, Key: { pk: "doc", sk: 1 } }));
  assert.equal(after.Item, undefined);
});

test("conditional put fails with DynamoDB's error", async () => {
  await doc.send(new PutCommand({ TableName: table, Item: { pk: "lock", sk: 0, owner: "a" } }));
  await assert.rejects(
    doc.send(new PutCommand({
      TableName: table, Item: { pk: "lock", sk: 0, owner: "b" },
      ConditionExpression: "attribute_not_exists(pk)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    })),
    (err) => {
      assert.ok(err instanceof ConditionalCheckFailedException, err);
      assert.equal(err.name, "ConditionalCheckFailedException");
      assert.equal(err.message, "The conditional request failed");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.$metadata.requestId, "request id missing");
      assert.deepEqual(err.Item, { pk: { S: "lock" }, sk: { N: "0" }, owner: { S: "a" } });
      return true;
    });
  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: "lock", sk: 0 } }));
  assert.equal(Item.owner, "a");
});

test("missing table is ResourceNotFoundException", async () => {
  await assert.rejects(
    doc.send(new GetCommand({ TableName: "no-such-table", Key: { pk: "x", sk: 1 } })),
    (err) => {
      assert.ok(err instanceof ResourceNotFoundException, err);
      assert.match(err.message, /^Requested resource not found/);
      return true;
    });
});

test("query with key conditions, order, filter and pagination", async () => {
  const items = [];
  for (let i = 0; i < 12; i++) items.push({ pk: "q", sk: i, even: i % 2 === 0 });
  for (let start = 0; start < items.length; start += 6) {
    const out = await doc.send(new BatchWriteCommand({
      RequestItems: {
        [table]: items.slice(start, start + 6).map((Item) => ({ PutRequest: { Item } })),
      },
    }));
    assert.deepEqual(out.UnprocessedItems, {});
  }
  const between = await doc.send(new QueryCommand({
    TableName: table, KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
    ExpressionAttributeValues: { ":p": "q", ":a": 3, ":b": 6 }, ScanIndexForward: false,
  }));
  assert.deepEqual(between.Items.map((it) => num(it.sk)), ["6", "5", "4", "3"]);

  const filtered = await doc.send(new QueryCommand({
    TableName: table, KeyConditionExpression: "pk = :p", FilterExpression: "even = :t",
    ExpressionAttributeValues: { ":p": "q", ":t": true },
  }));
  assert.equal(filtered.Count, 6);
  assert.equal(filtered.ScannedCount, 12);

  const pages = [];
  for await (const page of paginateQuery({ client: doc, pageSize: 5 }, {
    TableName: table, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "q" },
  })) {
    pages.push(page.Items.map((it) => num(it.sk)));
  }
  assert.deepEqual(pages.map((p) => p.length), [5, 5, 2]);
  assert.deepEqual(pages.flat(), items.map((it) => String(it.sk)));

  const scan = await doc.send(new ScanCommand({
    TableName: table, FilterExpression: "pk = :p", ExpressionAttributeValues: { ":p": "q" },
    Select: "COUNT",
  }));
  assert.equal(scan.Count, 12);
  assert.equal(scan.Items, undefined);

  const got = await doc.send(new BatchGetCommand({
    RequestItems: {
      [table]: { Keys: [{ pk: "q", sk: 1 }, { pk: "q", sk: 11 }, { pk: "q", sk: 99 }] },
    },
  }));
  assert.deepEqual(got.Responses[table].map((it) => num(it.sk)).sort(), ["1", "11"]);
});

test("transactions: all-or-nothing with cancellation reasons", async () => {
  await doc.send(new PutCommand({ TableName: table, Item: { pk: "tx", sk: 1, v: 1 } }));
  await assert.rejects(
    doc.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: "tx", sk: 2, v: 2 } } },
        {
          ConditionCheck: {
            TableName: table, Key: { pk: "tx", sk: 1 }, ConditionExpression: "v = :nine",
            ExpressionAttributeValues: { ":nine": 9 },
          },
        },
      ],
    })),
    (err) => {
      assert.ok(err instanceof TransactionCanceledException, err);
      assert.equal(err.message, "Transaction cancelled, please refer cancellation reasons for "
        + "specific reasons [None, ConditionalCheckFailed]");
      assert.deepEqual(err.CancellationReasons, [
        { Code: "None" },
        { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
      ]);
      return true;
    });
  const gone = await doc.send(new GetCommand({ TableName: table, Key: { pk: "tx", sk: 2 } }));
  assert.equal(gone.Item, undefined);

  await doc.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: table, Item: { pk: "tx", sk: 2, v: 2 } } },
      {
        Update: {
          TableName: table, Key: { pk: "tx", sk: 1 }, UpdateExpression: "SET v = v + :one",
          ExpressionAttributeValues: { ":one": 1 },
        },
      },
    ],
  }));
  const out = await doc.send(new TransactGetCommand({
    TransactItems: [
      { Get: { TableName: table, Key: { pk: "tx", sk: 1 } } },
      { Get: { TableName: table, Key: { pk: "tx", sk: 3 } } },
      { Get: { TableName: table, Key: { pk: "tx", sk: 2 } } },
    ],
  }));
  assert.deepEqual(out.Responses.map((r) => (r.Item ? num(r.Item.v) : null)), ["2", null, "2"]);
});

test("delete table", async () => {
  const name = `js-del-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateTableCommand({
    TableName: name, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  }));
  const out = await client.send(new DeleteTableCommand({ TableName: name }));
  assert.equal(out.TableDescription.TableName, name);
  await assert.rejects(
    client.send(new DescribeTableCommand({ TableName: name })),
    (err) => err instanceof ResourceNotFoundException
      && err.message === `Requested resource not found: Table: ${name} not found`);
});

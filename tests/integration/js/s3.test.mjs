// AWS SDK for JavaScript v3 against a running skiff (endpoint from SKIFF_ENDPOINT).
// Run through ../test_js_sdk.py, which starts the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  S3Client, CreateBucketCommand, DeleteBucketCommand, HeadBucketCommand, ListBucketsCommand,
  PutObjectCommand, GetObjectCommand, HeadObjectCommand, DeleteObjectCommand,
  ListObjectsV2Command, NoSuchKey,
} from "@aws-sdk/client-s3";

const endpoint = process.env.SKIFF_ENDPOINT;
assert.ok(endpoint, "SKIFF_ENDPOINT is not set");

const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

const md5 = (data) => createHash("md5").update(data).digest("hex");
const sha256b64 = (data) => createHash("sha256").update(data).digest("base64");

test("bucket and object lifecycle", async () => {
  const bucket = `js-${randomUUID().slice(0, 12)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
  assert.equal(head.$metadata.httpStatusCode, 200);
  assert.equal(head.BucketRegion, "us-east-1");
  const buckets = await client.send(new ListBucketsCommand({}));
  assert.ok(buckets.Buckets.some((b) => b.Name === bucket));

  // A string body (checksum as a header, SDK default CRC32).
  const text = "hello from the JS SDK v3\n".repeat(20);
  const put = await client.send(new PutObjectCommand({
    Bucket: bucket, Key: "dir/hello.txt", Body: text, ContentType: "text/plain",
    Metadata: { origin: "node" },
  }));
  assert.equal(put.ETag, `"${md5(text)}"`);

  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/hello.txt" }));
  assert.equal(await got.Body.transformToString(), text);
  assert.equal(got.ContentType, "text/plain");
  assert.deepEqual(got.Metadata, { origin: "node" });
  assert.equal(got.ContentLength, text.length);

  const headObj = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "dir/hello.txt" }));
  assert.equal(headObj.ContentLength, text.length);
  assert.equal(headObj.ETag, put.ETag);

  // An explicit SHA256 checksum, verified and returned with ChecksumMode.
  const data = Buffer.from("checksummed by the JS SDK".repeat(100));
  const putSha = await client.send(new PutObjectCommand({
    Bucket: bucket, Key: "sha256.bin", Body: data, ChecksumAlgorithm: "SHA256",
  }));
  assert.equal(putSha.ChecksumSHA256, sha256b64(data));
  const gotSha = await client.send(new GetObjectCommand({
    Bucket: bucket, Key: "sha256.bin", ChecksumMode: "ENABLED",
  }));
  assert.equal(gotSha.ChecksumSHA256, sha256b64(data));
  assert.ok(Buffer.from(await gotSha.Body.transformToByteArray()).equals(data));

  // A stream body: the SDK sends aws-chunked with a trailing x-amz-checksum-crc32.
  const streamed = Buffer.from("streamed body with a trailer ".repeat(500));
  await client.send(new PutObjectCommand({
    Bucket: bucket, Key: "streamed.bin", Body: Readable.from([streamed]),
    ContentLength: streamed.length, ChecksumAlgorithm: "CRC32",
  }));
  const gotStream = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "streamed.bin" }));
  assert.ok(Buffer.from(await gotStream.Body.transformToByteArray()).equals(streamed));
  assert.equal(gotStream.ContentEncoding, undefined, "aws-chunked must not be stored");

  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "dir/" }));
  assert.equal(listed.KeyCount, 1);
  assert.deepEqual(listed.Contents.map((o) => o.Key), ["dir/hello.txt"]);
  const all = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
  assert.deepEqual(all.CommonPrefixes.map((p) => p.Prefix), ["dir/"]);
  assert.deepEqual(all.Contents.map((o) => o.Key), ["sha256.bin", "streamed.bin"]);

  for (const key of ["dir/hello.txt", "sha256.bin", "streamed.bin"]) {
    const del = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(del.$metadata.httpStatusCode, 204);
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
});

test("NoSuchKey is a typed error", async () => {
  const bucket = `js-${randomUUID().slice(0, 12)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await assert.rejects(
    client.send(new GetObjectCommand({ Bucket: bucket, Key: "missing" })),
    (err) => {
      assert.ok(err instanceof NoSuchKey, `expected NoSuchKey, got ${err.name}`);
      assert.equal(err.name, "NoSuchKey");
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(err.message, "The specified key does not exist.");
      return true;
    });
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
});

// @aws-sdk/lib-storage's Upload (multipart, parallel parts) against a running skiff (endpoint
// from SKIFF_ENDPOINT). Run through ../test_s3_js_multipart.py, which starts the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  S3Client, CreateBucketCommand, GetObjectCommand, HeadObjectCommand,
  ListMultipartUploadsCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

const endpoint = process.env.SKIFF_ENDPOINT;
assert.ok(endpoint, "SKIFF_ENDPOINT is not set");

const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

const MiB = 1024 * 1024;
const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const md5raw = (data) => createHash("md5").update(data).digest();

async function newBucket() {
  const bucket = `jsmp-${randomUUID().slice(0, 12)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function readAll(body) {
  const chunks = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test("Upload of a 23 MiB stream in 5 MiB parts, 4 at a time", async () => {
  const bucket = await newBucket();
  const data = randomBytes(23 * MiB + 777);
  const partSize = 5 * MiB;
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: "lib-storage/big.bin", Body: Readable.from([data]),
              ContentType: "application/x-big" },
    partSize,
    queueSize: 4,
  });
  const parts = [];
  upload.on("httpUploadProgress", (p) => parts.push(p.part));
  const result = await upload.done();
  const count = Math.ceil(data.length / partSize);
  const md5s = [];
  for (let at = 0; at < data.length; at += partSize) md5s.push(md5raw(data.subarray(at, at + partSize)));
  const expected = `"${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${count}"`;
  assert.equal(result.ETag, expected);
  assert.equal(result.Key, "lib-storage/big.bin");

  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "lib-storage/big.bin" }));
  assert.equal(head.ContentLength, data.length);
  assert.equal(head.ContentType, "application/x-big");
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "lib-storage/big.bin" }));
  assert.equal(sha256(await readAll(got.Body)), sha256(data));
  const part2 = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "lib-storage/big.bin",
                                                         PartNumber: 2 }));
  assert.equal(sha256(await readAll(part2.Body)), sha256(data.subarray(partSize, 2 * partSize)));
  assert.equal(part2.PartsCount, count);
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  assert.equal(uploads.Uploads, undefined);
});

test("Upload of a body smaller than one part is a single PutObject", async () => {
  const bucket = await newBucket();
  const data = randomBytes(100 * 1024);
  const result = await new Upload({
    client, params: { Bucket: bucket, Key: "small.bin", Body: data },
  }).done();
  assert.equal(result.ETag, `"${createHash("md5").update(data).digest("hex")}"`);
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "small.bin" }));
  assert.equal(sha256(await readAll(got.Body)), sha256(data));
});

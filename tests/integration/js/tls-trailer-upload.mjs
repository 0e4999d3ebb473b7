// Run by ../test_tls.py (not a `node --test` file): the JS SDK v3 over HTTPS, trusting Skiff's
// certificate through NODE_EXTRA_CA_CERTS. A streamed PutObject goes out as aws-chunked with a
// trailing CRC32 (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER); the script checks
// that this is what was sent, that the object reads back, and that the checksum was stored.
// Prints one JSON line with what it saw; exits non-zero on any failure.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand,
} from "@aws-sdk/client-s3";

const endpoint = process.env.SKIFF_ENDPOINT;
assert.ok(endpoint?.startsWith("https://"), `SKIFF_ENDPOINT must be https: ${endpoint}`);

const client = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const sent = [];
client.middlewareStack.add((next) => async (args) => {
  if (args.request?.headers) sent.push({ ...args.request.headers });
  return next(args);
}, { step: "finalizeRequest", name: "recordHeaders", priority: "low" });

const bucket = `js-tls-${randomUUID().slice(0, 12)}`;
await client.send(new CreateBucketCommand({ Bucket: bucket }));
const body = Buffer.from("trailer over TLS from the JS SDK\n".repeat(4096));
sent.length = 0;
const put = await client.send(new PutObjectCommand({
  Bucket: bucket, Key: "streamed.bin", Body: Readable.from([body]), ContentLength: body.length,
}));
const headers = sent.at(-1);
assert.equal(headers["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
assert.equal(headers["x-amz-trailer"], "x-amz-checksum-crc32");
assert.ok(put.ChecksumCRC32, "PutObject returned no ChecksumCRC32");

const got = await client.send(new GetObjectCommand({
  Bucket: bucket, Key: "streamed.bin", ChecksumMode: "ENABLED",
}));
const back = Buffer.from(await got.Body.transformToByteArray());
assert.ok(back.equals(body), "GetObject returned other bytes");
assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
console.log(JSON.stringify({
  contentSha256: headers["x-amz-content-sha256"], trailer: headers["x-amz-trailer"],
  checksum: got.ChecksumCRC32, bytes: back.length,
}));

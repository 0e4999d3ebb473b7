"""The process and the transport: startup, health, keep-alive, shutdown, persistence, flags and
environment, Expect: 100-continue, Transfer-Encoding: chunked."""

import hashlib
import http.client
import os
import shutil
import socket
import tempfile
import threading
import time
import unittest

from botocore.exceptions import ClientError

import skiff_harness as h


class StartupAndHealthTest(h.SkiffTestCase):

    def test_startup_line(self):
        self.assertRegex(self.server.startup_line, r"listening on http://127\.0\.0\.1:\d+")
        self.assertNotEqual(self.server.port, 0)
        self.assertNotEqual(self.server.port, 4566, "--port 0 must pick an ephemeral port")

    def test_health(self):
        status, headers, body = h.http_json(self.server.host, self.server.port, "/_skiff/health")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        doc = h.parse_json(body)
        self.assertIn(doc.get("status"), ("ok", "running", "healthy"), doc)
        self.assertEqual(doc.get("version"), "0.1.0", doc)
        services = doc.get("services")
        self.assertIsInstance(services, (list, dict), doc)
        self.assertIn("s3", services, doc)
        uptime_keys = [k for k in doc if k.lower().startswith("uptime")]
        self.assertTrue(uptime_keys, doc)
        uptime = doc[uptime_keys[0]]
        self.assertIsInstance(uptime, (int, float), doc)
        self.assertGreaterEqual(uptime, 0)
        time.sleep(1.1)
        later = h.parse_json(h.http_json(self.server.host, self.server.port,
                                         "/_skiff/health")[2])[uptime_keys[0]]
        self.assertGreater(later, uptime, "uptime must grow")

    def test_keep_alive_many_requests_one_connection(self):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            conn.request("GET", "/_skiff/health")
            first = conn.getresponse()
            first.read()
            self.assertEqual(first.status, 200)
            sock = conn.sock
            self.assertIsNotNone(sock, "server closed the connection after one request")
            for _ in range(5):
                conn.request("GET", "/_skiff/health")
                resp = conn.getresponse()
                resp.read()
                self.assertEqual(resp.status, 200)
                self.assertIs(conn.sock, sock, "connection was not kept alive")
            # An S3 error response must keep the connection open too.
            conn.request("GET", "/no-such-bucket-keepalive/key")
            resp = conn.getresponse()
            resp.read()
            self.assertIn(resp.status, (403, 404))  # anonymous, unknown bucket
            conn.request("GET", "/_skiff/health")
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.status, 200)
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_s3_response_headers(self):
        s3 = self.s3()
        resp = s3.list_buckets()
        headers = resp["ResponseMetadata"]["HTTPHeaders"]
        self.assertRegex(headers.get("x-amz-request-id", ""), r"^[0-9A-F]{16}$")
        self.assertTrue(headers.get("x-amz-id-2"))
        self.assertTrue(headers.get("date"))
        self.assertEqual(headers.get("server"), "AmazonS3")

    def test_expect_100_continue(self):
        bucket = self.new_bucket()
        body = b"hello, continue" * 100
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Length": str(len(body)), "Expect": "100-continue"}
        path = f"/{bucket}/continued"
        h.sign_headers("PUT", path, "", hdrs, hashlib.sha256(body).hexdigest())
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as sock:
            sock.sendall(h.build_request_bytes("PUT", path, "", hdrs))
            interim = b""
            while b"\r\n\r\n" not in interim:
                chunk = sock.recv(1)
                self.assertTrue(chunk, f"connection closed before 100 Continue: {interim!r}")
                interim += chunk
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim)
            sock.sendall(body)
            resp = h.read_response(sock, "PUT")
        self.assertEqual(resp.status, 200, resp.describe())
        got = self.s3().get_object(Bucket=bucket, Key="continued")["Body"].read()
        self.assertEqual(got, body)

    def test_expect_100_continue_refused_early(self):
        # A request that fails before the body (unknown bucket) must get its final answer
        # without a 100 Continue.
        body = b"x" * 1000
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Length": str(len(body)), "Expect": "100-continue"}
        path = f"/{h.unique_name('missing')}/k"
        h.sign_headers("PUT", path, "", hdrs, hashlib.sha256(body).hexdigest())
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as sock:
            sock.sendall(h.build_request_bytes("PUT", path, "", hdrs))
            resp = h.read_response(sock, "PUT")
        self.assertEqual(resp.status, 404, resp.describe())
        self.assertEqual(h.error_fields(resp.body)["Code"], "NoSuchBucket")

    def test_transfer_encoding_chunked_body_is_dechunked(self):
        # What boto3 sends over TLS and the JS SDK sends for streams: HTTP chunked framing around
        # an aws-chunked body with a trailing checksum. The HTTP chunks deliberately cut across
        # the aws-chunked frames.
        bucket = self.new_bucket()
        payload = b"first part|" + b"x" * 9000 + b"|last"
        inner = h.unsigned_trailer_body([payload[:8192], payload[8192:]], "x-amz-checksum-crc32",
                                        h.b64_checksum("CRC32", payload))
        cuts = [0, 5, 100, 8200, 8201, len(inner)]
        wire = b"".join(f"{cuts[i + 1] - cuts[i]:x}\r\n".encode() + inner[cuts[i]:cuts[i + 1]]
                        + b"\r\n" for i in range(len(cuts) - 1)) + b"0\r\n\r\n"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Transfer-Encoding": "chunked", "Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": str(len(payload)),
                "x-amz-trailer": "x-amz-checksum-crc32"}
        path = f"/{bucket}/chunked"
        h.sign_headers("PUT", path, "", hdrs, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        resp = self.raw(h.build_request_bytes("PUT", path, "", hdrs, wire), "PUT")
        self.assertEqual(resp.status, 200, resp.describe())
        got = self.s3().get_object(Bucket=bucket, Key="chunked")
        self.assertEqual(got["Body"].read(), payload)
        self.assertEqual(got["ContentLength"], len(payload))

    def test_plain_transfer_encoding_chunked_is_not_implemented(self):
        # S3 refuses an HTTP-chunked object body that is not aws-chunked: 501 NotImplemented
        # naming the Transfer-Encoding header (aws/aws-sdk-js-v3#3383, aws/aws-sdk-go#4944).
        bucket = self.new_bucket()
        parts = [b"first part|", b"x" * 5000, b"|last"]
        wire = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Transfer-Encoding": "chunked"}
        path = f"/{bucket}/plain-chunked"
        h.sign_headers("PUT", path, "", hdrs, "UNSIGNED-PAYLOAD")
        resp = self.raw(h.build_request_bytes("PUT", path, "", hdrs, wire), "PUT")
        fields = self.assertS3Error(
            resp, 501, "NotImplemented",
            "A header you provided implies functionality that is not implemented")
        self.assertEqual(fields.get("Header"), "Transfer-Encoding")
        with self.assertRaises(ClientError):
            self.s3().head_object(Bucket=bucket, Key="plain-chunked")

    def test_pipelined_requests(self):
        one = (f"GET /_skiff/health HTTP/1.1\r\nHost: {self.server.host}\r\n\r\n").encode()
        last = (f"GET /_skiff/health HTTP/1.1\r\nHost: {self.server.host}\r\n"
                "Connection: close\r\n\r\n").encode()
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as sock:
            sock.sendall(one + one + last)
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.assertEqual(data.count(b"HTTP/1.1 200 OK\r\n"), 3, data)

    def test_oversized_header_rejected(self):
        resp = self.signed("GET", "/", headers={"x-amz-meta-huge": "h" * 20000}, sign=False)
        self.assertS3Error(resp, 400, "RequestHeaderSectionTooLarge",
                           "Your request header section exceeds the maximum allowed size.")

    def test_client_disconnect_mid_upload_stores_nothing(self):
        bucket = self.new_bucket()
        body = b"z" * 100000
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Length": str(len(body))}
        path = f"/{bucket}/half"
        h.sign_headers("PUT", path, "", hdrs, "UNSIGNED-PAYLOAD")
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as sock:
            sock.sendall(h.build_request_bytes("PUT", path, "", hdrs, body[:30000]))
            time.sleep(0.3)
        time.sleep(0.3)
        with self.assertRaises(ClientError) as ctx:
            self.s3().head_object(Bucket=bucket, Key="half")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertEqual(h.http_json(self.server.host, self.server.port, "/_skiff/health")[0], 200)

    def test_parallel_clients(self):
        bucket = self.new_bucket()
        errors = []

        def worker(n):
            try:
                s3 = self.s3()
                for i in range(15):
                    key = f"w{n}/k{i}"
                    body = os.urandom(1000 + 997 * i)
                    s3.put_object(Bucket=bucket, Key=key, Body=body)
                    if s3.get_object(Bucket=bucket, Key=key)["Body"].read() != body:
                        errors.append(f"{key}: body differs")
            except Exception as e:  # reported below; a thread cannot fail the test itself
                errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        listing = self.s3().list_objects_v2(Bucket=bucket)
        self.assertEqual(listing["KeyCount"], 8 * 15)

    def test_unknown_admin_path(self):
        status, _, _ = h.http_json(self.server.host, self.server.port, "/_skiff/no-such-thing")
        self.assertEqual(status, 404)

    def test_malformed_request_gets_400(self):
        try:
            resp = self.raw(b"GARBAGE\r\n\r\n")
        except (http.client.RemoteDisconnected, ConnectionResetError):
            self.fail("a malformed request line got no answer (expected 400 Bad Request)")
        self.assertEqual(resp.status, 400, resp.describe())


class LifecycleTest(unittest.TestCase):
    """Tests that start and stop their own servers."""

    def setUp(self):
        self.dirs = []

    def tearDown(self):
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)

    def tempdir(self):
        d = tempfile.mkdtemp(prefix="skiff-integ-")
        self.dirs.append(d)
        return d

    def start(self, **kwargs):
        server = h.SkiffServer(**kwargs).start()
        self.addCleanup(server.cleanup)
        return server

    def test_sigterm_exits_zero(self):
        server = self.start(data_dir=self.tempdir())
        h.make_s3_client(server.endpoint).list_buckets()
        self.assertEqual(server.stop(), 0)

    def test_sigterm_with_idle_keepalive_connection_exits_zero(self):
        server = self.start(data_dir=self.tempdir())
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        conn.request("GET", "/_skiff/health")
        conn.getresponse().read()
        started = time.monotonic()
        try:
            self.assertEqual(server.stop(), 0)
        finally:
            conn.close()
        self.assertLess(time.monotonic() - started, 5, "an idle connection held up shutdown")

    def test_data_persists_across_restart(self):
        data_dir = self.tempdir()
        server = self.start(data_dir=data_dir)
        s3 = h.make_s3_client(server.endpoint)
        bucket = h.unique_name("persist")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="dir/obj.txt", Body=b"survives restarts",
                      ContentType="text/plain", Metadata={"color": "blue"})
        eu_bucket = h.unique_name("persist-eu")
        h.make_s3_client(server.endpoint, region="eu-west-1").create_bucket(
            Bucket=eu_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertEqual(server.stop(), 0)
        self.assertTrue(os.listdir(data_dir), "nothing was written to --data-dir")

        server = self.start(data_dir=data_dir)
        s3 = h.make_s3_client(server.endpoint)
        got = s3.get_object(Bucket=bucket, Key="dir/obj.txt")
        self.assertEqual(got["Body"].read(), b"survives restarts")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"color": "blue"})
        self.assertIn(bucket, [b["Name"] for b in s3.list_buckets()["Buckets"]])
        self.assertEqual(s3.get_bucket_location(Bucket=eu_bucket).get("LocationConstraint"),
                         "eu-west-1")
        self.assertEqual(server.stop(), 0)

    def test_in_memory_keeps_nothing(self):
        data_dir = self.tempdir()
        server = self.start(data_dir=data_dir, in_memory=True)
        s3 = h.make_s3_client(server.endpoint)
        bucket = h.unique_name("mem")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"in memory")
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"in memory")
        self.assertEqual(server.stop(), 0)
        self.assertEqual(os.listdir(data_dir), [], "--in-memory wrote files to --data-dir")

        server = self.start(data_dir=data_dir, in_memory=True)
        s3 = h.make_s3_client(server.endpoint)
        self.assertNotIn(bucket, [b["Name"] for b in s3.list_buckets()["Buckets"]])
        self.assertEqual(server.stop(), 0)

    def test_skiff_credentials_env(self):
        server = self.start(data_dir=self.tempdir(),
                            env={"SKIFF_CREDENTIALS": "AK2:SK2:111111111111"})
        s3 = h.make_s3_client(server.endpoint, access_key="AK2", secret_key="SK2")
        bucket = h.unique_name("ak2")
        s3.create_bucket(Bucket=bucket)
        self.assertIn(bucket, [b["Name"] for b in s3.list_buckets()["Buckets"]])
        with self.assertRaises(ClientError) as ctx:
            h.make_s3_client(server.endpoint, access_key="AK2", secret_key="wrong").list_buckets()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        # The default test/test credential still works, in its own account.
        default = h.make_s3_client(server.endpoint)
        self.assertNotIn(bucket, [b["Name"] for b in default.list_buckets()["Buckets"]])
        self.assertEqual(server.stop(), 0)

    def test_skiff_in_memory_env(self):
        # SKIFF_IN_MEMORY is the env spelling of --in-memory.
        data_dir = self.tempdir()
        server = self.start(data_dir=data_dir, env={"SKIFF_IN_MEMORY": "true"})
        s3 = h.make_s3_client(server.endpoint)
        s3.create_bucket(Bucket=h.unique_name("envmem"))
        self.assertEqual(server.stop(), 0)
        self.assertEqual(os.listdir(data_dir), [], "SKIFF_IN_MEMORY=1 wrote files to --data-dir")


if __name__ == "__main__":
    unittest.main()

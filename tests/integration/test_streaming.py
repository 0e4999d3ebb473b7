"""Object bodies are streamed: memory does not grow with object size, and a slow upload does not
hold up other requests.

The 1 GiB round trip reads the server's peak RSS (VmHWM) from /proc: the issue's bound is 100 MiB.
"""

import hashlib
import http.client
import os
import socket
import time
import unittest

from skiff_harness import SkiffTestCase, build_request_bytes, quote_path, sign_headers

MIB = 1024 * 1024


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmHWM in /proc status")


class StreamingTest(SkiffTestCase):

    def put_streamed(self, bucket, key, size, piece=MIB):
        """PUT `size` bytes (a repeating pattern) with UNSIGNED-PAYLOAD, sent piece by piece."""
        path = "/" + quote_path(f"{bucket}/{key}")
        headers = {"Host": f"{self.server.host}:{self.server.port}", "Content-Length": str(size)}
        sign_headers("PUT", path, "", headers, "UNSIGNED-PAYLOAD")
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=120)
        conn.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        block = bytes(range(256)) * (piece // 256)
        md5 = hashlib.md5()
        sent = 0
        while sent < size:
            part = block[: min(piece, size - sent)]
            conn.send(part)
            md5.update(part)
            sent += len(part)
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 200, body[:500])
        self.assertEqual(resp.getheader("ETag"), f'"{md5.hexdigest()}"')
        return md5.hexdigest()

    def test_one_gib_round_trip_keeps_rss_bounded(self):
        s3 = self.s3()
        bucket = self.new_bucket(s3)
        size = 1024 * MIB
        digest = self.put_streamed(bucket, "big.bin", size)
        self.assertLess(peak_rss_mib(self.server.proc.pid), 100,
                        "server peak RSS after a 1 GiB upload")

        obj = s3.get_object(Bucket=bucket, Key="big.bin")
        self.assertEqual(obj["ContentLength"], size)
        md5 = hashlib.md5()
        got = 0
        for chunk in obj["Body"].iter_chunks(4 * MIB):
            md5.update(chunk)
            got += len(chunk)
        self.assertEqual(got, size)
        self.assertEqual(md5.hexdigest(), digest)
        self.assertLess(peak_rss_mib(self.server.proc.pid), 100,
                        "server peak RSS after a 1 GiB upload and download")
        s3.delete_object(Bucket=bucket, Key="big.bin")

    def test_slow_upload_does_not_block_other_requests(self):
        s3 = self.s3()
        bucket = self.new_bucket(s3)
        body = b"x" * (256 * 1024)
        path = "/" + quote_path(f"{bucket}/slow")
        headers = {"Host": f"{self.server.host}:{self.server.port}",
                   "Content-Length": str(len(body))}
        sign_headers("PUT", path, "", headers, hashlib.sha256(body).hexdigest())
        request = build_request_bytes("PUT", path, "", headers, b"")
        slow = socket.create_connection((self.server.host, self.server.port), timeout=30)
        try:
            slow.sendall(request + body[:100])  # header and a trickle of the body
            # Meanwhile, other clients are served promptly, more requests than there are threads.
            for i in range(3 * max(os.cpu_count() or 1, 1) + 5):
                started = time.monotonic()
                s3.put_object(Bucket=bucket, Key=f"other-{i}", Body=b"hello")
                s3.get_object(Bucket=bucket, Key=f"other-{i}")["Body"].read()
                self.assertLess(time.monotonic() - started, 2.0)
            # The slow upload still completes once the rest of its body arrives.
            slow.sendall(body[100:])
            reply = slow.recv(65536)
            self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply[:300])
        finally:
            slow.close()
        got = s3.get_object(Bucket=bucket, Key="slow")["Body"].read()
        self.assertEqual(got, body)


if __name__ == "__main__":
    unittest.main()

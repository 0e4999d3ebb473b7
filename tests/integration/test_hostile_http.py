"""Hostile and malformed HTTP through raw sockets: bad request lines, oversized headers, bad
Content-Length, truncated bodies, slow clients that trickle bytes. Each gets an error answer (or
the connection is closed), never a crash, a hang of other clients, or a partial write."""

import socket
import threading
import time

from botocore.exceptions import ClientError

import skiff_harness as h

IDLE_TIMEOUT = 2


def read_all(sock, limit=5.0):
    """Everything the server sends until it closes (or `limit` seconds pass: returns None)."""
    sock.settimeout(limit)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        return data


class HostileHttpCase(h.SkiffTestCase):
    server_args = ("--idle-timeout", str(IDLE_TIMEOUT))

    def setUp(self):
        self.bucket = self.new_bucket()

    def tearDown(self):
        # Whatever a test sent, the server is still up and serving.
        self.assertIsNone(self.server.proc.poll(), self.server.stderr_text())
        self.assertEqual(h.http_json(self.server.host, self.server.port, "/_skiff/health")[0], 200)

    def connect(self):
        return socket.create_connection((self.server.host, self.server.port), timeout=10)

    def exchange(self, data):
        with self.connect() as sock:
            h.send_all(sock, data)
            out = read_all(sock)
        self.assertIsNotNone(out, f"no answer and no close for {data[:80]!r}")
        return out

    def assertHealthAnswersPromptly(self):
        """Ten health checks in a row, each answered within 2 s (slow clients hold nobody up)."""
        for _ in range(10):
            started = time.monotonic()
            status = h.http_json(self.server.host, self.server.port, "/_skiff/health")[0]
            self.assertEqual(status, 200)
            self.assertLess(time.monotonic() - started, 2.0)

    def assertAbsent(self, key):
        with self.assertRaises(ClientError) as ctx:
            self.s3().head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def signed_put_head(self, key, length, payload_hash="UNSIGNED-PAYLOAD", extra=None):
        hdrs = {"Host": f"{self.server.host}:{self.server.port}", "Content-Length": str(length)}
        hdrs.update(extra or {})
        path = f"/{self.bucket}/{key}"
        h.sign_headers("PUT", path, "", hdrs, payload_hash)
        return h.build_request_bytes("PUT", path, "", hdrs)


class MalformedRequestTest(HostileHttpCase):

    def test_malformed_request_lines_get_400(self):
        for line in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                     b"GET  /  HTTP/1.1\r\n\r\n", b"\x00\x01\x02\x03\r\n\r\n",
                     b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
                     b"G\xffT / HTTP/1.1\r\nHost: x\r\n\r\n"):
            with self.subTest(line=line[:30]):
                out = self.exchange(line)
                self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out[:200])

    def test_oversized_headers_get_s3_error(self):
        many = b"".join(b"x-h%d: v\r\n" % i for i in range(3000))
        out = self.exchange(b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out[:200])
        self.assertIn(b"<Code>RequestHeaderSectionTooLarge</Code>", out)
        out = self.exchange(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"<Code>RequestHeaderSectionTooLarge</Code>", out)

    def test_bad_content_length_gets_400_and_writes_nothing(self):
        for i, value in enumerate(("abc", "-5", "1e3", "99999999999999999999999", "5, 6", "")):
            with self.subTest(value=value):
                head = self.signed_put_head(f"badlen{i}", 5).replace(
                    b"Content-Length: 5", b"Content-Length: " + value.encode())
                out = self.exchange(head + b"hello")
                self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out[:200])
                self.assertAbsent(f"badlen{i}")
        head = self.signed_put_head("duplen", 5).replace(
            b"Content-Length: 5\r\n", b"Content-Length: 5\r\nContent-Length: 6\r\n")
        self.assertTrue(self.exchange(head + b"hello!").startswith(b"HTTP/1.1 400 "))
        self.assertAbsent("duplen")

    def test_garbage_after_a_good_request_is_refused(self):
        good = b"GET /_skiff/health HTTP/1.1\r\nHost: x\r\n\r\n"
        out = self.exchange(good + b"NOT HTTP AT ALL\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 200 "), out[:200])
        self.assertIn(b"HTTP/1.1 400 ", out)

    def test_broken_http_chunking_gets_400_and_writes_nothing(self):
        head = self.signed_put_head("badchunk", 0).replace(
            b"Content-Length: 0", b"Transfer-Encoding: chunked")
        out = self.exchange(head + b"ZZZ\r\nhello\r\n0\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400 ") or out.startswith(b"HTTP/1.1 501 "),
                        out[:300])
        self.assertAbsent("badchunk")


class TruncatedBodyTest(HostileHttpCase):

    def test_truncated_body_then_half_close_stores_nothing(self):
        body = b"t" * 200_000
        with self.connect() as sock:
            sock.sendall(self.signed_put_head("trunc", len(body)) + body[:70_000])
            sock.shutdown(socket.SHUT_WR)
            read_all(sock)
        self.assertAbsent("trunc")

    def test_truncated_overwrite_keeps_the_old_object_whole(self):
        s3 = self.s3()
        old = b"old-body" * 1000
        etag = s3.put_object(Bucket=self.bucket, Key="keep", Body=old)["ETag"]
        new = b"n" * 3_000_000
        with self.connect() as sock:
            sock.sendall(self.signed_put_head("keep", len(new)) + new[:1_500_000])
        time.sleep(0.3)
        got = s3.get_object(Bucket=self.bucket, Key="keep")
        self.assertEqual(got["Body"].read(), old)
        self.assertEqual(got["ETag"], etag)

    def test_body_shorter_than_signed_hash_is_refused(self):
        # The whole body arrives but differs from the signed x-amz-content-sha256.
        body = b"abc" * 1000
        import hashlib
        wrong = hashlib.sha256(b"something else").hexdigest()
        with self.connect() as sock:
            sock.sendall(self.signed_put_head("badhash", len(body), payload_hash=wrong) + body)
            resp = h.read_response(sock, "PUT")
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertEqual(h.error_fields(resp.body)["Code"], "XAmzContentSHA256Mismatch")
        self.assertAbsent("badhash")


class SlowClientTest(HostileHttpCase):

    def test_idle_connection_is_closed_after_the_idle_timeout(self):
        with self.connect() as sock:
            started = time.monotonic()
            out = read_all(sock, limit=IDLE_TIMEOUT + 5)
            self.assertIsNotNone(out, "idle connection was never closed")
            self.assertLess(time.monotonic() - started, IDLE_TIMEOUT + 3)

    def test_idle_keep_alive_connection_is_closed(self):
        with self.connect() as sock:
            sock.sendall(b"GET /_skiff/health HTTP/1.1\r\nHost: x\r\n\r\n")
            resp = h.read_response(sock)
            self.assertEqual(resp.status, 200)
            started = time.monotonic()
            self.assertEqual(read_all(sock, limit=IDLE_TIMEOUT + 5), b"")
            self.assertLess(time.monotonic() - started, IDLE_TIMEOUT + 3)

    def test_trickled_header_is_cut_off_and_others_are_served(self):
        request = b"GET /_skiff/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 200 + b"\r\n\r\n"
        stop = threading.Event()
        closed_after = []

        def trickle():
            with self.connect() as sock:
                started = time.monotonic()
                try:
                    for b in request:
                        if stop.is_set():
                            return
                        sock.sendall(bytes([b]))
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    closed_after.append(time.monotonic() - started)
                    return
                closed_after.append(None)  # the server waited for all of it

        slow = [threading.Thread(target=trickle) for _ in range(20)]
        for t in slow:
            t.start()
        try:
            time.sleep(0.5)
            # Twenty trickling clients do not slow anyone else down.
            self.assertHealthAnswersPromptly()
            self.s3().put_object(Bucket=self.bucket, Key="meanwhile", Body=b"ok")
        finally:
            for t in slow:
                t.join(IDLE_TIMEOUT + 40)
            stop.set()
        self.assertEqual(len(closed_after), 20)
        for took in closed_after:
            # 25 s to send it all at this pace; the header deadline is the idle timeout.
            self.assertIsNotNone(took, "a trickled header was waited for to the end")
            self.assertLess(took, IDLE_TIMEOUT + 4)

    def test_stalled_upload_is_closed_and_stores_nothing(self):
        with self.connect() as sock:
            sock.sendall(self.signed_put_head("stalled", 100_000) + b"x" * 1000)
            started = time.monotonic()
            out = read_all(sock, limit=IDLE_TIMEOUT + 5)
            self.assertIsNotNone(out, "a stalled upload was never closed")
            self.assertLess(time.monotonic() - started, IDLE_TIMEOUT + 3)
        self.assertAbsent("stalled")

    def test_trickled_body_is_cut_off_and_others_are_served(self):
        # The idle timeout bounds each read of a body, and a read lasts until the server's
        # 64 KiB body buffer is full (or the body complete): a body trickled one byte at a time,
        # well within the idle timeout each, is still cut off one idle timeout after it stalls
        # short of 64 KiB. Meanwhile nobody else waits, and nothing partial is stored, not even
        # over an existing object.
        s3 = self.s3()
        old = b"old-body" * 1000
        etag = s3.put_object(Bucket=self.bucket, Key="keep", Body=old)["ETag"]
        keys = ["keep"] + [f"trickled{i}" for i in range(4)]
        pace = IDLE_TIMEOUT / 4
        closed_after = {}

        def trickle(key):
            with self.connect() as sock:
                sock.sendall(self.signed_put_head(key, 100_000) + b"x" * 1000)
                started = time.monotonic()
                try:
                    while time.monotonic() - started < 5 * IDLE_TIMEOUT:
                        time.sleep(pace)
                        sock.sendall(b"x")
                except (BrokenPipeError, ConnectionResetError):
                    closed_after[key] = time.monotonic() - started
                    return
                closed_after[key] = None  # still open after five idle timeouts

        slow = [threading.Thread(target=trickle, args=(key,)) for key in keys]
        for t in slow:
            t.start()
        try:
            time.sleep(0.5)
            self.assertHealthAnswersPromptly()
            s3.put_object(Bucket=self.bucket, Key="meanwhile", Body=b"ok" * 50_000)
            self.assertEqual(s3.get_object(Bucket=self.bucket, Key="meanwhile")["Body"].read(),
                             b"ok" * 50_000)
        finally:
            for t in slow:
                t.join(5 * IDLE_TIMEOUT + 30)
        self.assertEqual(sorted(closed_after), sorted(keys))
        for key, took in closed_after.items():
            self.assertIsNotNone(took, f"{key}: a trickled body was waited for indefinitely")
            self.assertLess(took, IDLE_TIMEOUT + 3, key)
        for key in keys[1:]:
            self.assertAbsent(key)
        got = s3.get_object(Bucket=self.bucket, Key="keep")
        self.assertEqual(got["Body"].read(), old)
        self.assertEqual(got["ETag"], etag)

    def test_steady_upload_slower_than_the_idle_timeout_completes(self):
        # The counterpart: no deadline for the whole body. An upload that keeps delivering
        # (8 KiB every 0.1 s here) may take longer than the idle timeout.
        body = bytes(range(256)) * 1000
        started = time.monotonic()
        with self.connect() as sock:
            sock.sendall(self.signed_put_head("steady", len(body)))
            for at in range(0, len(body), 8192):
                sock.sendall(body[at:at + 8192])
                time.sleep(0.1)
            resp = h.read_response(sock, "PUT")
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertGreater(time.monotonic() - started, IDLE_TIMEOUT)
        self.assertEqual(self.s3().get_object(Bucket=self.bucket, Key="steady")["Body"].read(),
                         body)

if __name__ == "__main__":
    import unittest
    unittest.main()

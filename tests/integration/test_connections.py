"""Many connections: 1,000 open at once (half idle, half sending signed S3 requests and health
checks) are all served; idle ones are closed after --idle-timeout; the server keeps serving new
clients throughout."""

import resource
import selectors
import socket
import time

import skiff_harness as h

CONNECTIONS = 1000
IDLE_TIMEOUT = 3


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class ManyConnectionsTest(h.SkiffTestCase):
    server_args = ("--idle-timeout", str(IDLE_TIMEOUT))

    def setUp(self):
        limit = raise_fd_limit(CONNECTIONS + 200)
        self.assertGreaterEqual(limit, CONNECTIONS + 100, "cannot raise RLIMIT_NOFILE")
        self.socks = []

    def tearDown(self):
        for s in self.socks:
            s.close()

    def open_all(self):
        for _ in range(CONNECTIONS):
            self.socks.append(socket.create_connection((self.server.host, self.server.port),
                                                       timeout=20))

    def request_bytes(self, i, bucket):
        if i % 2:
            return b"GET /_skiff/health HTTP/1.1\r\nHost: x\r\n\r\n"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}"}
        h.sign_headers("HEAD", f"/{bucket}", "", hdrs, h.EMPTY_SHA256)
        return h.build_request_bytes("HEAD", f"/{bucket}", "", hdrs)

    def test_thousand_connections_served_and_idle_ones_time_out(self):
        bucket = self.new_bucket()
        self.open_all()
        active = self.socks[::2]
        idle = self.socks[1::2]
        # Every active connection sends a request while all 1,000 are open, twice (keep-alive).
        for round_no in range(2):
            for i, s in enumerate(active):
                s.sendall(self.request_bytes(i, bucket))
            for i, s in enumerate(active):
                method = "GET" if i % 2 else "HEAD"
                resp = h.read_response(s, method)
                self.assertEqual(resp.status, 200, f"round {round_no} conn {i}: {resp.describe()}")
        # A new client is served at once meanwhile.
        s3 = self.s3()
        started = time.monotonic()
        s3.put_object(Bucket=bucket, Key="during", Body=b"ok")
        self.assertLess(time.monotonic() - started, 5.0)

        # Every connection, idle from the start or idle since its last answer, is closed by
        # the server within the idle timeout (plus slack).
        sel = selectors.DefaultSelector()
        for s in self.socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        open_count = len(self.socks)
        deadline = time.monotonic() + IDLE_TIMEOUT + 10
        while open_count and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                try:
                    data = key.fileobj.recv(4096)
                except ConnectionResetError:
                    data = b""
                self.assertEqual(data, b"", "unexpected bytes on an idle connection")
                sel.unregister(key.fileobj)
                open_count -= 1
        sel.close()
        self.assertEqual(open_count, 0, f"{open_count} idle connections were never closed")
        self.assertEqual(len(idle), CONNECTIONS // 2)
        # And the server still serves.
        self.assertEqual(self.s3().get_object(Bucket=bucket, Key="during")["Body"].read(), b"ok")

    def test_connections_opened_and_dropped_in_bulk(self):
        # Clients that vanish without a word (half-sent requests, abrupt resets) leak nothing
        # that stops the next thousand from being served.
        for wave in range(2):
            self.open_all()
            for i, s in enumerate(self.socks):
                if i % 3 == 0:
                    s.sendall(b"GET /_skiff/hea")
                elif i % 3 == 1:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.close()
            self.socks = []
            status = h.http_json(self.server.host, self.server.port, "/_skiff/health")[0]
            self.assertEqual(status, 200, f"wave {wave}")


if __name__ == "__main__":
    import unittest
    unittest.main()

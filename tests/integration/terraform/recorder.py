"""A recording HTTP pass-through: Terraform talks to it, it forwards every request unchanged
(same Host header, so SigV4 signatures still verify) to Skiff and records what was sent, so a
test can check Terraform's real requests header by header."""

import http.client
import http.server
import ssl
import threading


class Recorded:
    def __init__(self, method, target, headers, body, status):
        self.method = method
        self.target = target  # path?query exactly as sent
        self.headers = headers  # lower-case name -> value
        self.body = body
        self.status = status

    @property
    def path(self):
        return self.target.split("?", 1)[0]

    @property
    def query(self):
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def __repr__(self):
        return f"{self.method} {self.target} -> {self.status}"


class RecordingProxy:
    """Listens on 127.0.0.1:<free port>; `endpoint` is what Terraform is pointed at. With
    `tls=(cert_file, key_file)` it terminates HTTPS (the "emulator behind a TLS proxy" set-up)
    and forwards plain HTTP, so clients send their HTTPS body forms."""

    def __init__(self, upstream_host, upstream_port, tls=None):
        self.records = []
        lock = threading.Lock()
        records = self.records

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                conn = http.client.HTTPConnection(upstream_host, upstream_port, timeout=60)
                try:
                    conn.putrequest(self.command, self.path, skip_host=True,
                                    skip_accept_encoding=True)
                    for name, value in self.headers.items():
                        if name.lower() != "expect":  # answered here already
                            conn.putheader(name, value)
                    conn.endheaders(body if body else None)
                    resp = conn.getresponse()
                    data = resp.read()
                    with lock:
                        records.append(Recorded(
                            self.command, self.path,
                            {k.lower(): v for k, v in self.headers.items()}, body, resp.status))
                    self.send_response_only(resp.status, resp.reason)
                    for name, value in resp.getheaders():
                        if name.lower() not in ("transfer-encoding", "connection",
                                                "content-length"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", resp.getheader("Content-Length", "0")
                                     if self.command == "HEAD" else str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        port = self.httpd.server_address[1]
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.endpoint = f"https://localhost:{port}"
        else:
            self.endpoint = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def clear(self):
        del self.records[:]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

"""Shared harness for the black-box integration tests.

Starts the real `skiff` binary (SKIFF_BIN, default /work/main/build/server/skiff) on an ephemeral
port with its own data directory, and offers the clients the tests use: boto3, the AWS CLI, and a
small hand-written SigV4 signer for requests no SDK will send (skewed clocks, tampered bodies,
virtual-hosted style without DNS, raw aws-chunked bodies, Expect: 100-continue).
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import boto3
from botocore.config import Config

SKIFF_BIN = os.environ.get("SKIFF_BIN", "/work/main/build/server/skiff")
ACCESS_KEY = "test"
SECRET_KEY = "test"
ACCOUNT_ID = "000000000000"
DEFAULT_REGION = "us-east-1"
STARTUP_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

_LISTENING = re.compile(r"listening on (https?)://(\[[^\]]+\]|[^\s:/]+):(\d+)")
_TLS_CERT = re.compile(r"tls-cert=(\S+)")


class SkiffServer:
    """One running skiff process. start() blocks until it prints its listening line."""

    def __init__(self, extra_args=(), env=None, data_dir=None, in_memory=False):
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="skiff-integ-")
        self.in_memory = in_memory
        self.proc = None
        self.host = None
        self.port = None
        self.stdout_lines = []
        self.startup_line = None
        self.scheme = "http"
        self.tls_cert = None  # the certificate path the startup line names (HTTPS only)
        self._stderr_file = None

    @property
    def endpoint(self):
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self):
        if not os.access(SKIFF_BIN, os.X_OK):
            raise RuntimeError(f"skiff binary not found at {SKIFF_BIN} (set SKIFF_BIN)")
        args = [SKIFF_BIN, "--port", "0", "--data-dir", self.data_dir]
        if self.in_memory:
            args.append("--in-memory")
        args += self.extra_args
        env = dict(os.environ)
        # A developer's own SKIFF_* settings must not leak into the tests.
        for k in list(env):
            if k.startswith("SKIFF_") and k != "SKIFF_BIN":
                del env[k]
        env.update(self.env)
        self._stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr_file,
                                     env=env, stdin=subprocess.DEVNULL)
        lines = queue.Queue()

        def pump():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                lines.put(line)
            lines.put(None)

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=STARTUP_TIMEOUT)
        while True:
            remaining = (deadline - datetime.datetime.now()).total_seconds()
            if remaining <= 0:
                self.kill()
                raise RuntimeError("skiff did not print 'listening on http://HOST:PORT' within "
                                   f"{STARTUP_TIMEOUT}s; stdout={self.stdout_lines} "
                                   f"stderr={self.stderr_text()}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                code = self.proc.wait()
                raise RuntimeError(f"skiff exited with {code} before listening; "
                                   f"stdout={self.stdout_lines} stderr={self.stderr_text()}")
            m = _LISTENING.search(line)
            if m:
                self.startup_line = line
                self.scheme = m.group(1)
                self.host = m.group(2)
                self.port = int(m.group(3))
                cert = _TLS_CERT.search(line)
                self.tls_cert = cert.group(1) if cert else None
                return self

    def stderr_text(self):
        if self._stderr_file is None:
            return ""
        self._stderr_file.seek(0)
        return self._stderr_file.read().decode("utf-8", "replace")[-4000:]

    def stop(self):
        """SIGTERM; returns the exit code, or None if it had to be killed after STOP_TIMEOUT."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            code = None
        self._release()
        return code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._release()

    def _release(self):
        if self.proc is None:
            return
        self._pump.join(5)
        self.proc.stdout.close()
        self.proc = None

    def cleanup(self):
        self.kill()
        if self._stderr_file is not None:
            self._stderr_file.close()
            self._stderr_file = None
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


class SkiffTestCase(unittest.TestCase):
    """Starts one server per test class; stopping it must exit 0."""

    server_args = ()
    server_env = {}
    server_in_memory = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = SkiffServer(cls.server_args, cls.server_env, in_memory=cls.server_in_memory)
        cls.server.start()
        cls.endpoint = cls.server.endpoint

    @classmethod
    def tearDownClass(cls):
        server = cls.server
        try:
            code = server.stop()
            if code != 0:
                raise AssertionError(f"skiff exited with {code} on SIGTERM (expected 0); "
                                     f"stderr={server.stderr_text()}")
        finally:
            server.cleanup()
            super().tearDownClass()

    # --- clients -------------------------------------------------------------------------

    def s3(self, region=DEFAULT_REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
           endpoint=None, **config):
        return make_s3_client(endpoint or self.endpoint, region, access_key, secret_key, **config)

    def aws(self, *args, region=DEFAULT_REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
            timeout=60, input_bytes=None):
        return run_aws(self.endpoint, args, region, access_key, secret_key, timeout, input_bytes)

    def signed(self, method, path, **kwargs):
        return signed_request(self.server.host, self.server.port, method, path, **kwargs)

    def raw(self, data, method="GET"):
        return raw_exchange(self.server.host, self.server.port, data, method)

    def run_node_suite(self, folder, marker_package, timeout=180):
        """Runs `node --test` in tests/integration/<folder> (an npm project with a committed
        lockfile) against this server; `npm ci` first when node_modules/<marker_package> is
        missing. Fails unless node reports at least one pass and no failure."""
        js_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), folder)
        node, npm = shutil.which("node"), shutil.which("npm")
        self.assertTrue(node and npm, "node and npm are needed for the JS SDK tests")
        if not os.path.isdir(os.path.join(js_dir, "node_modules", *marker_package.split("/"))):
            proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=js_dir,
                                  capture_output=True, timeout=300)
            self.assertEqual(proc.returncode, 0,
                             f"npm ci failed: {proc.stderr.decode(errors='replace')[-3000:]}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(SKIFF_ENDPOINT=self.endpoint, NODE_NO_WARNINGS="1")
        proc = subprocess.run([node, "--test"], cwd=js_dir, env=env, capture_output=True,
                              timeout=timeout)
        output = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0, f"node --test failed:\n{output[-8000:]}")
        self.assertRegex(output, r"# pass [1-9]")
        self.assertRegex(output, r"# fail 0")

    # --- assertions ----------------------------------------------------------------------

    def assertClientError(self, ctx_exception, code, status=None, message=None):
        err = ctx_exception.response.get("Error", {})
        meta = ctx_exception.response.get("ResponseMetadata", {})
        self.assertEqual(err.get("Code"), code, ctx_exception.response)
        if status is not None:
            self.assertEqual(meta.get("HTTPStatusCode"), status, ctx_exception.response)
        if message is not None:
            self.assertEqual(err.get("Message"), message, ctx_exception.response)
        return err

    def assertS3Error(self, resp, status, code, message=None):
        """Checks a raw response is an S3 <Error> document; returns its fields."""
        self.assertEqual(resp.status, status, resp.describe())
        self.assertIn("x-amz-request-id", resp.headers, resp.describe())
        self.assertTrue(resp.headers.get("content-type", "").startswith("application/xml"),
                        resp.describe())
        fields = error_fields(resp.body)
        self.assertEqual(fields.get("Code"), code, resp.describe())
        if message is not None:
            self.assertEqual(fields.get("Message"), message, resp.describe())
        self.assertTrue(fields.get("RequestId"), resp.describe())
        self.assertEqual(fields.get("RequestId"), resp.headers.get("x-amz-request-id"),
                         resp.describe())
        return fields

    def new_bucket(self, client=None, prefix="b", region=None):
        name = unique_name(prefix)
        client = client or self.s3(region=region or DEFAULT_REGION)
        if client.meta.region_name == "us-east-1":
            client.create_bucket(Bucket=name)
        else:
            client.create_bucket(Bucket=name, CreateBucketConfiguration={
                "LocationConstraint": client.meta.region_name})
        return name


def make_s3_client(endpoint, region=DEFAULT_REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                   **config):
    """A default boto3 S3 client (default checksums) with path-style addressing and no retries,
    so that every answer the test sees is the server's first answer."""
    cfg = {"s3": {"addressing_style": "path"}, "retries": {"total_max_attempts": 1}}
    cfg.update(config)
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        config=Config(**cfg))


def make_ddb_client(endpoint, region=DEFAULT_REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                    **config):
    """A boto3 DynamoDB client with no retries (every answer is the server's first)."""
    cfg = {"retries": {"total_max_attempts": 1}}
    cfg.update(config)
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        config=Config(**cfg))


def use_trailing_checksums(client):
    """Makes `client` send flexible checksums the way boto3 does over HTTPS: as an aws-chunked
    trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER inside Transfer-Encoding: chunked). Over plain
    HTTP botocore would otherwise send them as a header with a signed payload."""

    def to_trailer(params, **_):
        algorithm = params.get("context", {}).get("checksum", {}).get("request_algorithm")
        if isinstance(algorithm, dict):
            algorithm["in"] = "trailer"

    for op in ("PutObject", "UploadPart"):
        client.meta.events.register(f"before-call.s3.{op}", to_trailer)
    return client


def integrity(db_path):
    """PRAGMA integrity_check through a separate read-only connection (the server may run)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def unique_name(prefix="b"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def run_aws(endpoint, args, region=DEFAULT_REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
            timeout=60, input_bytes=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key,
                "AWS_DEFAULT_REGION": region, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_MAX_ATTEMPTS": "1",
                "AWS_RETRY_MODE": "standard", "AWS_PAGER": ""})
    return subprocess.run(["aws", "--endpoint-url", endpoint, *args], env=env,
                          capture_output=True, timeout=timeout, input=input_bytes)


# --- raw HTTP ---------------------------------------------------------------------------------

class RawResponse:
    def __init__(self, status, reason, headers, body, header_list=None):
        self.status = status
        self.reason = reason
        self.headers = headers  # lower-case name -> value (last wins)
        self.header_list = header_list or list(headers.items())
        self.body = body

    def describe(self):
        return f"{self.status} {self.reason} {self.headers} {self.body[:2000]!r}"


def read_response(sock, method="GET"):
    resp = http.client.HTTPResponse(sock, method=method)
    resp.begin()
    body = resp.read()
    pairs = [(k.lower(), v) for k, v in resp.getheaders()]
    return RawResponse(resp.status, resp.reason, dict(pairs), body, pairs)


def send_all(sock, data):
    """Sends, tolerating the server closing early (it may answer before reading the body)."""
    try:
        sock.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def raw_exchange(host, port, data, method="GET", timeout=30):
    """Sends raw bytes on a fresh connection and reads one response."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        send_all(sock, data)
        return read_response(sock, method)


def quote_path(s):
    """AWS URI encoding for an S3 path (keeps '/')."""
    return urllib.parse.quote(s, safe="/-_.~")


def _aws_quote(s):
    return urllib.parse.quote(s, safe="-_.~")


def canonical_query(query):
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((_aws_quote(urllib.parse.unquote(name)),
                      _aws_quote(urllib.parse.unquote(value))))
    pairs.sort()
    return "&".join(f"{n}={v}" for n, v in pairs)


def signing_key(secret, date, region, service="s3"):
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def sign_headers(method, path, query, headers, payload_hash, region=DEFAULT_REGION,
                 access_key=ACCESS_KEY, secret_key=SECRET_KEY, amz_date=None, service="s3",
                 send_content_sha256=True):
    """Adds X-Amz-Date, x-amz-content-sha256 and Authorization to `headers` (a dict with at
    least Host). `path` and `query` are exactly as they go on the wire. Signs every header given.
    `send_content_sha256=False` leaves the header out (the hash still ends the canonical request).
    Returns (signature, signing key, amz_date, scope)."""
    if amz_date is None:
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers["X-Amz-Date"] = amz_date
    if send_content_sha256:
        headers["x-amz-content-sha256"] = payload_hash
    canon = {}
    for k, v in headers.items():
        canon[k.lower()] = " ".join(str(v).strip().split())
    names = sorted(canon)
    creq = "\n".join([method, path, canonical_query(query),
                      "".join(f"{n}:{canon[n]}\n" for n in names), ";".join(names), payload_hash])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = signing_key(secret_key, amz_date[:8], region, service)
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                                f"SignedHeaders={';'.join(names)}, Signature={sig}")
    return sig, key, amz_date, scope


def build_request_bytes(method, path, query, headers, body=b""):
    target = path + ("?" + query if query else "")
    head = f"{method} {target} HTTP/1.1\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("utf-8") + b"\r\n" + body


def signed_request(host, port, method, path, query="", headers=None, body=b"",
                   region=DEFAULT_REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                   payload_hash=None, amz_date=None, host_header=None, sign=True):
    """Signs (header auth) and sends one request on a fresh connection. `path` must already be
    percent-encoded (see quote_path). Content-Length is set from `body` unless given."""
    hdrs = {"Host": host_header or f"{host}:{port}"}
    hdrs.update(headers or {})
    if "Content-Length" not in hdrs and "Transfer-Encoding" not in hdrs and (
            body or method in ("PUT", "POST")):
        hdrs["Content-Length"] = str(len(body))
    if sign:
        if payload_hash is None:
            payload_hash = hashlib.sha256(body).hexdigest()
        sign_headers(method, path, query, hdrs, payload_hash, region, access_key, secret_key,
                     amz_date)
    return raw_exchange(host, port, build_request_bytes(method, path, query, hdrs, body), method)


def chunk_string_to_sign(amz_date, scope, previous_signature, data):
    return "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous_signature,
                      EMPTY_SHA256, hashlib.sha256(data).hexdigest()])


def signed_chunks(chunks, key, amz_date, scope, seed_signature, tamper_index=None):
    """aws-chunked body for STREAMING-AWS4-HMAC-SHA256-PAYLOAD: each chunk signed over the
    previous signature; a final zero-length chunk. `tamper_index`: flip a byte of that chunk
    after signing it."""
    out = b""
    prev = seed_signature
    for i, data in enumerate(list(chunks) + [b""]):
        sig = hmac.new(key, chunk_string_to_sign(amz_date, scope, prev, data).encode(),
                       hashlib.sha256).hexdigest()
        prev = sig
        if tamper_index == i:
            data = bytes([data[0] ^ 0x01]) + data[1:]
        out += f"{len(data):x};chunk-signature={sig}\r\n".encode() + data + b"\r\n"
    return out


def unsigned_trailer_body(chunks, trailer_name, trailer_value):
    """aws-chunked body for STREAMING-UNSIGNED-PAYLOAD-TRAILER."""
    out = b""
    for data in chunks:
        out += f"{len(data):x}\r\n".encode() + data + b"\r\n"
    out += b"0\r\n" + f"{trailer_name}:{trailer_value}\r\n".encode() + b"\r\n"
    return out


def error_fields(body):
    """<Error><Code>..</Code>...</Error> -> {"Code": ..., ...} (first-level children)."""
    root = ET.fromstring(body)
    if root.tag != "Error":
        raise AssertionError(f"not an S3 Error document: {body[:500]!r}")
    return {child.tag: (child.text or "") for child in root}


def xml_root(body):
    return ET.fromstring(body)


def strip_ns(tag):
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


# --- checksums botocore cannot compute without awscrt ------------------------------------------

def _crc_table(poly, width):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & ((1 << width) - 1))
    return table


_CRC32C_TABLE = _crc_table(0x82F63B78, 32)
_CRC64NVME_TABLE = _crc_table(0x9A6C9329AC4BC9B5, 64)


def _reflected_crc(data, table, width):
    mask = (1 << width) - 1
    c = mask
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ mask


def crc32c(data):
    return _reflected_crc(data, _CRC32C_TABLE, 32)


def crc64nvme(data):
    return _reflected_crc(data, _CRC64NVME_TABLE, 64)


def b64_checksum(algorithm, data):
    """Base64 of the big-endian checksum, as x-amz-checksum-* carries it."""
    import zlib
    algorithm = algorithm.upper()
    if algorithm == "CRC32":
        raw = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")
    elif algorithm == "CRC32C":
        raw = crc32c(data).to_bytes(4, "big")
    elif algorithm == "CRC64NVME":
        raw = crc64nvme(data).to_bytes(8, "big")
    elif algorithm == "SHA1":
        raw = hashlib.sha1(data).digest()
    elif algorithm == "SHA256":
        raw = hashlib.sha256(data).digest()
    else:
        raise ValueError(algorithm)
    return base64.b64encode(raw).decode()


assert crc32c(b"123456789") == 0xE3069283
assert crc64nvme(b"123456789") == 0xAE8B14860A799888


def http_json(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
    finally:
        conn.close()


def parse_json(body):
    return json.loads(body.decode("utf-8"))

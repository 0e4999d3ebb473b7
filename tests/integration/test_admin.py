"""The admin API under /_skiff/ with real clients: the request journal (what boto3 did, why a
signature failed, never a secret), reset, state, runtime credentials, Prometheus metrics and the
admin token."""

import hashlib
import http.client
import json
import re
import threading
import time
import unittest
import urllib.parse

import boto3
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import skiff_harness as h

ADMIN_TOKEN = "admin-token-7f3a9c"
OTHER_ACCOUNT = "111122223333"


def admin_call(server, method, path, body=None, token=None, headers=None):
    """One admin request; returns (status, headers dict, parsed JSON or text)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, (bytes, str)) else body
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read().decode()
        headers_out = {k.lower(): v for k, v in resp.getheaders()}
        if headers_out.get("content-type", "").startswith("application/json"):
            return resp.status, headers_out, json.loads(raw)
        return resp.status, headers_out, raw
    finally:
        conn.close()


def client(service, endpoint, region=h.DEFAULT_REGION, access_key=h.ACCESS_KEY,
           secret_key=h.SECRET_KEY, session_token=None):
    cfg = Config(retries={"total_max_attempts": 1})
    if service == "s3":
        cfg = cfg.merge(Config(s3={"addressing_style": "path"}))
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        aws_session_token=session_token, config=cfg)


class RecordingMixin:
    """Keeps the canonical request and string to sign botocore computed while signing."""

    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.recorded_string_to_sign


class RecordingS3SigV4Auth(RecordingMixin, S3SigV4Auth):
    pass


class RecordingSigV4Auth(RecordingMixin, SigV4Auth):
    pass


class RecordingS3SigV4QueryAuth(RecordingMixin, S3SigV4QueryAuth):
    pass


def botocore_signed(auth, method, url, headers=None, body=b""):
    """Signs an AWSRequest with `auth` (a Recording*SigV4Auth); returns the prepared request."""
    request = AWSRequest(method=method, url=url, headers=dict(headers or {}), data=body)
    auth.add_auth(request)
    return request


def send_prepared(server, request, path_and_query, headers, body=b""):
    """Sends `request`'s method with the given target, headers and body as raw HTTP."""
    hdrs = {"Host": urllib.parse.urlsplit(request.url).netloc}
    hdrs.update(headers)
    if body or request.method in ("PUT", "POST"):
        hdrs["Content-Length"] = str(len(body))
    data = f"{request.method} {path_and_query} HTTP/1.1\r\n".encode()
    data += "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()).encode() + b"\r\n" + body
    return h.raw_exchange(server.host, server.port, data, request.method)


class AdminTestCase(h.SkiffTestCase):
    token = None

    def admin(self, method, path, body=None, token="default", headers=None):
        return admin_call(self.server, method, path, body,
                          self.token if token == "default" else token, headers)

    def journal(self, **filters):
        query = urllib.parse.urlencode(filters)
        status, _, doc = self.admin("GET", "/_skiff/journal" + ("?" + query if query else ""))
        self.assertEqual(status, 200, doc)
        return doc["entries"]

    def wait_journal(self, count=1, **filters):
        """Records are written once the response has gone out: poll briefly for them."""
        deadline = time.monotonic() + 5
        while True:
            entries = self.journal(**filters)
            if len(entries) >= count or time.monotonic() > deadline:
                return entries
            time.sleep(0.02)

    def full_stderr(self):
        f = self.server._stderr_file
        f.seek(0)
        return f.read().decode("utf-8", "replace")

    def metric(self, text, name, **labels):
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
            if not m or m.group(1) != name:
                continue
            found = dict(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            if found == {k: str(v) for k, v in labels.items()}:
                return float(m.group(3))
        return 0.0


class AdminApiTest(AdminTestCase):

    def test_journal_shows_boto3_calls(self):
        since = time.time()
        s3 = client("s3", self.endpoint, region="eu-west-1")
        bucket = h.unique_name("journal")
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket=bucket, Key="a.txt", Body=b"hello")
        with self.assertRaises(ClientError) as ctx:
            s3.get_object(Bucket=bucket, Key="missing.txt")
        self.assertClientError(ctx.exception, "NoSuchKey", 404)
        missing_id = ctx.exception.response["ResponseMetadata"]["RequestId"]
        client("dynamodb", self.endpoint, region="eu-west-1").list_tables()

        puts = self.wait_journal(operation="PutObject")
        put = [e for e in puts if e["resource"] == f"{bucket}/a.txt"]
        self.assertEqual(len(put), 1, puts)
        put = put[0]
        self.assertEqual(put["service"], "s3")
        self.assertEqual(put["method"], "PUT")
        self.assertEqual(put["status"], 200)
        self.assertEqual(put["principal"], "arn:aws:iam::000000000000:root")
        self.assertEqual(put["account"], "000000000000")
        self.assertEqual(put["access_key"], "test")
        self.assertEqual(put["region"], "eu-west-1")
        self.assertRegex(put["id"], r"^[0-9A-F]{16}$")
        self.assertRegex(put["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertIsInstance(put["latency_ms"], float)
        self.assertNotIn("error_code", put)

        missing = self.wait_journal(code="NoSuchKey", id=missing_id)
        self.assertEqual(len(missing), 1)
        self.assertEqual(missing[0]["operation"], "GetObject")
        self.assertEqual(missing[0]["status"], 404)
        self.assertEqual(self.journal(status="404", id=missing_id), missing)
        self.assertEqual(self.journal(status="4xx", id=missing_id), missing)
        self.assertEqual(self.journal(status="200", id=missing_id), [])

        ddb = self.wait_journal(service="dynamodb", operation="ListTables")
        self.assertEqual(ddb[-1]["status"], 200)
        self.assertEqual(ddb[-1]["region"], "eu-west-1")

        # Newest last; limit keeps the newest; since drops what came before.
        recent = self.journal(since=int(since * 1000))
        ops = [e["operation"] for e in recent]
        self.assertLess(ops.index("CreateBucket"), ops.index("PutObject"))
        self.assertEqual(self.journal(limit=1), recent[-1:])
        seqs = [e["seq"] for e in recent]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(self.journal(since="2999-01-01T00:00:00Z"), [])
        # Admin calls are not journaled.
        self.assertEqual(self.journal(service="admin"), [])

    def test_journal_filters_are_validated(self):
        for query in ("status=abc", "limit=0", "since=yesterday", "colour=red"):
            status, _, doc = self.admin("GET", "/_skiff/journal?" + query)
            self.assertEqual(status, 400, query)
            self.assertEqual(doc["error"], "InvalidParameter")

    def test_bad_signature_is_explained_without_secrets(self):
        secret = "RealSecretKey/ShouldNeverAppear+1"
        wrong = "WrongSecretKey/AlsoNeverAppears+2"
        token = "SessionTokenValue/NeverInLogs+3=="
        key = "AKIAJOURNALSIGTEST"
        status, _, doc = self.admin("POST", "/_skiff/credentials", {
            "accessKeyId": key, "secretAccessKey": secret, "sessionToken": token,
            "expiration": "2099-01-01T00:00:00Z"})
        self.assertEqual(status, 201, doc)

        s3 = client("s3", self.endpoint, access_key=key, secret_key=wrong, session_token=token)
        with self.assertRaises(ClientError) as ctx:
            s3.list_buckets()
        self.assertClientError(ctx.exception, "SignatureDoesNotMatch", 403)
        ddb = client("dynamodb", self.endpoint, access_key=key, secret_key=wrong,
                     session_token=token)
        with self.assertRaises(ClientError) as ctx:
            ddb.list_tables()
        self.assertClientError(ctx.exception, "InvalidSignatureException", 400)
        # The right secret works (the token is the credential's).
        client("s3", self.endpoint, access_key=key, secret_key=secret,
               session_token=token).list_buckets()

        entries = self.wait_journal(count=2, code="SignatureDoesNotMatch")
        entries += self.wait_journal(code="InvalidSignatureException")
        mine = [e for e in entries if e.get("access_key") == key]
        self.assertEqual({e["operation"] for e in mine}, {"ListBuckets", "ListTables"}, entries)
        for e in mine:
            self.assertEqual(e["status"], 403 if e["service"] == "s3" else 400)
            self.assertTrue(e["canonical_request"].startswith(
                "GET\n/\n" if e["service"] == "s3" else "POST\n/\n"), e)
            self.assertIn("x-amz-security-token:<redacted>\n", e["canonical_request"])
            self.assertTrue(e["string_to_sign"].startswith("AWS4-HMAC-SHA256\n"), e)
            self.assertRegex(e["provided_signature"], r"^[0-9a-f]{64}$")
            # The string to sign names the hash of the canonical request Skiff computed.
            self.assertRegex(e["string_to_sign"].splitlines()[-1], r"^[0-9a-f]{64}$")
            self.assertEqual(e["principal"], "arn:aws:iam::000000000000:root")

        journal_text = json.dumps(self.journal())
        _, _, listing = self.admin("GET", "/_skiff/credentials")
        stderr = self.full_stderr()
        for where, text in (("journal", journal_text), ("credentials", json.dumps(listing)),
                            ("stderr", stderr)):
            for value in (secret, wrong, token):
                self.assertNotIn(value, text, where)
                self.assertNotIn(urllib.parse.quote(value, safe=""), text, where)
        self.assertIn(key, journal_text)
        self.assertEqual(self.admin("DELETE", f"/_skiff/credentials/{key}")[0], 200)

    def tampered_signature_entry(self, auth, request, path_and_query, headers, body=b""):
        """Sends a tampered copy of a botocore-signed request; returns (response, journal entry)."""
        resp = send_prepared(self.server, request, path_and_query, headers, body)
        request_id = resp.headers.get("x-amz-request-id") or resp.headers.get("x-amzn-requestid")
        self.assertTrue(request_id, resp.describe())
        entries = self.wait_journal(id=request_id)
        self.assertEqual(len(entries), 1, entries)
        entry = entries[0]
        # The journal's string to sign ends with the hash of the journal's canonical request, and
        # otherwise is the one botocore signed (algorithm, date, scope).
        sts_lines = entry["string_to_sign"].split("\n")
        self.assertEqual(sts_lines[-1],
                         hashlib.sha256(entry["canonical_request"].encode()).hexdigest(), entry)
        self.assertEqual(sts_lines[:3], auth.recorded_string_to_sign.split("\n")[:3])
        self.assertNotEqual(entry["string_to_sign"], auth.recorded_string_to_sign)
        if "Authorization" in request.headers:
            signature = request.headers["Authorization"].rsplit("Signature=", 1)[1]
        else:
            signature = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)[
                "X-Amz-Signature"][0]
        self.assertEqual(entry["provided_signature"], signature)
        return resp, entry

    def assertDiffersOnlyAt(self, ours, theirs, index, expected_line):
        """`ours` (Skiff's canonical request) is botocore's `theirs` with line `index` replaced
        by `expected_line`."""
        ours_lines, theirs_lines = ours.split("\n"), theirs.split("\n")
        self.assertEqual(len(ours_lines), len(theirs_lines), (ours, theirs))
        differing = [i for i, (a, b) in enumerate(zip(ours_lines, theirs_lines)) if a != b]
        self.assertEqual(differing, [index], (ours, theirs))
        self.assertEqual(ours_lines[index], expected_line)

    def test_tampered_s3_request_journal_matches_botocore(self):
        creds = Credentials(h.ACCESS_KEY, h.SECRET_KEY)
        bucket = h.unique_name("tamper")
        client("s3", self.endpoint).create_bucket(Bucket=bucket)

        with self.subTest("query parameter"):
            auth = RecordingS3SigV4Auth(creds, "s3", "us-east-1")
            request = botocore_signed(auth, "GET",
                                      f"{self.endpoint}/{bucket}?list-type=2&prefix=logs%2F")
            headers = {k: v for k, v in request.headers.items()}
            # The client signed prefix=logs/; the wire says prefix=data/.
            resp, entry = self.tampered_signature_entry(
                auth, request, f"/{bucket}?list-type=2&prefix=data%2F", headers)
            fields = self.assertS3Error(resp, 403, "SignatureDoesNotMatch")
            self.assertEqual(entry["operation"], "ListObjectsV2")
            self.assertEqual((entry["status"], entry["error_code"]),
                             (403, "SignatureDoesNotMatch"))
            self.assertDiffersOnlyAt(entry["canonical_request"], auth.recorded_canonical_request,
                                     2, "list-type=2&prefix=data%2F")
            self.assertEqual(auth.recorded_canonical_request.split("\n")[2],
                             "list-type=2&prefix=logs%2F")
            self.assertEqual(fields["CanonicalRequest"], entry["canonical_request"])
            self.assertEqual(fields["StringToSign"], entry["string_to_sign"])
            self.assertEqual(fields["SignatureProvided"], entry["provided_signature"])
            self.assertEqual(fields["AWSAccessKeyId"], h.ACCESS_KEY)
            self.assertEqual(bytes.fromhex(fields["CanonicalRequestBytes"].replace(" ", "")),
                             entry["canonical_request"].encode())

        with self.subTest("signed header"):
            auth = RecordingS3SigV4Auth(creds, "s3", "us-east-1")
            request = botocore_signed(auth, "PUT", f"{self.endpoint}/{bucket}/k.txt",
                                      {"x-amz-meta-colour": "blue",
                                       "Content-Type": "text/plain"}, b"payload")
            headers = {k: v for k, v in request.headers.items()}
            self.assertEqual(headers.pop("x-amz-meta-colour"), "blue")
            headers["x-amz-meta-colour"] = "red"
            resp, entry = self.tampered_signature_entry(auth, request, f"/{bucket}/k.txt",
                                                        headers, b"payload")
            fields = self.assertS3Error(resp, 403, "SignatureDoesNotMatch")
            self.assertEqual(entry["operation"], "PutObject")
            theirs = auth.recorded_canonical_request.split("\n")
            index = theirs.index("x-amz-meta-colour:blue")
            self.assertDiffersOnlyAt(entry["canonical_request"], auth.recorded_canonical_request,
                                     index, "x-amz-meta-colour:red")
            self.assertEqual(fields["CanonicalRequest"], entry["canonical_request"])
            self.assertEqual(fields["StringToSign"], entry["string_to_sign"])
            # Nothing was written.
            with self.assertRaises(ClientError) as ctx:
                client("s3", self.endpoint).head_object(Bucket=bucket, Key="k.txt")
            self.assertClientError(ctx.exception, "404", 404)

        with self.subTest("presigned URL query parameter"):
            client("s3", self.endpoint).put_object(Bucket=bucket, Key="shared.txt", Body=b"x")
            auth = RecordingS3SigV4QueryAuth(creds, "s3", "us-east-1", expires=300)
            request = botocore_signed(auth, "GET", f"{self.endpoint}/{bucket}/shared.txt"
                                      "?response-content-type=text%2Fplain")
            url = urllib.parse.urlsplit(request.url)
            self.assertIn("X-Amz-Signature=", url.query)
            self.assertIn("response-content-type=text%2Fplain", url.query)
            tampered = url.query.replace("response-content-type=text%2Fplain",
                                         "response-content-type=text%2Fhtml")
            resp, entry = self.tampered_signature_entry(
                auth, request, f"{url.path}?{tampered}", dict(request.headers.items()))
            fields = self.assertS3Error(resp, 403, "SignatureDoesNotMatch")
            self.assertEqual(entry["operation"], "GetObject")
            theirs = auth.recorded_canonical_request.split("\n")
            self.assertIn("response-content-type=text%2Fplain", theirs[2])
            self.assertDiffersOnlyAt(entry["canonical_request"], auth.recorded_canonical_request,
                                     2, theirs[2].replace("text%2Fplain", "text%2Fhtml"))
            self.assertEqual(theirs[-1], "UNSIGNED-PAYLOAD")
            self.assertEqual(fields["CanonicalRequest"], entry["canonical_request"])
            self.assertEqual(fields["StringToSign"], entry["string_to_sign"])
            self.assertEqual(fields["SignatureProvided"], entry["provided_signature"])

        with self.subTest("untampered control"):
            auth = RecordingS3SigV4Auth(creds, "s3", "us-east-1")
            request = botocore_signed(auth, "GET",
                                      f"{self.endpoint}/{bucket}?list-type=2&prefix=logs%2F")
            resp = send_prepared(self.server, request, f"/{bucket}?list-type=2&prefix=logs%2F",
                                 dict(request.headers.items()))
            self.assertEqual(resp.status, 200, resp.describe())

    def test_tampered_dynamodb_body_journal_matches_botocore(self):
        creds = Credentials(h.ACCESS_KEY, h.SECRET_KEY)
        auth = RecordingSigV4Auth(creds, "dynamodb", "us-east-1")
        signed_body = b'{"Limit": 5}'
        request = botocore_signed(auth, "POST", f"{self.endpoint}/", {
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0"}, signed_body)
        tampered = b'{"Limit": 7}'
        resp, entry = self.tampered_signature_entry(auth, request, "/",
                                                    dict(request.headers.items()), tampered)
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertEqual(json.loads(resp.body)["__type"],
                         "com.amazon.coral.service#InvalidSignatureException")
        self.assertEqual(entry["operation"], "ListTables")
        self.assertEqual((entry["status"], entry["error_code"]),
                         (400, "InvalidSignatureException"))
        # DynamoDB signs the body's hash: only the canonical request's last line differs.
        theirs = auth.recorded_canonical_request
        self.assertEqual(theirs.split("\n")[-1], hashlib.sha256(signed_body).hexdigest())
        self.assertDiffersOnlyAt(entry["canonical_request"], theirs, len(theirs.split("\n")) - 1,
                                 hashlib.sha256(tampered).hexdigest())

    def test_concurrent_requests_are_each_journaled_once(self):
        s3 = client("s3", self.endpoint)
        bucket = h.unique_name("concurrent")
        s3.create_bucket(Bucket=bucket)
        threads, per_thread = 8, 25

        def put_many(t):
            c = client("s3", self.endpoint)
            for j in range(per_thread):
                c.put_object(Bucket=bucket, Key=f"t{t}-{j}", Body=b"x")

        workers = [threading.Thread(target=put_many, args=(t,)) for t in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        deadline = time.monotonic() + 5
        while True:
            mine = [e for e in self.journal(operation="PutObject")
                    if e["resource"].startswith(bucket + "/")]
            if len(mine) >= threads * per_thread or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.assertEqual(sorted(e["resource"] for e in mine),
                         sorted(f"{bucket}/t{t}-{j}" for t in range(threads)
                                for j in range(per_thread)))
        self.assertEqual(len({e["id"] for e in mine}), threads * per_thread)
        seqs = [e["seq"] for e in mine]
        self.assertEqual(seqs, sorted(set(seqs)))
        self.assertEqual({e["status"] for e in mine}, {200})

    def test_journal_names_the_deciding_policy_statement(self):
        iam = client("iam", self.endpoint)
        user = h.unique_name("journal-user")
        iam.create_user(UserName=user)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        iam.put_user_policy(UserName=user, PolicyName="list-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "AllowList", "Effect": "Allow",
                           "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
        s3 = client("s3", self.endpoint, access_key=key["AccessKeyId"],
                    secret_key=key["SecretAccessKey"])
        s3.list_buckets()
        bucket = h.unique_name("denied")
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=bucket)
        self.assertClientError(ctx.exception, "AccessDenied", 403)

        entries = [e for e in self.wait_journal(count=2, service="s3")
                   if e.get("access_key") == key["AccessKeyId"]]
        self.assertEqual([e["operation"] for e in entries], ["ListBuckets", "ListObjectsV2"])
        allowed, denied = entries
        self.assertEqual(allowed["principal"], f"arn:aws:iam::000000000000:user/{user}")
        self.assertEqual(allowed["policy"], "list-only/AllowList: Allow")
        self.assertEqual((denied["status"], denied["error_code"]), (403, "AccessDenied"))
        self.assertIn("s3:ListBucket", denied["error_detail"])
        self.assertIn("deny", denied["policy"].lower())
        # The secret the IAM API handed out is in neither the journal nor the log.
        self.assertNotIn(key["SecretAccessKey"], json.dumps(self.journal()))
        self.assertNotIn(key["SecretAccessKey"], self.full_stderr())

    def test_state_counts_buckets_objects_and_items(self):
        s3 = client("s3", self.endpoint, region="eu-west-1")
        bucket = h.unique_name("state")
        s3.create_bucket(Bucket=bucket,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        for i in range(3):
            s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * 10)
        s3.put_object(Bucket=bucket, Key="k0", Body=b"y" * 4)  # a second version of k0
        ddb = client("dynamodb", self.endpoint, region="us-west-2")
        table = h.unique_name("state-table")
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        for i in range(2):
            ddb.put_item(TableName=table, Item={"pk": {"S": f"item{i}"}})

        status, _, state = self.admin("GET", "/_skiff/state")
        self.assertEqual(status, 200, state)
        b = [x for x in state["buckets"] if x["name"] == bucket]
        self.assertEqual(len(b), 1, state)
        self.assertEqual(b[0]["region"], "eu-west-1")
        self.assertEqual(b[0]["owner"], "000000000000")
        self.assertEqual(b[0]["versioning"], "Enabled")
        self.assertEqual(b[0]["objects"], 3)
        self.assertEqual(b[0]["versions"], 4)
        self.assertEqual(b[0]["bytes"], 24)
        t = [x for x in state["tables"] if x["name"] == table]
        self.assertEqual(len(t), 1, state)
        self.assertEqual(t[0]["account"], "000000000000")
        self.assertEqual(t[0]["region"], "us-west-2")
        self.assertEqual(t[0]["status"], "ACTIVE")
        self.assertEqual(t[0]["items"], 2)

    def test_dynamodb_tables_are_per_account_and_region(self):
        key, secret = "AKIAADMINTABLES00001", "tables-secret-value"
        status, _, doc = self.admin("POST", "/_skiff/credentials", {
            "accessKeyId": key, "secretAccessKey": secret, "accountId": OTHER_ACCOUNT})
        self.assertEqual((status, doc["arn"]), (201, f"arn:aws:iam::{OTHER_ACCOUNT}:root"))
        table = h.unique_name("shared-name")

        def create(ddb, hash_key):
            return ddb.create_table(
                TableName=table, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": hash_key, "AttributeType": "S"}],
                KeySchema=[{"AttributeName": hash_key, "KeyType": "HASH"}])["TableDescription"]

        mine_east = client("dynamodb", self.endpoint, region="us-east-1")
        mine_west = client("dynamodb", self.endpoint, region="eu-west-1")
        other_east = client("dynamodb", self.endpoint, region="us-east-1", access_key=key,
                            secret_key=secret)
        other_west = client("dynamodb", self.endpoint, region="eu-west-1", access_key=key,
                            secret_key=secret)
        # The same name three times: a different key schema each, so that each is told apart.
        created = {"mine-east": create(mine_east, "pk_mine_east"),
                   "mine-west": create(mine_west, "pk_mine_west"),
                   "other-east": create(other_east, "pk_other_east")}
        self.assertEqual(created["mine-east"]["TableArn"],
                         f"arn:aws:dynamodb:us-east-1:000000000000:table/{table}")
        self.assertEqual(created["mine-west"]["TableArn"],
                         f"arn:aws:dynamodb:eu-west-1:000000000000:table/{table}")
        self.assertEqual(created["other-east"]["TableArn"],
                         f"arn:aws:dynamodb:us-east-1:{OTHER_ACCOUNT}:table/{table}")
        # Creating it again where it exists is refused; elsewhere it was not.
        with self.assertRaises(ClientError) as ctx:
            create(other_east, "pk_other_east")
        self.assertClientError(ctx.exception, "ResourceInUseException", 400)

        for ddb, n in ((mine_east, 1), (mine_west, 2), (other_east, 3)):
            hash_key = ddb.describe_table(TableName=table)["Table"]["KeySchema"][0]["AttributeName"]
            for i in range(n):
                ddb.put_item(TableName=table, Item={hash_key: {"S": f"item{i}"}})

        for name, ddb, region, account in (
                ("mine-east", mine_east, "us-east-1", "000000000000"),
                ("mine-west", mine_west, "eu-west-1", "000000000000"),
                ("other-east", other_east, "us-east-1", OTHER_ACCOUNT)):
            with self.subTest(name):
                described = ddb.describe_table(TableName=table)["Table"]
                self.assertEqual(described["TableArn"],
                                 f"arn:aws:dynamodb:{region}:{account}:table/{table}")
                self.assertEqual(described["KeySchema"][0]["AttributeName"],
                                 "pk_" + name.replace("-", "_"))
                self.assertIn(table, ddb.list_tables()["TableNames"])
        # The other account has no table in eu-west-1.
        self.assertNotIn(table, other_west.list_tables()["TableNames"])
        with self.assertRaises(ClientError) as ctx:
            other_west.describe_table(TableName=table)
        self.assertClientError(ctx.exception, "ResourceNotFoundException", 400)
        self.assertEqual(mine_west.scan(TableName=table)["Count"], 2)
        self.assertEqual(other_east.scan(TableName=table)["Count"], 3)

        _, _, state = self.admin("GET", "/_skiff/state")
        rows = sorted((t["account"], t["region"], t["items"]) for t in state["tables"]
                      if t["name"] == table)
        self.assertEqual(rows, [("000000000000", "eu-west-1", 2), ("000000000000", "us-east-1", 1),
                                (OTHER_ACCOUNT, "us-east-1", 3)])

        # Deleting one leaves the other two.
        other_east.delete_table(TableName=table)
        with self.assertRaises(ClientError) as ctx:
            other_east.describe_table(TableName=table)
        self.assertClientError(ctx.exception, "ResourceNotFoundException", 400)
        self.assertEqual(mine_east.scan(TableName=table)["Count"], 1)
        self.assertEqual(mine_west.scan(TableName=table)["Count"], 2)
        _, _, state = self.admin("GET", "/_skiff/state")
        rows = sorted((t["account"], t["region"]) for t in state["tables"] if t["name"] == table)
        self.assertEqual(rows, [("000000000000", "eu-west-1"), ("000000000000", "us-east-1")])
        for ddb in (mine_east, mine_west):
            ddb.delete_table(TableName=table)
        self.assertEqual(self.admin("DELETE", f"/_skiff/credentials/{key}")[0], 200)

    def test_credentials_added_work_and_removed_fail(self):
        key, secret = "AKIAADMINADDED00001", "added-secret-value"
        status, _, doc = self.admin("POST", "/_skiff/credentials", {
            "accessKeyId": key, "secretAccessKey": secret, "accountId": OTHER_ACCOUNT,
            "userName": "ci-user"})
        self.assertEqual(status, 201, doc)
        self.assertEqual(doc, {"accessKeyId": key, "accountId": OTHER_ACCOUNT,
                               "arn": f"arn:aws:iam::{OTHER_ACCOUNT}:user/ci-user",
                               "userName": "ci-user", "temporary": False})
        _, _, listing = self.admin("GET", "/_skiff/credentials")
        self.assertIn(key, [c["accessKeyId"] for c in listing["credentials"]])
        self.assertNotIn(secret, json.dumps(listing))

        ident = client("sts", self.endpoint, access_key=key,
                       secret_key=secret).get_caller_identity()
        self.assertEqual(ident["Account"], OTHER_ACCOUNT)
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{OTHER_ACCOUNT}:user/ci-user")
        # A user with no policy is denied, as in AWS.
        bucket = h.unique_name("creds")
        with self.assertRaises(ClientError) as ctx:
            client("s3", self.endpoint, access_key=key, secret_key=secret).create_bucket(
                Bucket=bucket)
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        self.assertEqual(self.admin("DELETE", f"/_skiff/credentials/{key}")[0], 200)

        # Without a user name the key is the account root: allowed everything in its account.
        root_key = "AKIAADMINADDED00002"
        status, _, doc = self.admin("POST", "/_skiff/credentials", {
            "accessKeyId": root_key, "secretAccessKey": secret, "accountId": OTHER_ACCOUNT})
        self.assertEqual((status, doc["arn"]), (201, f"arn:aws:iam::{OTHER_ACCOUNT}:root"))
        s3 = client("s3", self.endpoint, access_key=root_key, secret_key=secret)
        s3.create_bucket(Bucket=bucket)
        _, _, state = self.admin("GET", "/_skiff/state")
        owners = {b["name"]: b["owner"] for b in state["buckets"]}
        self.assertEqual(owners[bucket], OTHER_ACCOUNT)

        status, _, doc = self.admin("DELETE", f"/_skiff/credentials/{root_key}")
        self.assertEqual(status, 200, doc)
        with self.assertRaises(ClientError) as ctx:
            s3.list_buckets()
        self.assertClientError(ctx.exception, "InvalidAccessKeyId", 403)
        with self.assertRaises(ClientError) as ctx:
            client("dynamodb", self.endpoint, access_key=root_key,
                   secret_key=secret).list_tables()
        self.assertClientError(ctx.exception, "UnrecognizedClientException", 400)
        status, _, doc = self.admin("DELETE", f"/_skiff/credentials/{root_key}")
        self.assertEqual((status, doc["error"]), (404, "NoSuchAccessKey"))

        status, _, doc = self.admin("POST", "/_skiff/credentials",
                                    {"accessKeyId": "x/y", "secretAccessKey": "s"})
        self.assertEqual((status, doc["error"]), (400, "InvalidParameter"))

    def test_metrics_counters_move(self):
        def scrape():
            status, headers, text = self.admin("GET", "/_skiff/metrics")
            self.assertEqual(status, 200)
            self.assertEqual(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
            return text

        labels = {"service": "s3", "operation": "ListBuckets", "status": "200"}
        before = scrape()
        s3 = client("s3", self.endpoint)
        s3.list_buckets()
        s3.list_buckets()
        with self.assertRaises(ClientError):
            s3.head_bucket(Bucket=h.unique_name("absent"))
        self.wait_journal(operation="HeadBucket", status="404")
        after = scrape()
        self.assertEqual(self.metric(after, "skiff_requests_total", **labels)
                         - self.metric(before, "skiff_requests_total", **labels), 2)
        self.assertGreaterEqual(
            self.metric(after, "skiff_requests_total", service="s3", operation="HeadBucket",
                        status="404"), 1)
        count = "skiff_request_duration_seconds_count"
        self.assertGreaterEqual(self.metric(after, count, service="s3")
                                - self.metric(before, count, service="s3"), 3)
        self.assertEqual(self.metric(after, "skiff_request_duration_seconds_bucket",
                                     service="s3", le="+Inf"),
                         self.metric(after, count, service="s3"))
        self.assertIn("# TYPE skiff_faults_fired_total counter", after)
        self.assertGreater(self.metric(after, "skiff_uptime_seconds"), 0)

    def test_unknown_endpoint_and_wrong_method(self):
        status, _, doc = self.admin("GET", "/_skiff/nothing-here")
        self.assertEqual((status, doc["error"]), (404, "NotFound"))
        status, headers, doc = self.admin("GET", "/_skiff/reset")
        self.assertEqual((status, doc["error"]), (405, "MethodNotAllowed"))
        self.assertEqual(headers["allow"], "POST")
        status, headers, _ = self.admin("PUT", "/_skiff/journal")
        self.assertEqual((status, headers["allow"]), (405, "GET, HEAD, DELETE"))
        status, _, doc = self.admin("POST", "/_skiff/reset?service=everything")
        self.assertEqual((status, doc["error"]), (400, "InvalidParameter"))


class AdminFaultsTest(AdminTestCase):
    """/_skiff/faults is the fault engine's endpoint behind the admin dispatcher: a fired rule shows
    in the journal and the metrics, and a reset of faults removes the rules."""

    def test_fired_rule_is_journaled_counted_and_reset(self):
        s3 = client("s3", self.endpoint)
        bucket = h.unique_name("faulty")
        s3.create_bucket(Bucket=bucket)
        status, _, doc = self.admin("POST", "/_skiff/faults", {
            "id": "admin-slowdown", "match": {"service": "s3", "operation": "PutObject",
                                              "bucket": bucket},
            "action": {"error_code": "SlowDown"}, "trigger": {"times": 2}})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["ids"], ["admin-slowdown"])

        for _ in range(2):
            with self.assertRaises(ClientError) as ctx:
                s3.put_object(Bucket=bucket, Key="k", Body=b"v")
            self.assertClientError(ctx.exception, "SlowDown", 503)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")  # the rule fired its two times

        entries = self.wait_journal(count=3, operation="PutObject")
        self.assertEqual([(e["status"], e.get("fault_rule")) for e in entries],
                         [(503, "admin-slowdown"), (503, "admin-slowdown"), (200, None)])
        self.assertEqual(self.journal(code="SlowDown"), entries[:2])
        _, _, metrics = self.admin("GET", "/_skiff/metrics")
        self.assertEqual(self.metric(metrics, "skiff_faults_fired_total", rule="admin-slowdown"), 2)
        self.assertEqual(self.metric(metrics, "skiff_requests_total", service="s3",
                                     operation="PutObject", status="503"), 2)

        status, _, doc = self.admin("GET", "/_skiff/faults")
        self.assertEqual(status, 200, doc)
        self.assertEqual([r["id"] for r in doc["rules"]], ["admin-slowdown"])
        status, _, doc = self.admin("POST", "/_skiff/reset?service=faults")
        self.assertEqual((status, doc), (200, {"reset": ["faults"]}))
        self.assertEqual(self.admin("GET", "/_skiff/faults")[2]["rules"], [])
        # Only the rules went: the bucket and the journal stay.
        self.assertEqual(s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertTrue(self.journal(code="SlowDown"))


class AdminResetTest(AdminTestCase):
    """Its own server: a full reset would disturb the other tests."""

    def test_journal_clear_keeps_state_and_sequence(self):
        s3 = client("s3", self.endpoint)
        bucket = h.unique_name("clear")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        before = self.wait_journal(operation="PutObject")
        self.assertTrue(before)
        last_seq = max(e["seq"] for e in self.journal())

        status, _, doc = self.admin("DELETE", "/_skiff/journal")
        self.assertEqual((status, doc), (200, {"cleared": True}))
        status, _, doc = self.admin("GET", "/_skiff/journal")
        self.assertEqual(status, 200, doc)
        self.assertEqual((doc["count"], doc["entries"]), (0, []))
        # Only the journal went: the bucket and its object stay.
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")
        _, _, state = self.admin("GET", "/_skiff/state")
        self.assertEqual([b["objects"] for b in state["buckets"] if b["name"] == bucket], [1])
        # New requests are journaled again, numbered after the cleared ones.
        entries = self.wait_journal(operation="GetObject")
        self.assertEqual([e["operation"] for e in self.journal()], ["GetObject"])
        self.assertGreater(entries[0]["seq"], last_seq)
        # Clearing an empty journal is fine too.
        self.admin("DELETE", "/_skiff/journal")
        status, _, doc = self.admin("DELETE", "/_skiff/journal")
        self.assertEqual((status, doc), (200, {"cleared": True}))
        self.assertEqual(self.journal(), [])

    def test_reset_empties_buckets_tables_and_journal(self):
        s3 = client("s3", self.endpoint)
        bucket = h.unique_name("reset")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        ddb = client("dynamodb", self.endpoint)
        ddb.create_table(TableName="reset-table", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        ddb.put_item(TableName="reset-table", Item={"pk": {"S": "a"}})
        ddb.transact_write_items(ClientRequestToken="reset-token", TransactItems=[
            {"Put": {"TableName": "reset-table", "Item": {"pk": {"S": "t1"}}}}])
        self.wait_journal(operation="TransactWriteItems")

        status, _, doc = self.admin("POST", "/_skiff/reset?service=s3")
        self.assertEqual((status, doc), (200, {"reset": ["s3"]}))
        self.assertEqual(s3.list_buckets()["Buckets"], [])
        self.assertEqual(ddb.list_tables()["TableNames"], ["reset-table"])
        self.assertNotEqual(self.journal(), [])

        status, _, doc = self.admin("POST", "/_skiff/reset")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["reset"],
                         ["s3", "dynamodb", "iam", "faults", "credentials", "journal"])
        self.assertEqual(ddb.list_tables()["TableNames"], [])
        with self.assertRaises(ClientError) as ctx:
            ddb.get_item(TableName="reset-table", Key={"pk": {"S": "a"}})
        self.assertClientError(ctx.exception, "ResourceNotFoundException", 400)
        _, _, state = self.admin("GET", "/_skiff/state")
        self.assertEqual(state, {"buckets": [], "tables": []})
        # What came after the reset is all the journal holds.
        ops = [e["operation"] for e in self.wait_journal(count=2)]
        self.assertEqual(ops, ["ListTables", "GetItem"])
        # The bucket name is free again.
        s3.create_bucket(Bucket=bucket)
        # The idempotency token is forgotten: reusing it for another request is no mismatch.
        ddb.create_table(TableName="reset-table", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        ddb.transact_write_items(ClientRequestToken="reset-token", TransactItems=[
            {"Put": {"TableName": "reset-table", "Item": {"pk": {"S": "t2"}}}}])
        self.assertIn("Item", ddb.get_item(TableName="reset-table", Key={"pk": {"S": "t2"}}))


class AdminTokenTest(AdminTestCase):
    server_args = ("--admin-token", ADMIN_TOKEN)
    token = ADMIN_TOKEN

    def test_token_is_enforced(self):
        status, _, doc = self.admin("GET", "/_skiff/health", token=None)
        self.assertEqual((status, doc["status"]), (200, "ok"))
        for method, path in (("GET", "/_skiff/journal"), ("GET", "/_skiff/state"),
                             ("GET", "/_skiff/metrics"), ("GET", "/_skiff/credentials"),
                             ("POST", "/_skiff/reset"), ("DELETE", "/_skiff/journal")):
            for token in (None, "wrong-token", ADMIN_TOKEN + "x"):
                status, headers, doc = self.admin(method, path, token=token)
                self.assertEqual(status, 401, (method, path, token))
                self.assertEqual(doc["error"], "Unauthorized")
                self.assertEqual(headers["www-authenticate"], 'Bearer realm="skiff"')
        # A refused add changed nothing.
        status, _, _ = self.admin("POST", "/_skiff/credentials", token=None, body={
            "accessKeyId": "AKIASNEAKY", "secretAccessKey": "s"})
        self.assertEqual(status, 401)
        with self.assertRaises(ClientError) as ctx:
            client("s3", self.endpoint, access_key="AKIASNEAKY", secret_key="s").list_buckets()
        self.assertClientError(ctx.exception, "InvalidAccessKeyId", 403)

        # The AWS APIs do not need the admin token; the admin API does, and then works.
        client("s3", self.endpoint).list_buckets()
        entries = self.wait_journal(operation="ListBuckets", status="200")
        self.assertTrue(entries)
        status, _, _ = self.admin("GET", "/_skiff/state")
        self.assertEqual(status, 200)
        self.assertNotIn(ADMIN_TOKEN, self.full_stderr())
        self.assertNotIn(ADMIN_TOKEN, "\n".join(self.server.stdout_lines))


class AdminJournalSizeTest(AdminTestCase):
    server_args = ("--journal-size", "3")

    def test_journal_keeps_the_newest_requests(self):
        s3 = client("s3", self.endpoint)
        for i in range(5):
            with self.assertRaises(ClientError):
                s3.head_bucket(Bucket=f"absent-{i}")
        # Records land once each response is out: wait for the last one.
        deadline = time.monotonic() + 5
        while True:
            status, _, doc = self.admin("GET", "/_skiff/journal")
            resources = [e["resource"] for e in doc["entries"]]
            if resources[-1:] == ["absent-4"] or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.assertEqual(doc["capacity"], 3)
        self.assertEqual(resources, ["absent-2", "absent-3", "absent-4"])
        self.assertEqual(doc["count"], 3)


if __name__ == "__main__":
    unittest.main()

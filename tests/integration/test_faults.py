"""Fault injection with real clients: every preset, every trigger kind, custom actions, the
/_skiff/faults admin API, --faults/SKIFF_FAULTS at start-up, and what boto3 and the AWS CLI
see (a followed region redirect, retried throttling counted through the journal, a connection
reset, added latency, the lock-held errors of a Terraform backend)."""

import json
import os
import subprocess
import tempfile
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

import skiff_harness as h
from test_admin import admin_call


def client(endpoint, service, region=h.DEFAULT_REGION, attempts=1, **extra):
    cfg = {"retries": {"total_max_attempts": attempts, "mode": "standard"}}
    if service == "s3":
        cfg["s3"] = {"addressing_style": "path"}
    cfg.update(extra)
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=h.ACCESS_KEY, aws_secret_access_key=h.SECRET_KEY,
                        config=Config(**cfg))


class FaultsTestCase(h.SkiffTestCase):
    server_in_memory = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3c = client(cls.endpoint, "s3")
        cls.ddb = client(cls.endpoint, "dynamodb")
        cls.bucket = h.unique_name("faults")
        cls.s3c.create_bucket(Bucket=cls.bucket)
        cls.s3c.put_object(Bucket=cls.bucket, Key="state/env.tfstate", Body=b"{}")
        cls.table = h.unique_name("locks")
        cls.ddb.create_table(TableName=cls.table,
                             KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "LockID",
                                                    "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")

    def tearDown(self):
        self.admin("DELETE", "/_skiff/faults")
        super().tearDown()

    def admin(self, method, path, body=None):
        return admin_call(self.server, method, path, body)

    def add(self, *rules):
        status, _, doc = self.admin("POST", "/_skiff/faults",
                                    rules[0] if len(rules) == 1 else list(rules))
        self.assertEqual(status, 200, doc)
        return doc["ids"]

    def rule(self, rule_id):
        _, _, doc = self.admin("GET", "/_skiff/faults")
        return next(r for r in doc["rules"] if r["id"] == rule_id)

    def journal(self, **filters):
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        status, _, doc = self.admin("GET", "/_skiff/journal?" + query)
        self.assertEqual(status, 200, doc)
        return doc["entries"]

    def wait_entries(self, count, keep, **filters):
        """The journal entries matching `filters` and `keep`, once there are `count` of them
        (records are written after the response has gone out, so poll briefly)."""
        deadline = time.monotonic() + 5
        while True:
            entries = [e for e in self.journal(**filters) if keep(e)]
            if len(entries) >= count or time.monotonic() > deadline:
                return entries
            time.sleep(0.02)

    def get_state(self, s3=None):
        return (s3 or self.s3c).get_object(Bucket=self.bucket, Key="state/env.tfstate")

    def s3_error(self, call, code, status):
        with self.assertRaises(ClientError) as ctx:
            call()
        return self.assertClientError(ctx.exception, code, status)


class AdminApiTest(FaultsTestCase):

    def test_list_add_delete_clear(self):
        ids = self.add({"id": "one", "preset": "throttle", "match": {"service": "s3"},
                        "trigger": {"times": 1}},
                       {"preset": "slow", "action": {"latency_ms": 1}, "match": {"table": "x"}})
        self.assertEqual(ids[0], "one")
        self.assertRegex(ids[1], r"^fault-\d+$")
        _, _, doc = self.admin("GET", "/_skiff/faults")
        self.assertEqual(doc["rules"][0], {"id": "one", "match": {"service": "s3"},
                                           "preset": "throttle", "trigger": {"times": 1},
                                           "matched": 0, "fired": 0})
        self.s3_error(self.get_state, "SlowDown", 503)
        self.get_state()
        self.assertEqual((self.rule("one")["matched"], self.rule("one")["fired"]), (2, 1))

        status, _, doc = self.admin("DELETE", "/_skiff/faults/one")
        self.assertEqual((status, doc), (200, {"removed": 1}))
        status, _, doc = self.admin("DELETE", "/_skiff/faults/one")
        self.assertEqual((status, doc["error"]), (404, "NoSuchFaultRule"))
        status, _, doc = self.admin("DELETE", "/_skiff/faults")
        self.assertEqual((status, doc), (200, {"removed": 1}))
        _, _, doc = self.admin("GET", "/_skiff/faults")
        self.assertEqual(doc, {"rules": []})

    def test_bad_rules_are_refused_whole(self):
        for body, message in (
                ("{not json", "not valid JSON"),
                ({"preset": "throttled"}, "rule.preset \"throttled\" is not one of"),
                ({"preset": "slow", "match": {"bukcet": "b"}}, "unknown member rule.match.bukcet"),
                ([{"preset": "slow"}, {"preset": "lock-held", "trigger": {"times": 0}}],
                 "rules[1]: trigger.times must be at least 1")):
            status, _, doc = self.admin("POST", "/_skiff/faults", body)
            self.assertEqual(status, 400, doc)
            self.assertEqual(doc["error"], "InvalidFaultRule")
            self.assertIn(message, doc["message"])
        _, _, doc = self.admin("GET", "/_skiff/faults")
        self.assertEqual(doc["rules"], [])
        status, headers, _ = self.admin("PUT", "/_skiff/faults")
        self.assertEqual((status, headers["allow"]), (405, "GET, HEAD, POST, DELETE"))

    def test_reset_scope_faults_clears_rules(self):
        self.add({"preset": "internal-error"})
        status, _, _ = self.admin("POST", "/_skiff/reset?service=faults")
        self.assertEqual(status, 200)
        _, _, doc = self.admin("GET", "/_skiff/faults")
        self.assertEqual(doc["rules"], [])


class PresetTest(FaultsTestCase):

    def test_wrong_region_followed_by_boto3_and_the_cli(self):
        self.add({"id": "moved", "preset": "wrong-region", "match": {"bucket": self.bucket}})
        # boto3's region redirector re-signs for eu-west-1 and retries; the bucket appears to
        # live there, so the second attempt succeeds.
        s3 = client(self.endpoint, "s3")
        since = int(time.time() * 1000)
        listed = s3.list_objects_v2(Bucket=self.bucket, Prefix="state/")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["state/env.tfstate"])
        attempts = self.wait_entries(2, lambda e: True, operation="ListObjectsV2", since=since)
        self.assertEqual([(e["status"], e["region"]) for e in attempts],
                         [(301, "us-east-1"), (200, "eu-west-1")])
        self.assertEqual(attempts[0]["fault_rule"], "moved")
        self.assertEqual(attempts[0]["error_code"], "PermanentRedirect")

        since = int(time.time() * 1000)
        proc = self.aws("s3", "ls", f"s3://{self.bucket}/state/")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(b"env.tfstate", proc.stdout)
        # The CLI too was sent away from us-east-1 and listed in eu-west-1.
        attempts = self.wait_entries(2, lambda e: e["resource"] == self.bucket,
                                     service="s3", since=since)
        self.assertEqual([(e["operation"], e["status"], e["region"], e.get("fault_rule"))
                          for e in attempts],
                         [("ListObjectsV2", 301, "us-east-1", "moved"),
                          ("ListObjectsV2", 200, "eu-west-1", None)])
        self.assertEqual(attempts[0]["error_code"], "PermanentRedirect")
        self.assertNotIn("error_code", attempts[1])

        # A botocore client whose region redirector is switched off sees S3's 301...
        plain = client(self.endpoint, "s3")
        plain.meta.events.register("before-call.s3", self.no_redirects)
        err = self.s3_error(lambda: plain.list_objects_v2(Bucket=self.bucket),
                            "PermanentRedirect", 301)
        self.assertEqual(err["Endpoint"], f"{self.bucket}.s3.eu-west-1.amazonaws.com")
        # ... and so does a hand-signed request, with the header.
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2")
        fields = self.assertS3Error(resp, 301, "PermanentRedirect")
        self.assertEqual(resp.headers["x-amz-bucket-region"], "eu-west-1")
        self.assertEqual(fields["Bucket"], self.bucket)
        self.assertEqual(fields["Endpoint"], f"{self.bucket}.s3.eu-west-1.amazonaws.com")

    @staticmethod
    def no_redirects(params, **_):
        # botocore's S3 region redirector follows a request only once: marking it as already
        # redirected turns it off.
        params["context"].setdefault("s3_redirect", {})["redirected"] = True

    def test_wrong_region_with_its_own_region(self):
        self.add({"preset": "wrong-region", "region": "ap-southeast-2",
                  "match": {"bucket": self.bucket}})
        resp = self.signed("HEAD", f"/{self.bucket}")
        self.assertEqual(resp.status, 301)
        self.assertEqual(resp.headers["x-amz-bucket-region"], "ap-southeast-2")

    def test_access_denied(self):
        self.add({"preset": "access-denied", "match": {"operation": "GetObject"}},
                 {"preset": "access-denied", "match": {"table": self.table}})
        err = self.s3_error(self.get_state, "AccessDenied", 403)
        self.assertEqual(
            err["Message"],
            "User: arn:aws:iam::000000000000:root is not authorized to perform: s3:GetObject on "
            f"resource: \"arn:aws:s3:::{self.bucket}/state/env.tfstate\" because no "
            "identity-based policy allows the s3:GetObject action")
        self.s3c.head_bucket(Bucket=self.bucket)  # other operations still work
        with self.assertRaises(ClientError) as ctx:
            self.ddb.get_item(TableName=self.table, Key={"LockID": {"S": "x"}})
        err = self.assertClientError(ctx.exception, "AccessDeniedException", 400)
        self.assertEqual(
            err["Message"],
            "User: arn:aws:iam::000000000000:root is not authorized to perform: "
            f"dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/"
            f"{self.table} because no identity-based policy allows the dynamodb:GetItem action")

    def test_missing_table(self):
        self.add({"preset": "missing-table", "match": {"table": self.table}})
        with self.assertRaises(ClientError) as ctx:
            self.ddb.describe_table(TableName=self.table)
        self.assertClientError(ctx.exception, "ResourceNotFoundException", 400,
                               f"Requested resource not found: Table: {self.table} not found")
        with self.assertRaises(ClientError) as ctx:
            self.ddb.put_item(TableName=self.table, Item={"LockID": {"S": "a"}})
        self.assertClientError(ctx.exception, "ResourceNotFoundException", 400,
                               "Requested resource not found")
        self.ddb.list_tables()  # names no table: untouched

    def test_no_such_bucket(self):
        self.add({"preset": "no-such-bucket", "match": {"bucket": self.bucket}})
        err = self.s3_error(lambda: self.s3c.list_objects_v2(Bucket=self.bucket),
                            "NoSuchBucket", 404)
        self.assertEqual(err["BucketName"], self.bucket)
        self.assertEqual(err["Message"], "The specified bucket does not exist")

    def test_lock_held_dynamodb_and_s3_lockfile(self):
        self.add({"id": "held", "preset": "lock-held"})
        with self.assertRaises(ClientError) as ctx:
            self.ddb.put_item(TableName=self.table,
                              Item={"LockID": {"S": "state/env.tfstate"}, "Info": {"S": "{}"}},
                              ConditionExpression="attribute_not_exists(LockID)")
        self.assertClientError(ctx.exception, "ConditionalCheckFailedException", 400,
                               "The conditional request failed")
        # Terraform's S3 lockfile: PutObject with If-None-Match: *.
        err = self.s3_error(lambda: self.s3c.put_object(Bucket=self.bucket,
                                                        Key="state/env.tfstate.tflock",
                                                        Body=b"{}", IfNoneMatch="*"),
                            "PreconditionFailed", 412)
        self.assertEqual(err["Condition"], "If-None-Match")
        # Reads are not conditional writes: they pass.
        self.get_state()
        self.ddb.get_item(TableName=self.table, Key={"LockID": {"S": "state/env.tfstate"}})
        self.assertEqual(self.rule("held")["fired"], 2)

    def test_throttle_retried_by_boto3_counted_in_the_journal(self):
        key = h.unique_name("throttled")
        self.add({"id": "s3-throttle", "preset": "throttle",
                  "match": {"operation": "PutObject", "key": key}, "trigger": {"times": 2}})
        s3 = client(self.endpoint, "s3", attempts=3)
        s3.put_object(Bucket=self.bucket, Key=key, Body=b"x")
        attempts = self.wait_entries(3, lambda e: e["resource"] == f"{self.bucket}/{key}",
                                     operation="PutObject")
        self.assertEqual([(e["status"], e.get("error_code"), e.get("fault_rule"))
                          for e in attempts],
                         [(503, "SlowDown", "s3-throttle"), (503, "SlowDown", "s3-throttle"),
                          (200, None, None)])
        # Without retries the client sees SlowDown.
        self.add({"preset": "throttle", "match": {"service": "s3", "operation": "GetObject"}})
        err = self.s3_error(self.get_state, "SlowDown", 503)
        self.assertEqual(err["Message"], "Please reduce your request rate.")

    def test_throttle_dynamodb(self):
        self.add({"id": "ddb-throttle", "preset": "throttle", "match": {"table": self.table},
                  "trigger": {"times": 2}})
        ddb = client(self.endpoint, "dynamodb", attempts=3)
        since = int(time.time() * 1000)
        ddb.put_item(TableName=self.table, Item={"LockID": {"S": "retried"}})
        attempts = self.wait_entries(3, lambda e: True, operation="PutItem", since=since)
        self.assertEqual([(e["status"], e.get("error_code")) for e in attempts],
                         [(400, "ProvisionedThroughputExceededException"),
                          (400, "ProvisionedThroughputExceededException"), (200, None)])
        self.admin("DELETE", "/_skiff/faults")
        self.add({"preset": "throttle", "match": {"table": self.table}})
        with self.assertRaises(ClientError) as ctx:
            self.ddb.describe_table(TableName=self.table)
        self.assertClientError(ctx.exception, "ThrottlingException", 400,
                               "Rate of requests exceeds the allowed throughput.")
        with self.assertRaises(ClientError) as ctx:
            self.ddb.get_item(TableName=self.table, Key={"LockID": {"S": "x"}})
        self.assertClientError(ctx.exception, "ProvisionedThroughputExceededException", 400)

    def test_internal_error(self):
        self.add({"preset": "internal-error"})
        self.s3_error(self.get_state, "InternalError", 500)
        with self.assertRaises(ClientError) as ctx:
            self.ddb.list_tables()
        self.assertClientError(ctx.exception, "InternalServerError", 500, "Internal server error")

    def test_slow_adds_latency_and_the_request_runs(self):
        self.add({"preset": "slow", "action": {"latency_ms": 600},
                  "match": {"operation": "GetObject"}},
                 {"preset": "slow", "action": {"latency_ms": 600},
                  "match": {"operation": "PutItem"}})
        start = time.monotonic()
        body = self.get_state()["Body"].read()
        self.assertGreaterEqual(time.monotonic() - start, 0.6)
        self.assertEqual(body, b"{}")
        start = time.monotonic()
        self.ddb.put_item(TableName=self.table, Item={"LockID": {"S": "slow"}})
        self.assertGreaterEqual(time.monotonic() - start, 0.6)
        item = self.ddb.get_item(TableName=self.table, Key={"LockID": {"S": "slow"}})
        self.assertIn("Item", item)
        # Unmatched requests are not delayed.
        start = time.monotonic()
        self.s3c.head_bucket(Bucket=self.bucket)
        self.assertLess(time.monotonic() - start, 0.5)

    def test_expired_token(self):
        self.add({"preset": "expired-token"})
        self.s3_error(self.get_state, "ExpiredToken", 400)
        with self.assertRaises(ClientError) as ctx:
            self.ddb.list_tables()
        self.assertClientError(ctx.exception, "ExpiredTokenException", 400,
                               "The security token included in the request is expired")

    def test_clock_skew(self):
        self.add({"preset": "clock-skew"})
        err = self.s3_error(self.get_state, "RequestTimeTooSkewed", 403)
        self.assertEqual(err["MaxAllowedSkewMilliseconds"], "900000")
        with self.assertRaises(ClientError) as ctx:
            self.ddb.list_tables()
        err = self.assertClientError(ctx.exception, "InvalidSignatureException", 400)
        self.assertRegex(err["Message"], r"^Signature expired: \d{8}T\d{6}Z is now earlier than "
                                         r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$")


    def test_sts_and_iam_presets(self):
        sts = client(self.endpoint, "sts")
        iam = client(self.endpoint, "iam")
        cases = (("access-denied", "AccessDenied", 403,
                  "User: arn:aws:iam::000000000000:root is not authorized to perform: "
                  "sts:GetCallerIdentity because no identity-based policy allows the "
                  "sts:GetCallerIdentity action"),
                 ("throttle", "Throttling", 400, "Rate exceeded"),
                 ("internal-error", "InternalFailure", 500, None),
                 ("expired-token", "ExpiredToken", 403,
                  "The security token included in the request is expired"),
                 ("clock-skew", "SignatureDoesNotMatch", 403, None))
        for preset, code, status, message in cases:
            with self.subTest(preset=preset):
                self.add({"preset": preset, "match": {"service": "sts"}})
                with self.assertRaises(ClientError) as ctx:
                    sts.get_caller_identity()
                self.assertClientError(ctx.exception, code, status, message)
                self.admin("DELETE", "/_skiff/faults")
        self.add({"action": {"error_code": "NoSuchEntity", "message": "The user with name ci "
                                                                      "cannot be found."},
                  "match": {"service": "iam", "operation": "GetUser"}})
        with self.assertRaises(ClientError) as ctx:
            iam.get_user(UserName="ci")
        self.assertClientError(ctx.exception, "NoSuchEntity", 404,
                               "The user with name ci cannot be found.")
        self.assertEqual(sts.get_caller_identity()["Account"], h.ACCOUNT_ID)


class TriggerAndActionTest(FaultsTestCase):

    def outcomes(self, n):
        seen = []
        for _ in range(n):
            try:
                self.get_state()
                seen.append(False)
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "SlowDown")
                seen.append(True)
        return seen

    def test_always(self):
        self.add({"action": {"error_code": "SlowDown"}, "trigger": "always",
                  "match": {"key": "state/*"}})
        self.assertEqual(self.outcomes(3), [True, True, True])

    def test_times_and_after(self):
        self.add({"id": "t", "action": {"error_code": "SlowDown"}, "trigger": {"times": 2}})
        self.assertEqual(self.outcomes(4), [True, True, False, False])
        self.admin("DELETE", "/_skiff/faults")
        self.add({"id": "a", "action": {"error_code": "SlowDown"}, "trigger": {"after": 2}})
        self.assertEqual(self.outcomes(4), [False, False, True, True])
        self.assertEqual((self.rule("a")["matched"], self.rule("a")["fired"]), (4, 2))

    def test_probability_with_a_seed_repeats(self):
        rule = {"action": {"error_code": "SlowDown"},
                "trigger": {"probability": 0.5, "seed": 1234}}
        self.add(rule)
        first = self.outcomes(16)
        self.admin("DELETE", "/_skiff/faults")
        self.add(rule)
        self.assertEqual(self.outcomes(16), first)
        self.assertIn(True, first)
        self.assertIn(False, first)

    def test_key_glob_and_method(self):
        self.add({"action": {"error_code": "SlowDown"},
                  "match": {"key": "state/*.tfstate", "method": "GET"}})
        self.s3_error(self.get_state, "SlowDown", 503)
        self.s3c.head_bucket(Bucket=self.bucket)
        self.s3c.put_object(Bucket=self.bucket, Key="other.txt", Body=b"x")
        self.s3c.get_object(Bucket=self.bucket, Key="other.txt")

    def test_any_error_code_and_status_override(self):
        self.add({"action": {"error_code": "TeapotError", "message": "short and stout",
                             "status": 418}, "match": {"service": "s3"}},
                 {"action": {"error_code": "ServiceUnavailable", "status": 502},
                  "match": {"service": "dynamodb"}})
        err = self.s3_error(self.get_state, "TeapotError", 418)
        self.assertEqual(err["Message"], "short and stout")
        with self.assertRaises(ClientError) as ctx:
            self.ddb.list_tables()
        self.assertClientError(ctx.exception, "ServiceUnavailable", 502)
        self.admin("DELETE", "/_skiff/faults")
        self.add({"action": {"error_code": "WeirdDynamoError"}, "match": {"service": "dynamodb"}})
        raw = []
        ddb = client(self.endpoint, "dynamodb")
        ddb.meta.events.register("after-call.dynamodb.ListTables",
                                      lambda http_response, **_: raw.append(http_response))
        with self.assertRaises(ClientError) as ctx:
            ddb.list_tables()
        self.assertClientError(ctx.exception, "WeirdDynamoError", 400, "WeirdDynamoError")
        self.assertEqual(json.loads(raw[-1].content),
                         {"__type": "com.amazonaws.dynamodb.v20120810#WeirdDynamoError",
                          "message": "WeirdDynamoError"})

    def test_connection_reset(self):
        self.add({"id": "rst", "action": {"reset_connection": True},
                  "match": {"operation": "GetObject"}, "trigger": {"times": 1}})
        with self.assertRaises((ConnectionClosedError, EndpointConnectionError)):
            self.get_state()
        self.get_state()  # the next attempt is answered
        reset = self.wait_entries(1, lambda e: e.get("fault_rule") == "rst",
                                  operation="GetObject")
        self.assertEqual(len(reset), 1, reset)
        self.assertEqual(reset[0]["status"], 0)  # no HTTP status went out


class StartupTest(unittest.TestCase):

    RULES = [{"id": "boot", "preset": "no-such-bucket", "match": {"bucket": "ghost-bucket"}}]

    def check_loaded(self, server):
        status, _, doc = admin_call(server, "GET", "/_skiff/faults")
        self.assertEqual(status, 200)
        self.assertEqual([r["id"] for r in doc["rules"]], ["boot"])
        s3 = client(server.endpoint, "s3")
        with self.assertRaises(ClientError) as ctx:
            s3.head_bucket(Bucket="ghost-bucket")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def run_server(self, args=(), env=None):
        server = h.SkiffServer(args, env, in_memory=True)
        server.start()
        try:
            self.check_loaded(server)
        finally:
            self.assertEqual(server.stop(), 0)
            server.cleanup()

    def test_faults_file_and_inline_env(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"rules": self.RULES}, f)
        try:
            self.run_server(["--faults", f.name])
        finally:
            os.unlink(f.name)
        self.run_server(env={"SKIFF_FAULTS": json.dumps(self.RULES)})

    def test_bad_faults_fail_start_up(self):
        for value, message in (("/nonexistent/faults.json", "cannot be read"),
                               ('{"preset": "nope"}', 'rule.preset "nope" is not one of')):
            proc = subprocess.run([h.SKIFF_BIN, "--in-memory", "--port", "0", "--faults", value],
                                  capture_output=True, timeout=10, stdin=subprocess.DEVNULL)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertIn(message, proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()

"""What the real Terraform CLI does when Skiff injects AWS failures (/_skiff/faults): throttling,
500s and reset connections are retried by its SDK and the command succeeds; a wrong bucket
region, a throttled lock table past max_retries, a held lock and a missing lock table fail
with the messages users meet against AWS."""

import http.client
import json
import unittest

from terraform.tfcli import TerraformTestCase

KEY = "flt/terraform.tfstate"


class TerraformFaultsTest(TerraformTestCase):

    def admin(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            conn.request(method, path, body=body)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def add_fault(self, rule):
        status, body = self.admin("POST", "/_skiff/faults", json.dumps(rule).encode())
        self.assertEqual(status, 200, body)
        self.addCleanup(self.admin, "DELETE", "/_skiff/faults")
        return json.loads(body)["ids"][0]

    def fired(self, rule_id):
        status, body = self.admin("GET", "/_skiff/faults")
        self.assertEqual(status, 200, body)
        [rule] = [r for r in json.loads(body)["rules"] if r["id"] == rule_id]
        return rule["fired"]

    def setup_backend(self, **extra):
        bucket = self.new_bucket(prefix="tfflt")
        table = self.new_lock_table()
        wd = self.workdir(bucket=bucket, key=KEY, dynamodb_table=table, use_lockfile=True,
                          **extra)
        self.tf(wd, "init")
        return bucket, table, wd

    def plan(self, wd, expect=0):
        return self.tf(wd, "plan", "-input=false", "-no-color", "-lock-timeout=1s",
                       expect=expect)

    def test_transient_failures_are_retried(self):
        bucket, _, wd = self.setup_backend()
        rules = [
            self.add_fault({"preset": "throttle", "trigger": {"times": 2},
                            "match": {"operation": "PutObject", "bucket": bucket, "key": KEY}}),
            self.add_fault({"preset": "throttle", "trigger": {"times": 1},
                            "match": {"service": "dynamodb", "operation": "PutItem"}}),
            self.add_fault({"action": {"reset_connection": True}, "trigger": {"times": 1},
                            "match": {"operation": "HeadObject", "key": KEY}}),
        ]
        self.apply(wd)
        self.assertEqual([self.fired(r) for r in rules], [2, 1, 1])
        rule = self.add_fault({"preset": "internal-error", "trigger": {"times": 1},
                               "match": {"operation": "GetObject", "key": KEY}})
        self.plan(wd)
        self.assertEqual(self.fired(rule), 1)

    def test_wrong_bucket_region(self):
        bucket = self.new_bucket(prefix="tfflt")
        self.add_fault({"preset": "wrong-region", "region": "eu-central-1",
                        "match": {"bucket": bucket}})
        wd = self.workdir(bucket=bucket, key=KEY)
        proc = self.tf(wd, "init", expect=1)
        self.assertIn("StatusCode: 301", proc.stderr)
        self.assertIn('requested bucket from "us-east-1", actual location "eu-central-1"',
                      proc.stderr)

    def test_lock_table_throttled_past_max_retries(self):
        _, table, wd = self.setup_backend(max_retries=1)
        self.add_fault({"preset": "throttle", "match": {"table": table,
                                                        "operation": "PutItem"}})
        proc = self.plan(wd, expect=1)
        self.assertIn("Error acquiring the state lock", proc.stderr)
        self.assertIn("ProvisionedThroughputExceededException", proc.stderr)

    def test_lock_held_preset(self):
        bucket, _, wd = self.setup_backend()
        self.add_fault({"preset": "lock-held", "match": {"bucket": bucket}})
        proc = self.plan(wd, expect=1)
        self.assertIn("Error acquiring the state lock", proc.stderr)
        self.assertIn("StatusCode: 412", proc.stderr)
        self.assertIn("PreconditionFailed", proc.stderr)

    def test_missing_table_preset(self):
        _, table, wd = self.setup_backend()
        self.add_fault({"preset": "missing-table", "match": {"table": table}})
        proc = self.plan(wd, expect=1)
        self.assertIn("Error acquiring the state lock", proc.stderr)
        self.assertIn("ResourceNotFoundException", proc.stderr)


if __name__ == "__main__":
    unittest.main()

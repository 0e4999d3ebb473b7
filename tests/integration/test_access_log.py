"""One access-log line per request (stderr), with request id, service, operation, principal,
region, status, error code and latency, in text and in JSON."""

import json
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import skiff_harness as h


def run_requests(endpoint):
    s3 = h.make_s3_client(endpoint, region="eu-west-1")
    with unittest.TestCase().assertRaises(ClientError):
        s3.head_bucket(Bucket="no-such-bucket-for-log")
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=Config(retries={"total_max_attempts": 1}))
    ddb.list_tables()
    time.sleep(0.3)  # lines are written when the response completes


class JsonAccessLogTest(h.SkiffTestCase):
    server_args = ("--log-format", "json")

    def test_one_json_line_per_request_with_every_field(self):
        run_requests(self.endpoint)
        records = []
        for line in self.server.stderr_text().splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if doc.get("service") in ("s3", "dynamodb"):
                records.append(doc)
        head = [r for r in records if r.get("operation") == "HeadBucket"]
        self.assertEqual(len(head), 1, records)
        head = head[0]
        self.assertEqual(head["status"], 404)
        self.assertEqual(head["error_code"], "NoSuchBucket")
        self.assertEqual(head["region"], "eu-west-1")
        self.assertEqual(head["principal"], "arn:aws:iam::000000000000:root")
        self.assertRegex(head["request_id"], r"^[0-9A-F]{16}$")
        self.assertIsInstance(head["latency_ms"], (int, float))
        lt = [r for r in records if r.get("operation") == "ListTables"]
        self.assertEqual(len(lt), 1, records)
        self.assertEqual(lt[0]["status"], 200)
        self.assertEqual(lt[0]["service"], "dynamodb")


class TextAccessLogTest(h.SkiffTestCase):

    def test_one_text_line_per_request_with_every_field(self):
        run_requests(self.endpoint)
        lines = [l for l in self.server.stderr_text().splitlines() if "operation=HeadBucket" in l]
        self.assertEqual(len(lines), 1, self.server.stderr_text())
        line = lines[0]
        for field in ("request_id=", "service=s3", "principal=arn:aws:iam::000000000000:root",
                      "region=eu-west-1", "status=404", "error_code=NoSuchBucket", "latency_ms="):
            self.assertIn(field, line)


if __name__ == "__main__":
    unittest.main()

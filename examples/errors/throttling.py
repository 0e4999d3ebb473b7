#!/usr/bin/env python3
"""Throttling: DynamoDB answers ProvisionedThroughputExceededException and S3 answers
503 SlowDown, through fault rules added with POST /_skiff/faults. The SDK (boto3, standard
retry mode, 3 attempts) retries them: a short burst is absorbed, a lasting one surfaces.

SKIFF_ENDPOINT gives Skiff's URL (default http://localhost:4566). Needs boto3.
"""

import json
import os
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("SKIFF_ENDPOINT", "http://localhost:4566").rstrip("/")
TABLE = "orders-throttled"
BUCKET = "throttled-uploads"
CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3})


def admin(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(ENDPOINT + path, data=data, method=method)
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
        return json.loads(text) if text else None


def add_rule(rule):
    print(f"$ curl -X POST {ENDPOINT}/_skiff/faults -d '{json.dumps(rule)}'")
    [rule_id] = admin("POST", "/_skiff/faults", rule)["ids"]
    return rule_id


def counters(rule_id):
    [rule] = [r for r in admin("GET", "/_skiff/faults")["rules"] if r["id"] == rule_id]
    return f"rule {rule_id}: matched {rule['matched']}, fired {rule['fired']}"


def client(service):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
                        config=CONFIG)


def step(title):
    print(f"\n== {title}", flush=True)


def main():
    ddb, s3 = client("dynamodb"), client("s3")
    step(f"Set-up: table {TABLE}, bucket {BUCKET}")
    if TABLE not in ddb.list_tables()["TableNames"]:
        ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    print("boto3 retry configuration:", CONFIG.retries)
    rules = []
    failures = 0
    try:
        step("A burst: PutItem throttled twice, then served")
        rules.append(add_rule({"preset": "throttle", "trigger": {"times": 2},
                               "match": {"table": TABLE, "operation": "PutItem"}}))
        resp = ddb.put_item(TableName=TABLE, Item={"pk": {"S": "order-1"}})
        print(f"PutItem succeeded; RetryAttempts = {resp['ResponseMetadata']['RetryAttempts']}")
        print(counters(rules[-1]))

        step("Lasting throttling: every PutItem throttled")
        rules.append(add_rule({"preset": "throttle",
                               "match": {"table": TABLE, "operation": "PutItem"}}))
        try:
            ddb.put_item(TableName=TABLE, Item={"pk": {"S": "order-2"}})
            print("!! expected PutItem to fail", file=sys.stderr)
            return 1
        except ClientError as e:
            failures += 1
            print(f"botocore.exceptions.ClientError: {e}")
        print(counters(rules[-1]))

        step("S3: every PutObject answers 503 SlowDown")
        rules.append(add_rule({"preset": "throttle",
                               "match": {"bucket": BUCKET, "operation": "PutObject"}}))
        try:
            s3.put_object(Bucket=BUCKET, Key="report.csv", Body=b"a,b\n")
            print("!! expected PutObject to fail", file=sys.stderr)
            return 1
        except ClientError as e:
            failures += 1
            print(f"botocore.exceptions.ClientError: {e}")
        print(counters(rules[-1]))
    finally:
        for rule_id in rules:
            admin("DELETE", f"/_skiff/faults/{rule_id}")
    return 0 if failures == 2 else 1


if __name__ == "__main__":
    sys.exit(main())

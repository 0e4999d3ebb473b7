"""Replays with botocore the call sequences of Terraform's S3 backend, command by command
(init, plan, apply, workspace new/list/select/delete, force-unlock), for `dynamodb_table`
locking, `use_lockfile` locking and both, with the same parameters the backend passes
(hashicorp/terraform internal/backend/remote-state/s3: backend_state.go Workspaces/StateMgr/
DeleteWorkspace, client.go Get/Put/Delete/Lock/Unlock/getMD5/putMD5/deleteMD5)."""

import hashlib
import io
import json
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import skiff_harness as h
from terraform.tfcli import lock_info

KEY = "svc/terraform.tfstate"
PART = 5 * 1024 * 1024


class LockError(Exception):
    def __init__(self, err, info):
        super().__init__(str(err))
        self.err = err
        self.info = info


class Backend:
    """The backend's client, call for call."""

    def __init__(self, s3, ddb, bucket, table, lockfile):
        self.s3, self.ddb = s3, ddb
        self.bucket, self.table, self.lockfile = bucket, table, lockfile
        self.calls = []

    def _s3(self, op, **kw):
        self.calls.append(("s3", op, kw.get("Key")))
        return getattr(self.s3, op)(Bucket=self.bucket, **kw)

    def _ddb(self, op, **kw):
        self.calls.append(("dynamodb", op, kw.get("Key", kw.get("Item", {})).get("LockID")))
        return getattr(self.ddb, op)(TableName=self.table, **kw)

    def key(self, ws):
        return KEY if ws == "default" else f"env:/{ws}/{KEY}"

    def lock_path(self, ws):
        return f"{self.bucket}/{self.key(ws)}"

    # backend_state.go
    def workspaces(self):
        names, token = [], None
        while True:
            kw = {"Prefix": "env:/", "MaxKeys": 1000}
            if token:
                kw["ContinuationToken"] = token
            page = self._s3("list_objects_v2", **kw)
            for obj in page.get("Contents", []):
                parts = obj["Key"][len("env:/"):].split("/", 1)
                if len(parts) == 2 and parts[1] == KEY:  # keyEnv
                    names.append(parts[0])
            if not page.get("IsTruncated"):
                break
            token = page["NextContinuationToken"]
        return ["default"] + sorted(names)

    # client.go Get: HeadObject, ranged GETs with checksum mode, then the -md5 digest.
    def get(self, ws):
        key = self.key(ws)
        try:
            size = self._s3("head_object", Key=key)["ContentLength"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "404":
                raise
            data = None
        else:
            data = b""
            for start in range(0, max(size, 1), PART):
                resp = self._s3("get_object", Key=key, ChecksumMode="ENABLED",
                                Range=f"bytes={start}-{start + PART - 1}")
                data += resp["Body"].read()
        if self.table:
            item = self._ddb("get_item", Key={"LockID": {"S": f"{self.lock_path(ws)}-md5"}},
                             ProjectionExpression="LockID, Digest",
                             ConsistentRead=True).get("Item")
            if item and data is not None and item["Digest"]["S"] != hashlib.md5(data).hexdigest():
                raise AssertionError("state data in S3 does not have the expected content")
        return data

    def put(self, ws, data):
        self._s3("put_object", Key=self.key(ws), Body=data, ContentType="application/json",
                 ChecksumAlgorithm="SHA256")
        if self.table:
            self._ddb("put_item", Item={"LockID": {"S": f"{self.lock_path(ws)}-md5"},
                                        "Digest": {"S": hashlib.md5(data).hexdigest()}})

    def delete(self, ws):
        self._s3("delete_object", Key=self.key(ws))
        if self.table:
            self._ddb("delete_item", Key={"LockID": {"S": f"{self.lock_path(ws)}-md5"}})

    # client.go Lock: file first, then DynamoDB; a DynamoDB failure releases the file.
    def lock(self, ws, operation, who="ci@runner"):
        info = lock_info(self.lock_path(ws), operation=operation, who=who)
        doc = json.dumps(info).encode()
        if self.lockfile:
            try:
                self._s3("put_object", Key=f"{self.key(ws)}.tflock", Body=doc, IfNoneMatch="*",
                         ContentType="application/json", ChecksumAlgorithm="SHA256")
            except ClientError as e:
                body = self._s3("get_object", Key=f"{self.key(ws)}.tflock")["Body"].read()
                raise LockError(e, json.loads(body))
        if self.table:
            try:
                self._ddb("put_item", Item={"LockID": {"S": self.lock_path(ws)},
                                            "Info": {"S": doc.decode()}},
                          ConditionExpression="attribute_not_exists(LockID)")
            except ClientError as e:
                if self.lockfile:
                    self._s3("delete_object", Key=f"{self.key(ws)}.tflock")
                item = self._ddb("get_item", Key={"LockID": {"S": self.lock_path(ws)}},
                                 ProjectionExpression="LockID, Info", ConsistentRead=True)
                raise LockError(e, json.loads(item["Item"]["Info"]["S"]))
        return info

    # client.go Unlock: read the holder, compare IDs client-side, unconditional delete.
    def unlock(self, ws, lock_id):
        errors = []
        if self.lockfile:
            body = self._s3("get_object", Key=f"{self.key(ws)}.tflock")["Body"].read()
            held = json.loads(body)["ID"]
            if held != lock_id:
                errors.append(f"lock ID '{lock_id}' does not match the existing lock ID '{held}'")
            else:
                self._s3("delete_object", Key=f"{self.key(ws)}.tflock")
        if self.table:
            item = self._ddb("get_item", Key={"LockID": {"S": self.lock_path(ws)}},
                             ProjectionExpression="LockID, Info", ConsistentRead=True)
            held = json.loads(item["Item"]["Info"]["S"])["ID"]
            if held != lock_id:
                errors.append(f'lock ID "{lock_id}" does not match existing lock ("{held}")')
            else:
                self._ddb("delete_item", Key={"LockID": {"S": self.lock_path(ws)}})
        if errors:
            raise LockError("; ".join(errors), None)


def state_doc(serial, lineage, resources=()):
    return json.dumps({"version": 4, "terraform_version": "1.11.4", "serial": serial,
                       "lineage": lineage, "outputs": {}, "resources": list(resources)},
                      indent=2).encode()


class TerraformCommandReplayTest(h.SkiffTestCase):

    def ddb(self):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=h.DEFAULT_REGION,
                            aws_access_key_id=h.ACCESS_KEY, aws_secret_access_key=h.SECRET_KEY,
                            config=Config(retries={"total_max_attempts": 1}))

    def backend(self, dynamodb, lockfile):
        table = None
        if dynamodb:
            table = h.unique_name("tflocks")
            self.ddb().create_table(
                TableName=table, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
        return Backend(self.s3(), self.ddb(), self.new_bucket(prefix="tfreplay"), table,
                       lockfile)

    def assert_free(self, b, ws):
        if b.lockfile:
            with self.assertRaises(ClientError):
                b.s3.head_object(Bucket=b.bucket, Key=f"{b.key(ws)}.tflock")
        if b.table:
            self.assertNotIn("Item", b.ddb.get_item(TableName=b.table, ConsistentRead=True,
                                                    Key={"LockID": {"S": b.lock_path(ws)}}))

    def commands(self, dynamodb, lockfile):
        b = self.backend(dynamodb, lockfile)
        # init: workspaces listed twice, no state, digest read (absent).
        self.assertEqual(b.workspaces(), ["default"])
        self.assertEqual(b.workspaces(), ["default"])
        self.assertIsNone(b.get("default"))

        # apply (first): lock, refresh, refresh again before the first write, write, unlock.
        b.workspaces()
        info = b.lock("default", "OperationTypeApply")
        self.assertIsNone(b.get("default"))
        self.assertIsNone(b.get("default"))
        state = state_doc(1, "lin-default", [{"type": "terraform_data", "name": "app"}])
        b.put("default", state)
        b.unlock("default", info["ID"])
        self.assert_free(b, "default")

        # plan: lock, read, unlock; nothing written.
        b.workspaces()
        info = b.lock("default", "OperationTypePlan")
        self.assertEqual(b.get("default"), state)
        b.unlock("default", info["ID"])

        # A state over 5 MiB goes up in parts (boto3's multipart) and comes back in ranges.
        big = state_doc(2, "lin-default", [{"blob": "z" * (11 * 1024 * 1024)}])
        info = b.lock("default", "OperationTypeApply")
        b.s3.upload_fileobj(io.BytesIO(big), b.bucket, KEY, ExtraArgs={
            "ContentType": "application/json", "ChecksumAlgorithm": "SHA256"})
        if b.table:
            b.ddb.put_item(TableName=b.table, Item={
                "LockID": {"S": f"{b.lock_path('default')}-md5"},
                "Digest": {"S": hashlib.md5(big).hexdigest()}})
        self.assertEqual(b.get("default"), big)
        b.put("default", state_doc(3, "lin-default"))
        b.unlock("default", info["ID"])

        # workspace new dev: absent from the list, then lock "init", empty state, unlock.
        self.assertNotIn("dev", b.workspaces())
        info = b.lock("dev", "init")
        self.assertIsNone(b.get("dev"))
        self.assertIsNone(b.get("dev"))
        b.put("dev", state_doc(1, "lin-dev"))
        b.unlock("dev", info["ID"])
        # workspace list / select
        self.assertEqual(b.workspaces(), ["default", "dev"])
        self.assertEqual(json.loads(b.get("dev"))["lineage"], "lin-dev")

        # Contention: a second locker fails with the holder's Info; the holder keeps the lock.
        holder = b.lock("dev", "OperationTypeApply", who="alice@laptop")
        mark = len(b.calls)
        with self.assertRaises(LockError) as ctx:
            b.lock("dev", "OperationTypePlan", who="bob@ci")
        self.assertEqual(ctx.exception.info, holder)
        code = ctx.exception.err.response["Error"]["Code"]
        self.assertEqual(code, "PreconditionFailed" if lockfile
                         else "ConditionalCheckFailedException")
        # With a lock file, that failed first and DynamoDB was never asked.
        self.assertEqual([c[:2] for c in b.calls[mark:]],
                         [("s3", "put_object"), ("s3", "get_object")] if lockfile
                         else [("dynamodb", "put_item"), ("dynamodb", "get_item")])

        # force-unlock: a wrong ID changes nothing; the holder's ID releases it.
        with self.assertRaises(LockError) as ctx:
            b.unlock("dev", "00000000-0000-0000-0000-000000000000")
        self.assertIn("does not match", str(ctx.exception))
        with self.assertRaises(LockError):
            b.lock("dev", "OperationTypePlan", who="bob@ci")
        b.unlock("dev", holder["ID"])
        self.assert_free(b, "dev")

        # workspace delete dev: lock, refresh, unlock, DeleteObject, DeleteItem -md5.
        self.assertIn("dev", b.workspaces())
        info = b.lock("dev", "state-replace-provider")
        b.get("dev")
        b.unlock("dev", info["ID"])
        b.delete("dev")
        self.assertEqual(b.workspaces(), ["default"])
        self.assertIsNone(b.get("dev"))

        # What is left: the default state, and its digest item.
        keys = [o["Key"] for o in b.s3.list_objects_v2(Bucket=b.bucket).get("Contents", [])]
        self.assertEqual(keys, [KEY])
        if b.table:
            items = b.ddb.scan(TableName=b.table)["Items"]
            self.assertEqual(items, [{"LockID": {"S": f"{b.lock_path('default')}-md5"},
                                      "Digest": {"S": hashlib.md5(
                                          state_doc(3, "lin-default")).hexdigest()}}])
        return b

    def test_dynamodb_table(self):
        self.commands(dynamodb=True, lockfile=False)

    def test_use_lockfile(self):
        self.commands(dynamodb=False, lockfile=True)

    def test_both(self):
        self.commands(dynamodb=True, lockfile=True)

    def test_both_dynamodb_held_releases_the_file(self):
        b = self.backend(dynamodb=True, lockfile=True)
        only_ddb = Backend(b.s3, b.ddb, b.bucket, b.table, lockfile=False)
        holder = only_ddb.lock("default", "OperationTypeApply", who="alice@laptop")
        with self.assertRaises(LockError) as ctx:
            b.lock("default", "OperationTypePlan")
        self.assertEqual(ctx.exception.info, holder)
        self.assertEqual(ctx.exception.err.response["Error"]["Code"],
                         "ConditionalCheckFailedException")
        self.assert_free(Backend(b.s3, b.ddb, b.bucket, None, lockfile=True), "default")


if __name__ == "__main__":
    unittest.main()

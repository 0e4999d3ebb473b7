"""The real Terraform CLI (its built-in S3 backend) against Skiff: init, plan, apply, output and
workspace new/list/select/delete, with `dynamodb_table` locking, `use_lockfile` locking and both.

No skip_* setting is used: Terraform validates the credentials with STS GetCallerIdentity on
Skiff. The calls each command makes are read back from Skiff's JSON access log and checked
against what the backend is documented to send (the S3 backend's client.go / backend_state.go).
"""

import hashlib
import json
import unittest

from botocore.exceptions import ClientError

from terraform.tfcli import TerraformTestCase, ops

KEY = "app/terraform.tfstate"


class TerraformBackendLifecycleTest(TerraformTestCase):

    def check_state(self, bucket, key, serial_at_least, message, table=None, lock_path=None):
        body = self.state_object(bucket, key)
        state = json.loads(body)
        self.assertEqual(state["version"], 4)
        self.assertGreaterEqual(state["serial"], serial_at_least)
        [resource] = state["resources"]
        self.assertEqual((resource["type"], resource["name"]), ("terraform_data", "app"))
        self.assertEqual(state["outputs"]["message"]["value"], message)
        if table:
            item = self.ddb().get_item(TableName=table, ConsistentRead=True,
                                       Key={"LockID": {"S": f"{lock_path}-md5"}})["Item"]
            self.assertEqual(item["Digest"]["S"], hashlib.md5(body).hexdigest())
        return state

    def assert_unlocked(self, bucket, key, table, lockfile):
        if table:
            resp = self.ddb().get_item(TableName=table, ConsistentRead=True,
                                       Key={"LockID": {"S": f"{bucket}/{key}"}})
            self.assertNotIn("Item", resp)
        if lockfile:
            with self.assertRaises(ClientError) as ctx:
                self.s3().head_object(Bucket=bucket, Key=f"{key}.tflock")
            self.assertEqual(ctx.exception.response["Error"]["Code"], "404")

    def lifecycle(self, dynamodb, lockfile):
        bucket = self.new_bucket(prefix="tfstate")
        table = self.new_lock_table() if dynamodb else None
        wd = self.workdir(bucket=bucket, key=KEY, dynamodb_table=table, use_lockfile=lockfile)

        # init: credentials checked with STS, workspaces listed, no state yet (HeadObject 404).
        mark = self.log.mark()
        proc = self.tf(wd, "init")
        self.assertIn('Successfully configured the backend "s3"', proc.stdout)
        calls = ops(self.log.since(mark))
        self.assertIn(("sts", "GetCallerIdentity", 200), [(c[0], c[1], c[3]) for c in calls])
        self.assertIn(("s3", "ListObjectsV2", bucket, 200), calls)
        self.assertIn(("s3", "HeadObject", f"{bucket}/{KEY}", 404), calls)
        self.assertEqual(any(c[0] == "dynamodb" for c in calls), bool(dynamodb), calls)
        self.assertFalse([c for c in calls if c[1] in ("PutObject", "PutItem")], calls)

        # apply: lock, read, write state (+ digest), unlock, in that order.
        mark = self.log.mark()
        proc = self.apply(wd)
        self.assertIn("Apply complete! Resources: 1 added", proc.stdout)
        calls = [c for c in ops(self.log.since(mark)) if c[0] != "sts"]
        expected = [("s3", "ListObjectsV2", bucket, 200)]
        if lockfile:
            expected.append(("s3", "PutObject", f"{bucket}/{KEY}.tflock", 200))
        if dynamodb:
            expected.append(("dynamodb", "PutItem", table, 200))
        self.assertEqual(calls[:len(expected)], expected, calls)
        state_put = calls.index(("s3", "PutObject", f"{bucket}/{KEY}", 200))
        if dynamodb:  # the -md5 digest item follows the state
            self.assertEqual(calls[state_put + 1], ("dynamodb", "PutItem", table, 200), calls)
        tail = []
        if lockfile:
            tail += [("s3", "GetObject", f"{bucket}/{KEY}.tflock", 200),
                     ("s3", "DeleteObject", f"{bucket}/{KEY}.tflock", 204)]
        if dynamodb:
            tail += [("dynamodb", "GetItem", table, 200), ("dynamodb", "DeleteItem", table, 200)]
        self.assertEqual(calls[-len(tail):], tail, calls)
        self.check_state(bucket, KEY, 1, "hello", table, f"{bucket}/{KEY}")
        self.assert_unlocked(bucket, KEY, table, lockfile)

        # plan reads the state back (ranged GetObject) and finds nothing to do.
        mark = self.log.mark()
        self.tf(wd, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=5s")
        calls = ops(self.log.since(mark))
        self.assertIn(("s3", "GetObject", f"{bucket}/{KEY}", 206), calls)
        self.assertFalse([c for c in calls if c == ("s3", "PutObject", f"{bucket}/{KEY}", 200)])

        # A change is planned (exit code 2), applied and read back by `output`.
        self.tf(wd, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=5s",
                "-var", "message=changed", expect=2)
        self.apply(wd, "-var", "message=changed")
        first = self.check_state(bucket, KEY, 2, "changed", table, f"{bucket}/{KEY}")
        self.assertEqual(self.tf(wd, "output", "-no-color", "-raw", "message").stdout, "changed")

        # workspace new: an empty state under env:/dev/, written under a lock.
        ws_key = f"env:/dev/{KEY}"
        proc = self.tf(wd, "workspace", "new", "-no-color", "-lock-timeout=5s", "dev")
        self.assertIn('Created and switched to workspace "dev"!', proc.stdout)
        empty = json.loads(self.state_object(bucket, ws_key))
        self.assertEqual(empty["resources"], [])
        self.assertNotEqual(empty["lineage"], first["lineage"])
        self.assert_unlocked(bucket, ws_key, table, lockfile)
        self.apply(wd, "-var", "message=in-dev")
        self.check_state(bucket, ws_key, 1, "in-dev", table, f"{bucket}/{ws_key}")
        self.assert_unlocked(bucket, ws_key, table, lockfile)
        listed = self.tf(wd, "workspace", "list", "-no-color").stdout.split()
        self.assertEqual(listed, ["default", "*", "dev"])

        # The two workspaces are independent states.
        self.tf(wd, "workspace", "select", "-no-color", "default")
        self.assertEqual(self.tf(wd, "output", "-no-color", "-raw", "message").stdout, "changed")
        self.assertEqual(self.tf(wd, "workspace", "list", "-no-color").stdout.split(),
                         ["*", "default", "dev"])
        self.tf(wd, "workspace", "select", "-no-color", "nope", expect=1)

        # workspace delete: refused while it tracks resources, then forced; state and digest go.
        proc = self.tf(wd, "workspace", "delete", "-no-color", "-lock-timeout=5s", "dev",
                       expect=1)
        self.assertIn("Workspace is not empty", proc.stderr)
        proc = self.tf(wd, "workspace", "delete", "-no-color", "-lock-timeout=5s", "-force",
                       "dev")
        self.assertIn('Deleted workspace "dev"!', proc.stdout)
        with self.assertRaises(ClientError):
            self.s3().head_object(Bucket=bucket, Key=ws_key)
        if table:
            resp = self.ddb().get_item(TableName=table, ConsistentRead=True,
                                       Key={"LockID": {"S": f"{bucket}/{ws_key}-md5"}})
            self.assertNotIn("Item", resp)
        self.assertEqual(self.tf(wd, "workspace", "list", "-no-color").stdout.split(),
                         ["*", "default"])
        keys = sorted(o["Key"] for o in self.s3().list_objects_v2(Bucket=bucket)["Contents"])
        self.assertEqual(keys, [KEY])

    def test_dynamodb_table_locking(self):
        self.lifecycle(dynamodb=True, lockfile=False)

    def test_use_lockfile_locking(self):
        self.lifecycle(dynamodb=False, lockfile=True)

    def test_both_lock_mechanisms(self):
        self.lifecycle(dynamodb=True, lockfile=True)


if __name__ == "__main__":
    unittest.main()

"""Runs the real Terraform CLI (its built-in S3 backend) against a Skiff server.

Terraform is a hard requirement of the Terraform tests: it is not packaged by Debian, so
scripts/ cannot install it; CI images must provide /usr/local/bin/terraform (or TERRAFORM_BIN).
Every run is offline: an empty CLI configuration, no provider downloads (the fixtures use only
the built-in `terraform_data` resource), CHECKPOINT_DISABLE, no IMDS, no shared AWS config.
"""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import boto3
from botocore.config import Config

import skiff_harness as h

TERRAFORM_BIN = os.environ.get("TERRAFORM_BIN") or shutil.which("terraform") or \
    "/usr/local/bin/terraform"
FIXTURES = os.path.dirname(os.path.abspath(__file__))
COMMAND_TIMEOUT = 60


def terraform_missing_message():
    """None when Terraform can run, otherwise why the Terraform tests cannot."""
    if not os.access(TERRAFORM_BIN, os.X_OK):
        return (f"terraform not found at {TERRAFORM_BIN}: the Terraform tests need the real CLI "
                "(>= 1.10, for use_lockfile). It is not a Debian package; install it from "
                "releases.hashicorp.com into /usr/local/bin or set TERRAFORM_BIN.")
    return None


def hcl_value(value):
    """A Python value as an HCL expression (strings, bools, numbers, dicts of those)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        inner = "\n".join(f"  {k} = {hcl_value(v)}" for k, v in value.items())
        return "{\n" + inner + "\n}"
    return json.dumps(str(value))


def backend_config(endpoint, bucket, key="app/terraform.tfstate", region="us-east-1",
                   dynamodb_table=None, use_lockfile=False, **extra):
    """The S3 backend settings a Skiff user writes: endpoints for all four services, path
    style, and no skip_* at all (Skiff answers STS GetCallerIdentity)."""
    cfg = {"bucket": bucket, "key": key, "region": region, "use_path_style": True,
           "endpoints": {"s3": endpoint, "dynamodb": endpoint, "sts": endpoint,
                         "iam": endpoint}}
    if dynamodb_table:
        cfg["dynamodb_table"] = dynamodb_table
    if use_lockfile:
        cfg["use_lockfile"] = True
    cfg.update(extra)
    return cfg


class Workdir:
    """One Terraform working directory (a copy of a fixture folder) with its own data dir,
    CLI config and environment. `run` returns the CompletedProcess with text output."""

    def __init__(self, fixture, backend, access_key="test", secret_key="test", env=None):
        self.root = tempfile.mkdtemp(prefix="skiff-tf-")
        self.dir = os.path.join(self.root, "work")
        shutil.copytree(os.path.join(FIXTURES, fixture), self.dir)
        self.backend_file = os.path.join(self.root, "backend.hcl")
        self.write_backend(backend)
        cli_config = os.path.join(self.root, "empty.tfrc")
        with open(cli_config, "w"):
            pass
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("AWS_", "TF_"))}
        self.env.update({
            "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true", "CHECKPOINT_DISABLE": "1",
            "TF_CLI_CONFIG_FILE": cli_config, "TF_DATA_DIR": os.path.join(self.root, "tfdata"),
            "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "HOME": self.root,
        })
        self.env.update(env or {})

    def write_backend(self, backend):
        with open(self.backend_file, "w") as f:
            for k, v in backend.items():
                f.write(f"{k} = {hcl_value(v)}\n")

    def write(self, name, data):
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(os.path.join(self.dir, name), mode) as f:
            f.write(data)

    def run(self, *args, env=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        return subprocess.run([TERRAFORM_BIN, *args], cwd=self.dir, env=full_env, text=True,
                              capture_output=True, timeout=COMMAND_TIMEOUT,
                              stdin=subprocess.DEVNULL)

    def init(self, *extra):
        return self.run("init", "-input=false", "-no-color", f"-backend-config={self.backend_file}",
                        *extra)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def describe(proc):
    return (f"exit {proc.returncode}: {' '.join(proc.args)}\n--- stdout\n{proc.stdout[-6000:]}"
            f"\n--- stderr\n{proc.stderr[-6000:]}")


class AccessLog:
    """Reads the JSON access log (`--log-format json`, stderr) of a harness SkiffServer, so a
    test can check the calls a Terraform command made, in order."""

    def __init__(self, server):
        self.server = server

    def records(self):
        f = self.server._stderr_file  # the harness keeps stderr in this temporary file
        f.seek(0)
        out = []
        for line in f.read().decode("utf-8", "replace").splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if isinstance(doc, dict) and doc.get("service") in ("s3", "dynamodb", "sts", "iam"):
                out.append(doc)
        return out

    def mark(self):
        """The number of records so far, once lines of requests already answered are in."""
        return len(self.since(0))

    def since(self, mark, settle=0.3):
        """Records after `mark`. A line is written as its response completes, which can be a
        moment after the client already has the answer: wait until the count is stable."""
        count, stable_since = -1, time.monotonic()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            n = len(self.records())
            if n != count:
                count, stable_since = n, time.monotonic()
            elif time.monotonic() - stable_since >= settle:
                break
            time.sleep(0.05)
        return self.records()[mark:]


def ops(records):
    """[(service, operation, resource, status)] for compact assertions."""
    return [(r.get("service"), r.get("operation"), r.get("resource"), r.get("status"))
            for r in records]


# --- the base class of the Terraform test modules ----------------------------------------------


def lock_info(path, operation="OperationTypeApply", who="alice@ci-runner-7", info="deploy #42"):
    """A LockInfo document as Terraform's statemgr marshals it (field order included)."""
    return {"ID": str(uuid.uuid4()), "Operation": operation, "Info": info, "Who": who,
            "Version": "1.11.4",
            "Created": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ"),
            "Path": path}


class TerraformTestCase(h.SkiffTestCase):
    """A Skiff server with a JSON access log, and helpers to run Terraform against it."""

    server_args = ("--log-format", "json")

    def setUp(self):
        super().setUp()
        missing = terraform_missing_message()
        if missing:
            self.fail(missing)  # a hard requirement: never a silent skip
        self.log = AccessLog(self.server)

    def ddb(self, region=h.DEFAULT_REGION):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=h.ACCESS_KEY, aws_secret_access_key=h.SECRET_KEY,
                            config=Config(retries={"total_max_attempts": 1}))

    def new_lock_table(self, region=h.DEFAULT_REGION):
        """The lock table Terraform documents: partition key LockID (S), nothing else."""
        name = h.unique_name("tflocks")
        self.ddb(region).create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}])
        return name

    def workdir(self, fixture="basic", access_key="test", secret_key="test", env=None,
                endpoint=None, **backend):
        wd = Workdir(fixture, backend_config(endpoint or self.endpoint, **backend), access_key,
                     secret_key, env)
        self.addCleanup(wd.cleanup)
        return wd

    def tf(self, wd, *args, expect=0, env=None):
        """Runs `terraform ARGS` (with -input=false/-no-color where they apply) and checks the
        exit code."""
        proc = wd.init(*args[1:]) if args[:1] == ("init",) else wd.run(*args, env=env)
        self.assertEqual(proc.returncode, expect, describe(proc))
        return proc

    def apply(self, wd, *extra):
        return self.tf(wd, "apply", "-auto-approve", "-input=false", "-no-color",
                       "-lock-timeout=5s", *extra)

    def state_object(self, bucket, key):
        return self.s3().get_object(Bucket=bucket, Key=key)["Body"].read()

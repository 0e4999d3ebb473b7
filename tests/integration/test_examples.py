"""Every file in examples/ is exercised here (docs/terraform.md, docs/ci.md and
docs/error-scenarios.md link them):

- examples/terraform/backend-*: the committed S3 backend blocks are parsed and their settings
  checked (endpoints for S3, DynamoDB, STS and IAM at http://localhost:4566, path style, no
  skip_*), then the real Terraform CLI runs init / apply / plan on each against a started Skiff,
  with only the endpoints overridden (-backend-config) to the test's port;
- examples/terraform/provider: parsed (the AWS provider cannot be installed offline): endpoints,
  path style, the bucket and lock table the backend examples use; `terraform fmt -check` on
  every .tf file;
- examples/ci/*.yml: parsed with PyYAML; image, port, health check, SKIFF_* variables (each a
  real one) and endpoint URLs checked against what Skiff and docker/Dockerfile do; Skiff is
  started with exactly the environment each file gives it, and the file's own Terraform
  commands are run against it;
- examples/errors/*: every script is run against a started Skiff and must show its error.
"""

import concurrent.futures
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import boto3
import yaml
from botocore.config import Config

import skiff_harness as h
from terraform.tfcli import TERRAFORM_BIN, TerraformTestCase, Workdir, describe, \
    terraform_missing_message

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EXAMPLES = os.path.join(REPO, "examples")
TF_EXAMPLES = os.path.join(EXAMPLES, "terraform")
CI = os.path.join(EXAMPLES, "ci")
ERRORS = os.path.join(EXAMPLES, "errors")
BACKENDS = ("backend-dynamodb", "backend-lockfile", "backend-both")
SKIFF_PORT = 4566
LOCAL_ENDPOINT = f"http://localhost:{SKIFF_PORT}"
SCRIPT_TIMEOUT = 120


# --- a small HCL reader: blocks, attributes, strings, numbers, bools, objects, lists, references


class Ref(str):
    """An unquoted expression such as aws_s3_bucket.state.id."""


_TOKEN = re.compile(r"""
    (?P<skip>[ \t\r]+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<nl>\n)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][\w-]*(?:\.[\w*-]+)*)
  | (?P<punct>[{}\[\]=,:])
""", re.X | re.S)


def _tokens(text):
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"HCL: unexpected {text[pos:pos + 20]!r}")
        pos = m.end()
        if m.lastgroup != "skip":
            out.append((m.lastgroup, m.group()))
    out.append(("eof", ""))
    return out


class Body:
    def __init__(self):
        self.attrs = {}
        self.blocks = []  # (type, labels, Body)

    def block(self, kind, *labels):
        found = [b for t, l, b in self.blocks if t == kind and tuple(l[:len(labels)]) == labels]
        if len(found) != 1:
            raise AssertionError(f"expected one {kind} {labels} block, found {len(found)}")
        return found[0]

    def all(self, kind):
        return [(l, b) for t, l, b in self.blocks if t == kind]


class _Parser:
    def __init__(self, text):
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, skip_nl=True):
        while skip_nl and self.toks[self.i][0] == "nl":
            self.i += 1
        return self.toks[self.i]

    def take(self, kind=None, value=None, skip_nl=True):
        tok = self.peek(skip_nl)
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            raise ValueError(f"HCL: expected {kind or value}, got {tok}")
        self.i += 1
        return tok

    def body(self, end):
        body = Body()
        while self.peek()[0] != end and self.peek()[1] != end:
            name = self.take("ident")[1]
            if self.peek(skip_nl=False)[1] == "=":
                self.take(value="=")
                body.attrs[name] = self.value()
                continue
            labels = []
            while self.peek()[0] == "str":
                labels.append(json.loads(self.take("str")[1]))
            self.take(value="{")
            body.blocks.append((name, labels, self.body("}")))
            self.take(value="}")
        return body

    def value(self):
        kind, text = self.take()
        if kind == "str":
            return json.loads(text)
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "ident":
            return {"true": True, "false": False, "null": None}.get(text, Ref(text))
        if text == "{":
            obj = {}
            while self.peek()[1] != "}":
                key = self.take()[1]
                key = json.loads(key) if key.startswith('"') else key
                self.take() if self.peek()[1] in "=:" else None
                obj[key] = self.value()
                if self.peek()[1] == ",":
                    self.take()
            self.take(value="}")
            return obj
        if text == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take()
            self.take(value="]")
            return items
        raise ValueError(f"HCL: unexpected {text!r}")


def parse_hcl(text):
    parser = _Parser(text)
    body = parser.body("eof")
    parser.take("eof")
    return body


def read_tf(path):
    with open(path) as f:
        return parse_hcl(f.read())


# --- what Skiff and its image really offer -----------------------------------------------------


def skiff_env_variables():
    """The SKIFF_* variables Skiff reads (the kEnv table of server/common/config_flags.cc)."""
    with open(os.path.join(REPO, "server", "common", "config_flags.cc")) as f:
        names = set(re.findall(r'\{"(SKIFF_[A-Z_]+)",\s*"[a-z-]+"\}', f.read()))
    assert {"SKIFF_BUCKETS", "SKIFF_TABLES", "SKIFF_INIT", "SKIFF_PORT"} <= names, names
    return names


def dockerfile():
    """The final stage's HEALTHCHECK command, EXPOSE, VOLUME, ENV and ENTRYPOINT."""
    with open(os.path.join(REPO, "docker", "Dockerfile")) as f:
        text = f.read().replace("\\\n", " ")
    final = text[text.rindex("\nFROM "):]
    health = re.search(r"^HEALTHCHECK\s+(.*?)\s+CMD\s+(\[.*\])\s*$", final, re.M)
    env = dict(re.findall(r"(SKIFF_[A-Z_]+)=(\S+)", re.search(r"^ENV\s+(.*)$", final,
                                                               re.M).group(1)))
    return {
        "healthcheck": json.loads(health.group(2)),
        "health_options": health.group(1).split(),
        "expose": re.findall(r"^EXPOSE\s+(\d+)", final, re.M),
        "volume": json.loads(re.search(r"^VOLUME\s+(\[.*\])", final, re.M).group(1)),
        "env": env,
        "entrypoint": json.loads(re.search(r"^ENTRYPOINT\s+(\[.*\])", final, re.M).group(1)),
    }


def load_yaml(name):
    with open(os.path.join(CI, name)) as f:
        return yaml.safe_load(f)


def isolated_env(root, extra=None):
    """Terraform and the AWS CLI offline and unaffected by the developer's settings (as tfcli's
    Workdir does), plus `extra`."""
    cli_config = os.path.join(root, "empty.tfrc")
    open(cli_config, "w").close()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "TF_", "SKIFF_"))}
    env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true", "CHECKPOINT_DISABLE": "1",
                "TF_CLI_CONFIG_FILE": cli_config, "HOME": root})
    env["PATH"] = os.path.dirname(TERRAFORM_BIN) + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


# --- the Terraform configurations --------------------------------------------------------------


class TerraformExampleFilesTest(unittest.TestCase):
    """The committed .tf files, read without running anything but `terraform fmt`."""

    def test_terraform_fmt_check(self):
        missing = terraform_missing_message()
        if missing:
            self.fail(missing)
        tmp = tempfile.mkdtemp(prefix="skiff-fmt-")
        self.addCleanup(shutil.rmtree, tmp, True)
        files = sorted(glob.glob(os.path.join(TF_EXAMPLES, "*", "*.tf")))
        self.assertGreaterEqual(len(files), 4)
        proc = subprocess.run([TERRAFORM_BIN, "fmt", "-check", "-diff", *files],
                              env=isolated_env(tmp), capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, describe(proc))

    def test_backend_blocks(self):
        keys = set()
        for name in BACKENDS:
            with self.subTest(example=name):
                backend = read_tf(os.path.join(TF_EXAMPLES, name, "main.tf")) \
                    .block("terraform").block("backend", "s3")
                s = backend.attrs
                self.assertEqual(s["bucket"], "tf-state")
                self.assertEqual(s["region"], "us-east-1")
                self.assertTrue(s["key"].startswith(f"{name}/"), s["key"])
                keys.add(s["key"])
                self.assertIs(s["use_path_style"], True)
                # Terraform >= 1.6 form: an endpoints object, no deprecated endpoint settings.
                for old in ("endpoint", "dynamodb_endpoint", "sts_endpoint", "iam_endpoint",
                            "force_path_style"):
                    self.assertNotIn(old, s)
                self.assertEqual([k for k in s if k.startswith("skip_")], [],
                                 "Skiff answers STS and IAM: no skip_* is needed")
                self.assertNotIn("access_key", s)  # credentials come from the environment
                wants_table = name in ("backend-dynamodb", "backend-both")
                wants_file = name in ("backend-lockfile", "backend-both")
                self.assertEqual(s.get("dynamodb_table"),
                                 "terraform-locks" if wants_table else None)
                self.assertEqual(s.get("use_lockfile", False), wants_file)
                services = {"s3", "sts", "iam"} | ({"dynamodb"} if wants_table else set())
                self.assertEqual(s["endpoints"], dict.fromkeys(services, LOCAL_ENDPOINT))
                self.assertEqual(backend.blocks, [])
        self.assertEqual(len(keys), len(BACKENDS), "each example keeps its own state object")

    def test_provider_example(self):
        tf = read_tf(os.path.join(TF_EXAMPLES, "provider", "main.tf"))
        aws = tf.block("terraform").block("required_providers").attrs["aws"]
        self.assertEqual(aws["source"], "hashicorp/aws")
        provider = tf.block("provider", "aws")
        self.assertEqual(provider.attrs["region"], "us-east-1")
        self.assertIs(provider.attrs["s3_use_path_style"], True)
        self.assertEqual([k for k in provider.attrs if k.startswith("skip_")], [])
        self.assertEqual(provider.block("endpoints").attrs,
                         dict.fromkeys(("s3", "dynamodb", "sts", "iam"), LOCAL_ENDPOINT))
        bucket = tf.block("resource", "aws_s3_bucket").attrs
        self.assertEqual(bucket["bucket"], "tf-state")
        versioning = tf.block("resource", "aws_s3_bucket_versioning")
        self.assertEqual(versioning.attrs["bucket"], "aws_s3_bucket.state.id")
        self.assertEqual(versioning.block("versioning_configuration").attrs["status"], "Enabled")
        table = tf.block("resource", "aws_dynamodb_table")
        self.assertEqual(table.attrs["name"], "terraform-locks")
        self.assertEqual(table.attrs["hash_key"], "LockID")
        self.assertNotIn("range_key", table.attrs)
        self.assertEqual(table.block("attribute").attrs, {"name": "LockID", "type": "S"})
        # The names are the ones the backend examples expect.
        for name in BACKENDS:
            s = read_tf(os.path.join(TF_EXAMPLES, name, "main.tf")).block("terraform") \
                .block("backend", "s3").attrs
            self.assertEqual(s["bucket"], bucket["bucket"])
            if "dynamodb_table" in s:
                self.assertEqual(s["dynamodb_table"], table.attrs["name"])

    def test_provider_resources_are_accepted_by_skiff(self):
        """What the provider example declares, created through the same APIs (the provider's
        call sequences themselves are replayed by test_aws_provider)."""
        tf = read_tf(os.path.join(TF_EXAMPLES, "provider", "main.tf"))
        table = tf.block("resource", "aws_dynamodb_table")
        server = h.SkiffServer(in_memory=True).start()
        self.addCleanup(server.cleanup)
        kw = dict(endpoint_url=server.endpoint, region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
        s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **kw)
        bucket = tf.block("resource", "aws_s3_bucket").attrs["bucket"]
        s3.create_bucket(Bucket=bucket, ACL="private")
        status = tf.block("resource", "aws_s3_bucket_versioning") \
            .block("versioning_configuration").attrs["status"]
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
        self.assertEqual(s3.get_bucket_versioning(Bucket=bucket)["Status"], "Enabled")
        attr = table.block("attribute").attrs
        ddb = boto3.client("dynamodb", **kw)
        ddb.create_table(TableName=table.attrs["name"], BillingMode=table.attrs["billing_mode"],
                         AttributeDefinitions=[{"AttributeName": attr["name"],
                                                "AttributeType": attr["type"]}],
                         KeySchema=[{"AttributeName": table.attrs["hash_key"],
                                     "KeyType": "HASH"}])
        self.assertEqual(ddb.describe_table(TableName=table.attrs["name"])["Table"]
                         ["TableStatus"], "ACTIVE")

    def test_every_example_file_is_covered(self):
        covered = {os.path.join("terraform", n, "main.tf") for n in (*BACKENDS, "provider")}
        covered |= {os.path.join("ci", n) for n in CI_FILES}
        covered |= {os.path.join("errors", n) for n in (*ERROR_SCRIPTS, "common.sh")}
        covered.add("README.md")
        found = set()
        for dirpath, dirnames, filenames in os.walk(EXAMPLES):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for n in filenames:
                found.add(os.path.relpath(os.path.join(dirpath, n), EXAMPLES))
        self.assertEqual(found - covered, set(), "example files no test exercises")
        self.assertEqual(covered - found, set(), "files this test expects")


# --- running the committed examples and CI definitions against Skiff ---------------------------


class _RunsExamples(TerraformTestCase):
    """Runs shell snippets from the CI files in a copy of the repository's examples, against this
    class's Skiff: `localhost:4566` becomes the test's address, and `terraform init` gets the
    endpoints override (the committed main.tf files stay as they are)."""

    def checkout(self):
        """A temporary 'checkout': the examples tree copied under <root>/examples."""
        root = tempfile.mkdtemp(prefix="skiff-ex-")
        self.addCleanup(shutil.rmtree, root, True)
        shutil.copytree(EXAMPLES, os.path.join(root, "examples"),
                        ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
        override = os.path.join(root, "skiff-endpoints.s3.tfbackend")
        with open(override, "w") as f:
            f.write("endpoints = {\n" + "".join(
                f'  {s} = "{self.endpoint}"\n' for s in ("s3", "dynamodb", "sts", "iam")) + "}\n")
        return root, override

    def adapt(self, script, override):
        script = script.replace(f"localhost:{SKIFF_PORT}",
                                f"{self.server.host}:{self.server.port}")
        return re.sub(r"\bterraform init\b", f"terraform init -backend-config={override}",
                      script)

    def run_script(self, script, cwd, env, shell=("bash", "--noprofile", "--norc", "-eo",
                                                  "pipefail", "-c")):
        proc = subprocess.run([*shell, script], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=SCRIPT_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, describe(proc))
        return proc

    def check_state(self, example, mark):
        """After init/apply/plan of a backend example: its state object holds the applied
        output, the lock is released, and the locking it configures was used."""
        s = read_tf(os.path.join(TF_EXAMPLES, example, "main.tf")).block("terraform") \
            .block("backend", "s3").attrs
        body = self.state_object(s["bucket"], s["key"])
        self.assertIn("example", json.loads(body)["outputs"])
        records = self.log.since(mark)
        calls = {(r["service"], r["operation"]) for r in records}
        lockfile_puts = [r for r in records if r["operation"] == "PutObject"
                         and str(r.get("resource", "")).endswith(".tflock")]
        self.assertIn(("sts", "GetCallerIdentity"), calls)  # credentials validated by Skiff
        if s.get("use_lockfile"):
            self.assertTrue(lockfile_puts, records)
            self.assertIn(("s3", "DeleteObject"), calls)
        else:
            self.assertEqual(lockfile_puts, [])
        if s.get("dynamodb_table"):
            self.assertIn(("dynamodb", "PutItem"), calls)
            self.assertIn(("dynamodb", "DeleteItem"), calls)
            table = self.ddb()
            digest = table.get_item(TableName=s["dynamodb_table"], ConsistentRead=True,
                                    Key={"LockID": {"S": f"{s['bucket']}/{s['key']}-md5"}})
            self.assertIn("Item", digest)
            held = table.get_item(TableName=s["dynamodb_table"], ConsistentRead=True,
                                  Key={"LockID": {"S": f"{s['bucket']}/{s['key']}"}})
            self.assertNotIn("Item", held)
        else:
            self.assertNotIn("dynamodb", {svc for svc, _ in calls})
        self.assertEqual([r for r in records if r["status"] >= 400 and
                          (r["operation"], r["status"]) != ("HeadObject", 404)], [],
                         "no failed call but the HeadObject 404s of a state not written yet")

    def check_skiff_env(self, env):
        names = skiff_env_variables()
        self.assertTrue(env)
        for k in env:
            self.assertIn(k, names, f"{k} is not a variable Skiff reads")
        # The declared resources exist at once (the server was started with this env).
        s3 = self.s3()
        buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
        for spec in env.get("SKIFF_BUCKETS", "").split(","):
            name = spec.split("@")[0].split(":")[0]
            self.assertIn(name, buckets)
            if spec.endswith(":versioned"):
                self.assertEqual(s3.get_bucket_versioning(Bucket=name).get("Status"), "Enabled")
        tables = self.ddb().list_tables()["TableNames"]
        for spec in env.get("SKIFF_TABLES", "").split(","):
            name, key = spec.split(":")[:2]
            self.assertIn(name.split("@")[0], tables)
            self.assertEqual(key, "LockID")

    def check_healthcheck_command(self, command):
        """The image's health check command runs against this Skiff and passes."""
        image = dockerfile()
        self.assertEqual(command, image["healthcheck"])
        self.assertEqual(command[0], image["entrypoint"][0])
        env = dict(os.environ, SKIFF_PORT=str(self.server.port), SKIFF_HOST=self.server.host)
        proc = subprocess.run([h.SKIFF_BIN, *command[1:]], env=env, capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(proc.returncode, 0, describe(proc))

    def check_image(self, image, ports):
        self.assertEqual(image, "skiff:latest")
        self.assertEqual(ports, [f"{SKIFF_PORT}:{SKIFF_PORT}"])
        info = dockerfile()
        self.assertEqual(info["expose"], [str(SKIFF_PORT)])
        self.assertEqual(info["env"]["SKIFF_PORT"], str(SKIFF_PORT))
        self.assertEqual(info["env"]["SKIFF_HOST"], "0.0.0.0")


CI_FILES = ("github-actions-service.yml", "github-actions-docker-run.yml", "gitlab-ci.yml",
            "docker-compose.yml")
GH_SERVICE = load_yaml("github-actions-service.yml")["jobs"]["terraform"]
GH_DOCKER = load_yaml("github-actions-docker-run.yml")["jobs"]["terraform"]
GITLAB = load_yaml("gitlab-ci.yml")
COMPOSE = load_yaml("docker-compose.yml")


def _docker_run(step_script):
    """The `docker run` command of a step: (options, image), options as (flag, value) pairs."""
    text = step_script.replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.strip().startswith("docker run"))
    words = shlex.split(line)[2:]
    options, i = [], 0
    while words[i].startswith("-"):
        if words[i] == "-d":
            options.append(("-d", None))
            i += 1
        else:
            options.append((words[i], words[i + 1]))
            i += 2
    return options, words[i], words[i + 1:]


class GitHubServiceContainerTest(_RunsExamples):
    """examples/ci/github-actions-service.yml: Skiff started with the service's env; the job's
    steps run for every matrix entry (they are the backend examples' init / apply / plan)."""
    server_env = GH_SERVICE["services"]["skiff"]["env"]

    def test_service_definition(self):
        service = GH_SERVICE["services"]["skiff"]
        self.check_image(service["image"], service["ports"])
        self.check_skiff_env(service["env"])
        options = shlex.split(service["options"])
        # The image's exec-form HEALTHCHECK is used; a --health-cmd would need a shell.
        self.assertNotIn("--health-cmd", options)
        self.assertTrue({"--health-interval", "--health-retries"} <= set(options), options)
        self.check_healthcheck_command(dockerfile()["healthcheck"])
        self.assertEqual(sorted(GH_SERVICE["strategy"]["matrix"]["example"]), sorted(BACKENDS))
        self.assertEqual(GH_SERVICE["env"]["AWS_ACCESS_KEY_ID"], "test")

    def test_job_steps_for_each_example(self):
        for example in GH_SERVICE["strategy"]["matrix"]["example"]:
            with self.subTest(example=example):
                root, override = self.checkout()
                env = isolated_env(root, {k: str(v) for k, v in GH_SERVICE["env"].items()})
                mark = self.log.mark()
                ran = []
                for step in GH_SERVICE["steps"]:
                    if "run" not in step:
                        continue
                    wd = step.get("working-directory", ".").replace("${{ matrix.example }}",
                                                                    example)
                    self.assertTrue(os.path.isdir(os.path.join(root, wd)), wd)
                    self.run_script(self.adapt(step["run"], override), os.path.join(root, wd),
                                    env)
                    ran.append(step["name"])
                self.assertEqual(ran, ["Skiff is up", "terraform init, apply, plan"])
                self.check_state(example, mark)


class GitHubDockerRunTest(_RunsExamples):
    """examples/ci/github-actions-docker-run.yml: the `docker run` flags are read (no Docker
    engine here), Skiff is started with its -e variables, and the Terraform step runs."""
    _options, _image, _args = _docker_run(
        next(s["run"] for s in GH_DOCKER["steps"] if s.get("name") == "Start Skiff"))
    server_env = dict(v.split("=", 1) for f, v in _options if f == "-e")

    def test_docker_run_command(self):
        options = dict(self._options)
        self.check_image(self._image, [options["-p"]])
        self.assertEqual(self._args, [])
        self.check_skiff_env(self.server_env)
        self.assertEqual(options["-v"].split(":")[1], "/data")
        self.assertIn("/data", dockerfile()["volume"])
        self.assertNotIn("--health-cmd", options)
        build = next(s["run"] for s in GH_DOCKER["steps"] if s.get("name") ==
                     "Build the Skiff image")
        words = shlex.split(build)
        self.assertEqual(words[:2], ["docker", "build"])
        self.assertEqual(words[words.index("-f") + 1], "docker/Dockerfile")
        self.assertEqual(words[words.index("-t") + 1], self._image)
        self.assertEqual(words[-1], ".")
        start = next(s["run"] for s in GH_DOCKER["steps"] if s.get("name") == "Start Skiff")
        self.assertIn("{{.State.Health.Status}}", start)
        self.check_healthcheck_command(dockerfile()["healthcheck"])
        stop = next(s["run"] for s in GH_DOCKER["steps"] if s.get("name") == "Stop Skiff")
        self.assertEqual(stop.strip(), "docker stop skiff")

    def test_terraform_steps(self):
        root, override = self.checkout()
        env = isolated_env(root, {k: str(v) for k, v in GH_DOCKER["env"].items()})
        mark = self.log.mark()
        ran, skipped = [], []
        for step in GH_DOCKER["steps"]:
            if "run" not in step:
                continue
            if re.search(r"^\s*docker ", step["run"], re.M):
                skipped.append(step["name"])  # needs a Docker engine; checked above
                continue
            wd = step.get("working-directory", ".")
            self.run_script(self.adapt(step["run"], override), os.path.join(root, wd), env)
            ran.append((step["name"], wd))
        self.assertEqual(skipped, ["Build the Skiff image", "Start Skiff", "Skiff's access log",
                                   "Stop Skiff"])
        self.assertEqual(len(ran), 1)
        example = os.path.basename(ran[0][1])
        self.assertIn(example, BACKENDS)
        self.check_state(example, mark)


class GitLabServiceTest(_RunsExamples):
    """examples/ci/gitlab-ci.yml: Skiff started with the service's variables; the job's script
    runs as written, with SKIFF_ENDPOINT set to this Skiff instead of http://skiff:4566."""
    server_env = GITLAB["terraform"]["services"][0]["variables"]

    def test_service_definition(self):
        job = GITLAB["terraform"]
        [service] = job["services"]
        self.assertEqual(service["name"], "skiff:latest")
        self.check_skiff_env(service["variables"])
        self.assertEqual(GITLAB["variables"]["SKIFF_ENDPOINT"],
                         f"http://{service['alias']}:{SKIFF_PORT}")
        self.assertEqual(dockerfile()["expose"], [str(SKIFF_PORT)])  # GitLab waits for it
        self.assertEqual(job["image"]["entrypoint"], [""])
        self.assertTrue(job["image"]["name"].startswith("hashicorp/terraform:"))

    def test_job_script(self):
        root, _ = self.checkout()
        variables = {k: str(v) for k, v in GITLAB["variables"].items()}
        variables["SKIFF_ENDPOINT"] = self.endpoint
        env = isolated_env(root, variables)
        script = "\n".join(GITLAB["terraform"]["script"])
        self.assertIn("$SKIFF_ENDPOINT", script)
        example = re.search(r"cd examples/terraform/(\S+)", script).group(1)
        mark = self.log.mark()
        self.run_script(script, root, env, shell=("sh", "-e", "-c"))
        self.check_state(example, mark)


class DockerComposeTest(_RunsExamples):
    """examples/ci/docker-compose.yml: the skiff service (build, port, env, health check, volume)
    and the terraform service, whose command runs in the example it mounts."""
    server_env = COMPOSE["services"]["skiff"]["environment"]

    def test_skiff_service(self):
        skiff = COMPOSE["services"]["skiff"]
        self.check_image(skiff["image"], skiff["ports"])
        context = os.path.normpath(os.path.join(CI, skiff["build"]["context"]))
        self.assertEqual(context, REPO)
        self.assertTrue(os.path.isfile(os.path.join(context, skiff["build"]["dockerfile"])))
        self.check_skiff_env(skiff["environment"])
        test = skiff["healthcheck"]["test"]
        self.assertEqual(test[0], "CMD")  # exec form: no shell in the image
        self.check_healthcheck_command(test[1:])
        [volume] = skiff["volumes"]
        name, target = volume.split("#")[0].strip().split(":")
        self.assertEqual(target, "/data")
        self.assertIn(name, COMPOSE["volumes"])

    def test_terraform_service(self):
        tf = COMPOSE["services"]["terraform"]
        self.assertEqual(tf["network_mode"], "service:skiff")  # localhost:4566 is Skiff
        self.assertEqual(tf["depends_on"]["skiff"]["condition"], "service_healthy")
        [mount] = tf["volumes"]
        source, target = mount.split(":")
        host_dir = os.path.normpath(os.path.join(CI, source,
                                                 os.path.relpath(tf["working_dir"], target)))
        self.assertTrue(os.path.isfile(os.path.join(host_dir, "main.tf")), host_dir)
        example = os.path.relpath(host_dir, TF_EXAMPLES)
        self.assertIn(example, BACKENDS)
        self.assertEqual(tf["entrypoint"], ["/bin/sh", "-c"])
        root, override = self.checkout()
        env = isolated_env(root, {k: str(v) for k, v in tf["environment"].items()})
        mark = self.log.mark()
        [command] = tf["command"]
        self.run_script(self.adapt(command, override),
                        os.path.join(root, "examples", "terraform", example), env,
                        shell=("sh", "-c"))
        self.check_state(example, mark)


# --- the error scenarios -----------------------------------------------------------------------

# What each script must show (its real output is in docs/error-scenarios.md).
ERROR_SCRIPTS = {
    "wrong-region.sh": [
        "StatusCode: 301",
        'requested bucket from "us-east-1", actual location "eu-west-1"',
        "Terraform has been successfully initialized!"],
    "access-denied.sh": [
        "Error acquiring the state lock",
        "api error AccessDenied: User: arn:aws:iam::000000000000:user/ci-deployer is not "
        "authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::tf-state-iam/app/terraform.tfstate.tflock"',
        "Apply complete!"],
    "missing-lock-table.sh": [
        "Terraform has been successfully initialized!",
        "Error acquiring the state lock",
        "ResourceNotFoundException: Requested resource not found",
        "Plan: 1 to add"],
    "lock-held.sh": [
        "Error acquiring the state lock",
        "StatusCode: 412",
        "PreconditionFailed",
        "ID:        8a3c2d4e-0b1f-4c6a-9e2d-5f7a1b3c9d0e",
        "Who:       alice@ci-runner-7",
        "Terraform state has been successfully unlocked!",
        "No changes."],
    "bad-credentials.sh": [
        "retrieving caller identity from STS",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
        "InvalidAccessKeyId"],
    "throttling.py": [
        "PutItem succeeded; RetryAttempts = 2",
        "ProvisionedThroughputExceededException",
        "reached max retries: 2",
        "SlowDown",
        "matched 3, fired 3"],
}


class ErrorScenariosTest(TerraformTestCase):
    """Every script in examples/errors runs against this Skiff and shows its error; the
    scenarios' document shows each of them. The scripts use their own buckets, tables and
    users, so they run side by side; then all of them once more, to show that their set-up is
    idempotent (a second run against the same Skiff shows the same errors)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="skiff-err-")
        env = isolated_env(cls.root, {"SKIFF_ENDPOINT": cls.server.endpoint,
                                      "PYTHONDONTWRITEBYTECODE": "1"})

        def run(name):
            try:
                return subprocess.run([os.path.join(ERRORS, name)], cwd=cls.root, env=env,
                                      capture_output=True, text=True, timeout=SCRIPT_TIMEOUT,
                                      stdin=subprocess.DEVNULL)
            except (OSError, subprocess.SubprocessError) as e:
                return e

        cls.runs = {name: [] for name in ERROR_SCRIPTS}
        with concurrent.futures.ThreadPoolExecutor(len(ERROR_SCRIPTS)) as pool:
            for _ in range(2):
                for name, proc in zip(ERROR_SCRIPTS, pool.map(run, ERROR_SCRIPTS)):
                    cls.runs[name].append(proc)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def check_scenario(self, name):
        self.assertTrue(os.access(os.path.join(ERRORS, name), os.X_OK),
                        f"{name} is not executable")
        for round_, proc in enumerate(self.runs[name], 1):
            with self.subTest(run=round_):
                self.assertIsInstance(proc, subprocess.CompletedProcess, proc)
                self.assertEqual(proc.returncode, 0, describe(proc))
                # Terraform wraps its messages at 78 columns: compare with whitespace collapsed.
                flat = " ".join((proc.stdout + proc.stderr).split())
                for expected in ERROR_SCRIPTS[name]:
                    self.assertIn(" ".join(expected.split()), flat, describe(proc))

    def test_every_script_has_expectations(self):
        scripts = {os.path.basename(p) for p in glob.glob(os.path.join(ERRORS, "*"))
                   if os.path.basename(p) != "common.sh"}
        self.assertEqual(scripts, set(ERROR_SCRIPTS))
        with open(os.path.join(REPO, "docs", "error-scenarios.md")) as f:
            doc = f.read()
        for name in ERROR_SCRIPTS:
            self.assertIn(f"examples/errors/{name}", doc)

    def test_wrong_region(self):
        self.check_scenario("wrong-region.sh")

    def test_access_denied(self):
        self.check_scenario("access-denied.sh")

    def test_missing_lock_table(self):
        self.check_scenario("missing-lock-table.sh")

    def test_lock_held(self):
        self.check_scenario("lock-held.sh")

    def test_bad_credentials(self):
        self.check_scenario("bad-credentials.sh")

    def test_throttling(self):
        self.check_scenario("throttling.py")


if __name__ == "__main__":
    unittest.main()

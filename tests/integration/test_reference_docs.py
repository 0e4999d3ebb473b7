"""docs/reference.md and docs/compatibility.md against the binary and the sources they describe:
`skiff --help` is the reference's fenced block, `skiff compat` is compatibility.md, every flag and
SKIFF_* variable is in a table (and every table row is a real one), every admin endpoint is
documented, and the documented GET endpoints answer."""

import os
import re
import subprocess
import unittest

import skiff_harness as h

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REFERENCE = os.path.join(ROOT, "docs", "reference.md")
COMPATIBILITY = os.path.join(ROOT, "docs", "compatibility.md")
README = os.path.join(ROOT, "README.md")
CONFIG_FLAGS = os.path.join(ROOT, "server", "common", "config_flags.cc")
ADMIN_HEADERS = [os.path.join(ROOT, "server", "app", "admin.h"),
                 os.path.join(ROOT, "server", "app", "admin_faults.h")]

_FLAG = re.compile(r"--[a-z][a-z0-9-]*")
# A whole variable name: not the "SKIFF_TLS_" of a pattern like "SKIFF_TLS_*".
_VARIABLE = re.compile(r"SKIFF_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run_skiff(*args):
    # The developer's own SKIFF_* settings must not change (or break) the output.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKIFF_")}
    return subprocess.run([h.SKIFF_BIN, *args], env=env, capture_output=True, text=True,
                          timeout=30)


def section(markdown, heading):
    """The text under `heading` (a whole line, e.g. "## Configuration") up to the next heading of
    the same or a higher level."""
    level = heading.split(" ", 1)[0]
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines))
                if lines[i].startswith("#") and lines[i].split(" ", 1)[0] in
                {"#" * n for n in range(1, len(level) + 1)}), len(lines))
    return "\n".join(lines[start:end])


def table_rows(text):
    """The cells of each body row of the Markdown tables in `text` (header and rule rows left
    out). An escaped pipe (\\|) stays inside its cell."""
    rows = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        if i + 1 < len(lines) and set(lines[i + 1]) <= set("|-: ") and "-" in lines[i + 1]:
            continue  # a header row
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([c.strip() for c in cells])
    return rows


def help_flags(help_text):
    """The flags --help documents: the first word of each option line."""
    flags = set()
    for line in help_text.splitlines():
        m = re.match(r"\s+(--[a-z][a-z0-9-]*)", line)
        if m:
            flags.add(m.group(1))
    return flags


class HelpAndCompatTextTest(unittest.TestCase):

    def test_help_is_the_reference_block(self):
        proc = run_skiff("--help")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        block = section(read(REFERENCE), "## `skiff --help`")
        m = re.search(r"^```text\n(.*?)^```$", block, re.S | re.M)
        self.assertIsNotNone(m, "docs/reference.md: no ```text block under ## `skiff --help`")
        self.assertEqual(m.group(1), proc.stdout,
                         "docs/reference.md's help block differs from `skiff --help`; paste the "
                         "new output in")

    def test_compat_is_compatibility_md(self):
        proc = run_skiff("compat")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        self.assertEqual(read(COMPATIBILITY), proc.stdout,
                         "docs/compatibility.md differs: run `skiff compat > docs/compatibility.md`")

    def test_compat_lists_every_operation_once_with_a_status(self):
        doc = run_skiff("compat").stdout
        rows = [r for r in table_rows(doc) if r and r[0].startswith("`")]
        self.assertGreater(len(rows), 300)
        for r in rows:
            self.assertIn(r[1], ("supported", "not supported"), r)
        for service in ("S3", "DynamoDB", "STS", "IAM"):
            names = [r[0].strip("`") for r in table_rows(section(doc, "## " + service))]
            self.assertEqual(len(names), len(set(names)), service)
            self.assertEqual(names, sorted(names), service)
        self.assertIn("| `GetObject` | supported |", doc)
        self.assertIn("| `PutItem` | supported |", doc)
        self.assertIn("| `GetCallerIdentity` | supported |", doc)
        self.assertIn("| `CreateUser` | supported |", doc)
        self.assertIn("| `PutBucketInventoryConfiguration` | not supported |", doc)

    def test_compat_takes_no_arguments(self):
        proc = run_skiff("compat", "--json")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("compat takes no arguments", proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_subcommands_are_documented(self):
        proc = run_skiff("--help")
        reference = section(read(REFERENCE), "## Commands")
        for command in ("skiff healthcheck", "skiff compat"):
            self.assertIn(command, proc.stdout)
            self.assertIn("`" + command, reference)


class FlagsAndVariablesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        proc = run_skiff("--help")
        assert proc.returncode == 0, proc.stderr
        cls.help = proc.stdout
        cls.reference_rows = table_rows(section(read(REFERENCE),
                                                "## Flags and environment variables"))
        cls.readme_rows = table_rows(section(read(README), "## Configuration"))

    @staticmethod
    def flags_of(rows):
        return {f for r in rows for f in _FLAG.findall(r[0])}

    @staticmethod
    def variables_of(rows):
        return {v for r in rows if len(r) > 1 for v in _VARIABLE.findall(r[1])}

    def test_every_help_flag_is_in_a_table(self):
        documented = self.flags_of(self.reference_rows) | self.flags_of(self.readme_rows)
        flags = help_flags(self.help)
        self.assertGreater(len(flags), 20)
        self.assertEqual(flags - documented, set(),
                         "flags in --help missing from the README's Configuration table and "
                         "docs/reference.md's table")

    def test_every_table_flag_is_a_real_flag(self):
        flags = help_flags(self.help)
        self.assertEqual(self.flags_of(self.reference_rows) - flags, set(),
                         "docs/reference.md documents flags --help does not have")
        self.assertEqual(self.flags_of(self.readme_rows) - flags, set(),
                         "the README's Configuration table documents flags --help does not have")

    def test_every_variable_is_in_the_reference(self):
        # The quoted names are the ones ParseFlags looks up (its kEnv table).
        read_by_server = set(re.findall(r'"(SKIFF_[A-Z0-9_]+)"', read(CONFIG_FLAGS)))
        self.assertGreater(len(read_by_server), 20)
        documented = self.variables_of(self.reference_rows)
        self.assertEqual(read_by_server - documented, set(),
                         "SKIFF_* variables config_flags.cc reads missing from docs/reference.md")
        self.assertEqual(documented - read_by_server, set(),
                         "docs/reference.md documents SKIFF_* variables config_flags.cc does not "
                         "read")
        self.assertEqual(set(_VARIABLE.findall(self.help)) - documented, set())

    def test_each_flag_row_names_its_variable(self):
        # A flag and its variable share a row, as --help pairs them: "--port N ... [SKIFF_PORT]".
        pairs = {}
        for line in re.split(r"\n(?=  --)", self.help):
            m = re.match(r"\s*(--[a-z][a-z0-9-]*)", line)
            if m:
                pairs[m.group(1)] = set(_VARIABLE.findall(line))
        for row in self.reference_rows:
            for flag in _FLAG.findall(row[0]):
                in_help = pairs.get(flag, set())
                in_row = set(_VARIABLE.findall(row[1]))
                self.assertLessEqual(in_row, in_help, row)
                self.assertEqual(bool(in_row), bool(in_help), row)


class AdminApiTest(h.SkiffTestCase):

    @staticmethod
    def header_endpoints():
        """(method, path) of each endpoint the admin headers' comments list, optional parts
        ("[?service=S]", "[/<id>]") left out."""
        endpoints = []
        for path in ADMIN_HEADERS:
            for m in re.finditer(r"^//\s+(GET|POST|PUT|DELETE|HEAD|\*)\s+(/_skiff/\S+)",
                                 read(path), re.M):
                endpoints.append((m.group(1), re.sub(r"\[.*?\]", "", m.group(2))))
        return endpoints

    def test_every_admin_endpoint_is_documented(self):
        endpoints = self.header_endpoints()
        self.assertGreaterEqual(len(endpoints), 10)
        api = section(read(REFERENCE), "## Admin API")
        for method, path in endpoints:
            wanted = path if method == "*" else f"`{method} {path}"
            self.assertTrue(wanted in api, f"{method} {path} is not in docs/reference.md")

    def test_documented_get_endpoints_answer(self):
        api = section(read(REFERENCE), "## Admin API")
        paths = set()
        for row in table_rows(api):
            m = re.fullmatch(r"`GET (/_skiff/[a-z/]+)(\[.*\])?`", row[0])
            if m:
                paths.add(m.group(1))
        self.assertGreaterEqual(len(paths), 5)
        for path in sorted(paths):
            status, _, body = h.http_json(self.server.host, self.server.port, path)
            self.assertEqual(status, 200, f"{path}: {body[:200]!r}")


class ReadmeLinksTest(unittest.TestCase):

    def test_readme_links_the_reference_and_compatibility(self):
        readme = read(README)
        self.assertIn("(docs/reference.md)", readme)
        self.assertIn("(docs/compatibility.md)", readme)


if __name__ == "__main__":
    unittest.main()

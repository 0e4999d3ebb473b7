"""STS and IAM over the AWS Query protocol: GetCallerIdentity for every credential, and the
credential errors SDKs and Terraform see (InvalidClientTokenId, SignatureDoesNotMatch) in the
services' own XML; AssumeRole (trust policies, identity permission, temporary credentials and
their expiry), GetSessionToken, and AssumeRoleWithWebIdentity for configured and unknown issuers
and IAM OIDC providers."""

import base64
import json
import time
import unittest
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from skiff_harness import SkiffTestCase


ROOT = "000000000000"
ISSUER = "https://issuer.example.com"


def trust(principal, action="sts:AssumeRole", condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def jwt(claims):
    """An unsigned-looking JWT: Skiff decodes header and claims but does not verify signatures."""
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return part({"alg": "RS256", "typ": "JWT"}) + "." + part(claims) + ".c2lnbmF0dXJl"


class StsTest(SkiffTestCase):
    server_env = {"SKIFF_CREDENTIALS": "AKUSER:SKUSER:111111111111"}
    server_args = ("--oidc-issuer", ISSUER)

    def client(self, service, key="test", secret="test", region="us-east-1"):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=Config(retries={"total_max_attempts": 1}))

    def test_get_caller_identity_default_root(self):
        who = self.client("sts").get_caller_identity()
        self.assertEqual(who["Account"], "000000000000")
        self.assertEqual(who["Arn"], "arn:aws:iam::000000000000:root")
        self.assertEqual(who["UserId"], "000000000000")
        self.assertTrue(who["ResponseMetadata"]["RequestId"])

    def test_get_caller_identity_other_account_and_region(self):
        who = self.client("sts", "AKUSER", "SKUSER", region="eu-west-1").get_caller_identity()
        self.assertEqual(who["Account"], "111111111111")
        self.assertEqual(who["Arn"], "arn:aws:iam::111111111111:root")

    def test_unknown_key_is_invalid_client_token_id(self):
        with self.assertRaises(ClientError) as e:
            self.client("sts", "NOPE", "whatever").get_caller_identity()
        err = self.assertClientError(e.exception, "InvalidClientTokenId", 403,
                                     "The security token included in the request is invalid.")
        self.assertEqual(err.get("Type"), "Sender")

    def test_wrong_secret_is_signature_does_not_match(self):
        with self.assertRaises(ClientError) as e:
            self.client("sts", "test", "wrong").get_caller_identity()
        self.assertClientError(e.exception, "SignatureDoesNotMatch", 403)
        self.assertIn("Check your AWS Secret Access Key",
                      e.exception.response["Error"]["Message"])

    def test_iam_authenticates_before_answering(self):
        with self.assertRaises(ClientError) as e:
            self.client("iam", "NOPE", "x").list_users()
        self.assertClientError(e.exception, "InvalidClientTokenId", 403)
        self.assertEqual(self.client("iam").list_users()["IsTruncated"], False)

    # --- AssumeRole -------------------------------------------------------------------------

    def make_role(self, name, trust_document, **kwargs):
        return self.client("iam").create_role(RoleName=name,
                                              AssumeRolePolicyDocument=trust_document,
                                              **kwargs)["Role"]

    def test_assume_role_issues_working_temporary_credentials(self):
        role = self.make_role("deployer", trust({"AWS": f"arn:aws:iam::{ROOT}:root"}))
        before = time.time()
        out = self.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="ci-run",
                                             DurationSeconds=900)
        creds = out["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(len(creds["AccessKeyId"]), 20)
        self.assertEqual(len(creds["SecretAccessKey"]), 40)
        self.assertTrue(creds["SessionToken"])
        self.assertAlmostEqual(creds["Expiration"].timestamp(), before + 900, delta=5)
        user = out["AssumedRoleUser"]
        self.assertEqual(user["Arn"], f"arn:aws:sts::{ROOT}:assumed-role/deployer/ci-run")
        self.assertEqual(user["AssumedRoleId"], role["RoleId"] + ":ci-run")

        sts = self.client("sts", creds["AccessKeyId"], creds["SecretAccessKey"])
        with self.assertRaises(ClientError) as e:
            sts.get_caller_identity()  # no session token
        self.assertClientError(e.exception, "InvalidClientTokenId", 403)
        who = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id=creds["AccessKeyId"],
                           aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"]).get_caller_identity()
        self.assertEqual(who["Arn"], user["Arn"])
        self.assertEqual(who["UserId"], user["AssumedRoleId"])
        self.assertEqual(who["Account"], ROOT)

    def session_client(self, service, creds):
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"],
                            config=Config(retries={"total_max_attempts": 1}))

    def test_role_session_has_the_roles_permissions(self):
        role = self.make_role("lister", trust({"AWS": ROOT}))
        creds = self.client("sts").assume_role(RoleArn=role["Arn"],
                                               RoleSessionName="s1")["Credentials"]
        iam = self.session_client("iam", creds)
        with self.assertRaises(ClientError) as e:
            iam.list_users()
        self.assertClientError(
            e.exception, "AccessDenied", 403,
            f"User: arn:aws:sts::{ROOT}:assumed-role/lister/s1 is not authorized to perform: "
            f"iam:ListUsers on resource: arn:aws:iam::{ROOT}:user/ because no identity-based "
            "policy allows the iam:ListUsers action")
        self.client("iam").put_role_policy(RoleName="lister", PolicyName="list", PolicyDocument=
                                           json.dumps({"Version": "2012-10-17", "Statement": [{
                                               "Effect": "Allow", "Action": "iam:ListUsers",
                                               "Resource": "*"}]}))
        self.assertIn("Users", iam.list_users())

    def test_assume_role_denied_by_trust_policy(self):
        role = self.make_role("other-account-only", trust({"AWS": "arn:aws:iam::111111111111:root"}))
        with self.assertRaises(ClientError) as e:
            self.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="nope")
        self.assertClientError(
            e.exception, "AccessDenied", 403,
            f"User: arn:aws:iam::{ROOT}:root is not authorized to perform: sts:AssumeRole on "
            f"resource: {role['Arn']}")
        with self.assertRaises(ClientError) as e:
            self.client("sts").assume_role(RoleArn=f"arn:aws:iam::{ROOT}:role/missing",
                                           RoleSessionName="nope")
        self.assertClientError(e.exception, "AccessDenied", 403)

    def test_trust_policy_conditions(self):
        role = self.make_role("external", trust({"AWS": "111111111111"}, condition={
            "StringEquals": {"sts:ExternalId": "shared-secret"},
            "StringLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:*"}}))
        sts = self.client("sts", "AKUSER", "SKUSER")
        with self.assertRaises(ClientError) as e:
            sts.assume_role(RoleArn=role["Arn"], RoleSessionName="no-id")
        self.assertClientError(e.exception, "AccessDenied", 403)
        with self.assertRaises(ClientError) as e:
            sts.assume_role(RoleArn=role["Arn"], RoleSessionName="wrong", ExternalId="guess")
        self.assertClientError(e.exception, "AccessDenied", 403)
        out = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="right",
                              ExternalId="shared-secret")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{ROOT}:assumed-role/external/right")

    def test_cross_account_assume_role(self):
        # Account 111111111111's root may assume the role: its trust policy names that account.
        role = self.make_role("cross", trust({"AWS": "111111111111"}))
        out = self.client("sts", "AKUSER", "SKUSER").assume_role(RoleArn=role["Arn"],
                                                                 RoleSessionName="x1")
        who = self.session_client("sts", out["Credentials"]).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:sts::{ROOT}:assumed-role/cross/x1")
        self.assertEqual(who["Account"], ROOT)

    def test_iam_user_needs_permission_unless_trust_names_it(self):
        iam = self.client("iam")
        iam.create_user(UserName="assumer")
        key = iam.create_access_key(UserName="assumer")["AccessKey"]
        sts = self.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
        by_account = self.make_role("by-account", trust({"AWS": ROOT}))
        with self.assertRaises(ClientError) as e:
            sts.assume_role(RoleArn=by_account["Arn"], RoleSessionName="a1")
        self.assertClientError(
            e.exception, "AccessDenied", 403,
            f"User: arn:aws:iam::{ROOT}:user/assumer is not authorized to perform: "
            f"sts:AssumeRole on resource: {by_account['Arn']} because no identity-based policy "
            "allows the sts:AssumeRole action")
        iam.put_user_policy(UserName="assumer", PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Resource": by_account["Arn"]}]}))
        sts.assume_role(RoleArn=by_account["Arn"], RoleSessionName="a1")
        named = self.make_role("names-user", trust({"AWS": f"arn:aws:iam::{ROOT}:user/assumer"}))
        sts.assume_role(RoleArn=named["Arn"], RoleSessionName="b1")

    def test_assume_role_validation(self):
        role = self.make_role("short", trust({"AWS": ROOT}))
        unvalidated = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                                   aws_access_key_id="test", aws_secret_access_key="test",
                                   config=Config(parameter_validation=False,
                                                 retries={"total_max_attempts": 1}))
        with self.assertRaises(ClientError) as e:
            unvalidated.assume_role(RoleArn=role["Arn"], RoleSessionName="s")
        self.assertClientError(
            e.exception, "ValidationError", 400,
            "1 validation error detected: Value 's' at 'roleSessionName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 2")
        with self.assertRaises(ClientError) as e:
            self.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="ok",
                                           DurationSeconds=7200)
        self.assertClientError(
            e.exception, "ValidationError", 400,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        with self.assertRaises(ClientError) as e:
            self.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="ok",
                                           DurationSeconds=43201)
        self.assertClientError(
            e.exception, "ValidationError", 400,
            "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 43200")

    def expire(self, creds):
        """AWS's shortest session is 900 s: expire this one through the admin API instead, by
        registering the same credential again with an expiry in the past."""
        body = json.dumps({"accessKeyId": creds["AccessKeyId"],
                           "secretAccessKey": creds["SecretAccessKey"],
                           "accountId": ROOT, "sessionToken": creds["SessionToken"],
                           "expiration": "2020-01-01T00:00:00Z"}).encode()
        req = urllib.request.Request(self.endpoint + "/_skiff/credentials", data=body,
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            self.assertIn(resp.status, (200, 201))

    def test_expired_role_credentials_are_expired_token(self):
        role = self.make_role("expiring", trust({"AWS": ROOT}))
        creds = self.client("sts").assume_role(RoleArn=role["Arn"],
                                               RoleSessionName="e1")["Credentials"]
        self.expire(creds)
        with self.assertRaises(ClientError) as e:
            self.session_client("sts", creds).get_caller_identity()
        self.assertClientError(e.exception, "ExpiredToken", 403,
                               "The security token included in the request is expired")

    def test_expired_role_credentials_in_s3_and_dynamodb(self):
        role = self.make_role("expiring-data", trust({"AWS": ROOT}))
        self.client("iam").put_role_policy(
            RoleName="expiring-data", PolicyName="list", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "dynamodb:ListTables"],
                    "Resource": "*"}]}))
        creds = self.client("sts").assume_role(RoleArn=role["Arn"],
                                               RoleSessionName="e2")["Credentials"]
        s3 = self.session_client("s3", creds)
        ddb = self.session_client("dynamodb", creds)
        # While the session lasts, the role's policy allows both calls.
        self.assertIn("Buckets", s3.list_buckets())
        self.assertIn("TableNames", ddb.list_tables())

        self.expire(creds)
        with self.assertRaises(ClientError) as e:
            s3.list_buckets()
        err = self.assertClientError(e.exception, "ExpiredToken", 400,
                                     "The provided token has expired.")
        # S3 echoes the expired token back, as AWS does.
        self.assertEqual(err.get("Token-0"), creds["SessionToken"])
        with self.assertRaises(ClientError) as e:
            ddb.list_tables()
        self.assertClientError(e.exception, "ExpiredTokenException", 400,
                               "The security token included in the request is expired")
        # The long-term keys are unaffected.
        self.assertIn("TableNames", self.client("dynamodb").list_tables())
        # The journal names the expired key on both refusals.
        entries = []
        deadline = time.monotonic() + 5
        while len(entries) < 2 and time.monotonic() < deadline:
            with urllib.request.urlopen(self.endpoint + "/_skiff/journal?status=400",
                                        timeout=10) as r:
                entries = [x for x in json.load(r)["entries"]
                           if x.get("access_key") == creds["AccessKeyId"]]
            time.sleep(0.05)
        self.assertEqual(sorted((x["service"], x["operation"], x["error_code"]) for x in entries),
                         [("dynamodb", "ListTables", "ExpiredTokenException"),
                          ("s3", "ListBuckets", "ExpiredToken")])

    # --- GetSessionToken ----------------------------------------------------------------------

    def test_get_session_token(self):
        creds = self.client("sts", "AKUSER", "SKUSER").get_session_token(
            DurationSeconds=900)["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        who = self.session_client("sts", creds).get_caller_identity()
        self.assertEqual(who["Arn"], "arn:aws:iam::111111111111:root")
        with self.assertRaises(ClientError) as e:
            self.session_client("sts", creds).get_session_token()
        self.assertClientError(e.exception, "AccessDenied", 403,
                               "Cannot call GetSessionToken with session credentials")
        unvalidated = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                                   aws_access_key_id="test", aws_secret_access_key="test",
                                   config=Config(parameter_validation=False,
                                                 retries={"total_max_attempts": 1}))
        with self.assertRaises(ClientError) as e:
            unvalidated.get_session_token(DurationSeconds=600)
        self.assertClientError(
            e.exception, "ValidationError", 400,
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900")

    # --- AssumeRoleWithWebIdentity ----------------------------------------------------------

    def web_identity(self, role_arn, token, session="web"):
        # botocore sends this action unsigned, as AWS allows.
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id="unused", aws_secret_access_key="unused",
                           config=Config(retries={"total_max_attempts": 1}))
        return sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName=session,
                                                 WebIdentityToken=token)

    def test_web_identity_with_a_configured_issuer(self):
        provider = f"arn:aws:iam::{ROOT}:oidc-provider/issuer.example.com"
        role = self.make_role("ci", trust(
            {"Federated": provider}, "sts:AssumeRoleWithWebIdentity",
            {"StringEquals": {"issuer.example.com:aud": "sts.amazonaws.com"},
             "StringLike": {"issuer.example.com:sub": "repo:org/app:*"}}))
        claims = {"iss": ISSUER, "aud": "sts.amazonaws.com", "sub": "repo:org/app:ref:main",
                  "exp": int(time.time()) + 600}
        out = self.web_identity(role["Arn"], jwt(claims))
        self.assertEqual(out["SubjectFromWebIdentityToken"], "repo:org/app:ref:main")
        self.assertEqual(out["Provider"], ISSUER)
        self.assertEqual(out["Audience"], "sts.amazonaws.com")
        self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{ROOT}:assumed-role/ci/web")
        who = self.session_client("sts", out["Credentials"]).get_caller_identity()
        self.assertEqual(who["Arn"], f"arn:aws:sts::{ROOT}:assumed-role/ci/web")

        with self.assertRaises(ClientError) as e:
            self.web_identity(role["Arn"], jwt(dict(claims, sub="repo:evil/app:ref:main")))
        self.assertClientError(e.exception, "AccessDenied", 403,
                               "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        with self.assertRaises(ClientError) as e:
            self.web_identity(role["Arn"], jwt(dict(claims, exp=int(time.time()) - 60)))
        err = self.assertClientError(e.exception, "ExpiredTokenException", 400)
        self.assertTrue(err["Message"].startswith("Token expired: current date/time "))

    def test_web_identity_with_an_unknown_issuer_or_bad_token(self):
        role = self.make_role("ci-unknown", trust(
            {"Federated": f"arn:aws:iam::{ROOT}:oidc-provider/elsewhere.example.com"},
            "sts:AssumeRoleWithWebIdentity"))
        claims = {"iss": "https://elsewhere.example.com", "aud": "a", "sub": "s",
                  "exp": int(time.time()) + 600}
        with self.assertRaises(ClientError) as e:
            self.web_identity(role["Arn"], jwt(claims))
        self.assertClientError(
            e.exception, "InvalidIdentityToken", 400,
            "No OpenIDConnect provider found in your account for https://elsewhere.example.com")
        with self.assertRaises(ClientError) as e:
            self.web_identity(role["Arn"], "not-a-jwt")
        self.assertClientError(e.exception, "InvalidIdentityToken", 400)
        # The journal says why each token was refused.
        details = []
        deadline = time.monotonic() + 5
        while len(details) < 2 and time.monotonic() < deadline:
            with urllib.request.urlopen(self.endpoint + "/_skiff/journal?operation="
                                        "AssumeRoleWithWebIdentity&status=400", timeout=10) as r:
                details = [x.get("error_detail", "") for x in json.load(r)["entries"]]
            time.sleep(0.05)
        self.assertTrue(any("is neither an IAM OIDC provider of account 000000000000 nor given "
                            "with --oidc-issuer" in d for d in details), details)
        self.assertTrue(any("three dot-separated parts" in d for d in details), details)

    def test_web_identity_with_an_iam_oidc_provider(self):
        iam = self.client("iam")
        provider = iam.create_open_id_connect_provider(
            Url="https://token.actions.example.org", ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=["0" * 40])["OpenIDConnectProviderArn"]
        role = self.make_role("gha", trust({"Federated": provider},
                                           "sts:AssumeRoleWithWebIdentity"))
        claims = {"iss": "https://token.actions.example.org", "aud": "sts.amazonaws.com",
                  "sub": "repo:o/r", "exp": int(time.time()) + 600}
        out = self.web_identity(role["Arn"], jwt(claims))
        self.assertEqual(out["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{ROOT}:assumed-role/gha/web")
        with self.assertRaises(ClientError) as e:
            self.web_identity(role["Arn"], jwt(dict(claims, aud="someone-else")))
        self.assertClientError(e.exception, "InvalidIdentityToken", 400,
                               "Incorrect token audience")

    def test_aws_cli_assume_role(self):
        role = self.make_role("cli-role", trust({"AWS": ROOT}))
        out = self.aws("sts", "assume-role", "--role-arn", role["Arn"],
                       "--role-session-name", "cli")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{ROOT}:assumed-role/cli-role/cli")

    def test_aws_cli_get_caller_identity(self):
        out = self.aws("sts", "get-caller-identity")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(b'"Account": "000000000000"', out.stdout)
        bad = self.aws("sts", "get-caller-identity", secret_key="wrong")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn(b"SignatureDoesNotMatch", bad.stderr)


if __name__ == "__main__":
    unittest.main()

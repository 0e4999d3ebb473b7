"""Hostile S3 input: malformed aws-chunked framing and chunk signatures, malformed and deeply
nested XML, invalid UTF-8 in keys, keys over 1024 bytes, metadata over 2 KB, uploads over the
size limit, and path-traversal keys that stay ordinary keys (nothing is written outside the data
directory). Each gets S3's error and changes nothing."""

import base64
import datetime
import hashlib
import hmac
import os
import urllib.parse

from botocore.exceptions import ClientError

import skiff_harness as h


def content_md5(body):
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def chunk_sig(key, amz_date, scope, previous, data):
    return hmac.new(key, h.chunk_string_to_sign(amz_date, scope, previous, data).encode(),
                    hashlib.sha256).hexdigest()


class HostileS3Test(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = cls.new_bucket(cls, cls.s3(cls))

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), self.server.stderr_text())

    def assertAbsent(self, key, bucket=None):
        with self.assertRaises(ClientError) as ctx:
            self.s3().head_object(Bucket=bucket or self.bucket, Key=key)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    # --- aws-chunked ---------------------------------------------------------------------------

    def streaming_put(self, key, make_body, decoded_length):
        """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD PutObject whose body make_body(signing key,
        amz_date, scope, seed signature) builds; Content-Length is the body's real length."""
        path = f"/{self.bucket}/{key}"
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": str(decoded_length)}
        hdrs["Content-Length"] = str(len(make_body(b"k" * 32, amz_date, "scope", "0" * 64)))
        seed, key_bytes, amz_date, scope = h.sign_headers(
            "PUT", path, "", hdrs, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", amz_date=amz_date)
        body = make_body(key_bytes, amz_date, scope, seed)
        self.assertEqual(str(len(body)), hdrs["Content-Length"])
        return self.raw(h.build_request_bytes("PUT", path, "", hdrs, body), "PUT")

    def test_malformed_aws_chunked_framing(self):
        data = b"x" * 1000

        def good(k, d, s, seed):
            return h.signed_chunks([data], k, d, s, seed)

        def without_signature(k, d, s, seed):
            s1 = chunk_sig(k, d, s, seed, data)
            return (b"3e8\r\n" + data + b"\r\n0;chunk-signature=" +
                    chunk_sig(k, d, s, s1, b"").encode() + b"\r\n\r\n")

        def without_final_chunk(k, d, s, seed):
            body = good(k, d, s, seed)
            return body[:body.index(data) + len(data) + 2]

        cases = {
            "size-not-hex": lambda *a: good(*a).replace(b"3e8;", b"zzz;", 1),
            "no-chunk-signature": without_signature,
            "short-signature": lambda *a: good(*a).replace(b"chunk-signature=",
                                                           b"chunk-signature=ab", 1)[:-2],
            "data-without-crlf": lambda *a: good(*a).replace(data + b"\r\n", data + b"XX", 1),
            "no-final-chunk": without_final_chunk,
            "size-beyond-body": lambda *a: good(*a).replace(b"3e8;", b"7d0;", 1),
            "size-overflows": lambda *a: good(*a).replace(b"3e8;", b"f" * 24 + b";", 1),
            "bytes-after-final-chunk": lambda *a: good(*a) + b"EXTRA",
            "empty-body": lambda *a: b"",
        }
        for name, make in cases.items():
            with self.subTest(name):
                resp = self.streaming_put(f"chunked-{name}", make, len(data))
                self.assertS3Error(resp, 400, "IncompleteBody")
                self.assertAbsent(f"chunked-{name}")
        resp = self.streaming_put("chunked-ok", good, len(data))
        self.assertEqual(resp.status, 200, resp.describe())

    def test_wrong_chunk_signatures(self):
        data = [b"a" * 8192, b"b" * 100]

        def zeroed_first(k, d, s, seed):
            body = h.signed_chunks(data, k, d, s, seed)
            i = body.index(b"chunk-signature=") + len("chunk-signature=")
            return body[:i] + b"0" * 64 + body[i + 64:]

        def swapped(k, d, s, seed):
            # Chunks in the wrong order, each with the signature computed for its position.
            return h.signed_chunks(list(reversed(data)), k, d, s, seed)

        def wrong_final(k, d, s, seed):
            body = h.signed_chunks(data, k, d, s, seed)
            i = body.rindex(b"chunk-signature=") + len("chunk-signature=")
            return body[:i] + b"f" * 64 + body[i + 64:]

        def tampered(k, d, s, seed):
            return h.signed_chunks(data, k, d, s, seed, tamper_index=1)

        for name, make in (("zeroed", zeroed_first), ("wrong-final", wrong_final),
                           ("tampered", tampered), ("seed-of-another-request", swapped)):
            with self.subTest(name):
                if name == "seed-of-another-request":
                    make = (lambda k, d, s, seed:
                            h.signed_chunks(data, k, d, s, "1" * 64))
                resp = self.streaming_put(f"sig-{name}", make, 8292)
                self.assertS3Error(resp, 403, "SignatureDoesNotMatch")
                self.assertAbsent(f"sig-{name}")

    # --- XML bodies ------------------------------------------------------------------------

    def xml_request(self, method, query, body, key="", md5=True):
        headers = {"Content-MD5": content_md5(body)} if md5 else {}
        path = f"/{self.bucket}" + (f"/{key}" if key else "")
        return self.signed(method, path, query=query, headers=headers, body=body)

    def test_malformed_xml_bodies(self):
        bodies = [b"<VersioningConfiguration", b"not xml at all", b"\xff\xfe<a/>",
                  b"<VersioningConfiguration><Status>Enabled</Status>",
                  b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;&a;</x>"]
        for body in bodies:
            with self.subTest(body=body[:30]):
                resp = self.xml_request("PUT", "versioning", body)
                self.assertS3Error(resp, 400, "MalformedXML")
                self.assertEqual(self.s3().get_bucket_versioning(Bucket=self.bucket).get("Status"),
                                 None, "a malformed body changed the versioning state")
        for query in ("tagging", "cors", "lifecycle"):
            with self.subTest(query=query):
                resp = self.xml_request("PUT", query, b"<Tagging><TagSet><Tag>")
                self.assertEqual(resp.status, 400, resp.describe())
                self.assertEqual(h.error_fields(resp.body)["Code"], "MalformedXML")
        resp = self.xml_request("POST", "delete", b"<Delete><Object><Key>k</Key></Object>")
        self.assertS3Error(resp, 400, "MalformedXML")

    def test_deeply_nested_and_huge_xml(self):
        self.s3().put_object(Bucket=self.bucket, Key="survivor", Body=b"s")
        deep = b"<Delete>" + b"<Object>" * 200_000 + b"</Object>" * 200_000 + b"</Delete>"
        resp = self.xml_request("POST", "delete", deep)
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertEqual(h.error_fields(resp.body)["Code"], "MalformedXML")
        too_many = (b"<Delete>" + b"".join(b"<Object><Key>k%d</Key></Object>" % i
                                           for i in range(1001)) + b"</Delete>")
        resp = self.xml_request("POST", "delete", too_many)
        self.assertS3Error(resp, 400, "MalformedXML")
        deep_tags = b"<Tagging><TagSet>" + b"<Tag>" * 100_000 + b"</Tag>" * 100_000 + b"</TagSet></Tagging>"
        resp = self.xml_request("PUT", "tagging", deep_tags)
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertEqual(self.s3().get_object(Bucket=self.bucket, Key="survivor")["Body"].read(),
                         b"s")

    # --- keys, metadata, sizes -------------------------------------------------------------

    def test_invalid_utf8_keys_are_invalid_uri(self):
        for raw_key in ("a%FF%FEb", "%C0%AF", "%ED%A0%80", "ok%E2%82", "%F4%90%80%80"):
            with self.subTest(raw_key):
                path = f"/{self.bucket}/{raw_key}"
                resp = self.signed("PUT", path, body=b"x")
                self.assertS3Error(resp, 400, "InvalidURI", "Couldn't parse the specified URI.")
                resp = self.signed("GET", path)
                self.assertS3Error(resp, 400, "InvalidURI")
        listing = self.s3().list_objects_v2(Bucket=self.bucket, Prefix="a")
        self.assertNotIn("a\ufffd\ufffdb", [o["Key"] for o in listing.get("Contents", [])])
        # Valid multi-byte keys are ordinary keys.
        key = "snow-\u2603-\U0001F600"
        self.s3().put_object(Bucket=self.bucket, Key=key, Body=b"u")
        self.assertEqual(self.s3().get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"u")

    def test_invalid_utf8_in_xml_bodies_and_tag_headers(self):
        # Strings that are not UTF-8 would be echoed into responses no XML parser accepts.
        body = b"<Delete><Object><Key>\xff\xfe</Key></Object></Delete>"
        resp = self.xml_request("POST", "delete", body)
        self.assertS3Error(resp, 400, "MalformedXML")
        tagging = b"<Tagging><TagSet><Tag><Key>k</Key><Value>\xc0\xaf</Value></Tag></TagSet></Tagging>"
        resp = self.xml_request("PUT", "tagging", tagging)
        self.assertS3Error(resp, 400, "MalformedXML")
        self.s3().put_object(Bucket=self.bucket, Key="tagged", Body=b"t")
        resp = self.xml_request("PUT", "tagging", tagging, key="tagged")
        self.assertS3Error(resp, 400, "MalformedXML")
        self.assertEqual(self.s3().get_object_tagging(Bucket=self.bucket, Key="tagged")["TagSet"],
                         [])
        resp = self.signed("PUT", f"/{self.bucket}/copy-bad-source",
                           headers={"x-amz-copy-source": f"/{self.bucket}/%FF%FE"})
        fields = self.assertS3Error(resp, 400, "InvalidArgument")
        self.assertEqual(fields.get("ArgumentName"), "x-amz-copy-source")
        self.assertAbsent("copy-bad-source")
        resp = self.signed("PUT", f"/{self.bucket}/tag-header", headers={"x-amz-tagging": "a=%FF"},
                           body=b"x")
        self.assertS3Error(resp, 400, "InvalidArgument")
        self.assertAbsent("tag-header")

    def test_invalid_utf8_in_query_parameters_is_invalid_uri(self):
        for query in ("list-type=2&prefix=%FF", "list-type=2&delimiter=%FF%FE",
                      "list-type=2&start-after=%C0", "prefix=%FF&marker=%FE",
                      "versions&key-marker=%ED%A0%80", "uploads&prefix=%FF",
                      "list-type=2&continuation-token=%FF%FE"):
            with self.subTest(query):
                hdrs = {"Host": f"{self.server.host}:{self.server.port}"}
                # Signed over the raw bytes (the harness's signer would decode them as text).
                canonical = "&".join(sorted(
                    "=".join(urllib.parse.quote(urllib.parse.unquote_to_bytes(x), safe="-_.~")
                             for x in (p.partition("=")[0], p.partition("=")[2]))
                    for p in query.split("&")))
                amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                hdrs["X-Amz-Date"] = amz_date
                hdrs["x-amz-content-sha256"] = h.EMPTY_SHA256
                names = sorted(k.lower() for k in hdrs)
                lowered = {k.lower(): v for k, v in hdrs.items()}
                creq = "\n".join(["GET", f"/{self.bucket}", canonical,
                                  "".join(f"{n}:{lowered[n]}\n" for n in names), ";".join(names),
                                  h.EMPTY_SHA256])
                scope = f"{amz_date[:8]}/{h.DEFAULT_REGION}/s3/aws4_request"
                sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                 hashlib.sha256(creq.encode()).hexdigest()])
                key = h.signing_key(h.SECRET_KEY, amz_date[:8], h.DEFAULT_REGION)
                sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
                hdrs["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={h.ACCESS_KEY}/{scope}, "
                                         f"SignedHeaders={';'.join(names)}, Signature={sig}")
                resp = self.raw(h.build_request_bytes("GET", f"/{self.bucket}", query, hdrs))
                self.assertS3Error(resp, 400, "InvalidURI")

    def test_key_too_long(self):
        s3 = self.s3()
        s3.put_object(Bucket=self.bucket, Key="k" * 1024, Body=b"max")
        for key in ("k" * 1025, "\u20ac" * 342):  # 1025 bytes; 1026 bytes in 342 characters
            with self.subTest(len(key.encode())):
                with self.assertRaises(ClientError) as ctx:
                    s3.put_object(Bucket=self.bucket, Key=key, Body=b"x")
                err = self.assertClientError(ctx.exception, "KeyTooLongError", 400,
                                             "Your key is too long")
                self.assertEqual(err.get("MaxSizeAllowed"), "1024")
        self.assertEqual(s3.get_object(Bucket=self.bucket, Key="k" * 1024)["Body"].read(), b"max")

    def test_metadata_too_large(self):
        s3 = self.s3()
        with self.assertRaises(ClientError) as ctx:
            s3.put_object(Bucket=self.bucket, Key="meta", Body=b"x",
                          Metadata={"a": "v" * 2100})
        err = self.assertClientError(ctx.exception, "MetadataTooLarge", 400)
        self.assertEqual(err.get("MaxSizeAllowed"), "2048")
        with self.assertRaises(ClientError) as ctx:
            s3.put_object(Bucket=self.bucket, Key="meta", Body=b"x",
                          Metadata={f"m{i}": "v" * 100 for i in range(25)})
        self.assertClientError(ctx.exception, "MetadataTooLarge", 400)
        self.assertAbsent("meta")
        with self.assertRaises(ClientError) as ctx:
            s3.create_multipart_upload(Bucket=self.bucket, Key="meta-mp",
                                       Metadata={"a": "v" * 2100})
        self.assertClientError(ctx.exception, "MetadataTooLarge", 400)

    def test_upload_over_the_size_limit_is_refused_before_the_body(self):
        resp = self.signed("PUT", f"/{self.bucket}/too-big",
                           headers={"Content-Length": str(5 * 1024**3 + 1)},
                           payload_hash="UNSIGNED-PAYLOAD")
        fields = self.assertS3Error(resp, 400, "EntityTooLarge")
        self.assertEqual(fields.get("MaxSizeAllowed"), str(5 * 1024**3))
        self.assertAbsent("too-big")

    # --- path traversal --------------------------------------------------------------------

    def test_path_traversal_keys_are_ordinary_keys(self):
        data_dir = os.path.realpath(self.server.data_dir)
        parent = os.path.dirname(data_dir)
        before_parent = set(os.listdir(parent))
        marker = os.path.basename(data_dir)
        keys = ["../../escape", f"../{marker}-escape", "/etc/passwd", "//double/slash",
                "a/../../../b", "..\\..\\windows", "./dot/./", "...", f"../../../../../../tmp/{marker}-escape"]
        s3 = self.s3()
        for i, key in enumerate(keys):
            body = f"body-{i}".encode()
            s3.put_object(Bucket=self.bucket, Key=key, Body=body)
            self.assertEqual(s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), body, key)
        # Percent-encoded dots on the wire name the same ordinary key "../enc".
        decoded = "../enc"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}", "Content-Length": "3"}
        h.sign_headers("PUT", f"/{self.bucket}/{h.quote_path(decoded)}", "", hdrs,
                       hashlib.sha256(b"enc").hexdigest())
        resp = self.raw(h.build_request_bytes("PUT", f"/{self.bucket}/%2e%2e/enc", "", hdrs,
                                              b"enc"), "PUT")
        self.assertEqual(resp.status, 200, resp.describe())
        keys.append(decoded)
        self.assertEqual(s3.get_object(Bucket=self.bucket, Key=decoded)["Body"].read(), b"enc")

        listed = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            listed.update(o["Key"] for o in page.get("Contents", []))
        for key in keys:
            self.assertIn(key, listed)
        # Nothing appeared next to the data directory or at the absolute paths.
        # (Other processes may create files in the same temp directory: look for ours only.)
        appeared = set(os.listdir(parent)) - before_parent
        self.assertEqual({n for n in appeared if "escape" in n or n.startswith(marker)}, set())
        self.assertFalse(os.path.exists(f"/tmp/{marker}-escape"))
        self.assertFalse(os.path.exists("/etc/passwd.skiff") or os.path.exists(f"{parent}/escape"))
        for name in os.listdir(data_dir):
            self.assertTrue(name.startswith("skiff.db"), f"unexpected file {name} in data dir")


if __name__ == "__main__":
    import unittest
    unittest.main()

"""Browser-based uploads (POST Object with a SigV4-signed policy) made from boto3's
generate_presigned_post: success statuses, ${filename}, metadata fields, and the policy's
conditions, expiration, signature and extra-field checks."""

import hashlib
import http.client
import os
import unittest
import urllib.parse
import uuid

from botocore.exceptions import ClientError

import skiff_harness as h


def encode_form(fields, filename, data):
    boundary = "----skiff" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, name, value)).encode())
    out.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, filename)).encode())
    out.append(data)
    out.append(("\r\n--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class S3PostObjectTest(h.SkiffTestCase):

    def setUp(self):
        # SigV4 policies (botocore signs POST policies with SigV2 unless told otherwise).
        self.c = self.s3(signature_version="s3v4")
        self.bucket = self.new_bucket(prefix="post")

    def post(self, presigned, data, filename="upload.bin", extra=None):
        fields = dict(presigned["fields"])
        fields.update(extra or {})
        body, content_type = encode_form(fields, filename, data)
        url = urllib.parse.urlsplit(presigned["url"])
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("POST", url.path, body=body, headers={"Content-Type": content_type})
        resp = conn.getresponse()
        out = h.RawResponse(resp.status, resp.reason,
                            {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        conn.close()
        return out

    def test_upload_with_conditions_and_metadata(self):
        data = os.urandom(300 * 1024)
        presigned = self.c.generate_presigned_post(
            self.bucket, "uploads/${filename}",
            Fields={"Content-Type": "image/png", "x-amz-meta-owner": "alice",
                    "success_action_status": "201"},
            Conditions=[["starts-with", "$key", "uploads/"], {"Content-Type": "image/png"},
                        {"x-amz-meta-owner": "alice"}, {"success_action_status": "201"},
                        ["content-length-range", 1, 1024 * 1024]],
            ExpiresIn=300)
        resp = self.post(presigned, data, filename="photo.png")
        self.assertEqual(resp.status, 201, resp.describe())
        root = h.xml_root(resp.body)
        self.assertEqual(h.strip_ns(root.tag), "PostResponse")
        self.assertEqual(resp.headers["etag"], '"%s"' % hashlib.md5(data).hexdigest())
        got = self.c.get_object(Bucket=self.bucket, Key="uploads/photo.png")
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ContentType"], "image/png")
        self.assertEqual(got["Metadata"], {"owner": "alice"})

    def test_default_204_and_failed_conditions(self):
        presigned = self.c.generate_presigned_post(
            self.bucket, "plain.txt", Conditions=[["content-length-range", 1, 10]])
        resp = self.post(presigned, b"hello")
        self.assertEqual(resp.status, 204, resp.describe())
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key="plain.txt")["Body"].read(),
                         b"hello")
        resp = self.post(presigned, b"x" * 11)
        self.assertS3Error(resp, 400, "EntityTooLarge")
        # A field the policy does not cover.
        resp = self.post(presigned, b"hello", extra={"x-amz-meta-sneaky": "1"})
        fields = self.assertS3Error(resp, 403, "AccessDenied")
        self.assertIn("Extra input fields: x-amz-meta-sneaky", fields.get("Message"))
        # A key outside the signed one.
        tampered = dict(presigned, fields=dict(presigned["fields"], key="other.txt"))
        resp = self.post(tampered, b"hello")
        self.assertS3Error(resp, 403, "AccessDenied")
        # A wrong signature.
        bad = dict(presigned, fields=dict(presigned["fields"], **{"x-amz-signature": "0" * 64}))
        resp = self.post(bad, b"hello")
        self.assertS3Error(resp, 403, "SignatureDoesNotMatch")

    def test_signature_version_2_form(self):
        # botocore's default for generate_presigned_post: AWSAccessKeyId + HMAC-SHA1 signature.
        v2 = self.s3()
        presigned = v2.generate_presigned_post(self.bucket, "v2.txt")
        self.assertIn("AWSAccessKeyId", presigned["fields"])
        resp = self.post(presigned, b"sigv2")
        self.assertEqual(resp.status, 204, resp.describe())
        self.assertEqual(self.c.get_object(Bucket=self.bucket, Key="v2.txt")["Body"].read(),
                         b"sigv2")
        bad = dict(presigned, fields=dict(presigned["fields"], signature="AAAA"))
        self.assertS3Error(self.post(bad, b"x"), 403, "SignatureDoesNotMatch")

    def test_expired_policy(self):
        presigned = self.c.generate_presigned_post(self.bucket, "late.txt", ExpiresIn=-10)
        resp = self.post(presigned, b"late")
        fields = self.assertS3Error(resp, 403, "AccessDenied")
        self.assertEqual(fields.get("Message"), "Invalid according to Policy: Policy expired.")
        with self.assertRaises(ClientError):
            self.c.head_object(Bucket=self.bucket, Key="late.txt")


if __name__ == "__main__":
    unittest.main()

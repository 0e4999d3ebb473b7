"""S3 authentication as AWS does it: header SigV4, presigned URLs, clock skew, payload hashes,
streaming chunk signatures and unsigned trailers."""

import base64
import datetime
import hashlib
import socket
import time
import unittest
import urllib.error
import urllib.request

from botocore.exceptions import ClientError

import skiff_harness as h

SIGNATURE_MISMATCH_MESSAGE = ("The request signature we calculated does not match the signature "
                              "you provided. Check your key and signing method.")


class S3AuthTest(h.SkiffTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = h.unique_name("auth")
        h.make_s3_client(cls.endpoint).create_bucket(Bucket=cls.bucket)

    def assertNotStored(self, key):
        with self.assertRaises(ClientError) as ctx:
            self.s3().head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    # --- header signatures ----------------------------------------------------------------

    def test_valid_signature_raw(self):
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2")
        self.assertEqual(resp.status, 200, resp.describe())
        root = h.xml_root(resp.body)
        self.assertEqual(root.tag, h.S3_NS + "ListBucketResult")

    def test_wrong_secret_boto3(self):
        s3 = self.s3(secret_key="not-the-secret")
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=self.bucket)
        self.assertClientError(ctx.exception, "SignatureDoesNotMatch", 403,
                               SIGNATURE_MISMATCH_MESSAGE)

    def test_wrong_secret_error_document(self):
        path = f"/{self.bucket}"
        query = "list-type=2&prefix=a%2Fb"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}"}
        sig, _, amz_date, scope = h.sign_headers("GET", path, query, hdrs, h.EMPTY_SHA256,
                                                 secret_key="wrong-secret")
        resp = self.raw(h.build_request_bytes("GET", path, query, hdrs))
        fields = self.assertS3Error(resp, 403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE)
        self.assertEqual(fields.get("AWSAccessKeyId"), "test")
        self.assertEqual(fields.get("SignatureProvided"), sig)
        # The canonical request does not depend on the secret: the server's must equal ours.
        canonical = "\n".join([
            "GET", path, "list-type=2&prefix=a%2Fb",
            f"host:{self.server.host}:{self.server.port}\n"
            f"x-amz-content-sha256:{h.EMPTY_SHA256}\nx-amz-date:{amz_date}\n",
            "host;x-amz-content-sha256;x-amz-date", h.EMPTY_SHA256])
        self.assertEqual(fields.get("CanonicalRequest"), canonical)
        string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                    hashlib.sha256(canonical.encode()).hexdigest()])
        self.assertEqual(fields.get("StringToSign"), string_to_sign)
        # AWS also sends both as space-separated hex bytes.
        self.assertEqual(fields.get("StringToSignBytes"),
                         " ".join(f"{b:02x}" for b in string_to_sign.encode()))
        self.assertEqual(fields.get("CanonicalRequestBytes"),
                         " ".join(f"{b:02x}" for b in canonical.encode()))

    def test_unknown_access_key(self):
        s3 = self.s3(access_key="AKIANOSUCHKEY0000000")
        with self.assertRaises(ClientError) as ctx:
            s3.list_objects_v2(Bucket=self.bucket)
        self.assertClientError(ctx.exception, "InvalidAccessKeyId", 403,
                               "The AWS Access Key Id you provided does not exist in our records.")
        resp = self.signed("GET", f"/{self.bucket}", access_key="AKIANOSUCHKEY0000000")
        fields = self.assertS3Error(resp, 403, "InvalidAccessKeyId")
        self.assertEqual(fields.get("AWSAccessKeyId"), "AKIANOSUCHKEY0000000")

    def test_anonymous_get_denied(self):
        self.s3().put_object(Bucket=self.bucket, Key="private.txt", Body=b"secret")
        resp = self.signed("GET", f"/{self.bucket}/private.txt", sign=False)
        self.assertS3Error(resp, 403, "AccessDenied", "Access Denied")
        resp = self.signed("GET", f"/{self.bucket}", sign=False)
        self.assertS3Error(resp, 403, "AccessDenied", "Access Denied")

    def test_head_with_bad_signature_has_no_body(self):
        s3 = self.s3(secret_key="wrong")
        with self.assertRaises(ClientError) as ctx:
            s3.head_bucket(Bucket=self.bucket)
        self.assertClientError(ctx.exception, "403", 403)

    def test_clock_skew(self):
        skewed = (datetime.datetime.now(datetime.timezone.utc)
                  - datetime.timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2", amz_date=skewed)
        fields = self.assertS3Error(
            resp, 403, "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.")
        self.assertEqual(fields.get("MaxAllowedSkewMilliseconds"), "900000")
        self.assertTrue(fields.get("RequestTime"))
        self.assertTrue(fields.get("ServerTime"))

    def test_small_skew_accepted(self):
        skewed = (datetime.datetime.now(datetime.timezone.utc)
                  - datetime.timedelta(minutes=10)).strftime("%Y%m%dT%H%M%SZ")
        resp = self.signed("GET", f"/{self.bucket}", query="list-type=2", amz_date=skewed)
        self.assertEqual(resp.status, 200, resp.describe())

    def test_tampered_body_with_hex_payload_hash(self):
        signed_body = b"the body that was signed"
        sent_body = b"the body that was changed"
        path = f"/{self.bucket}/tampered"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Length": str(len(sent_body))}
        h.sign_headers("PUT", path, "", hdrs, hashlib.sha256(signed_body).hexdigest())
        resp = self.raw(h.build_request_bytes("PUT", path, "", hdrs, sent_body), "PUT")
        fields = self.assertS3Error(
            resp, 400, "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.")
        self.assertEqual(fields.get("ClientComputedContentSHA256"),
                         hashlib.sha256(signed_body).hexdigest())
        self.assertEqual(fields.get("S3ComputedContentSHA256"),
                         hashlib.sha256(sent_body).hexdigest())
        self.assertNotStored("tampered")

    def test_unsigned_payload(self):
        body = b"unsigned payload body"
        resp = self.signed("PUT", f"/{self.bucket}/unsigned", body=body,
                           payload_hash="UNSIGNED-PAYLOAD")
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("etag"), '"%s"' % hashlib.md5(body).hexdigest())
        got = self.s3().get_object(Bucket=self.bucket, Key="unsigned")["Body"].read()
        self.assertEqual(got, body)

    def test_missing_date(self):
        path = f"/{self.bucket}"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}"}
        h.sign_headers("GET", path, "list-type=2", hdrs, h.EMPTY_SHA256)
        del hdrs["X-Amz-Date"]
        resp = self.raw(h.build_request_bytes("GET", path, "list-type=2", hdrs))
        self.assertS3Error(resp, 403, "AccessDenied",
                           "AWS authentication requires a valid Date or x-amz-date header")

    def test_malformed_authorization(self):
        path = f"/{self.bucket}"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}"}
        h.sign_headers("GET", path, "", hdrs, h.EMPTY_SHA256)
        hdrs["Authorization"] = hdrs["Authorization"].split(", SignedHeaders=")[0]
        resp = self.raw(h.build_request_bytes("GET", path, "", hdrs))
        self.assertS3Error(resp, 400, "AuthorizationHeaderMalformed")

    def test_missing_content_sha256(self):
        path = f"/{self.bucket}"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}"}
        # Signed correctly, but S3 header auth requires x-amz-content-sha256.
        h.sign_headers("GET", path, "list-type=2", hdrs, h.EMPTY_SHA256,
                       send_content_sha256=False)
        resp = self.raw(h.build_request_bytes("GET", path, "list-type=2", hdrs))
        self.assertS3Error(resp, 400, "InvalidRequest",
                           "Missing required header for this request: x-amz-content-sha256")

    def test_invalid_content_sha256(self):
        resp = self.signed("PUT", f"/{self.bucket}/bad-sha", body=b"x",
                           payload_hash="not-a-hash")
        self.assertS3Error(resp, 400, "InvalidArgument")
        self.assertNotStored("bad-sha")

    def test_expect_continue_refused_before_body_on_bad_signature(self):
        body = b"never sent" * 100
        path = f"/{self.bucket}/expect-denied"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Length": str(len(body)), "Expect": "100-continue"}
        h.sign_headers("PUT", path, "", hdrs, hashlib.sha256(body).hexdigest(),
                       secret_key="wrong")
        with socket.create_connection((self.server.host, self.server.port), timeout=10) as sock:
            sock.sendall(h.build_request_bytes("PUT", path, "", hdrs))
            resp = h.read_response(sock, "PUT")
        self.assertS3Error(resp, 403, "SignatureDoesNotMatch")
        self.assertNotStored("expect-denied")

    # --- presigned URLs -------------------------------------------------------------------
    # boto3 presigns S3 URLs with SigV2 unless told otherwise; these tests are about SigV4.

    def presigner(self):
        return self.s3(signature_version="s3v4")

    def test_presigned_get(self):
        self.s3().put_object(Bucket=self.bucket, Key="presigned/obj.txt", Body=b"presigned!")
        url = self.presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "presigned/obj.txt"},
            ExpiresIn=300)
        self.assertIn("X-Amz-Signature=", url)
        with urllib.request.urlopen(url, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.read(), b"presigned!")

    def test_presigned_put(self):
        url = self.presigner().generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": "presigned/put.txt"},
            ExpiresIn=300)
        req = urllib.request.Request(url, data=b"uploaded via URL", method="PUT")
        with urllib.request.urlopen(req, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
        got = self.s3().get_object(Bucket=self.bucket, Key="presigned/put.txt")["Body"].read()
        self.assertEqual(got, b"uploaded via URL")

    def test_presigned_expired(self):
        self.s3().put_object(Bucket=self.bucket, Key="presigned/expiring", Body=b"x")
        url = self.presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "presigned/expiring"},
            ExpiresIn=1)
        time.sleep(2.5)
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(ctx.exception.code, 403)
        fields = h.error_fields(ctx.exception.read())
        self.assertEqual(fields.get("Code"), "AccessDenied")
        self.assertEqual(fields.get("Message"), "Request has expired")
        self.assertEqual(fields.get("X-Amz-Expires"), "1")
        self.assertTrue(fields.get("Expires"))
        self.assertTrue(fields.get("ServerTime"))

    def test_presigned_expires_too_long(self):
        url = self.presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "whatever"}, ExpiresIn=604801)
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(ctx.exception.code, 400)
        self.assertEqual(h.error_fields(ctx.exception.read()).get("Code"),
                         "AuthorizationQueryParametersError")

    def test_presigned_tampered_signature(self):
        url = self.presigner().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "whatever"}, ExpiresIn=300)
        head, sig = url.split("X-Amz-Signature=")
        bad = head + "X-Amz-Signature=" + ("0" if sig[0] != "0" else "1") + sig[1:]
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(bad, timeout=10)
        self.assertEqual(ctx.exception.code, 403)
        self.assertEqual(h.error_fields(ctx.exception.read()).get("Code"),
                         "SignatureDoesNotMatch")

    # --- streaming signed payloads --------------------------------------------------------

    def _streaming_put(self, key, chunks, tamper_index=None):
        payload = b"".join(chunks)
        path = f"/{self.bucket}/{key}"
        amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": str(len(payload))}
        # Content-Length is part of what the SDKs sign; compute the encoded size first.
        probe = h.signed_chunks(chunks, b"k" * 32, amz_date, "s", "0" * 64)
        hdrs["Content-Length"] = str(len(probe))
        seed, key_bytes, amz_date, scope = h.sign_headers(
            "PUT", path, "", hdrs, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", amz_date=amz_date)
        body = h.signed_chunks(chunks, key_bytes, amz_date, scope, seed, tamper_index)
        self.assertEqual(len(body), len(probe))
        return self.raw(h.build_request_bytes("PUT", path, "", hdrs, body), "PUT"), payload

    def test_streaming_signed_upload(self):
        chunks = [b"a" * 65536, bytes(range(256)) * 256, b"tail end" * 100]
        resp, payload = self._streaming_put("streamed", chunks)
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("etag"), '"%s"' % hashlib.md5(payload).hexdigest())
        got = self.s3().get_object(Bucket=self.bucket, Key="streamed")
        self.assertEqual(got["Body"].read(), payload)
        self.assertEqual(got["ContentLength"], len(payload))
        # aws-chunked is a transfer detail; S3 does not store it as the object's encoding.
        self.assertNotIn("aws-chunked", got.get("ContentEncoding") or "")

    def test_streaming_tampered_chunk_rejected(self):
        chunks = [b"b" * 65536, b"c" * 65536, b"d" * 1000]
        resp, _ = self._streaming_put("streamed-tampered", chunks, tamper_index=1)
        self.assertS3Error(resp, 403, "SignatureDoesNotMatch")
        self.assertNotStored("streamed-tampered")

    def test_streaming_wrong_decoded_length_rejected(self):
        chunks = [b"e" * 9000, b"f" * 10]
        path = f"/{self.bucket}/streamed-badlen"
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": str(9000 + 10 + 5)}
        probe = h.signed_chunks(chunks, b"k" * 32, "20000101T000000Z", "s", "0" * 64)
        hdrs["Content-Length"] = str(len(probe))
        seed, key_bytes, amz_date, scope = h.sign_headers(
            "PUT", path, "", hdrs, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        body = h.signed_chunks(chunks, key_bytes, amz_date, scope, seed)
        resp = self.raw(h.build_request_bytes("PUT", path, "", hdrs, body), "PUT")
        self.assertEqual(resp.status, 400, resp.describe())
        self.assertNotStored("streamed-badlen")

    # --- unsigned payload with a trailing checksum (what SDKs send over TLS) --------------

    def _trailer_put(self, key, chunks, trailer_value, algorithm="crc32"):
        payload = b"".join(chunks)
        name = f"x-amz-checksum-{algorithm}"
        body = h.unsigned_trailer_body(chunks, name, trailer_value)
        hdrs = {"Host": f"{self.server.host}:{self.server.port}",
                "Content-Encoding": "aws-chunked", "Content-Length": str(len(body)),
                "x-amz-decoded-content-length": str(len(payload)), "x-amz-trailer": name,
                "x-amz-sdk-checksum-algorithm": algorithm.upper()}
        path = f"/{self.bucket}/{key}"
        h.sign_headers("PUT", path, "", hdrs, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        return self.raw(h.build_request_bytes("PUT", path, "", hdrs, body), "PUT")

    def test_unsigned_trailer_upload(self):
        chunks = [b"g" * 10000, b"h" * 333]
        payload = b"".join(chunks)
        value = h.b64_checksum("CRC32", payload)
        resp = self._trailer_put("trailer-ok", chunks, value)
        self.assertEqual(resp.status, 200, resp.describe())
        self.assertEqual(resp.headers.get("x-amz-checksum-crc32"), value)
        got = self.s3().get_object(Bucket=self.bucket, Key="trailer-ok", ChecksumMode="ENABLED")
        self.assertEqual(got["Body"].read(), payload)
        self.assertEqual(got.get("ChecksumCRC32"), value)

    def test_unsigned_trailer_wrong_checksum(self):
        chunks = [b"i" * 10000, b"j" * 333]
        wrong = h.b64_checksum("CRC32", b"something else")
        resp = self._trailer_put("trailer-bad", chunks, wrong)
        self.assertS3Error(resp, 400, "BadDigest",
                           "The CRC32 you specified did not match the calculated checksum.")
        self.assertNotStored("trailer-bad")

    def test_boto3_trailing_checksum_like_https(self):
        # boto3's own aws-chunked encoder (as over HTTPS): Transfer-Encoding: chunked around
        # aws-chunked with an x-amz-checksum-* trailer, plus Expect: 100-continue.
        s3 = h.use_trailing_checksums(self.s3())
        body = b"boto3 trailer " * 5000
        for algorithm in ("CRC32", "SHA1", "SHA256"):
            key = f"boto3-trailer-{algorithm}"
            put = s3.put_object(Bucket=self.bucket, Key=key, Body=body,
                                ChecksumAlgorithm=algorithm)
            expected = h.b64_checksum(algorithm, body)
            self.assertEqual(put.get(f"Checksum{algorithm}"), expected, algorithm)
            got = self.s3().get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            self.assertEqual(got["Body"].read(), body)
            self.assertEqual(got.get(f"Checksum{algorithm}"), expected, algorithm)
            self.assertEqual(got["ContentLength"], len(body))


if __name__ == "__main__":
    unittest.main()

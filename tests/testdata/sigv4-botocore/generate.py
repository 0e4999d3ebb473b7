#!/usr/bin/env python3
"""Regenerates the botocore-signed request fixtures used by tests/unit/sigv4/botocore_test.cc.

Each case is a request exactly as botocore (the AWS SDK for Python) signs it, captured at the
`before-send` hook so nothing goes on the network:
  <name>.req   request line, headers (one per line, Host added as urllib3 would), blank line, body
  <name>.meta  key=value lines: secret, now (the signing time), s3_path_rules, and for aws-chunked
               bodies decoded_sha256 (hex SHA-256 of the decoded payload)
Run: python3 generate.py  (from this directory; needs boto3)
"""
import hashlib
import io
import os
import urllib.parse

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
OUT = os.path.dirname(os.path.abspath(__file__))


class _Raw:
    def stream(self, **_):
        return iter([b""])


def capture(service, call, endpoint="http://localhost:4566", region="us-east-1", token=None,
            config=None):
    captured = []

    def before_send(request, **_):
        captured.append(request)
        return AWSResponse(request.url, 200, {}, _Raw())

    session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE",
                                    aws_secret_access_key=SECRET, aws_session_token=token,
                                    region_name=region)
    client = session.client(service, endpoint_url=endpoint, config=config)
    client.meta.events.register("before-send", before_send)
    try:
        call(client)
    except Exception:  # the fake 200 is not a valid body for every operation
        pass
    return captured[-1]


def write(name, request, s3_path_rules, chunked=False):
    url = urllib.parse.urlsplit(request.url)
    target = url.path + ("?" + url.query if url.query else "")
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    headers = [("Host", url.netloc)]
    for k, v in request.headers.items():
        headers.append((k, v.decode() if isinstance(v, bytes) else str(v)))
    lines = ["%s %s HTTP/1.1" % (request.method, target)]
    lines += ["%s:%s" % kv for kv in headers]
    with open(os.path.join(OUT, name + ".req"), "wb") as f:
        f.write(("\n".join(lines) + "\n\n").encode() + body)
    date = dict((k.lower(), v) for k, v in headers).get("x-amz-date")
    if date is None:
        date = urllib.parse.parse_qs(url.query)["X-Amz-Date"][0]
    meta = {"secret": SECRET, "now": date, "s3_path_rules": "1" if s3_path_rules else "0"}
    if chunked:
        meta["decoded_sha256"] = hashlib.sha256(b"hello world" * 100).hexdigest()
    with open(os.path.join(OUT, name + ".meta"), "w") as f:
        f.write("".join("%s=%s\n" % kv for kv in meta.items()))


def presigned(name, url, s3_path_rules=True):
    class R:
        pass
    r = R()
    r.url, r.method, r.body, r.headers = url, "GET", b"", {}
    write(name, r, s3_path_rules)


path_style = Config(s3={"addressing_style": "path"})
presign_config = Config(s3={"addressing_style": "path"}, signature_version="s3v4")
write("s3-put-object-hex-payload",
      capture("s3", lambda c: c.put_object(Bucket="b", Key="a b/c+d~e$f=g&h.txt",
                                           Body=b"hello world" * 100),
              region="eu-west-1", config=path_style), True)
write("s3-put-object-unsigned-trailer",
      capture("s3", lambda c: c.put_object(Bucket="b", Key="streamed.bin",
                                           Body=io.BytesIO(b"hello world" * 100)),
              endpoint="https://localhost:4566", config=path_style), True, chunked=True)
write("s3-list-objects-v2",
      capture("s3", lambda c: c.list_objects_v2(Bucket="b", Prefix="dir one/sub+dir/",
                                                Delimiter="/", MaxKeys=7,
                                                StartAfter="dir one/a~b*c"),
              config=path_style), True)
write("s3-get-object-unicode-range",
      capture("s3", lambda c: c.get_object(Bucket="b", Key="ключ/ü€ 😀.txt", Range="bytes=0-9"),
              config=path_style), True)
write("s3-get-object-dot-segments",
      capture("s3", lambda c: c.get_object(Bucket="b", Key="a/../b/./c//d"),
              config=path_style), True)
write("s3-head-bucket-virtual-host",
      capture("s3", lambda c: c.head_bucket(Bucket="my-bucket"),
              endpoint="http://s3.localhost.localstack.cloud:4566",
              config=Config(s3={"addressing_style": "virtual"})), True)
write("s3-put-object-session-token",
      capture("s3", lambda c: c.put_object(Bucket="b", Key="k", Body=b"x",
                                           Metadata={"Note": "  spaced   value  "}),
              token="FQoGZXIvYXdzEJr//////////wEaDOtoken+/=", config=path_style), True)
write("dynamodb-put-item",
      capture("dynamodb", lambda c: c.put_item(TableName="t", Item={"pk": {"S": "a b/c"}}),
              region="eu-central-1"), False)
write("sts-get-caller-identity",
      capture("sts", lambda c: c.get_caller_identity()), False)

s3 = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET,
                           region_name="us-west-2").client(
    "s3", endpoint_url="http://localhost:4566", config=presign_config)
presigned("s3-presigned-get-object",
          s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "a b/ü+.txt",
                                                          "ResponseContentType": "text/plain"},
                                    ExpiresIn=3600))
s3t = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=SECRET,
                            aws_session_token="FQoGZXIvYXdzEJr//////////wEaDOtoken+/=",
                            region_name="us-east-1").client(
    "s3", endpoint_url="http://localhost:4566", config=presign_config)
presigned("s3-presigned-get-object-session-token",
          s3t.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"},
                                     ExpiresIn=604800))

// Bucket configuration, versioning, CORS and object sub-resources through the in-process S3
// service (real storage, real SigV4), for what the integration tests cannot see cheaply: exact
// bodies and headers, and anonymous preflights.
#include "server/s3/service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <string>

#include "server/common/auth.h"
#include "server/common/config.h"
#include "server/common/credentials.h"
#include "sigv4/checksum.h"
#include "sigv4/sigv4.h"
#include "storage/database.h"

namespace skiff::s3 {
namespace {

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  bool omit_body = false;
  std::string Header(std::string_view n) const { return std::string(headers.Get(n)); }
  bool Has(std::string_view xml) const { return body.find(xml) != std::string::npos; }
};

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

struct Options {
  std::string region = "us-east-1";
  std::string access_key = "test";
  std::string secret = "test";
  std::string payload_hash = "UNSIGNED-PAYLOAD";
  std::map<std::string, std::string> headers;
  bool sign = true;
  bool tamper = false;
  std::string host = "localhost:4566";
  std::string service = "s3";
  bool http_chunked = false;  // Transfer-Encoding: chunked, no Content-Length
};

class ConfigServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions opts;
    opts.in_memory = true;
    auto db = storage::Database::Open(opts);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    common::Credential other;
    other.access_key = "other";
    other.secret = "othersecret";
    other.account_id = "111111111111";
    credentials_.Put(other);
    ServiceDeps deps;
    deps.objects = &db_->objects();
    deps.credentials = &credentials_;
    deps.config = &config_;
    service_ = std::make_unique<Service>(deps);
  }

  Reply Send(std::string method, std::string target, std::string body = "", Options o = Options()) {
    http::Request req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.received_at = std::chrono::system_clock::now();
    req.headers.Add("Host", o.host);
    if (o.http_chunked) {
      req.chunked = true;
    } else if (method == "PUT" || method == "POST" || !body.empty()) {
      req.content_length = body.size();
      req.headers.Add("Content-Length", std::to_string(body.size()));
    }
    for (const auto& [n, v] : o.headers) req.headers.Add(n, v);
    if (o.sign) {
      const std::string amz_date = AmzDate(std::chrono::system_clock::now());
      req.headers.Add("x-amz-date", amz_date);
      req.headers.Add("x-amz-content-sha256", o.payload_hash);
      sigv4::ParsedAuth a;
      a.access_key = o.access_key;
      a.scope = {amz_date.substr(0, 8), o.region, o.service};
      for (const auto& f : req.headers.fields()) {
        std::string n = f.name;
        std::transform(n.begin(), n.end(), n.begin(), ::tolower);
        a.signed_headers.push_back(n);
      }
      std::sort(a.signed_headers.begin(), a.signed_headers.end());
      a.amz_date = amz_date;
      sigv4::RequestView view = common::ToSigV4View(req);
      std::string canonical = sigv4::CanonicalRequest(a, view, o.payload_hash, true);
      std::string sts = sigv4::StringToSign(amz_date, a.scope, canonical);
      std::string sig = sigv4::HexHmacSha256(sigv4::SigningKey(o.secret, a.scope), sts);
      if (o.tamper) sig[0] = sig[0] == '0' ? '1' : '0';
      std::string signed_list;
      for (const auto& n : a.signed_headers) {
        if (!signed_list.empty()) signed_list += ';';
        signed_list += n;
      }
      req.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=" + o.access_key + "/" +
                                           a.scope.ToString() + ", SignedHeaders=" + signed_list +
                                           ", Signature=" + sig);
    }
    http::StartResult started = service_->Start(req);
    http::Response resp;
    if (auto* r = std::get_if<http::Response>(&started)) {
      resp = std::move(*r);
    } else {
      auto& ex = std::get<std::unique_ptr<http::Exchange>>(started);
      if (!body.empty()) ex->OnBody(body);
      resp = ex->Finish();
    }
    Reply out;
    out.status = resp.status;
    out.headers = resp.headers;
    out.omit_body = resp.omit_body;
    if (resp.stream) {
      std::string buf(resp.stream_length, '\0');
      size_t got = 0;
      while (got < buf.size()) {
        size_t n = resp.stream->Read(buf.data() + got, buf.size() - got);
        if (n == 0) break;
        got += n;
      }
      buf.resize(got);
      out.body = std::move(buf);
    } else {
      out.body = resp.body;
    }
    EXPECT_FALSE(out.Header("x-amz-request-id").empty());
    EXPECT_FALSE(out.Header("x-amz-id-2").empty());
    EXPECT_EQ(out.Header("Server"), "AmazonS3");
    return out;
  }

  Options With(std::map<std::string, std::string> headers) {
    Options o;
    o.headers = std::move(headers);
    return o;
  }
  Options InRegion(std::string region) {
    Options o;
    o.region = std::move(region);
    return o;
  }

  common::Config config_;
  common::CredentialStore credentials_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<Service> service_;
};


constexpr std::string_view kNs = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

std::string Md5(std::string_view body) {
  sigv4::Checksum sum(sigv4::ChecksumAlgorithm::kMd5);
  sum.Update(body);
  return sigv4::Base64Encode(sum.Digest());
}

TEST_F(ConfigServiceTest, VersioningDocument) {
  ASSERT_EQ(Send("PUT", "/cfg-v").status, 200);
  Reply r = Send("GET", "/cfg-v?versioning");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VersioningConfiguration " +
                        std::string(kNs) + "/>");
  r = Send("PUT", "/cfg-v?versioning",
           "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Send("GET", "/cfg-v?versioning").Has("<Status>Enabled</Status>"));
  r = Send("PUT", "/cfg-v?versioning", "<Versioning/>");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MalformedXML</Code>"));
}

TEST_F(ConfigServiceTest, DocumentsStoredInS3Namespace) {
  ASSERT_EQ(Send("PUT", "/cfg-d").status, 200);
  std::string body =
      "<Tagging xmlns=\"urn:other\"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>"
      "</Tagging>";
  Reply r = Send("PUT", "/cfg-d?tagging", body, With({{"Content-MD5", Md5(body)}}));
  EXPECT_EQ(r.status, 204) << r.body;
  r = Send("GET", "/cfg-d?tagging");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging " + std::string(kNs) +
                        "><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>");
  r = Send("GET", "/cfg-d?cors");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.Has("<Code>NoSuchCORSConfiguration</Code>"));
  EXPECT_TRUE(r.Has("<BucketName>cfg-d</BucketName>"));
  r = Send("PUT", "/cfg-d?policy", "{\"Statement\": [");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>MalformedPolicy</Code>"));
  r = Send("PUT", "/cfg-d?policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
  EXPECT_EQ(r.status, 204);
  r = Send("GET", "/cfg-d?policy");
  EXPECT_EQ(r.body, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
}

TEST_F(ConfigServiceTest, AnonymousPreflight) {
  ASSERT_EQ(Send("PUT", "/cfg-c").status, 200);
  std::string cors =
      "<CORSConfiguration><CORSRule><AllowedOrigin>https://*.example.com</AllowedOrigin>"
      "<AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule>"
      "</CORSConfiguration>";
  ASSERT_EQ(Send("PUT", "/cfg-c?cors", cors, With({{"Content-MD5", Md5(cors)}})).status, 200);
  Options anon;
  anon.sign = false;
  anon.headers = {{"Origin", "https://app.example.com"},
                  {"Access-Control-Request-Method", "PUT"},
                  {"Access-Control-Request-Headers", "Content-Type"}};
  Reply r = Send("OPTIONS", "/cfg-c/some/key", "", anon);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "PUT");
  EXPECT_EQ(r.Header("Access-Control-Allow-Headers"), "content-type");
  EXPECT_EQ(r.Header("Access-Control-Allow-Credentials"), "true");
  anon.headers["Origin"] = "https://evil.test";
  r = Send("OPTIONS", "/cfg-c/some/key", "", anon);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.Has("<Code>AccessForbidden</Code>"));
  EXPECT_TRUE(r.Has("<Method>PUT</Method><ResourceType>OBJECT</ResourceType>"));
  anon.headers["Access-Control-Request-Method"] = "PATCH";
  r = Send("OPTIONS", "/cfg-c", "", anon);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Message>Invalid Access-Control-Request-Method: PATCH</Message>"));
}

TEST_F(ConfigServiceTest, TaggingHeaderValidated) {
  ASSERT_EQ(Send("PUT", "/cfg-t").status, 200);
  Reply r = Send("PUT", "/cfg-t/k", "x", With({{"x-amz-tagging", "a=1&a=2"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidArgument</Code>"));
  r = Send("PUT", "/cfg-t/k", "x", With({{"x-amz-tagging", "aws%3Ax=1"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.Has("<Code>InvalidTag</Code>"));
  ASSERT_EQ(Send("PUT", "/cfg-t/k", "x", With({{"x-amz-tagging", "a=1"}})).status, 200);
  r = Send("GET", "/cfg-t/k?tagging");
  EXPECT_TRUE(r.Has("<TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet>")) << r.body;
  EXPECT_EQ(Send("HEAD", "/cfg-t/k").Header("x-amz-tagging-count"), "1");
}

}  // namespace
}  // namespace skiff::s3

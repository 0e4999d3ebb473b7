#include "service_harness.h"

#include <algorithm>
#include <ctime>
#include <utility>

#include "server/common/auth.h"
#include "sigv4/sigv4.h"

namespace skiff::s3::testing {

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void ServiceHarness::SetUp() {
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

Reply ServiceHarness::Send(std::string method, std::string target, std::string body, Options o) {
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

Options ServiceHarness::With(std::map<std::string, std::string> headers) {
  Options o;
  o.headers = std::move(headers);
  return o;
}

Options ServiceHarness::InRegion(std::string region) {
  Options o;
  o.region = std::move(region);
  return o;
}

}  // namespace skiff::s3::testing

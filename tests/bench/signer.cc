#include "tests/bench/signer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "sigv4/sigv4.h"

namespace skiff::bench {

std::string NowAmzDate() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void Sign(Request& request, std::string_view host_header, std::string_view service,
          const Credentials& credentials, std::string payload_hash, std::string amz_date) {
  if (amz_date.empty()) amz_date = NowAmzDate();
  if (payload_hash.empty()) payload_hash = sigv4::HexSha256(request.body);
  bool s3 = service == "s3";
  request.headers.emplace_back("Host", std::string(host_header));
  request.headers.emplace_back("X-Amz-Date", amz_date);
  if (s3) request.headers.emplace_back("X-Amz-Content-SHA256", payload_hash);

  sigv4::ParsedAuth auth;
  auth.access_key = credentials.access_key;
  auth.scope = {amz_date.substr(0, 8), credentials.region, std::string(service)};
  auth.amz_date = amz_date;
  auth.payload_hash = payload_hash;
  sigv4::RequestView view{request.method, request.path, request.query, {}};
  for (const auto& [name, value] : request.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auth.signed_headers.push_back(lower);
    view.headers.emplace_back(lower, value);
  }
  std::sort(auth.signed_headers.begin(), auth.signed_headers.end());
  std::string canonical = sigv4::CanonicalRequest(auth, view, payload_hash, s3);
  std::string to_sign = sigv4::StringToSign(amz_date, auth.scope, canonical);
  std::string signature =
      sigv4::HexHmacSha256(sigv4::SigningKey(credentials.secret, auth.scope), to_sign);
  std::string signed_list;
  for (const auto& h : auth.signed_headers) {
    if (!signed_list.empty()) signed_list += ';';
    signed_list += h;
  }
  request.headers.emplace_back("Authorization",
                               "AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" +
                                   auth.scope.ToString() + ", SignedHeaders=" + signed_list +
                                   ", Signature=" + signature);
}

}  // namespace skiff::bench

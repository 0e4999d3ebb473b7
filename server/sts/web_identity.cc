// AssumeRoleWithWebIdentity: an OIDC ID token (JWT) for a role session. The token's header and
// claims are decoded and checked (issuer trusted, not expired, audience registered, trust policy
// allows the provider with its aud/sub conditions); its signature is NOT verified: Skiff is a
// test double, and CI tokens are minted by issuers it cannot reach.
#include <rapidjson/document.h>

#include <cmath>

#include "server/iam/policy.h"
#include "server/sts/sts_actions.h"
#include "server/sts/sts_credentials.h"
#include "sigv4/checksum.h"

namespace skiff::sts {
namespace {

constexpr std::string_view kAction = "sts:AssumeRoleWithWebIdentity";

struct Claims {
  std::string issuer;
  std::string subject;
  std::vector<std::string> audiences;
  std::optional<double> expires;  // seconds since the epoch
};

QueryError InvalidToken(std::string message, std::string detail) {
  return {400, "Sender", "InvalidIdentityToken", std::move(message), std::move(detail)};
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (standard.size() % 4 != 0) standard += '=';
  return sigv4::Base64Decode(standard);
}

// Decodes one JWT segment into a JSON object.
bool DecodeSegment(std::string_view segment, rapidjson::Document* out) {
  std::optional<std::string> json = Base64UrlDecode(segment);
  if (!json) return false;
  out->Parse(json->data(), json->size());
  return !out->HasParseError() && out->IsObject();
}

std::optional<QueryError> ParseToken(std::string_view token, Claims* out) {
  const QueryError malformed = InvalidToken(
      "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access "
      "Token)",
      "");
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    QueryError e = malformed;
    e.detail = "the token does not have three dot-separated parts";
    return e;
  }
  rapidjson::Document header, payload;
  if (!DecodeSegment(token.substr(0, first), &header) ||
      !DecodeSegment(token.substr(first + 1, second - first - 1), &payload)) {
    QueryError e = malformed;
    e.detail = "the token's header or payload is not base64url-encoded JSON";
    return e;
  }
  auto str = [&](const char* key, std::string* value) {
    auto it = payload.FindMember(key);
    if (it != payload.MemberEnd() && it->value.IsString()) {
      value->assign(it->value.GetString(), it->value.GetStringLength());
    }
  };
  str("iss", &out->issuer);
  str("sub", &out->subject);
  if (auto it = payload.FindMember("aud"); it != payload.MemberEnd()) {
    if (it->value.IsString()) {
      out->audiences.emplace_back(it->value.GetString(), it->value.GetStringLength());
    } else if (it->value.IsArray()) {
      for (const auto& a : it->value.GetArray()) {
        if (a.IsString()) out->audiences.emplace_back(a.GetString(), a.GetStringLength());
      }
    }
  }
  if (auto it = payload.FindMember("exp"); it != payload.MemberEnd() && it->value.IsNumber()) {
    out->expires = it->value.GetDouble();
  }
  return std::nullopt;
}

// "https://host/path/" -> "host/path": how IAM names providers and condition keys.
std::string IssuerKey(std::string_view issuer) {
  if (issuer.starts_with("https://")) issuer.remove_prefix(8);
  while (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  return std::string(issuer);
}

bool IsConfiguredIssuer(const Call& call, const std::string& key) {
  if (call.options.config == nullptr) return false;
  for (const std::string& trusted : call.options.config->oidc_issuers) {
    if (IssuerKey(trusted) == key) return true;
  }
  return false;
}

}  // namespace

Outcome AssumeRoleWithWebIdentity(Call& call) {
  std::string token;
  if (auto e = Required(call, "WebIdentityToken", "webIdentityToken", &token)) return Fail(*e);
  RoleRequest request;
  if (auto e = ReadRoleRequest(call, kAction, "", 43200, &request)) return Fail(*e);
  call.record.account = request.account;
  call.record.resource = request.role_arn;

  Claims claims;
  if (auto e = ParseToken(token, &claims)) return Fail(*e);
  if (claims.issuer.empty()) {
    return Fail(InvalidToken("The ID Token provided is not a valid JWT. (You may see this error "
                             "if you sent an Access Token)",
                             "the token has no \"iss\" claim"));
  }
  const std::string key = IssuerKey(claims.issuer);
  std::optional<iam::OidcProviderInfo> provider =
      call.options.iam->FindOidcProviderByIssuer(request.account, key);
  if (!provider && !IsConfiguredIssuer(call, key)) {
    return Fail(InvalidToken(
        "No OpenIDConnect provider found in your account for " + claims.issuer,
        "issuer " + claims.issuer + " is neither an IAM OIDC provider of account " +
            request.account + " nor given with --oidc-issuer"));
  }
  const double now = std::chrono::duration<double>(call.now.time_since_epoch()).count();
  if (!claims.expires || *claims.expires <= now) {
    std::string exp = claims.expires ? std::to_string(static_cast<int64_t>(*claims.expires))
                                     : std::string("(none)");
    // AWS's wording (older responses lacked the space before the second number).
    return Fail(QueryError{400, "Sender", "ExpiredTokenException",
                           "Token expired: current date/time " +
                               std::to_string(static_cast<int64_t>(std::floor(now))) +
                               " must be before the expiration date/time " + exp,
                           "the token's \"exp\" claim is " + exp});
  }
  if (provider && !provider->client_ids.empty()) {
    bool registered = false;
    for (const std::string& aud : claims.audiences) {
      for (const std::string& id : provider->client_ids) registered = registered || aud == id;
    }
    if (!registered) {
      return Fail(InvalidToken("Incorrect token audience",
                               "no \"aud\" of the token is a client id of provider " +
                                   provider->arn));
    }
  }

  const std::string provider_arn =
      provider ? provider->arn : "arn:aws:iam::" + request.account + ":oidc-provider/" + key;
  iam::RequestFacts facts;
  facts.action = std::string(kAction);
  facts.resource = request.role.arn;
  facts.principal_arn = provider_arn;
  facts.context["aws:FederatedProvider"] = {provider_arn};
  facts.context[key + ":aud"] = claims.audiences;
  if (!claims.subject.empty()) facts.context[key + ":sub"] = {claims.subject};
  if (auto e = CheckTrust(call, request, facts, "Not authorized to perform " + std::string(kAction))) {
    return Fail(*e);
  }

  common::Credential session = StartRoleSession(call, request);
  call.record.principal = session.arn;
  std::string result = Element("SubjectFromWebIdentityToken", claims.subject, 4) +
                       Element("Audience", claims.audiences.empty() ? "" : claims.audiences[0], 4) +
                       AssumedRoleUserXml(session) + CredentialsXml(session) +
                       Element("Provider", claims.issuer, 4);
  return Done(std::move(result));
}

}  // namespace skiff::sts

#include "server/iam/request_keys.h"

#include <chrono>
#include <ctime>

namespace skiff::iam {
namespace {

std::string PrincipalType(const common::Principal& p) {
  if (p.anonymous) return "Anonymous";
  if (p.arn.ends_with(":root")) return "Account";
  if (p.arn.find(":assumed-role/") != std::string::npos) return "AssumedRole";
  if (p.arn.find(":federated-user/") != std::string::npos) return "FederatedUser";
  return "User";
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string PrincipalArnKey(const common::Principal& p) {
  constexpr std::string_view kAssumed = ":assumed-role/";
  size_t at = p.arn.find(kAssumed);
  if (p.arn.rfind("arn:aws:sts::", 0) != 0 || at == std::string::npos) return p.arn;
  std::string_view rest = std::string_view(p.arn).substr(at + kAssumed.size());
  return "arn:aws:iam::" + p.account_id + ":role/" + std::string(rest.substr(0, rest.find('/')));
}

void AddGlobalConditionKeys(const common::Principal& p, const http::Request& request,
                            const std::string& resource_account, RequestFacts* facts) {
  auto& k = facts->context;
  k["aws:SecureTransport"] = {request.secure ? "true" : "false"};
  if (!request.remote_address.empty()) {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; policies name it a.b.c.d.
    std::string_view ip = request.remote_address;
    if (ip.starts_with("::ffff:") && ip.find('.') != std::string_view::npos) ip.remove_prefix(7);
    k["aws:SourceIp"] = {std::string(ip)};
  }
  auto now = std::chrono::system_clock::now();
  k["aws:CurrentTime"] = {IsoTime(now)};
  k["aws:EpochTime"] = {std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())};
  k["aws:PrincipalType"] = {PrincipalType(p)};
  if (!p.anonymous) {
    k["aws:PrincipalArn"] = {PrincipalArnKey(p)};
    k["aws:PrincipalAccount"] = {p.account_id};
    if (!p.user_name.empty() && p.arn.find(":user/") != std::string::npos) {
      k["aws:username"] = {p.user_name};
    }
  }
  if (!p.region.empty()) k["aws:RequestedRegion"] = {p.region};
  if (!resource_account.empty()) k["aws:ResourceAccount"] = {resource_account};
}

}  // namespace skiff::iam

#include "server/s3/config_common.h"

#include <algorithm>
#include <array>
#include <pugixml.hpp>

#include "server/s3/integrity.h"
#include "server/s3/owner.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

constexpr size_t kMaxConfigBody = 64 * 1024;

constexpr std::array<std::string_view, 8> kCanned = {
    "private",       "public-read",       "public-read-write",         "authenticated-read",
    "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"};

constexpr std::string_view kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
constexpr std::string_view kAuthenticatedUsers =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
constexpr std::string_view kLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

void Grant(std::string* out, std::string_view grantee_xml, std::string_view permission) {
  *out += "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ";
  out->append(grantee_xml);
  *out += "</Grantee><Permission>";
  out->append(permission);
  *out += "</Permission></Grant>";
}

std::string GroupGrantee(std::string_view uri) {
  return "xsi:type=\"Group\"><URI>" + std::string(uri) + "</URI>";
}

}  // namespace

http::StartResult ReceiveBody(const Ctx& ctx, bool checksum_required,
                              std::function<http::Response(RequestContext&, std::string)> handle) {
  RequestContext& c = *ctx;
  if (checksum_required && !HasIntegrityHeader(c.request.headers, /*trailer_counts=*/false)) {
    return ErrorResponse(c, MissingIntegrityHeader());
  }
  Ctx keep = ctx;
  return std::unique_ptr<http::Exchange>(std::make_unique<http::BufferedExchange>(
      kMaxConfigBody,
      [keep, handle = std::move(handle)](std::string body) {
        if (auto err = VerifyWholeBody(keep->request.headers, body, /*md5_digest_fields=*/true)) {
          return ErrorResponse(*keep, *err);
        }
        return handle(*keep, std::move(body));
      },
      [keep] { return ErrorResponse(*keep, ErrorReply(S3Error::kMaxMessageLengthExceeded)); }));
}

bool IsCannedAclName(std::string_view name) {
  return std::find(kCanned.begin(), kCanned.end(), name) != kCanned.end();
}

std::string RenderAcl(std::string_view stored, std::string_view owner_account) {
  if (!stored.empty() && stored.front() == '<') return std::string(stored);
  const std::string id = CanonicalUserId(owner_account);
  const std::string name = XmlEscape(OwnerDisplayName(owner_account));
  std::string out(kXmlDeclaration);
  out += "<AccessControlPolicy xmlns=\"" + std::string(kS3Namespace) + "\"><Owner><ID>" + id +
         "</ID><DisplayName>" + name + "</DisplayName></Owner><AccessControlList>";
  Grant(&out,
        "xsi:type=\"CanonicalUser\"><ID>" + id + "</ID><DisplayName>" + name + "</DisplayName>",
        "FULL_CONTROL");
  if (stored == "public-read" || stored == "public-read-write") {
    Grant(&out, GroupGrantee(kAllUsers), "READ");
  }
  if (stored == "public-read-write") Grant(&out, GroupGrantee(kAllUsers), "WRITE");
  if (stored == "authenticated-read") Grant(&out, GroupGrantee(kAuthenticatedUsers), "READ");
  if (stored == "log-delivery-write") {
    Grant(&out, GroupGrantee(kLogDelivery), "WRITE");
    Grant(&out, GroupGrantee(kLogDelivery), "READ_ACP");
  }
  out += "</AccessControlList></AccessControlPolicy>";
  return out;
}

bool IsOwnerOnlyAcl(std::string_view document, std::string_view owner_account) {
  pugi::xml_document doc;
  if (!doc.load_buffer(document.data(), document.size())) return false;
  pugi::xml_node list = doc.document_element().child("AccessControlList");
  size_t grants = 0;
  for (pugi::xml_node g : list.children("Grant")) {
    ++grants;
    if (std::string_view(g.child("Permission").text().as_string()) != "FULL_CONTROL" ||
        g.child("Grantee").child("ID").text().as_string() != CanonicalUserId(owner_account)) {
      return false;
    }
  }
  return grants == 1;
}

std::optional<std::string> BucketOwnership(RequestContext& ctx, std::string_view bucket,
                                           ErrorReply* error) {
  auto got = ctx.store().GetBucketConfig(bucket, kOwnershipConfig);
  if (got.ok()) return got.value();
  if (got.code() == storage::Code::kNotFound) return std::string(kOwnerEnforced);
  *error = StorageError(ctx, got.status());
  return std::nullopt;
}

}  // namespace skiff::s3

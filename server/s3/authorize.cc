#include "server/s3/authorize.h"

#include <map>

#include "server/iam/authorizer.h"
#include "server/iam/request_keys.h"

namespace skiff::s3 {
namespace {

using H = Handler;

// Object-level operations whose action differs when a versionId names a version.
struct ObjectAction {
  std::string_view operation;
  std::string_view action;
  std::string_view version_action;  // "" = the same action
};

constexpr ObjectAction kObjectActions[] = {
    {"GetObject", "s3:GetObject", "s3:GetObjectVersion"},
    {"HeadObject", "s3:GetObject", "s3:GetObjectVersion"},
    {"PutObject", "s3:PutObject", ""},
    {"DeleteObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
    {"GetObjectAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
    {"PutObjectAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
    {"GetObjectTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"},
    {"PutObjectTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"},
    {"DeleteObjectTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"},
    {"GetObjectAttributes", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"},
    {"GetObjectLegalHold", "s3:GetObjectLegalHold", ""},
    {"PutObjectLegalHold", "s3:PutObjectLegalHold", ""},
    {"GetObjectRetention", "s3:GetObjectRetention", ""},
    {"PutObjectRetention", "s3:PutObjectRetention", ""},
    {"GetObjectTorrent", "s3:GetObjectTorrent", ""},
    {"RestoreObject", "s3:RestoreObject", ""},
    {"SelectObjectContent", "s3:GetObject", ""},
    {"CreateMultipartUpload", "s3:PutObject", ""},
    {"UploadPart", "s3:PutObject", ""},
    {"CompleteMultipartUpload", "s3:PutObject", ""},
    {"AbortMultipartUpload", "s3:AbortMultipartUpload", ""},
    {"ListParts", "s3:ListMultipartUploadParts", ""},
    // The copies also read their source (CopySourcePermission).
    {"CopyObject", "s3:PutObject", ""},
    {"UploadPartCopy", "s3:PutObject", ""},
};

// Bucket-level operations. Deleting a configuration is its Put action where S3 has no
// separate Delete action.
const std::map<std::string_view, std::string_view>& BucketActions() {
  static const std::map<std::string_view, std::string_view> kActions = {
      {"CreateBucket", "s3:CreateBucket"},
      {"DeleteBucket", "s3:DeleteBucket"},
      {"HeadBucket", "s3:ListBucket"},
      {"ListObjects", "s3:ListBucket"},
      {"ListObjectsV2", "s3:ListBucket"},
      {"ListObjectVersions", "s3:ListBucketVersions"},
      {"ListMultipartUploads", "s3:ListBucketMultipartUploads"},
      {"GetBucketLocation", "s3:GetBucketLocation"},
      {"GetBucketPolicy", "s3:GetBucketPolicy"},
      {"PutBucketPolicy", "s3:PutBucketPolicy"},
      {"DeleteBucketPolicy", "s3:DeleteBucketPolicy"},
      {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"},
      {"GetBucketAcl", "s3:GetBucketAcl"},
      {"PutBucketAcl", "s3:PutBucketAcl"},
      {"GetBucketCors", "s3:GetBucketCORS"},
      {"PutBucketCors", "s3:PutBucketCORS"},
      {"DeleteBucketCors", "s3:PutBucketCORS"},
      {"GetBucketEncryption", "s3:GetEncryptionConfiguration"},
      {"PutBucketEncryption", "s3:PutEncryptionConfiguration"},
      {"DeleteBucketEncryption", "s3:PutEncryptionConfiguration"},
      {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
      {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
      {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
      {"GetBucketLogging", "s3:GetBucketLogging"},
      {"PutBucketLogging", "s3:PutBucketLogging"},
      {"GetBucketNotificationConfiguration", "s3:GetBucketNotification"},
      {"PutBucketNotificationConfiguration", "s3:PutBucketNotification"},
      {"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
      {"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"},
      {"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
      {"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
      {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
      {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
      {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
      {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
      {"GetBucketReplication", "s3:GetReplicationConfiguration"},
      {"PutBucketReplication", "s3:PutReplicationConfiguration"},
      {"DeleteBucketReplication", "s3:PutReplicationConfiguration"},
      {"GetBucketRequestPayment", "s3:GetBucketRequestPayment"},
      {"PutBucketRequestPayment", "s3:PutBucketRequestPayment"},
      {"GetBucketTagging", "s3:GetBucketTagging"},
      {"PutBucketTagging", "s3:PutBucketTagging"},
      {"DeleteBucketTagging", "s3:PutBucketTagging"},
      {"GetBucketVersioning", "s3:GetBucketVersioning"},
      {"PutBucketVersioning", "s3:PutBucketVersioning"},
      {"GetBucketWebsite", "s3:GetBucketWebsite"},
      {"PutBucketWebsite", "s3:PutBucketWebsite"},
      {"DeleteBucketWebsite", "s3:DeleteBucketWebsite"},
      {"GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration"},
      {"PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration"},
  };
  return kActions;
}

// x-amz-copy-source ("bucket/key" or "/bucket/key", URL-encoded, "?versionId=..."): the
// source read; nullopt when malformed (the operation answers InvalidArgument).
std::optional<Permission> CopySourcePermission(const RequestContext& ctx) {
  std::string_view raw = ctx.request.headers.Get("x-amz-copy-source");
  std::string_view path = raw.substr(0, raw.find('?'));
  bool versioned = false;
  if (size_t q = raw.find('?'); q != std::string_view::npos) {
    QueryParams params;
    versioned = params.Parse(raw.substr(q + 1)) && params.Has("versionId");
  }
  auto decoded = PercentDecode(path, /*plus_is_space=*/false);
  if (!decoded) return std::nullopt;
  std::string_view p = *decoded;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  size_t slash = p.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == p.size()) return std::nullopt;
  return Permission{versioned ? "s3:GetObjectVersion" : "s3:GetObject",
                    std::string(p.substr(0, slash)), std::string(p.substr(slash + 1))};
}

struct BucketInfo {
  bool exists = false;
  std::string owner;
  std::string region;
  std::optional<iam::NamedPolicy> policy;
};

// The bucket a permission is checked against. CreateBucket is decided in the caller's own
// account whoever holds the name (the operation answers BucketAlreadyExists).
BucketInfo LoadBucket(RequestContext& ctx, const Permission& p) {
  BucketInfo info;
  const std::string& name = p.bucket;
  if (name.empty() || p.action == "s3:CreateBucket") return info;
  auto bucket = ctx.store().GetBucket(name);
  if (!bucket.ok()) return info;
  info.exists = true;
  info.owner = bucket->owner_account;
  info.region = bucket->region;
  auto text = ctx.store().GetBucketConfig(name, "policy");
  if (text.ok()) {
    std::string error;
    // Stored policies were validated by PutBucketPolicy; one that no longer parses grants
    // and denies nothing.
    if (auto parsed = iam::ParsePolicy(*text, &error)) {
      info.policy = iam::NamedPolicy{"bucket policy " + name, std::move(*parsed)};
    }
  }
  return info;
}

std::optional<ErrorReply> Check(RequestContext& ctx, const Permission& p, const BucketInfo& b) {
  // The bucket owner's root can always read, replace and delete the bucket policy, even when
  // the policy denies it: the way out of a policy that locks everyone out.
  if (b.exists && ctx.auth.principal.arn == "arn:aws:iam::" + b.owner + ":root" &&
      (p.action == "s3:GetBucketPolicy" || p.action == "s3:PutBucketPolicy" ||
       p.action == "s3:DeleteBucketPolicy")) {
    iam::NoteDecision(&ctx.record.policy, "account root");
    return std::nullopt;
  }
  const iam::Authorizer& authorizer = *ctx.deps.authorizer;
  iam::RequestFacts facts;
  facts.action = p.action;
  facts.resource = ResourceArn(p);
  AddConditionKeys(ctx, b.owner, &facts);
  iam::Decision d = authorizer.Authorize(ctx.auth.principal, facts,
                                         b.policy ? &*b.policy : nullptr, b.owner);
  iam::NoteDecision(&ctx.record.policy, d.decided_by);
  if (d.allowed) {
    if (b.exists && b.owner != ctx.account() && p.bucket == ctx.target.bucket) {
      ctx.bucket_policy_grants_access = true;
    }
    return std::nullopt;
  }
  // S3 explains a denial only to callers in the bucket owner's account; others (and anonymous
  // callers) get the bare "Access Denied".
  ErrorReply reply(S3Error::kAccessDenied);
  const bool same_account = !b.exists || b.owner == ctx.account();
  if (same_account && !ctx.auth.principal.anonymous) {
    // s3:ListAllMyBuckets has no resource: AWS's message names none.
    reply.message = p.bucket.empty()
                        ? iam::DenialMessage(ctx.auth.principal.arn, p.action, "", d.reason, true)
                        : d.message;
  }
  if (b.exists && ctx.route && ctx.route->handler == H::kHeadBucket) {
    reply.Header("x-amz-bucket-region", b.region);
  }
  return reply;
}

}  // namespace

std::string ResourceArn(const Permission& p) {
  if (p.bucket.empty()) return "arn:aws:s3:::*";
  if (p.key.empty()) return "arn:aws:s3:::" + p.bucket;
  return "arn:aws:s3:::" + p.bucket + "/" + p.key;
}

std::vector<Permission> RequiredPermissions(const RequestContext& ctx) {
  std::vector<Permission> out;
  if (ctx.route == nullptr) return out;
  const Route& r = *ctx.route;
  if (r.handler == H::kNotImplemented || r.handler == H::kPreflight ||
      r.handler == H::kPostObject || r.handler == H::kDeleteObjects) {
    return out;
  }
  if (r.handler == H::kListBuckets) {
    out.push_back({"s3:ListAllMyBuckets", "", ""});
    return out;
  }
  const bool versioned = ctx.query.Has("versionId");
  if (r.scope == Scope::kObject) {
    for (const ObjectAction& a : kObjectActions) {
      if (a.operation != r.operation) continue;
      std::string_view action = versioned && !a.version_action.empty() ? a.version_action
                                                                        : a.action;
      out.push_back({std::string(action), ctx.target.bucket, ctx.target.key});
      if (r.handler == H::kCopyObject || r.handler == H::kUploadPartCopy) {
        if (auto source = CopySourcePermission(ctx)) out.push_back(std::move(*source));
      }
      break;
    }
    return out;
  }
  auto it = BucketActions().find(r.operation);
  if (it != BucketActions().end()) out.push_back({std::string(it->second), ctx.target.bucket, ""});
  return out;
}

void AddConditionKeys(const RequestContext& ctx, const std::string& bucket_owner,
                      iam::RequestFacts* facts) {
  iam::AddGlobalConditionKeys(ctx.auth.principal, ctx.request, bucket_owner, facts);
  auto& k = facts->context;
  if (!bucket_owner.empty()) k["s3:ResourceAccount"] = {bucket_owner};
  k["s3:signatureversion"] = {"AWS4-HMAC-SHA256"};
  k["s3:authType"] = {ctx.request.headers.Has("Authorization") ? "REST-HEADER"
                                                               : "REST-QUERY-STRING"};
  if (const std::string* v = ctx.query.Find("versionId")) k["s3:VersionId"] = {*v};
  // Listing keys: only for the list actions, and only when the request sends them.
  if (facts->action == "s3:ListBucket" || facts->action == "s3:ListBucketVersions") {
    for (std::string_view name : {"prefix", "delimiter", "max-keys"}) {
      if (const std::string* v = ctx.query.Find(name)) k["s3:" + std::string(name)] = {*v};
    }
  }
  // Request headers that S3 exposes as condition keys.
  static constexpr std::string_view kHeaderKeys[] = {
      "x-amz-acl",
      "x-amz-server-side-encryption",
      "x-amz-server-side-encryption-aws-kms-key-id",
      "x-amz-storage-class",
      "x-amz-copy-source",
      "x-amz-metadata-directive",
      "x-amz-content-sha256",
      "x-amz-grant-read",
      "x-amz-grant-write",
      "x-amz-grant-read-acp",
      "x-amz-grant-write-acp",
      "x-amz-grant-full-control",
      "x-amz-object-lock-mode",
      "x-amz-object-lock-retain-until-date",
      "x-amz-object-lock-legal-hold",
      "x-amz-write-offset-bytes",
  };
  for (std::string_view header : kHeaderKeys) {
    if (const std::string* v = ctx.request.headers.Find(header)) {
      k["s3:" + std::string(header)] = {*v};
    }
  }
  // Tags sent with a write (x-amz-tagging: "k1=v1&k2=v2"): s3:RequestObjectTagKeys and
  // s3:RequestObjectTag/<key>.
  if (const std::string* tagging = ctx.request.headers.Find("x-amz-tagging")) {
    QueryParams tags;
    if (tags.Parse(*tagging)) {
      std::vector<std::string>& keys = k["s3:RequestObjectTagKeys"];
      for (const auto& [tag, value] : tags.params()) {
        keys.push_back(tag);
        k["s3:RequestObjectTag/" + tag] = {value};
      }
    }
  }
  // Conditional writes: s3:if-match / s3:if-none-match on PutObject and CompleteMultipartUpload.
  if (facts->action == "s3:PutObject") {
    if (const std::string* v = ctx.request.headers.Find("If-None-Match")) k["s3:if-none-match"] = {*v};
    if (const std::string* v = ctx.request.headers.Find("If-Match")) k["s3:if-match"] = {*v};
  }
}

std::optional<ErrorReply> HideMissingKey(RequestContext& ctx, const ErrorReply& reply) {
  if (ctx.deps.authorizer == nullptr || reply.error != S3Error::kNoSuchKey ||
      ctx.route == nullptr ||
      (ctx.route->handler != H::kGetObject && ctx.route->handler != H::kHeadObject)) {
    return std::nullopt;
  }
  return AuthorizePermission(ctx, {"s3:ListBucket", ctx.target.bucket, ""});
}

std::optional<ErrorReply> AuthorizePermission(RequestContext& ctx, const Permission& p) {
  if (ctx.deps.authorizer == nullptr) return std::nullopt;
  return Check(ctx, p, LoadBucket(ctx, p));
}

std::optional<ErrorReply> Authorize(RequestContext& ctx) {
  if (ctx.deps.authorizer == nullptr) return std::nullopt;
  if (ctx.route != nullptr && ctx.route->handler == H::kDeleteObjects) {
    // Authorized key by key; another account's bucket is reachable only through its policy.
    BucketInfo b = LoadBucket(ctx, {"s3:DeleteObject", ctx.target.bucket, ""});
    ctx.bucket_policy_grants_access = b.exists && b.owner != ctx.account() && b.policy;
    return std::nullopt;
  }
  for (const Permission& p : RequiredPermissions(ctx)) {
    BucketInfo b = LoadBucket(ctx, p);
    // A request sent to the wrong region is redirected (301) before it is authorized, as S3
    // does: the client retries in the bucket's region and is authorized there.
    if (b.exists && p.bucket == ctx.target.bucket && b.region != ctx.region() &&
        ctx.route->handler != H::kGetBucketLocation && ctx.route->handler != H::kCreateBucket) {
      return std::nullopt;
    }
    if (auto denied = Check(ctx, p, b)) return denied;
  }
  return std::nullopt;
}

}  // namespace skiff::s3

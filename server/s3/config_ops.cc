// Bucket configuration sub-resources: Put/Get/Delete of accelerate, acl, cors, encryption,
// lifecycle, logging, notification, object-lock, ownershipControls, policy, publicAccessBlock,
// replication, requestPayment, tagging and website. Documents are validated whole before they are
// stored; reads answer the stored document, S3's default, or S3's "not configured" error.
#include <pugixml.hpp>
#include <string>

#include "server/s3/config_common.h"
#include "server/s3/config_docs.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

// New buckets (since S3's 2023 default change) transition objects of any class from 128 KiB up;
// S3 reports that setting on every lifecycle read and write.
constexpr std::string_view kTransitionMinimumHeader =
    "x-amz-transition-default-minimum-object-size";
constexpr std::string_view kTransitionMinimumDefault = "all_storage_classes_128K";
// Stored next to the lifecycle document: the request header's value, when one was sent.
constexpr std::string_view kTransitionMinimumKind = "lifecycle-minimum-size";

const ConfigKind& KindOf(const RequestContext& ctx) {
  const ConfigKind* kind = FindConfigKind(ctx.route->query1);
  if (kind == nullptr) throw std::logic_error("no configuration kind for route");
  return *kind;
}

http::Response Ok(int status) {
  http::Response r;
  r.status = status;
  return r;
}

http::Response Stored(RequestContext& c, const storage::Status& st, int status) {
  if (!st.ok()) return ErrorResponse(c, StorageError(c, st));
  return Ok(status);
}

bool HasGrantHeader(const http::Headers& h) {
  for (const auto& f : h.fields()) {
    if (f.name.size() > 12 && http::EqualsIgnoreCase(f.name.substr(0, 12), "x-amz-grant-")) {
      return true;
    }
  }
  return false;
}

std::string BucketFromArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:s3:::";
  if (arn.starts_with(kPrefix)) arn.remove_prefix(kPrefix.size());
  return std::string(arn);
}

bool ObjectLockOn(RequestContext& c, const storage::Bucket& b) {
  return b.object_lock_enabled || c.store().GetBucketConfig(b.name, "object-lock").ok();
}

http::Response NotConfigured(RequestContext& c, const ConfigKind& kind) {
  return ErrorResponse(c, ErrorReply(kind.not_found).Field("BucketName", c.target.bucket));
}

// GetBucketPolicyStatus: whether the bucket's policy makes it public.
http::Response GetBucketPolicyStatus(RequestContext& c) {
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  auto policy = c.store().GetBucketConfig(bucket.name, "policy");
  if (!policy.ok()) {
    if (policy.code() == storage::Code::kNotFound) {
      return NotConfigured(c, *FindConfigKind("policy"));
    }
    return ErrorResponse(c, StorageError(c, policy.status()));
  }
  XmlWriter w("PolicyStatus", true);
  w.BoolElement("IsPublic", IsPublicPolicy(policy.value()));
  return XmlResponse(c, w.Finish());
}

// With BlockPublicPolicy on (the default for new buckets), S3 refuses a public policy.
std::optional<ErrorReply> CheckPublicPolicyBlocked(RequestContext& c,
                                                   const storage::Bucket& bucket,
                                                   const std::string& policy) {
  auto pab = c.store().GetBucketConfig(bucket.name, "publicAccessBlock");
  if (!pab.ok()) return std::nullopt;
  if (pab.value().find("<BlockPublicPolicy>true</BlockPublicPolicy>") == std::string::npos) {
    return std::nullopt;
  }
  if (!IsPublicPolicy(policy)) return std::nullopt;
  return ErrorReply(S3Error::kAccessDenied,
                    "User: " + c.auth.principal.arn +
                        " is not authorized to perform: s3:PutBucketPolicy on resource: "
                        "\"arn:aws:s3:::" +
                        bucket.name +
                        "\" because public policies are blocked by the BlockPublicPolicy block "
                        "public access setting.");
}

// Checks that need other state than the document: they run after it validated.
std::optional<ErrorReply> CheckAgainstState(RequestContext& c, const storage::Bucket& bucket,
                                            const ConfigKind& kind, const std::string& stored) {
  pugi::xml_document doc;
  doc.load_buffer(stored.data(), stored.size());
  pugi::xml_node root = doc.document_element();
  if (kind.query == "logging") {
    pugi::xml_node target = root.child("LoggingEnabled").child("TargetBucket");
    if (target) {
      std::string name = target.text().as_string();
      auto got = c.store().GetBucket(name);
      if (!got.ok() || got->owner_account != c.account()) {
        return ErrorReply(S3Error::kInvalidTargetBucketForLogging).Field("TargetBucket", name);
      }
      if (got->region != bucket.region) {
        return ErrorReply(S3Error::kInvalidTargetBucketForLogging,
                          "The owner for the bucket to be logged and the target bucket must be "
                          "the same and in the same region.")
            .Field("TargetBucket", name);
      }
    }
  } else if (kind.query == "object-lock") {
    if (!bucket.object_lock_enabled && bucket.versioning != "Enabled") {
      return ErrorReply(S3Error::kInvalidBucketState,
                        "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                        "configuration");
    }
  } else if (kind.query == "replication") {
    if (bucket.versioning != "Enabled") {
      return ErrorReply(S3Error::kInvalidRequest,
                        "Versioning must be 'Enabled' on the bucket to apply a replication "
                        "configuration");
    }
    for (pugi::xml_node r : root.children("Rule")) {
      std::string dest = BucketFromArn(r.child("Destination").child("Bucket").text().as_string());
      auto got = c.store().GetBucket(dest);
      if (!got.ok()) return ErrorReply(S3Error::kInvalidRequest, "Destination bucket must exist.");
      if (got->versioning != "Enabled") {
        return ErrorReply(S3Error::kInvalidRequest,
                          "Destination bucket must have versioning enabled.");
      }
    }
  }
  return std::nullopt;
}

http::Response PutDocument(RequestContext& c, const storage::Bucket& bucket,
                           const ConfigKind& kind, const std::string& body) {
  if (kind.query == "policy") {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
      return ErrorResponse(c, ErrorReply(S3Error::kMissingRequestBodyError));
    }
    if (auto err = ValidatePolicy(body)) return ErrorResponse(c, *err);
    if (auto err = CheckPublicPolicyBlocked(c, bucket, body)) return ErrorResponse(c, *err);
    return Stored(c, c.store().PutBucketConfig(bucket.name, kind.storage_kind, body),
                  kind.put_status);
  }
  std::string stored;
  if (auto err = NormalizeConfig(kind, body, &stored)) return ErrorResponse(c, *err);
  if (auto err = CheckAgainstState(c, bucket, kind, stored)) return ErrorResponse(c, *err);

  if (kind.query == "ownershipControls") {
    pugi::xml_document doc;
    doc.load_buffer(stored.data(), stored.size());
    std::string value =
        doc.document_element().child("Rule").child("ObjectOwnership").text().as_string();
    return Stored(c, c.store().PutBucketConfig(bucket.name, kind.storage_kind, value), 200);
  }
  if (kind.query == "acl") {
    ErrorReply err;
    auto ownership = BucketOwnership(c, bucket.name, &err);
    if (!ownership) return ErrorResponse(c, err);
    if (*ownership == kOwnerEnforced && !IsOwnerOnlyAcl(stored, bucket.owner_account)) {
      return ErrorResponse(c, ErrorReply(S3Error::kAccessControlListNotSupported));
    }
  }
  if (kind.query == "logging" && stored.find("<LoggingEnabled") == std::string::npos) {
    // An empty BucketLoggingStatus turns logging off.
    storage::Status st = c.store().DeleteBucketConfig(bucket.name, kind.storage_kind);
    if (!st.ok() && st.code() != storage::Code::kNotFound) return Stored(c, st, 200);
    return Ok(200);
  }
  std::string minimum_size(kTransitionMinimumDefault);
  if (kind.query == "lifecycle") {
    std::string_view sent = c.request.headers.Get(kTransitionMinimumHeader);
    if (!sent.empty()) {
      if (sent != "all_storage_classes_128K" && sent != "varies_by_storage_class") {
        return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                           "Invalid TransitionDefaultMinimumObjectSize value: " +
                                               std::string(sent)));
      }
      minimum_size = std::string(sent);
    }
    storage::Status min_st =
        c.store().PutBucketConfig(bucket.name, kTransitionMinimumKind, minimum_size);
    if (!min_st.ok()) return ErrorResponse(c, StorageError(c, min_st));
  }
  storage::Status st = c.store().PutBucketConfig(bucket.name, kind.storage_kind, stored);
  http::Response r = Stored(c, st, kind.put_status);
  if (st.ok() && kind.query == "lifecycle") {
    r.headers.Set(std::string(kTransitionMinimumHeader), minimum_size);
  }
  return r;
}

// PutBucketAcl with x-amz-acl (and no body): the canned ACL is stored by name.
http::Response PutCannedBucketAcl(RequestContext& c, const storage::Bucket& bucket,
                                  const std::string& acl) {
  if (!IsCannedAclName(acl)) return ErrorResponse(c, ErrorReply(S3Error::kInvalidArgument));
  ErrorReply err;
  auto ownership = BucketOwnership(c, bucket.name, &err);
  if (!ownership) return ErrorResponse(c, err);
  if (*ownership == kOwnerEnforced && acl != "private") {
    return ErrorResponse(c, ErrorReply(S3Error::kAccessControlListNotSupported));
  }
  return Stored(c, c.store().PutBucketConfig(bucket.name, "acl", acl), 200);
}

}  // namespace

http::StartResult PutBucketConfig(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const ConfigKind& kind = KindOf(c);
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  if (kind.query == "accelerate" && bucket.name.find('.') != std::string::npos) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "S3 Transfer Acceleration is not supported for buckets "
                                       "with periods (.) in their names"));
  }
  if (kind.query == "acl") {
    const std::string* canned = c.request.headers.Find("x-amz-acl");
    if (canned && HasGrantHeader(c.request.headers)) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                         "Specifying both Canned ACLs and Header Grants is not "
                                         "allowed"));
    }
    if (canned) {
      std::string acl = *canned;
      return ReceiveBody(ctx, false, [bucket, acl](RequestContext& rc, std::string) {
        return PutCannedBucketAcl(rc, bucket, acl);
      });
    }
    if (HasGrantHeader(c.request.headers)) {
      // Grant headers name grantees Skiff has no directory for; refuse rather than drop them.
      return ErrorResponse(c, ErrorReply(S3Error::kNotImplemented).Field("Header", "x-amz-grant-*"));
    }
  }
  const ConfigKind* k = &kind;
  return ReceiveBody(ctx, kind.checksum_required,
                     [bucket, k](RequestContext& rc, std::string body) {
                       return PutDocument(rc, bucket, *k, body);
                     });
}

http::StartResult GetBucketConfig(const Ctx& ctx) {
  RequestContext& c = *ctx;
  if (c.route->query1 == "policyStatus") return GetBucketPolicyStatus(c);
  const ConfigKind& kind = KindOf(c);
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  auto got = c.store().GetBucketConfig(bucket.name, kind.storage_kind);
  if (!got.ok() && got.code() != storage::Code::kNotFound) {
    return ErrorResponse(c, StorageError(c, got.status()));
  }
  const bool present = got.ok();

  if (kind.query == "ownershipControls") {
    // Never set: S3's default for new buckets. Set to "": deleted, so no controls.
    std::string value = present ? got.value() : std::string(kOwnerEnforced);
    if (value.empty()) return NotConfigured(c, kind);
    XmlWriter w("OwnershipControls", true);
    w.Open("Rule");
    w.Element("ObjectOwnership", value);
    return XmlResponse(c, w.Finish());
  }
  if (kind.query == "acl") {
    return XmlResponse(c, RenderAcl(present ? got.value() : "", bucket.owner_account));
  }
  if (kind.query == "policy") {
    if (!present) return NotConfigured(c, kind);
    http::Response r;
    r.headers.Set("Content-Type", "application/json");
    r.body = got.value();
    return r;
  }
  if (kind.query == "object-lock" && !present && bucket.object_lock_enabled) {
    XmlWriter w("ObjectLockConfiguration", true);
    w.Element("ObjectLockEnabled", "Enabled");
    return XmlResponse(c, w.Finish());
  }
  if (!present) {
    if (kind.not_found != S3Error::kCount_) return NotConfigured(c, kind);
    return XmlResponse(c, DefaultConfigDocument(kind));
  }
  http::Response r = XmlResponse(c, got.value());
  if (kind.query == "lifecycle") {
    auto minimum = c.store().GetBucketConfig(bucket.name, kTransitionMinimumKind);
    r.headers.Set(std::string(kTransitionMinimumHeader),
                  minimum.ok() ? minimum.value() : std::string(kTransitionMinimumDefault));
  }
  return r;
}

http::StartResult DeleteBucketConfig(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const ConfigKind& kind = KindOf(c);
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  if (kind.query == "lifecycle") {
    storage::Status min_st = c.store().DeleteBucketConfig(bucket.name, kTransitionMinimumKind);
    if (!min_st.ok() && min_st.code() != storage::Code::kNotFound) {
      return ErrorResponse(c, StorageError(c, min_st));
    }
  }
  storage::Status st =
      kind.query == "ownershipControls"
          ? c.store().PutBucketConfig(bucket.name, kind.storage_kind, "")
          : c.store().DeleteBucketConfig(bucket.name, kind.storage_kind);
  if (!st.ok() && st.code() != storage::Code::kNotFound) {
    return ErrorResponse(c, StorageError(c, st));
  }
  return Ok(204);
}

// Used by config_versioning.cc: Object Lock pins versioning to Enabled.
bool BucketHasObjectLock(RequestContext& c, const storage::Bucket& b) { return ObjectLockOn(c, b); }

}  // namespace skiff::s3

#include "server/s3/routes.h"

#include <array>

#include "server/s3/addressing.h"

namespace skiff::s3 {
namespace {

using H = Handler;
constexpr Scope kSvc = Scope::kService;
constexpr Scope kBkt = Scope::kBucket;
constexpr Scope kObj = Scope::kObject;

// Method and URI of every row follow botocore's s3 service-2.json. Where two API names share
// one request shape (GetBucketLifecycle / GetBucketLifecycleConfiguration), the current name has
// the row.
constexpr Route kRoutes[] = {
    // --- service ---
    {"GET", kSvc, "", "", "", "ListBuckets", H::kListBuckets},

    // --- bucket, PUT ---
    {"PUT", kBkt, "abac", "", "", "PutBucketAbac", H::kNotImplemented},
    {"PUT", kBkt, "accelerate", "", "", "PutBucketAccelerateConfiguration", H::kPutBucketConfig},
    {"PUT", kBkt, "acl", "", "", "PutBucketAcl", H::kPutBucketConfig},
    {"PUT", kBkt, "analytics", "", "", "PutBucketAnalyticsConfiguration", H::kNotImplemented},
    {"PUT", kBkt, "cors", "", "", "PutBucketCors", H::kPutBucketConfig},
    {"PUT", kBkt, "encryption", "", "", "PutBucketEncryption", H::kPutBucketConfig},
    {"PUT", kBkt, "intelligent-tiering", "", "", "PutBucketIntelligentTieringConfiguration",
     H::kNotImplemented},
    {"PUT", kBkt, "inventory", "", "", "PutBucketInventoryConfiguration", H::kNotImplemented},
    {"PUT", kBkt, "lifecycle", "", "", "PutBucketLifecycleConfiguration", H::kPutBucketConfig},
    {"PUT", kBkt, "logging", "", "", "PutBucketLogging", H::kPutBucketConfig},
    {"PUT", kBkt, "metadataInventoryTable", "", "",
     "UpdateBucketMetadataInventoryTableConfiguration", H::kNotImplemented},
    {"PUT", kBkt, "metadataJournalTable", "", "", "UpdateBucketMetadataJournalTableConfiguration",
     H::kNotImplemented},
    {"PUT", kBkt, "metrics", "", "", "PutBucketMetricsConfiguration", H::kNotImplemented},
    {"PUT", kBkt, "notification", "", "", "PutBucketNotificationConfiguration", H::kPutBucketConfig},
    {"PUT", kBkt, "object-lock", "", "", "PutObjectLockConfiguration", H::kPutBucketConfig},
    {"PUT", kBkt, "ownershipControls", "", "", "PutBucketOwnershipControls", H::kPutBucketConfig},
    {"PUT", kBkt, "policy", "", "", "PutBucketPolicy", H::kPutBucketConfig},
    {"PUT", kBkt, "publicAccessBlock", "", "", "PutPublicAccessBlock", H::kPutBucketConfig},
    {"PUT", kBkt, "replication", "", "", "PutBucketReplication", H::kPutBucketConfig},
    {"PUT", kBkt, "requestPayment", "", "", "PutBucketRequestPayment", H::kPutBucketConfig},
    {"PUT", kBkt, "tagging", "", "", "PutBucketTagging", H::kPutBucketConfig},
    {"PUT", kBkt, "versioning", "", "", "PutBucketVersioning", H::kPutBucketVersioning},
    {"PUT", kBkt, "website", "", "", "PutBucketWebsite", H::kPutBucketConfig},
    {"PUT", kBkt, "", "", "", "CreateBucket", H::kCreateBucket},

    // --- bucket, GET ---
    {"GET", kBkt, "abac", "", "", "GetBucketAbac", H::kNotImplemented},
    {"GET", kBkt, "accelerate", "", "", "GetBucketAccelerateConfiguration", H::kGetBucketConfig},
    {"GET", kBkt, "acl", "", "", "GetBucketAcl", H::kGetBucketConfig},
    {"GET", kBkt, "analytics", "id", "", "GetBucketAnalyticsConfiguration", H::kNotImplemented},
    {"GET", kBkt, "analytics", "", "", "ListBucketAnalyticsConfigurations", H::kNotImplemented},
    {"GET", kBkt, "cors", "", "", "GetBucketCors", H::kGetBucketConfig},
    {"GET", kBkt, "encryption", "", "", "GetBucketEncryption", H::kGetBucketConfig},
    {"GET", kBkt, "intelligent-tiering", "id", "", "GetBucketIntelligentTieringConfiguration",
     H::kNotImplemented},
    {"GET", kBkt, "intelligent-tiering", "", "", "ListBucketIntelligentTieringConfigurations",
     H::kNotImplemented},
    {"GET", kBkt, "inventory", "id", "", "GetBucketInventoryConfiguration", H::kNotImplemented},
    {"GET", kBkt, "inventory", "", "", "ListBucketInventoryConfigurations", H::kNotImplemented},
    {"GET", kBkt, "lifecycle", "", "", "GetBucketLifecycleConfiguration", H::kGetBucketConfig},
    {"GET", kBkt, "location", "", "", "GetBucketLocation", H::kGetBucketLocation},
    {"GET", kBkt, "logging", "", "", "GetBucketLogging", H::kGetBucketConfig},
    {"GET", kBkt, "metadataConfiguration", "", "", "GetBucketMetadataConfiguration",
     H::kNotImplemented},
    {"GET", kBkt, "metadataTable", "", "", "GetBucketMetadataTableConfiguration",
     H::kNotImplemented},
    {"GET", kBkt, "metrics", "id", "", "GetBucketMetricsConfiguration", H::kNotImplemented},
    {"GET", kBkt, "metrics", "", "", "ListBucketMetricsConfigurations", H::kNotImplemented},
    {"GET", kBkt, "notification", "", "", "GetBucketNotificationConfiguration", H::kGetBucketConfig},
    {"GET", kBkt, "object-lock", "", "", "GetObjectLockConfiguration", H::kGetBucketConfig},
    {"GET", kBkt, "ownershipControls", "", "", "GetBucketOwnershipControls", H::kGetBucketConfig},
    {"GET", kBkt, "policy", "", "", "GetBucketPolicy", H::kGetBucketConfig},
    {"GET", kBkt, "policyStatus", "", "", "GetBucketPolicyStatus", H::kGetBucketConfig},
    {"GET", kBkt, "publicAccessBlock", "", "", "GetPublicAccessBlock", H::kGetBucketConfig},
    {"GET", kBkt, "replication", "", "", "GetBucketReplication", H::kGetBucketConfig},
    {"GET", kBkt, "requestPayment", "", "", "GetBucketRequestPayment", H::kGetBucketConfig},
    {"GET", kBkt, "session", "", "", "CreateSession", H::kNotImplemented},
    {"GET", kBkt, "tagging", "", "", "GetBucketTagging", H::kGetBucketConfig},
    {"GET", kBkt, "uploads", "", "", "ListMultipartUploads", H::kListMultipartUploads},
    {"GET", kBkt, "versioning", "", "", "GetBucketVersioning", H::kGetBucketVersioning},
    {"GET", kBkt, "versions", "", "", "ListObjectVersions", H::kListObjectVersions},
    {"GET", kBkt, "website", "", "", "GetBucketWebsite", H::kGetBucketConfig},
    {"GET", kBkt, "list-type=2", "", "", "ListObjectsV2", H::kListObjectsV2},
    {"GET", kBkt, "", "", "", "ListObjects", H::kListObjects},

    // --- bucket, DELETE ---
    {"DELETE", kBkt, "analytics", "", "", "DeleteBucketAnalyticsConfiguration", H::kNotImplemented},
    {"DELETE", kBkt, "cors", "", "", "DeleteBucketCors", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "encryption", "", "", "DeleteBucketEncryption", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "intelligent-tiering", "", "", "DeleteBucketIntelligentTieringConfiguration",
     H::kNotImplemented},
    {"DELETE", kBkt, "inventory", "", "", "DeleteBucketInventoryConfiguration", H::kNotImplemented},
    {"DELETE", kBkt, "lifecycle", "", "", "DeleteBucketLifecycle", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "metadataConfiguration", "", "", "DeleteBucketMetadataConfiguration",
     H::kNotImplemented},
    {"DELETE", kBkt, "metadataTable", "", "", "DeleteBucketMetadataTableConfiguration",
     H::kNotImplemented},
    {"DELETE", kBkt, "metrics", "", "", "DeleteBucketMetricsConfiguration", H::kNotImplemented},
    {"DELETE", kBkt, "ownershipControls", "", "", "DeleteBucketOwnershipControls",
     H::kDeleteBucketConfig},
    {"DELETE", kBkt, "policy", "", "", "DeleteBucketPolicy", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "publicAccessBlock", "", "", "DeletePublicAccessBlock", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "replication", "", "", "DeleteBucketReplication", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "tagging", "", "", "DeleteBucketTagging", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "website", "", "", "DeleteBucketWebsite", H::kDeleteBucketConfig},
    {"DELETE", kBkt, "", "", "", "DeleteBucket", H::kDeleteBucket},

    // --- bucket, HEAD / POST ---
    {"HEAD", kBkt, "", "", "", "HeadBucket", H::kHeadBucket},
    {"POST", kBkt, "delete", "", "", "DeleteObjects", H::kDeleteObjects},
    {"POST", kBkt, "metadataConfiguration", "", "", "CreateBucketMetadataConfiguration",
     H::kNotImplemented},
    {"POST", kBkt, "metadataTable", "", "", "CreateBucketMetadataTableConfiguration",
     H::kNotImplemented},
    // Browser-based form upload (POST Object): not in botocore's model but real S3 has it.
    {"POST", kBkt, "", "", "", "PostObject", H::kPostObject},

    // --- object, PUT ---
    {"PUT", kObj, "acl", "", "", "PutObjectAcl", H::kPutObjectAcl},
    {"PUT", kObj, "encryption", "", "", "UpdateObjectEncryption", H::kNotImplemented},
    {"PUT", kObj, "legal-hold", "", "", "PutObjectLegalHold", H::kNotImplemented},
    {"PUT", kObj, "renameObject", "", "", "RenameObject", H::kNotImplemented},
    {"PUT", kObj, "retention", "", "", "PutObjectRetention", H::kNotImplemented},
    {"PUT", kObj, "tagging", "", "", "PutObjectTagging", H::kPutObjectTagging},
    {"PUT", kObj, "partNumber", "uploadId", "x-amz-copy-source", "UploadPartCopy",
     H::kUploadPartCopy},
    {"PUT", kObj, "partNumber", "uploadId", "", "UploadPart", H::kUploadPart},
    {"PUT", kObj, "", "", "x-amz-copy-source", "CopyObject", H::kCopyObject},
    {"PUT", kObj, "", "", "", "PutObject", H::kPutObject},

    // --- object, GET ---
    {"GET", kObj, "acl", "", "", "GetObjectAcl", H::kGetObjectAcl},
    {"GET", kObj, "attributes", "", "", "GetObjectAttributes", H::kGetObjectAttributes},
    {"GET", kObj, "legal-hold", "", "", "GetObjectLegalHold", H::kNotImplemented},
    {"GET", kObj, "retention", "", "", "GetObjectRetention", H::kNotImplemented},
    {"GET", kObj, "tagging", "", "", "GetObjectTagging", H::kGetObjectTagging},
    {"GET", kObj, "torrent", "", "", "GetObjectTorrent", H::kNotImplemented},
    {"GET", kObj, "uploadId", "", "", "ListParts", H::kListParts},
    {"GET", kObj, "", "", "", "GetObject", H::kGetObject},

    // --- object, HEAD / DELETE / POST ---
    {"HEAD", kObj, "", "", "", "HeadObject", H::kHeadObject},
    {"DELETE", kObj, "tagging", "", "", "DeleteObjectTagging", H::kDeleteObjectTagging},
    {"DELETE", kObj, "uploadId", "", "", "AbortMultipartUpload", H::kAbortMultipartUpload},
    {"DELETE", kObj, "", "", "", "DeleteObject", H::kDeleteObject},
    {"POST", kObj, "restore", "", "", "RestoreObject", H::kNotImplemented},
    {"POST", kObj, "select", "", "", "SelectObjectContent", H::kNotImplemented},
    {"POST", kObj, "uploads", "", "", "CreateMultipartUpload", H::kCreateMultipartUpload},
    {"POST", kObj, "uploadId", "", "", "CompleteMultipartUpload", H::kCompleteMultipartUpload},

    // --- CORS preflight: browsers send it unsigned (see AllowsAnonymous) ---
    {"OPTIONS", kBkt, "", "", "", "PreflightBucket", H::kPreflight},
    {"OPTIONS", kObj, "", "", "", "PreflightObject", H::kPreflight},
};

bool QueryRequirementMet(std::string_view requirement, const QueryParams& query) {
  if (requirement.empty()) return true;
  size_t eq = requirement.find('=');
  if (eq == std::string_view::npos) return query.Has(requirement);
  const std::string* v = query.Find(requirement.substr(0, eq));
  return v != nullptr && *v == requirement.substr(eq + 1);
}

}  // namespace

bool QueryParams::Parse(std::string_view raw) {
  params_.clear();
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    auto n = PercentDecode(name, /*plus_is_space=*/true);
    auto v = PercentDecode(value, /*plus_is_space=*/true);
    if (!n || !v || !IsValidUtf8(*n) || !IsValidUtf8(*v)) return false;
    params_.emplace_back(std::move(*n), std::move(*v));
  }
  return true;
}

const std::string* QueryParams::Find(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::string_view QueryParams::Get(std::string_view name) const {
  const std::string* v = Find(name);
  return v ? std::string_view(*v) : std::string_view();
}

std::span<const Route> RouteTable() { return kRoutes; }

bool AllowsAnonymous(const Route& route) {
  return route.method == "OPTIONS" || route.handler == Handler::kPostObject;
}

bool RouteMatches(const Route& route, std::string_view method, Scope scope,
                  const QueryParams& query, const http::Headers& headers) {
  return route.method == method && route.scope == scope &&
         QueryRequirementMet(route.query1, query) && QueryRequirementMet(route.query2, query) &&
         (route.header.empty() || headers.Has(route.header));
}

const Route* MatchRoute(std::string_view method, Scope scope, const QueryParams& query,
                        const http::Headers& headers) {
  for (const Route& r : kRoutes) {
    if (RouteMatches(r, method, scope, query, headers)) return &r;
  }
  return nullptr;
}

}  // namespace skiff::s3

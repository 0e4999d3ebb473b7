// Per-request state shared by the S3 operations, and the helpers every operation uses to
// answer: success and error responses carry the same request ids, headers and journal record.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/common/auth.h"
#include "server/common/config.h"
#include "server/common/credentials.h"
#include "server/common/request_log.h"
#include "server/http/message.h"
#include "server/s3/addressing.h"
#include "server/s3/errors.h"
#include "server/s3/routes.h"
#include "server/s3/service.h"
#include "storage/object_store.h"

namespace skiff::s3 {

struct RequestContext {
  http::Request request;  // a copy: an Exchange outlives the session's Start() call
  ServiceDeps deps;
  Target target;
  QueryParams query;
  const Route* route = nullptr;
  common::AuthOutcome auth;
  common::RequestRecord record;
  std::string request_id;
  std::string host_id;
  // Set by Authorize when another account's bucket policy grants this caller: ResolveBucket
  // then serves the bucket instead of answering 403.
  bool bucket_policy_grants_access = false;

  bool head() const { return request.method == "HEAD"; }
  // The SigV4 scope region: the region the request was sent to.
  const std::string& region() const { return auth.principal.region; }
  const std::string& account() const { return auth.principal.account_id; }
  storage::ObjectStore& store() const { return *deps.objects; }
};

using Ctx = std::shared_ptr<RequestContext>;

// Adds the headers every S3 response carries, records the status and arranges the access-log
// line for when the response has been written.
http::Response Finalize(RequestContext& ctx, http::Response response);

// An error answer: the XML body (none for HEAD), Content-Type and any extra headers.
http::Response ErrorResponse(RequestContext& ctx, const ErrorReply& reply);

// 200 with an XML body.
http::Response XmlResponse(RequestContext& ctx, std::string body, int status = 200);

// Loads the addressed bucket and applies the checks every bucket-scoped operation shares:
// NoSuchBucket, 301 PermanentRedirect to the bucket's region, 403 for another account's bucket.
// `check_region` false for operations that answer from any region (GetBucketLocation).
std::optional<ErrorReply> ResolveBucket(RequestContext& ctx, storage::Bucket* bucket,
                                        bool check_region = true);

// Storage failure -> reply, with the resource elements S3 sends for it.
ErrorReply StorageError(const RequestContext& ctx, const storage::Status& status);

// Authentication failure -> reply (SignatureDoesNotMatch with its diagnostic elements, ...).
ErrorReply AuthErrorReply(const RequestContext& ctx);

// S3's own rules for a request whose signature verified: credentials scoped to service "s3",
// and x-amz-content-sha256 present on header-signed requests.
std::optional<ErrorReply> CheckS3Signing(const RequestContext& ctx);

// Bucket configuration document holding the Object Ownership setting; absent means S3's default
// for new buckets, BucketOwnerEnforced (ACLs disabled).
inline constexpr std::string_view kOwnershipConfig = "ownership";
inline constexpr std::string_view kOwnerEnforced = "BucketOwnerEnforced";

// --- operations (one function per S3 operation, grouped by family in *_ops.cc) ---
http::StartResult ListBuckets(const Ctx& ctx);
http::StartResult CreateBucket(const Ctx& ctx);
http::StartResult HeadBucket(const Ctx& ctx);
http::StartResult DeleteBucket(const Ctx& ctx);
http::StartResult GetBucketLocation(const Ctx& ctx);
http::StartResult ListObjects(const Ctx& ctx, bool v2);
http::StartResult PutObject(const Ctx& ctx);
http::StartResult GetObject(const Ctx& ctx);  // GET and HEAD
http::StartResult DeleteObject(const Ctx& ctx);
// Bucket configuration (config_ops.cc, config_versioning.cc): the route's operation names the
// document.
http::StartResult PutBucketConfig(const Ctx& ctx);
http::StartResult GetBucketConfig(const Ctx& ctx);
http::StartResult DeleteBucketConfig(const Ctx& ctx);
http::StartResult PutBucketVersioning(const Ctx& ctx);
http::StartResult GetBucketVersioning(const Ctx& ctx);
// CORS (config_cors.cc): OPTIONS preflight, and the Access-Control-* headers that Finalize
// adds to real responses whose Origin matches a rule of the bucket.
http::StartResult CorsPreflight(const Ctx& ctx);
void AddCorsHeaders(RequestContext& ctx, http::Response* response);
// Object sub-resources (config_object_ops.cc).
http::StartResult PutObjectTagging(const Ctx& ctx);
http::StartResult GetObjectTagging(const Ctx& ctx);
http::StartResult DeleteObjectTagging(const Ctx& ctx);
http::StartResult PutObjectAcl(const Ctx& ctx);
http::StartResult GetObjectAcl(const Ctx& ctx);
http::StartResult GetObjectAttributes(const Ctx& ctx);

}  // namespace skiff::s3

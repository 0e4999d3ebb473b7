// The S3 route table: which operation a request names, read top to bottom. A row matches when
// the method and scope agree and every required query parameter (and header) is present; the
// first matching row wins, so rows naming a sub-resource come before the generic row of their
// method and scope. Operations not built yet have rows answering 501 NotImplemented, so a
// request for them never falls through to a generic row and gets a wrong 200.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/message.h"

namespace skiff::s3 {

enum class Scope { kService, kBucket, kObject };

// Handlers built so far; everything else routes to kNotImplemented.
enum class Handler {
  kNotImplemented,
  kListBuckets,
  kCreateBucket,
  kHeadBucket,
  kDeleteBucket,
  kGetBucketLocation,
  kListObjects,
  kListObjectsV2,
  kPutObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  // Bucket configuration documents (s3-config): the row's operation names the document.
  kPutBucketConfig,
  kGetBucketConfig,
  kDeleteBucketConfig,
  kPutBucketVersioning,
  kGetBucketVersioning,
  kPreflight,
  kPutObjectTagging,
  kGetObjectTagging,
  kDeleteObjectTagging,
  kPutObjectAcl,
  kGetObjectAcl,
  kGetObjectAttributes,
  // Multipart uploads, copies, batch deletes, version listing (s3-objects).
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kListMultipartUploads,
  kCopyObject,
  kDeleteObjects,
  kListObjectVersions,
  kPostObject,
};

struct Route {
  std::string_view method;
  Scope scope;
  // Required query parameters: "name" (present, any value) or "name=value". Up to two.
  std::string_view query1;
  std::string_view query2;
  std::string_view header;     // required request header ("" = none)
  std::string_view operation;  // the S3 API operation name
  Handler handler;
};

// Decoded query parameters in request order. '+' decodes to a space, as S3 does for queries.
class QueryParams {
 public:
  QueryParams() = default;
  // Returns false on a malformed percent escape or a name or value that is not UTF-8 (S3's
  // InvalidURI; such bytes would otherwise be echoed into listings as invalid XML).
  bool Parse(std::string_view raw_query);
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  const std::string* Find(std::string_view name) const;
  std::string_view Get(std::string_view name) const;
  void Add(std::string name, std::string value) {
    params_.emplace_back(std::move(name), std::move(value));
  }
  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

std::span<const Route> RouteTable();

// First row matching the request, or nullptr (the caller answers MethodNotAllowed).
const Route* MatchRoute(std::string_view method, Scope scope, const QueryParams& query,
                        const http::Headers& headers);

// Whether the operation is answered without authentication: CORS preflight requests, which
// browsers never sign, and browser form uploads (PostObject), whose signed policy travels in the
// form and is checked by the operation. Everything else without credentials is 403 AccessDenied.
bool AllowsAnonymous(const Route& route);

// Whether `route` accepts the request (exposed for the table test).
bool RouteMatches(const Route& route, std::string_view method, Scope scope,
                  const QueryParams& query, const http::Headers& headers);

}  // namespace skiff::s3

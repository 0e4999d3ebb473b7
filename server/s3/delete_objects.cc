// DeleteObjects (POST ?delete): up to 1000 keys (or versions) per request, Quiet mode.

#include "server/common/clock.h"
#include "server/s3/addressing.h"
#include "server/s3/authorize.h"
#include "server/s3/integrity.h"
#include "server/s3/object_ops.h"
#include "server/s3/request_bodies.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

// 1000 keys of up to 1024 bytes each, escaped, with versions: well under this.
constexpr size_t kMaxDeleteBody = 8 * 1024 * 1024;

http::Response DeleteWithBody(RequestContext& c, const storage::Bucket& bucket,
                              const std::string& body) {
  bool quiet = false;
  std::vector<DeleteTarget> targets;
  if (!ParseDeleteBody(body, &quiet, &targets)) {
    return ErrorResponse(c, ErrorReply(S3Error::kMalformedXML));
  }
  XmlWriter w("DeleteResult", true);
  for (const DeleteTarget& t : targets) {
    // S3 authorizes each key: a denied key is an <Error> of the result, not a failed request.
    std::optional<ErrorReply> denied = AuthorizePermission(
        c, {t.has_version ? "s3:DeleteObjectVersion" : "s3:DeleteObject", bucket.name, t.key});
    auto result = denied || (t.has_version && t.version_id.empty())
                      ? storage::Result<storage::DeleteObjectResult>(storage::Code::kNotFound, "")
                      : c.store().DeleteObject(bucket.name, t.key, t.version_id,
                                               common::NowMillis());
    if (!result.ok()) {
      ErrorReply reply = denied ? *denied
                         : t.has_version && result.code() == storage::Code::kNotFound
                             ? ErrorReply(S3Error::kNoSuchVersion)
                             : StorageError(c, result.status());
      w.Open("Error");
      w.Element("Key", t.key);
      if (t.has_version) w.Element("VersionId", t.version_id);
      w.Element("Code", reply.code());
      w.Element("Message", reply.effective_message());
      w.Close();
      continue;
    }
    if (quiet) continue;
    w.Open("Deleted");
    w.Element("Key", t.key);
    if (t.has_version) w.Element("VersionId", t.version_id);
    if (result->delete_marker) {
      w.Element("DeleteMarker", "true");
      w.Element("DeleteMarkerVersionId", result->version_id);
    }
    w.Close();
  }
  return XmlResponse(c, w.Finish());
}

}  // namespace

http::StartResult DeleteObjects(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  // S3 requires Content-MD5 or an x-amz-checksum-* header on DeleteObjects (a trailer counts).
  if (!HasIntegrityHeader(c.request.headers, /*trailer_counts=*/true)) {
    return ErrorResponse(c, MissingIntegrityHeader());
  }
  Ctx keep = ctx;
  return std::unique_ptr<http::Exchange>(std::make_unique<http::BufferedExchange>(
      kMaxDeleteBody,
      [keep, bucket](std::string body) {
        if (auto err = VerifyWholeBody(keep->request.headers, body, /*md5_digest_fields=*/false)) {
          return ErrorResponse(*keep, *err);
        }
        return DeleteWithBody(*keep, bucket, body);
      },
      [keep] { return ErrorResponse(*keep, ErrorReply(S3Error::kMaxMessageLengthExceeded)); }));
}

}  // namespace skiff::s3

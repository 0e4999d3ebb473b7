// PutBucketVersioning / GetBucketVersioning. MFA Delete is accepted in the document and ignored:
// Skiff has no MFA devices to check it against.
#include <string>

#include "server/s3/config_common.h"
#include "server/s3/request_bodies.h"
#include "server/s3/xml.h"

namespace skiff::s3 {

http::StartResult PutBucketVersioning(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  return ReceiveBody(ctx, false, [bucket](RequestContext& rc, std::string body) {
    std::string value;
    switch (ParseVersioningBody(body, &value)) {
      case VersioningBody::kEmpty:
        return ErrorResponse(rc, ErrorReply(S3Error::kMissingRequestBodyError));
      case VersioningBody::kMalformed:
        return ErrorResponse(rc, ErrorReply(S3Error::kMalformedXML));
      case VersioningBody::kOk:
        break;
    }
    if (value.empty()) return http::Response();  // no Status: nothing to change
    if (value == "Suspended" && BucketHasObjectLock(rc, bucket)) {
      return ErrorResponse(rc, ErrorReply(S3Error::kInvalidBucketState,
                                          "An Object Lock configuration is present on this "
                                          "bucket, so the versioning state cannot be changed."));
    }
    storage::Status st = rc.store().SetBucketVersioning(bucket.name, value);
    if (!st.ok()) return ErrorResponse(rc, StorageError(rc, st));
    return http::Response();
  });
}

http::StartResult GetBucketVersioning(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  // Never enabled: S3 answers the configuration without a Status.
  if (bucket.versioning.empty()) {
    return XmlResponse(c, std::string(kXmlDeclaration) + "<VersioningConfiguration xmlns=\"" +
                              std::string(kS3Namespace) + "\"/>");
  }
  XmlWriter w("VersioningConfiguration", true);
  w.Element("Status", bucket.versioning);
  return XmlResponse(c, w.Finish());
}

}  // namespace skiff::s3

// PutBucketVersioning / GetBucketVersioning. MFA Delete is accepted in the document and ignored:
// Skiff has no MFA devices to check it against.
#include <pugixml.hpp>
#include <string>

#include "server/s3/config_common.h"
#include "server/s3/xml.h"

namespace skiff::s3 {

http::StartResult PutBucketVersioning(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  return ReceiveBody(ctx, false, [bucket](RequestContext& rc, std::string body) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
      return ErrorResponse(rc, ErrorReply(S3Error::kMissingRequestBodyError));
    }
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size()) ||
        std::string_view(doc.document_element().name()) != "VersioningConfiguration") {
      return ErrorResponse(rc, ErrorReply(S3Error::kMalformedXML));
    }
    pugi::xml_node root = doc.document_element();
    for (pugi::xml_node child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      std::string_view name = child.name();
      if (name != "Status" && name != "MfaDelete") {
        return ErrorResponse(rc, ErrorReply(S3Error::kMalformedXML));
      }
    }
    pugi::xml_node mfa = root.child("MfaDelete");
    if (mfa && std::string_view(mfa.text().as_string()) != "Enabled" &&
        std::string_view(mfa.text().as_string()) != "Disabled") {
      return ErrorResponse(rc, ErrorReply(S3Error::kMalformedXML));
    }
    pugi::xml_node status = root.child("Status");
    if (!status) return http::Response();  // nothing to change
    std::string value = status.text().as_string();
    if (value != "Enabled" && value != "Suspended") {
      return ErrorResponse(rc, ErrorReply(S3Error::kMalformedXML));
    }
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

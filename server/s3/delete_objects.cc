// DeleteObjects (POST ?delete): up to 1000 keys (or versions) per request, Quiet mode.
#include <pugixml.hpp>

#include "server/common/clock.h"
#include "server/s3/object_ops.h"
#include "server/s3/xml.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {
namespace {

constexpr size_t kMaxDeleteKeys = 1000;
// 1000 keys of up to 1024 bytes each, escaped, with versions: well under this.
constexpr size_t kMaxDeleteBody = 8 * 1024 * 1024;

constexpr sigv4::ChecksumAlgorithm kBodyChecksums[] = {
    sigv4::ChecksumAlgorithm::kCrc32, sigv4::ChecksumAlgorithm::kCrc32c,
    sigv4::ChecksumAlgorithm::kCrc64Nvme, sigv4::ChecksumAlgorithm::kSha1,
    sigv4::ChecksumAlgorithm::kSha256};

// S3 requires Content-MD5 or an x-amz-checksum-* header on DeleteObjects (a trailer counts).
bool HasIntegrity(const http::Headers& h) {
  if (h.Has("Content-MD5") || h.Has("x-amz-trailer")) return true;
  for (sigv4::ChecksumAlgorithm a : kBodyChecksums) {
    if (h.Has(sigv4::ChecksumHeaderName(a))) return true;
  }
  return false;
}

std::optional<ErrorReply> VerifyBody(const http::Headers& h, const std::string& body) {
  if (const std::string* md5 = h.Find("Content-MD5")) {
    auto raw = sigv4::Base64Decode(*md5);
    if (!raw || raw->size() != 16) return ErrorReply(S3Error::kInvalidDigest);
    sigv4::Checksum sum(sigv4::ChecksumAlgorithm::kMd5);
    sum.Update(body);
    if (sum.Digest() != *raw) return ErrorReply(S3Error::kBadDigest);
  }
  for (sigv4::ChecksumAlgorithm a : kBodyChecksums) {
    const std::string* v = h.Find(sigv4::ChecksumHeaderName(a));
    if (!v) continue;
    sigv4::Checksum sum(a);
    sum.Update(body);
    if (sigv4::Base64Encode(sum.Digest()) != *v) {
      return ErrorReply(S3Error::kBadDigest,
                        ChecksumMismatchMessage(sigv4::ChecksumAlgorithmName(a)));
    }
  }
  return std::nullopt;
}

struct DeleteTarget {
  std::string key;
  std::string version_id;
  bool has_version = false;
};

// False if the body is not a Delete document with 1..1000 objects.
bool ParseDeleteBody(const std::string& body, bool* quiet, std::vector<DeleteTarget>* targets) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "Delete") return false;
  *quiet = std::string_view(root.child("Quiet").text().as_string()) == "true";
  for (pugi::xml_node o : root.children("Object")) {
    pugi::xml_node key = o.child("Key");
    if (!key) return false;
    DeleteTarget t;
    t.key = key.text().as_string();
    if (pugi::xml_node v = o.child("VersionId")) {
      t.version_id = v.text().as_string();
      t.has_version = true;
    }
    targets->push_back(std::move(t));
  }
  return !targets->empty() && targets->size() <= kMaxDeleteKeys;
}

http::Response DeleteWithBody(RequestContext& c, const storage::Bucket& bucket,
                              const std::string& body) {
  bool quiet = false;
  std::vector<DeleteTarget> targets;
  if (!ParseDeleteBody(body, &quiet, &targets)) {
    return ErrorResponse(c, ErrorReply(S3Error::kMalformedXML));
  }
  XmlWriter w("DeleteResult", true);
  for (const DeleteTarget& t : targets) {
    auto result = t.has_version && t.version_id.empty()
                      ? storage::Result<storage::DeleteObjectResult>(storage::Code::kNotFound, "")
                      : c.store().DeleteObject(bucket.name, t.key, t.version_id,
                                               common::NowMillis());
    if (!result.ok()) {
      ErrorReply reply = t.has_version && result.code() == storage::Code::kNotFound
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
  if (!HasIntegrity(c.request.headers)) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "Missing required header for this request: Content-MD5"));
  }
  Ctx keep = ctx;
  return std::unique_ptr<http::Exchange>(std::make_unique<http::BufferedExchange>(
      kMaxDeleteBody,
      [keep, bucket](std::string body) {
        if (auto err = VerifyBody(keep->request.headers, body)) return ErrorResponse(*keep, *err);
        return DeleteWithBody(*keep, bucket, body);
      },
      [keep] { return ErrorResponse(*keep, ErrorReply(S3Error::kMaxMessageLengthExceeded)); }));
}

}  // namespace skiff::s3

// CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts
// and ListMultipartUploads.

#include <charconv>
#include <string>
#include <vector>

#include "server/common/clock.h"
#include "server/s3/body_receiver.h"
#include "server/s3/listing.h"
#include "server/s3/multipart_checksum.h"
#include "server/s3/object_headers.h"
#include "server/s3/object_ops.h"
#include "server/s3/owner.h"
#include "server/s3/request_bodies.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

constexpr size_t kMaxCompleteBody = 4 * 1024 * 1024;  // 10000 parts with checksums fit
constexpr uint32_t kMaxParts = 10000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

ErrorReply InvalidArgument(std::string message, std::string name, std::string value) {
  return ErrorReply(S3Error::kInvalidArgument, std::move(message))
      .Field("ArgumentName", std::move(name))
      .Field("ArgumentValue", std::move(value));
}

ErrorReply NoSuchUpload(const RequestContext& c) {
  return ErrorReply(S3Error::kNoSuchUpload).Field("UploadId", std::string(c.query.Get("uploadId")));
}

// The per-part checksum algorithm of an upload: its own, or CRC64NVME (what S3 computes when
// the client chose none).
sigv4::ChecksumAlgorithm PartAlgorithm(const storage::MultipartUpload& upload) {
  if (auto a = sigv4::ParseChecksumAlgorithm(upload.checksum_algorithm)) return *a;
  return sigv4::ChecksumAlgorithm::kCrc64Nvme;
}

// "ChecksumCRC32" for CRC32, as the XML element names read.
std::string ChecksumElement(std::string_view algorithm) { return "Checksum" + std::string(algorithm); }

// Parses a non-negative integer query parameter; nullopt if absent, error if malformed.
std::optional<ErrorReply> IntParam(const RequestContext& c, std::string_view name, int64_t* out) {
  const std::string* v = c.query.Find(name);
  if (!v) return std::nullopt;
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || ptr != v->data() + v->size() || n > INT32_MAX) {
    return InvalidArgument("Provided " + std::string(name) +
                               " not an integer or within integer range",
                           std::string(name), *v);
  }
  if (n < 0) {
    return InvalidArgument("Argument " + std::string(name) +
                               " must be an integer between 0 and 2147483647",
                           std::string(name), *v);
  }
  *out = n;
  return std::nullopt;
}

void Owner(XmlWriter& w, std::string_view element, std::string_view account) {
  w.Open(element);
  w.Element("ID", CanonicalUserId(account));
  w.Element("DisplayName", OwnerDisplayName(account));
  w.Close();
}

std::string ObjectLocation(const RequestContext& c) {
  std::string host(c.request.headers.Get("Host"));
  std::string key = S3UrlEncode(c.target.key);
  if (host.starts_with(c.target.bucket + ".")) return "http://" + host + "/" + key;
  return "http://" + host + "/" + c.target.bucket + "/" + key;
}

class UploadPartExchange : public http::Exchange {
 public:
  UploadPartExchange(Ctx ctx, BodyPlan plan, storage::MultipartUpload upload, uint32_t number)
      : ctx_(ctx),
        receiver_(ctx, std::move(plan), kMaxPartBytes),
        upload_(std::move(upload)),
        number_(number) {}

  bool OnBody(std::string_view data) override { return receiver_.OnBody(data); }

  http::Response Finish() override {
    RequestContext& c = *ctx_;
    if (auto err = receiver_.Finish()) return ErrorResponse(c, *err);
    const bool own_algorithm = receiver_.plan().checksum == PartAlgorithm(upload_);
    storage::PutPartInput in;
    in.bucket = upload_.bucket;
    in.key = upload_.key;
    in.upload_id = upload_.upload_id;
    in.part_number = number_;
    in.blob = receiver_.blob();
    in.etag = receiver_.md5_hex();
    in.checksum_value = own_algorithm ? receiver_.checksum_value() : std::string();
    in.now_ms = common::NowMillis();
    auto put = Multipart(c).PutPart(in);
    if (!put.ok()) {
      if (put.code() == storage::Code::kUploadNotFound) return ErrorResponse(c, NoSuchUpload(c));
      return ErrorResponse(c, StorageError(c, put.status()));
    }
    http::Response r;
    r.headers.Set("ETag", QuotedEtag(in.etag));
    if (receiver_.plan().checksum_requested || !upload_.checksum_algorithm.empty()) {
      r.headers.Set(sigv4::ChecksumHeaderName(receiver_.plan().checksum),
                    receiver_.checksum_value());
    }
    AddSseHeaders(upload_.attributes, &r.headers);
    return r;
  }

 private:
  Ctx ctx_;
  BodyReceiver receiver_;
  storage::MultipartUpload upload_;
  uint32_t number_;
};

http::Response CompleteWithBody(RequestContext& c, const storage::Bucket& bucket,
                                const storage::MultipartUpload& upload, const std::string& body) {
  std::vector<CompletePart> requested;
  if (!ParseCompleteBody(body, upload.checksum_algorithm, &requested)) {
    return ErrorResponse(c, ErrorReply(S3Error::kMalformedXML));
  }
  for (size_t i = 1; i < requested.size(); ++i) {
    if (requested[i].number <= requested[i - 1].number) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidPartOrder)
                                  .Field("UploadId", upload.upload_id));
    }
  }
  storage::ListPartsInput list;
  list.bucket = bucket.name;
  list.key = c.target.key;
  list.upload_id = upload.upload_id;
  list.max_parts = kMaxParts;
  auto listed = Multipart(c).ListParts(list);
  if (!listed.ok()) {
    if (listed.code() == storage::Code::kUploadNotFound) return ErrorResponse(c, NoSuchUpload(c));
    return ErrorResponse(c, StorageError(c, listed.status()));
  }
  std::vector<const storage::PartRecord*> chosen;
  for (const CompletePart& want : requested) {
    const storage::PartRecord* found = nullptr;
    for (const storage::PartRecord& p : listed->parts) {
      if (p.part_number == want.number) found = &p;
    }
    if (!found || found->etag != want.etag) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidPart)
                                  .Field("UploadId", upload.upload_id)
                                  .Field("PartNumber", std::to_string(want.number))
                                  .Field("ETag", want.etag));
    }
    chosen.push_back(found);
  }
  for (size_t i = 0; i + 1 < chosen.size(); ++i) {
    if (chosen[i]->size < kMinPartBytes) {
      return ErrorResponse(c, ErrorReply(S3Error::kEntityTooSmall)
                                  .Field("ProposedSize", std::to_string(chosen[i]->size))
                                  .Field("MinSizeAllowed", std::to_string(kMinPartBytes))
                                  .Field("PartNumber", std::to_string(chosen[i]->part_number))
                                  .Field("ETag", chosen[i]->etag));
    }
  }
  const std::string lower_algorithm = Lower(upload.checksum_algorithm);
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (upload.checksum_algorithm.empty()) break;
    if (!requested[i].checksum) {
      return ErrorResponse(
          c, ErrorReply(S3Error::kInvalidRequest,
                        "The upload was created using a " + lower_algorithm +
                            " checksum. The complete request must include the checksum for each "
                            "part. It was missing for part " +
                            std::to_string(requested[i].number) + " in the request."));
    }
    if (*requested[i].checksum != chosen[i]->checksum_value) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidPart)
                                  .Field("UploadId", upload.upload_id)
                                  .Field("PartNumber", std::to_string(requested[i].number))
                                  .Field("ETag", requested[i].etag));
    }
  }

  std::vector<std::string> etags, checksums;
  std::vector<uint64_t> sizes;
  bool all_checksums = true;
  for (const storage::PartRecord* p : chosen) {
    etags.push_back(p->etag);
    checksums.push_back(p->checksum_value);
    sizes.push_back(p->size);
    if (p->checksum_value.empty()) all_checksums = false;
  }
  storage::CompleteUploadInput in;
  in.bucket = bucket.name;
  in.key = c.target.key;
  in.upload_id = upload.upload_id;
  for (const CompletePart& p : requested) in.part_numbers.push_back(p.number);
  storage::PutObjectInput& object = in.object;
  object.bucket = bucket.name;
  object.key = c.target.key;
  object.etag = MultipartEtag(etags).value_or("");
  object.owner_account = upload.owner_account;
  object.attributes = upload.attributes;
  object.storage_class = upload.storage_class;
  object.now_ms = common::NowMillis();
  const sigv4::ChecksumAlgorithm algorithm = PartAlgorithm(upload);
  const std::string type = upload.checksum_type.empty() ? "FULL_OBJECT" : upload.checksum_type;
  if (all_checksums) {
    std::optional<std::string> value = type == "COMPOSITE"
                                           ? CompositeChecksum(algorithm, checksums)
                                           : FullObjectChecksum(algorithm, checksums, sizes);
    if (value) {
      object.checksum_algorithm = std::string(sigv4::ChecksumAlgorithmName(algorithm));
      object.checksum_value = *value;
      object.checksum_type = type;
    }
  }
  if (const std::string* inm = c.request.headers.Find("If-None-Match")) {
    object.condition.if_none_match_any = *inm == "*";
  }
  if (const std::string* im = c.request.headers.Find("If-Match")) {
    std::string_view v = *im;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    object.condition.if_match_etag = std::string(v);
  }
  auto done = Multipart(c).CompleteUpload(in);
  if (!done.ok()) {
    switch (done.code()) {
      case storage::Code::kUploadNotFound:
        return ErrorResponse(c, NoSuchUpload(c));
      case storage::Code::kInvalidArgument:  // a part was replaced or vanished meanwhile
        return ErrorResponse(c, ErrorReply(S3Error::kInvalidPart)
                                    .Field("UploadId", upload.upload_id));
      case storage::Code::kPreconditionFailed:
        return ErrorResponse(c, ErrorReply(S3Error::kPreconditionFailed)
                                    .Field("Condition", object.condition.if_match_etag
                                                            ? "If-Match"
                                                            : "If-None-Match"));
      case storage::Code::kNotFound:
        return ErrorResponse(c, ErrorReply(S3Error::kNoSuchKey).Field("Key", c.target.key));
      default:
        return ErrorResponse(c, StorageError(c, done.status()));
    }
  }
  XmlWriter w("CompleteMultipartUploadResult", true);
  w.Element("Location", ObjectLocation(c));
  w.Element("Bucket", bucket.name);
  w.Element("Key", c.target.key);
  w.Element("ETag", QuotedEtag(done->etag));
  if (!done->checksum_algorithm.empty()) {
    w.Element(ChecksumElement(done->checksum_algorithm), done->checksum_value);
    w.Element("ChecksumType", done->checksum_type);
  }
  http::Response r = XmlResponse(c, w.Finish());
  if (!bucket.versioning.empty()) r.headers.Set("x-amz-version-id", done->version_id);
  AddSseHeaders(upload.attributes, &r.headers);
  return r;
}

}  // namespace

storage::MultipartStore& Multipart(RequestContext& c) {
  storage::MultipartStore* store = c.store().multipart();
  if (store == nullptr) throw std::runtime_error("the object store has no multipart support");
  return *store;
}

std::optional<ErrorReply> ResolveUpload(RequestContext& c, const storage::Bucket& bucket,
                                        storage::MultipartUpload* upload) {
  auto got = Multipart(c).GetUpload(bucket.name, c.target.key, c.query.Get("uploadId"));
  if (got.code() == storage::Code::kUploadNotFound) return NoSuchUpload(c);
  if (!got.ok()) return StorageError(c, got.status());
  *upload = std::move(got.value());
  return std::nullopt;
}

std::optional<ErrorReply> ParsePartNumber(const RequestContext& c, uint32_t* part_number) {
  std::string_view text = c.query.Get("partNumber");
  uint32_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || n < 1 ||
      n > kMaxParts) {
    return InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                           "partNumber", std::string(text));
  }
  *part_number = n;
  return std::nullopt;
}

std::optional<ErrorReply> ResolvePart(RequestContext& c, storage::Bucket* bucket,
                                      uint32_t* part_number, storage::MultipartUpload* upload) {
  if (auto err = ResolveBucket(c, bucket)) return err;
  if (auto err = ParsePartNumber(c, part_number)) return err;
  return ResolveUpload(c, *bucket, upload);
}

http::StartResult CreateMultipartUpload(const Ctx& ctx) {
  RequestContext& c = *ctx;
  const http::Headers& h = c.request.headers;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  ObjectSettings settings;
  if (auto err = CollectObjectSettings(h, &settings)) return ErrorResponse(c, *err);
  if (auto err = CheckObjectAcl(c, bucket.name)) return ErrorResponse(c, *err);

  storage::MultipartUpload upload;
  upload.bucket = bucket.name;
  upload.key = c.target.key;
  upload.initiated_ms = common::NowMillis();
  upload.owner_account = c.account();
  upload.attributes = std::move(settings.attributes);
  upload.storage_class = settings.storage_class;
  std::string_view algorithm = h.Get("x-amz-checksum-algorithm");
  std::string_view type = h.Get("x-amz-checksum-type");
  if (!algorithm.empty()) {
    auto a = sigv4::ParseChecksumAlgorithm(algorithm);
    if (!a || *a == sigv4::ChecksumAlgorithm::kMd5) {
      return ErrorResponse(c, InvalidArgument("Checksum algorithm provided is unsupported. Please "
                                              "try again with any of the valid types: [CRC32, "
                                              "CRC32C, CRC64NVME, SHA1, SHA256]",
                                              "x-amz-checksum-algorithm", std::string(algorithm)));
    }
    upload.checksum_algorithm = std::string(sigv4::ChecksumAlgorithmName(*a));
    const bool crc64 = *a == sigv4::ChecksumAlgorithm::kCrc64Nvme;
    const bool sha = *a == sigv4::ChecksumAlgorithm::kSha1 || *a == sigv4::ChecksumAlgorithm::kSha256;
    if (type.empty()) type = crc64 ? "FULL_OBJECT" : "COMPOSITE";
    if (type != "FULL_OBJECT" && type != "COMPOSITE") {
      return ErrorResponse(c, InvalidArgument("Value for x-amz-checksum-type header is invalid.",
                                              "x-amz-checksum-type", std::string(type)));
    }
    if ((type == "FULL_OBJECT" && sha) || (type == "COMPOSITE" && crc64)) {
      return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                         "The " + std::string(type) +
                                             " checksum type cannot be used with the " +
                                             Lower(upload.checksum_algorithm) +
                                             " checksum algorithm."));
    }
    upload.checksum_type = std::string(type);
  } else if (!type.empty()) {
    return ErrorResponse(c, ErrorReply(S3Error::kInvalidRequest,
                                       "The x-amz-checksum-type header can only be used with the "
                                       "x-amz-checksum-algorithm header."));
  }
  auto created = Multipart(c).CreateUpload(upload);
  if (!created.ok()) return ErrorResponse(c, StorageError(c, created.status()));

  XmlWriter w("InitiateMultipartUploadResult", true);
  w.Element("Bucket", bucket.name);
  w.Element("Key", c.target.key);
  w.Element("UploadId", created->upload_id);
  http::Response r = XmlResponse(c, w.Finish());
  AddSseHeaders(created->attributes, &r.headers);
  if (!created->checksum_algorithm.empty()) {
    r.headers.Set("x-amz-checksum-algorithm", created->checksum_algorithm);
    r.headers.Set("x-amz-checksum-type", created->checksum_type);
  }
  return r;
}

http::StartResult UploadPart(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  uint32_t number = 0;
  storage::MultipartUpload upload;
  if (auto err = ResolvePart(c, &bucket, &number, &upload)) return ErrorResponse(c, *err);
  BodyPlan plan;
  if (auto err = PlanBody(c, kMaxPartBytes, PartAlgorithm(upload), &plan)) {
    return ErrorResponse(c, *err);
  }
  if (plan.checksum_requested && !upload.checksum_algorithm.empty() &&
      plan.checksum != PartAlgorithm(upload)) {
    return ErrorResponse(
        c, ErrorReply(S3Error::kInvalidRequest,
                      "Checksum Type mismatch occurred, expected checksum Type: " +
                          Lower(upload.checksum_algorithm) + ", actual checksum Type: " +
                          Lower(sigv4::ChecksumAlgorithmName(plan.checksum))));
  }
  return std::unique_ptr<http::Exchange>(
      std::make_unique<UploadPartExchange>(ctx, std::move(plan), std::move(upload), number));
}

http::StartResult CompleteMultipartUpload(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  storage::MultipartUpload upload;
  if (auto err = ResolveUpload(c, bucket, &upload)) return ErrorResponse(c, *err);
  Ctx keep = ctx;
  return std::unique_ptr<http::Exchange>(std::make_unique<http::BufferedExchange>(
      kMaxCompleteBody,
      [keep, bucket, upload](std::string body) {
        return CompleteWithBody(*keep, bucket, upload, body);
      },
      [keep] { return ErrorResponse(*keep, ErrorReply(S3Error::kMaxMessageLengthExceeded)); }));
}

http::StartResult AbortMultipartUpload(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  storage::Status st = Multipart(c).AbortUpload(bucket.name, c.target.key, c.query.Get("uploadId"));
  if (st.code() == storage::Code::kUploadNotFound) return ErrorResponse(c, NoSuchUpload(c));
  if (!st.ok()) return ErrorResponse(c, StorageError(c, st));
  http::Response r;
  r.status = 204;
  return r;
}

http::StartResult ListParts(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  int64_t max_parts = 1000, marker = 0;
  if (auto err = IntParam(c, "max-parts", &max_parts)) return ErrorResponse(c, *err);
  if (auto err = IntParam(c, "part-number-marker", &marker)) return ErrorResponse(c, *err);
  storage::ListPartsInput in;
  in.bucket = bucket.name;
  in.key = c.target.key;
  in.upload_id = std::string(c.query.Get("uploadId"));
  in.after_part = static_cast<uint32_t>(std::min<int64_t>(marker, kMaxParts));
  in.max_parts = static_cast<size_t>(std::min<int64_t>(max_parts, 1000));
  auto listed = Multipart(c).ListParts(in);
  if (listed.code() == storage::Code::kUploadNotFound) return ErrorResponse(c, NoSuchUpload(c));
  if (!listed.ok()) return ErrorResponse(c, StorageError(c, listed.status()));
  const storage::MultipartUpload& upload = listed->upload;

  XmlWriter w("ListPartsResult", true);
  w.Element("Bucket", bucket.name);
  w.Element("Key", c.target.key);
  w.Element("UploadId", upload.upload_id);
  w.Element("PartNumberMarker", std::to_string(marker));
  w.Element("NextPartNumberMarker", std::to_string(listed->next_part_marker));
  w.Element("MaxParts", std::to_string(max_parts));
  w.BoolElement("IsTruncated", listed->truncated);
  for (const storage::PartRecord& p : listed->parts) {
    w.Open("Part");
    w.Element("PartNumber", std::to_string(p.part_number));
    w.Element("LastModified", IsoTimestamp(p.last_modified_ms));
    w.Element("ETag", QuotedEtag(p.etag));
    if (!upload.checksum_algorithm.empty() && !p.checksum_value.empty()) {
      w.Element(ChecksumElement(upload.checksum_algorithm), p.checksum_value);
    }
    w.Element("Size", std::to_string(p.size));
    w.Close();
  }
  Owner(w, "Initiator", upload.owner_account);
  Owner(w, "Owner", upload.owner_account);
  w.Element("StorageClass", StorageClassName(upload.storage_class));
  if (!upload.checksum_algorithm.empty()) {
    w.Element("ChecksumAlgorithm", upload.checksum_algorithm);
    w.Element("ChecksumType", upload.checksum_type);
  }
  return XmlResponse(c, w.Finish());
}

http::StartResult ListMultipartUploads(const Ctx& ctx) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  int64_t max_uploads = 1000;
  if (auto err = IntParam(c, "max-uploads", &max_uploads)) return ErrorResponse(c, *err);
  bool url = false;
  if (const std::string* enc = c.query.Find("encoding-type")) {
    if (*enc != "url") {
      return ErrorResponse(c, InvalidArgument("Invalid Encoding Method specified in Request",
                                              "encoding-type", *enc));
    }
    url = true;
  }
  auto enc = [&](std::string_view s) { return url ? S3UrlEncode(s) : std::string(s); };
  storage::ListUploadsInput in;
  in.bucket = bucket.name;
  in.prefix = std::string(c.query.Get("prefix"));
  in.delimiter = std::string(c.query.Get("delimiter"));
  in.key_marker = std::string(c.query.Get("key-marker"));
  in.upload_id_marker = in.key_marker.empty() ? "" : std::string(c.query.Get("upload-id-marker"));
  in.max_uploads = static_cast<size_t>(std::min<int64_t>(max_uploads, 1000));
  auto listed = Multipart(c).ListUploads(in);
  if (!listed.ok()) return ErrorResponse(c, StorageError(c, listed.status()));

  XmlWriter w("ListMultipartUploadsResult", true);
  w.Element("Bucket", bucket.name);
  w.Element("KeyMarker", enc(in.key_marker));
  w.Element("UploadIdMarker", in.upload_id_marker);
  w.Element("NextKeyMarker", enc(listed->next_key_marker));
  w.Element("NextUploadIdMarker", listed->next_upload_id_marker);
  if (!in.delimiter.empty()) w.Element("Delimiter", enc(in.delimiter));
  w.Element("Prefix", enc(in.prefix));
  w.Element("MaxUploads", std::to_string(max_uploads));
  if (url) w.Element("EncodingType", "url");
  w.BoolElement("IsTruncated", listed->truncated);
  for (const storage::MultipartUpload& u : listed->uploads) {
    w.Open("Upload");
    w.Element("Key", enc(u.key));
    w.Element("UploadId", u.upload_id);
    Owner(w, "Initiator", u.owner_account);
    Owner(w, "Owner", u.owner_account);
    w.Element("StorageClass", StorageClassName(u.storage_class));
    w.Element("Initiated", IsoTimestamp(u.initiated_ms));
    if (!u.checksum_algorithm.empty()) {
      w.Element("ChecksumAlgorithm", u.checksum_algorithm);
      w.Element("ChecksumType", u.checksum_type);
    }
    w.Close();
  }
  for (const std::string& p : listed->common_prefixes) {
    w.Open("CommonPrefixes");
    w.Element("Prefix", enc(p));
    w.Close();
  }
  return XmlResponse(c, w.Finish());
}

}  // namespace skiff::s3

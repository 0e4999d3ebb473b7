// PostObject: browser-based uploads (HTML form, multipart/form-data) authorized by a signed
// policy (SigV4: x-amz-signature = HMAC(signing key, base64 policy)). The form fields come
// first and are buffered (S3 allows 20 KB of them); the file field, which must come last, is
// streamed into a blob once the policy has been checked against every field.
#include <openssl/hmac.h>
#include <rapidjson/document.h>

#include <chrono>
#include <ctime>
#include <map>

#include "server/common/clock.h"
#include "server/s3/listing.h"
#include "server/s3/object_headers.h"
#include "server/s3/object_ops.h"
#include "server/s3/xml.h"
#include "sigv4/checksum.h"

namespace skiff::s3 {
namespace {

constexpr size_t kMaxFieldBytes = 20 * 1024;
constexpr uint64_t kMaxPostBytes = 5ull * 1024 * 1024 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

ErrorReply PolicyDenied(std::string why) {
  return ErrorReply(S3Error::kAccessDenied, "Invalid according to Policy: " + why);
}

// The value of `param` ("boundary", "name", "filename") in a header like
// `form-data; name="key"; filename="a.txt"`.
std::optional<std::string> HeaderParam(std::string_view header, std::string_view param) {
  size_t at = 0;
  while ((at = header.find(param, at)) != std::string_view::npos) {
    bool starts = at == 0 || header[at - 1] == ' ' || header[at - 1] == ';';
    size_t eq = at + param.size();
    if (starts && eq < header.size() && header[eq] == '=') {
      std::string_view v = header.substr(eq + 1);
      if (!v.empty() && v.front() == '"') {
        size_t end = v.find('"', 1);
        return std::string(v.substr(1, end == std::string_view::npos ? v.size() : end - 1));
      }
      return std::string(v.substr(0, v.find(';')));
    }
    at = eq;
  }
  return std::nullopt;
}

// "20261122T125500Z"-style ISO 8601 used by policy expirations ("2026-11-22T12:55:00.000Z").
std::optional<int64_t> ParseExpiration(std::string_view s) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

class PostObjectExchange : public http::Exchange {
 public:
  PostObjectExchange(Ctx ctx, std::string boundary)
      : ctx_(std::move(ctx)),
        delimiter_("\r\n--" + boundary),
        first_("--" + boundary + "\r\n"),
        md5_(sigv4::ChecksumAlgorithm::kMd5),
        crc_(sigv4::ChecksumAlgorithm::kCrc64Nvme) {}

  bool OnBody(std::string_view data) override {
    if (error_ || state_ == kDone) return !error_;
    buffer_.append(data);
    Process();
    return !error_;
  }

  http::Response Finish() override {
    RequestContext& c = *ctx_;
    if (!error_ && state_ != kDone) {
      error_ = file_seen_ ? ErrorReply(S3Error::kIncompleteBody)
                          : ErrorReply(S3Error::kInvalidArgument,
                                       "POST requires exactly one file upload per request.")
                                .Field("ArgumentName", "file")
                                .Field("ArgumentValue", "0");
    }
    if (!error_) error_ = CheckLength();
    if (error_) {
      if (blob_) blob_->Abort();
      return ErrorResponse(c, *error_);
    }
    storage::BlobRef ref;
    if (size_ > 0) {
      auto closed = blob_->Close();
      if (!closed.ok()) return ErrorResponse(c, StorageError(c, closed.status()));
      ref = closed.value();
    } else if (blob_) {
      blob_->Abort();
    }
    storage::PutObjectInput in;
    in.bucket = bucket_.name;
    in.key = key_;
    in.blob = ref;
    in.etag = sigv4::HexEncode(md5_.Digest());
    in.owner_account = c.account();
    in.attributes = settings_.attributes;
    in.checksum_algorithm = "CRC64NVME";
    in.checksum_value = sigv4::Base64Encode(crc_.Digest());
    in.checksum_type = "FULL_OBJECT";
    in.storage_class = settings_.storage_class;
    in.now_ms = common::NowMillis();
    auto put = c.store().PutObject(in);
    if (!put.ok()) return ErrorResponse(c, StorageError(c, put.status()));

    std::string host(c.request.headers.Get("Host"));
    std::string location = "http://" + host + "/" + bucket_.name + "/" + S3UrlEncode(key_);
    http::Response r;
    const std::string redirect = Field("success_action_redirect");
    const std::string status = Field("success_action_status");
    if (!redirect.empty()) {
      r.status = 303;
      std::string sep = redirect.find('?') == std::string::npos ? "?" : "&";
      r.headers.Set("Location", redirect + sep + "bucket=" + S3UrlEncode(bucket_.name) +
                                    "&key=" + S3UrlEncode(key_) + "&etag=" +
                                    S3UrlEncode(QuotedEtag(in.etag)));
    } else if (status == "201") {
      XmlWriter w("PostResponse", false);
      w.Element("Location", location);
      w.Element("Bucket", bucket_.name);
      w.Element("Key", key_);
      w.Element("ETag", QuotedEtag(in.etag));
      r = XmlResponse(c, w.Finish(), 201);
      r.headers.Set("Location", location);
    } else {
      r.status = status == "200" ? 200 : 204;
      r.headers.Set("Location", location);
    }
    r.headers.Set("ETag", QuotedEtag(in.etag));
    if (!bucket_.versioning.empty()) r.headers.Set("x-amz-version-id", put->version_id);
    AddSseHeaders(in.attributes, &r.headers);
    return r;
  }

 private:
  enum State { kPreamble, kHeaders, kValue, kFile, kAfterDelimiter, kDone };

  std::string Field(std::string_view name) const {
    auto it = fields_.find(Lower(name));
    return it == fields_.end() ? std::string() : it->second;
  }

  void Process() {
    for (;;) {
      if (error_) return;
      switch (state_) {
        case kPreamble: {
          size_t at = buffer_.find(first_);
          if (at == std::string::npos) {
            if (buffer_.size() > kMaxFieldBytes) error_ = ErrorReply(S3Error::kMalformedPOSTRequest);
            return;
          }
          buffer_.erase(0, at + first_.size());
          state_ = kHeaders;
          break;
        }
        case kHeaders: {
          size_t end = buffer_.find("\r\n\r\n");
          if (end == std::string::npos) {
            if (buffer_.size() > kMaxFieldBytes) error_ = ErrorReply(S3Error::kMalformedPOSTRequest);
            return;
          }
          StartPart(std::string_view(buffer_).substr(0, end));
          buffer_.erase(0, end + 4);
          break;
        }
        case kValue:
        case kFile: {
          size_t at = buffer_.find(delimiter_);
          size_t take = at != std::string::npos
                            ? at
                            : (buffer_.size() > delimiter_.size()
                                   ? buffer_.size() - delimiter_.size()
                                   : 0);
          Data(std::string_view(buffer_).substr(0, take));
          if (at == std::string::npos) {
            buffer_.erase(0, take);
            return;
          }
          buffer_.erase(0, at + delimiter_.size());
          EndPart();
          state_ = kAfterDelimiter;
          break;
        }
        case kAfterDelimiter: {
          if (buffer_.size() < 2) return;
          if (buffer_.compare(0, 2, "--") == 0) {
            state_ = kDone;
            buffer_.clear();
            return;
          }
          size_t eol = buffer_.find("\r\n");
          if (eol == std::string::npos) return;
          buffer_.erase(0, eol + 2);
          state_ = kHeaders;
          break;
        }
        case kDone:
          buffer_.clear();
          return;
      }
    }
  }

  void StartPart(std::string_view headers) {
    std::string name, filename;
    bool has_filename = false;
    size_t pos = 0;
    while (pos < headers.size()) {
      size_t eol = headers.find("\r\n", pos);
      std::string_view line = headers.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
      pos = eol == std::string_view::npos ? headers.size() : eol + 2;
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      if (Lower(line.substr(0, colon)) == "content-disposition") {
        name = HeaderParam(line.substr(colon + 1), "name").value_or("");
        if (auto f = HeaderParam(line.substr(colon + 1), "filename")) {
          filename = *f;
          has_filename = true;
        }
      }
    }
    part_name_ = Lower(name);
    value_.clear();
    if (part_name_ == "file" || (has_filename && part_name_.empty())) {
      if (file_seen_) {
        state_ = kValue;  // a second file is ignored
        return;
      }
      file_seen_ = true;
      filename_ = filename;
      error_ = Authorize();
      state_ = kFile;
      return;
    }
    state_ = kValue;
  }

  void Data(std::string_view data) {
    if (state_ == kFile && file_seen_ && blob_ && !ignore_rest_) {
      size_ += data.size();
      if (size_ > kMaxPostBytes) {
        error_ = ErrorReply(S3Error::kEntityTooLarge)
                     .Field("ProposedSize", std::to_string(size_))
                     .Field("MaxSizeAllowed", std::to_string(kMaxPostBytes));
        return;
      }
      md5_.Update(data);
      crc_.Update(data);
      storage::Status st = blob_->Append(data);
      if (!st.ok()) error_ = StorageError(*ctx_, st);
      return;
    }
    if (file_seen_) return;  // fields after the file are ignored, as S3 does
    fields_bytes_ += data.size();
    if (fields_bytes_ > kMaxFieldBytes) {
      error_ = ErrorReply(S3Error::kMaxPostPreDataLengthExceededError);
      return;
    }
    value_.append(data);
  }

  void EndPart() {
    if (state_ == kFile) {
      ignore_rest_ = true;
      return;
    }
    if (!file_seen_ && !part_name_.empty()) fields_[part_name_] = value_;
  }

  // Verifies the signature and the policy against the fields, resolves the bucket and key, and
  // opens the blob. Runs when the file part starts (every field has arrived by then).
  std::optional<ErrorReply> Authorize() {
    RequestContext& c = *ctx_;
    const std::string policy_b64 = Field("policy");
    const std::string signature = Field("x-amz-signature");
    if (!policy_b64.empty() && signature.empty() && !Field("signature").empty()) {
      return AuthorizeV2(policy_b64);
    }
    if (policy_b64.empty() || signature.empty()) {
      // An unsigned form is an anonymous write: no bucket allows those here.
      return ErrorReply(S3Error::kAccessDenied);
    }
    if (Field("x-amz-algorithm") != "AWS4-HMAC-SHA256") {
      return ErrorReply(S3Error::kInvalidArgument,
                        "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                        "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                        "and X-Amz-Expires parameters.")
          .Field("ArgumentName", "x-amz-algorithm")
          .Field("ArgumentValue", Field("x-amz-algorithm"));
    }
    // AKID/20261122/us-east-1/s3/aws4_request
    const std::string credential = Field("x-amz-credential");
    std::vector<std::string> parts;
    for (size_t at = 0;;) {
      size_t slash = credential.find('/', at);
      parts.push_back(credential.substr(at, slash == std::string::npos ? slash : slash - at));
      if (slash == std::string::npos) break;
      at = slash + 1;
    }
    if (parts.size() != 5 || parts[3] != "s3" || parts[4] != "aws4_request") {
      return ErrorReply(S3Error::kInvalidArgument, "Invalid credential")
          .Field("ArgumentName", "x-amz-credential")
          .Field("ArgumentValue", credential);
    }
    auto found = c.deps.credentials->Find(parts[0]);
    if (!found) {
      return ErrorReply(S3Error::kInvalidAccessKeyId).Field("AWSAccessKeyId", parts[0]);
    }
    sigv4::Scope scope{parts[1], parts[2], "s3"};
    std::string expected = sigv4::HexHmacSha256(sigv4::SigningKey(found->secret, scope), policy_b64);
    if (expected != Lower(signature)) {
      return ErrorReply(S3Error::kSignatureDoesNotMatch)
          .Field("AWSAccessKeyId", parts[0])
          .Field("StringToSign", policy_b64)
          .Field("SignatureProvided", signature);
    }
    return Authorized(*found, scope.region, policy_b64);
  }

  // Signature Version 2 forms (AWSAccessKeyId, signature = base64 HMAC-SHA1 of the policy),
  // which botocore still produces by default for generate_presigned_post. They carry no
  // region: the bucket's own is used.
  std::optional<ErrorReply> AuthorizeV2(const std::string& policy_b64) {
    RequestContext& c = *ctx_;
    const std::string access_key = Field("awsaccesskeyid");
    auto found = c.deps.credentials->Find(access_key);
    if (!found) return ErrorReply(S3Error::kInvalidAccessKeyId).Field("AWSAccessKeyId", access_key);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), found->secret.data(), static_cast<int>(found->secret.size()),
         reinterpret_cast<const unsigned char*>(policy_b64.data()), policy_b64.size(), mac,
         &mac_len);
    std::string expected =
        sigv4::Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
    if (expected != Field("signature")) {
      return ErrorReply(S3Error::kSignatureDoesNotMatch)
          .Field("AWSAccessKeyId", access_key)
          .Field("StringToSign", policy_b64)
          .Field("SignatureProvided", Field("signature"));
    }
    auto bucket = c.store().GetBucket(c.target.bucket);
    if (!bucket.ok()) return StorageError(c, bucket.status());
    return Authorized(*found, bucket->region, policy_b64);
  }

  // The signature verified: the request acts as `who` in `region` from here on.
  std::optional<ErrorReply> Authorized(const common::Credential& who, const std::string& region,
                                       const std::string& policy_b64) {
    RequestContext& c = *ctx_;
    c.auth.principal.anonymous = false;
    c.auth.principal.access_key = who.access_key;
    c.auth.principal.account_id = who.account_id;
    c.auth.principal.arn = who.arn;
    c.auth.principal.region = region;
    c.auth.principal.service = "s3";
    c.record.principal = who.arn;
    c.record.region = region;
    if (auto err = ResolveBucket(c, &bucket_)) return err;

    key_ = Field("key");
    if (key_.empty()) {
      return ErrorReply(S3Error::kInvalidArgument, "Bucket POST must contain a field named 'key'.  "
                                                   "If it is specified, please check the order of "
                                                   "the fields.")
          .Field("ArgumentName", "key")
          .Field("ArgumentValue", "");
    }
    if (size_t at = key_.find("${filename}"); at != std::string::npos) {
      key_.replace(at, 11, filename_);
    }
    if (auto err = CheckPolicy(policy_b64)) return err;

    http::Headers headers;
    for (const auto& [name, value] : fields_) {
      if (name == "content-type" || name == "cache-control" || name == "content-disposition" ||
          name == "content-encoding" || name == "expires" || name.starts_with("x-amz-meta-") ||
          name == "x-amz-storage-class" || name == "x-amz-server-side-encryption" ||
          name == "x-amz-website-redirect-location") {
        headers.Add(name, value);
      }
    }
    if (auto err = CollectObjectSettings(headers, &settings_)) return err;
    blob_ = c.store().NewBlob();
    return std::nullopt;
  }

  std::optional<ErrorReply> CheckPolicy(const std::string& policy_b64) {
    auto json = sigv4::Base64Decode(policy_b64);
    rapidjson::Document doc;
    if (!json || doc.Parse(json->data(), json->size()).HasParseError() || !doc.IsObject()) {
      return ErrorReply(S3Error::kInvalidPolicyDocument,
                        "Invalid Policy: Invalid JSON.");
    }
    if (!doc.HasMember("expiration") || !doc["expiration"].IsString()) {
      return ErrorReply(S3Error::kInvalidPolicyDocument,
                        "Invalid Policy: Policy missing expiration.");
    }
    auto expires = ParseExpiration(doc["expiration"].GetString());
    if (!expires) {
      return ErrorReply(S3Error::kInvalidPolicyDocument,
                        "Invalid Policy: Invalid 'expiration' value: '" +
                            std::string(doc["expiration"].GetString()) + "'");
    }
    if (*expires < common::NowMillis()) return PolicyDenied("Policy expired.");
    if (!doc.HasMember("conditions") || !doc["conditions"].IsArray()) {
      return ErrorReply(S3Error::kInvalidPolicyDocument,
                        "Invalid Policy: Policy missing conditions.");
    }
    std::map<std::string, bool> covered;
    auto value_of = [&](std::string name) -> std::string {
      name = Lower(name);
      if (name == "bucket") return bucket_.name;
      if (name == "key") return key_;
      return Field(name);
    };
    for (const auto& cond : doc["conditions"].GetArray()) {
      if (cond.IsObject()) {
        for (const auto& m : cond.GetObject()) {
          std::string name = Lower(m.name.GetString());
          std::string want = m.value.IsString() ? m.value.GetString() : "";
          covered[name] = true;
          if (value_of(name) != want) {
            return PolicyDenied("Policy Condition failed: [\"eq\", \"$" + name + "\", \"" + want +
                                "\"]");
          }
        }
        continue;
      }
      if (!cond.IsArray() || cond.Size() != 3 || !cond[0].IsString()) {
        return ErrorReply(S3Error::kInvalidPolicyDocument,
                          "Invalid Policy: Invalid Condition.");
      }
      std::string op = Lower(cond[0].GetString());
      if (op == "content-length-range") {
        if (!cond[1].IsInt64() || !cond[2].IsInt64()) {
          return ErrorReply(S3Error::kInvalidPolicyDocument,
                            "Invalid Policy: Invalid content-length-range.");
        }
        min_length_ = cond[1].GetInt64();
        max_length_ = cond[2].GetInt64();
        continue;
      }
      if (!cond[1].IsString() || !cond[2].IsString()) {
        return ErrorReply(S3Error::kInvalidPolicyDocument, "Invalid Policy: Invalid Condition.");
      }
      std::string field = cond[1].GetString();
      if (field.empty() || field[0] != '$') {
        return ErrorReply(S3Error::kInvalidPolicyDocument, "Invalid Policy: Invalid Condition.");
      }
      std::string name = Lower(field.substr(1));
      std::string want = cond[2].GetString();
      covered[name] = true;
      std::string got = value_of(name);
      bool ok = op == "eq" ? got == want : op == "starts-with" ? got.starts_with(want) : false;
      if (op != "eq" && op != "starts-with") {
        return ErrorReply(S3Error::kInvalidPolicyDocument, "Invalid Policy: Invalid Condition.");
      }
      if (!ok) {
        return PolicyDenied("Policy Condition failed: [\"" + op + "\", \"" + field + "\", \"" +
                            want + "\"]");
      }
    }
    // Every form field must be covered by a condition, but for these.
    std::string extra;
    for (const auto& [name, value] : fields_) {
      if (name == "policy" || name == "x-amz-signature" || name == "file" ||
          name == "signature" || name == "awsaccesskeyid" ||
          name.starts_with("x-ignore-") || covered.count(name) > 0) {
        continue;
      }
      extra += extra.empty() ? name : ", " + name;
    }
    if (!extra.empty()) return PolicyDenied("Extra input fields: " + extra);
    return std::nullopt;
  }

  std::optional<ErrorReply> CheckLength() {
    if (!max_length_) return std::nullopt;
    if (static_cast<int64_t>(size_) > *max_length_) {
      return ErrorReply(S3Error::kEntityTooLarge)
          .Field("ProposedSize", std::to_string(size_))
          .Field("MaxSizeAllowed", std::to_string(*max_length_));
    }
    if (static_cast<int64_t>(size_) < min_length_) {
      return ErrorReply(S3Error::kEntityTooSmall)
          .Field("ProposedSize", std::to_string(size_))
          .Field("MinSizeAllowed", std::to_string(min_length_));
    }
    return std::nullopt;
  }

  Ctx ctx_;
  std::string delimiter_;
  std::string first_;
  std::string buffer_;
  State state_ = kPreamble;
  std::string part_name_;
  std::string value_;
  std::map<std::string, std::string> fields_;  // lower-case names
  size_t fields_bytes_ = 0;
  bool file_seen_ = false;
  bool ignore_rest_ = false;
  std::string filename_;
  storage::Bucket bucket_;
  std::string key_;
  ObjectSettings settings_;
  std::unique_ptr<storage::BlobWriter> blob_;
  sigv4::Checksum md5_;
  sigv4::Checksum crc_;
  uint64_t size_ = 0;
  int64_t min_length_ = 0;
  std::optional<int64_t> max_length_;
  std::optional<ErrorReply> error_;
};

}  // namespace

http::StartResult PostObject(const Ctx& ctx) {
  RequestContext& c = *ctx;
  std::string_view type = c.request.headers.Get("Content-Type");
  auto boundary = HeaderParam(type, "boundary");
  if (!Lower(type).starts_with("multipart/form-data") || !boundary || boundary->empty()) {
    return ErrorResponse(c, ErrorReply(S3Error::kPreconditionFailed).Field("Condition",
                                                                            "Bucket POST must be of "
                                                                            "the enclosure-type "
                                                                            "multipart/form-data"));
  }
  return std::unique_ptr<http::Exchange>(
      std::make_unique<PostObjectExchange>(ctx, std::move(*boundary)));
}

}  // namespace skiff::s3

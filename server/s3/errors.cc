#include "server/s3/errors.h"

#include <array>

#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

// Codes, statuses and default messages as S3 sends them. Keep in enum order.
constexpr std::array<ErrorInfo, static_cast<size_t>(S3Error::kCount_)> kErrorTable = {{
    {"AccessControlListNotSupported", 400, "The bucket does not allow ACLs"},
    {"AccessDenied", 403, "Access Denied"},
    {"AccessForbidden", 403,
     "CORSResponse: This CORS request is not allowed. This is usually because the evalution "
     "of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
     "are not whitelisted by the resource's CORS spec."},
    {"AuthorizationHeaderMalformed", 400, "The authorization header is malformed."},
    {"AuthorizationQueryParametersError", 400,
     "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
     "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
    {"BadDigest", 400, "The Content-MD5 you specified did not match what we received."},
    {"BadRequest", 400,
     "Insufficient information. Origin request header needed."},
    {"BucketAlreadyExists", 409,
     "The requested bucket name is not available. The bucket namespace is shared by all users "
     "of the system. Please select a different name and try again."},
    {"BucketAlreadyOwnedByYou", 409,
     "Your previous request to create the named bucket succeeded and you already own it."},
    {"BucketNotEmpty", 409, "The bucket you tried to delete is not empty"},
    {"ConditionalRequestConflict", 409,
     "The conditional request cannot succeed due to a conflicting operation against this "
     "resource."},
    {"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"},
    {"EntityTooSmall", 400,
     "Your proposed upload is smaller than the minimum allowed object size."},
    {"ExpiredToken", 400, "The provided token has expired."},
    {"IllegalLocationConstraintException", 400,
     "The unspecified location constraint is incompatible for the region specific endpoint "
     "this request was sent to."},
    {"IncompleteBody", 400,
     "You did not provide the number of bytes specified by the Content-Length HTTP header"},
    {"InternalError", 500, "We encountered an internal error. Please try again."},
    {"InvalidAccessKeyId", 403,
     "The AWS Access Key Id you provided does not exist in our records."},
    {"InvalidArgument", 400, "Invalid Argument"},
    {"InvalidBucketAclWithObjectOwnership", 400,
     "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"},
    {"InvalidBucketName", 400, "The specified bucket is not valid."},
    {"InvalidBucketState", 409,
     "The request is not valid with the current state of the bucket."},
    {"InvalidDigest", 400, "The Content-MD5 you specified was invalid."},
    {"InvalidEncryptionAlgorithmError", 400,
     "The encryption request you specified is not valid. The valid value is AES256."},
    {"InvalidLocationConstraint", 400, "The specified location-constraint is not valid"},
    {"InvalidObjectState", 403, "The operation is not valid for the object's storage class"},
    {"InvalidPolicyDocument", 400,
     "The content of the form does not meet the conditions specified in the policy document."},
    {"InvalidPart", 400,
     "One or more of the specified parts could not be found.  The part may not have been "
     "uploaded, or the specified entity tag may not match the part's entity tag."},
    {"InvalidPartNumber", 416, "The requested partnumber is not satisfiable"},
    {"InvalidPartOrder", 400,
     "The list of parts was not in ascending order. The parts list must be specified in order "
     "by part number."},
    {"InvalidRange", 416, "The requested range is not satisfiable"},
    {"InvalidRequest", 400, "Invalid Request"},
    {"InvalidStorageClass", 400, "The storage class you specified is not valid"},
    {"InvalidTag", 400,
     "The TagValue you have provided is invalid"},
    {"InvalidTargetBucketForLogging", 400,
     "The target bucket for logging does not exist"},
    {"InvalidToken", 400, "The provided token is malformed or otherwise invalid."},
    {"InvalidURI", 400, "Couldn't parse the specified URI."},
    {"KeyTooLongError", 400, "Your key is too long"},
    {"MalformedPolicy", 400,
     "Policies must be valid JSON and the first byte must be '{'"},
    {"MalformedPOSTRequest", 400,
     "The body of your POST request is not well-formed multipart/form-data."},
    {"MalformedXML", 400,
     "The XML you provided was not well-formed or did not validate against our published "
     "schema"},
    {"MalformedTrailerError", 400,
     "The request contained trailing data that was not well-formed or did not conform to our "
     "published schema."},
    {"MaxMessageLengthExceeded", 400, "Your request was too big."},
    {"MaxPostPreDataLengthExceededError", 400,
     "Your POST request fields preceding the upload file were too large."},
    {"MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size"},
    {"MethodNotAllowed", 405, "The specified method is not allowed against this resource."},
    {"MissingContentLength", 411, "You must provide the Content-Length HTTP header."},
    {"MissingRequestBodyError", 400, "Request Body is empty"},
    {"NoSuchBucket", 404, "The specified bucket does not exist"},
    {"NoSuchBucketPolicy", 404, "The bucket policy does not exist"},
    {"NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"},
    {"NoSuchKey", 404, "The specified key does not exist."},
    {"NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"},
    {"NoSuchPublicAccessBlockConfiguration", 404,
     "The public access block configuration was not found"},
    {"NoSuchTagSet", 404, "The TagSet does not exist"},
    {"NoSuchUpload", 404,
     "The specified upload does not exist. The upload ID may be invalid, or the upload may "
     "have been aborted or completed."},
    {"NoSuchVersion", 404, "The specified version does not exist."},
    {"NoSuchWebsiteConfiguration", 404,
     "The specified bucket does not have a website configuration"},
    {"NotImplemented", 501, "A header you provided implies functionality that is not implemented"},
    {"ObjectLockConfigurationNotFoundError", 404,
     "Object Lock configuration does not exist for this bucket"},
    {"OwnershipControlsNotFoundError", 404,
     "The bucket ownership controls were not found"},
    {"PermanentRedirect", 301,
     "The bucket you are attempting to access must be addressed using the specified endpoint. "
     "Please send all future requests to this endpoint."},
    {"PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"},
    {"ReplicationConfigurationNotFoundError", 404,
     "The replication configuration was not found"},
    {"RequestHeaderSectionTooLarge", 400,
     "Your request header section exceeds the maximum allowed size."},
    {"RequestTimeTooSkewed", 403,
     "The difference between the request time and the current time is too large."},
    {"ServerSideEncryptionConfigurationNotFoundError", 404,
     "The server side encryption configuration was not found"},
    {"ServiceUnavailable", 503, "Please reduce your request rate."},
    {"SignatureDoesNotMatch", 403,
     "The request signature we calculated does not match the signature you provided. Check "
     "your key and signing method."},
    {"SlowDown", 503, "Please reduce your request rate."},
    {"XAmzContentSHA256Mismatch", 400,
     "The provided 'x-amz-content-sha256' header does not match what was computed."},
}};

static_assert(kErrorTable.back().code == "XAmzContentSHA256Mismatch",
              "kErrorTable must list every S3Error in enum order");

}  // namespace

const ErrorInfo& Info(S3Error e) {
  auto i = static_cast<size_t>(e);
  if (i >= kErrorTable.size()) i = static_cast<size_t>(S3Error::kInternalError);
  return kErrorTable[i];
}

std::span<const ErrorInfo> AllErrors() { return kErrorTable; }

bool FindError(std::string_view code, S3Error* out) {
  for (size_t i = 0; i < kErrorTable.size(); ++i) {
    if (kErrorTable[i].code == code) {
      *out = static_cast<S3Error>(i);
      return true;
    }
  }
  return false;
}

std::string RenderError(const ErrorReply& reply, std::string_view request_id,
                        std::string_view host_id) {
  XmlWriter w("Error", /*ns=*/false);
  w.Element("Code", reply.code());
  w.Element("Message", reply.effective_message());
  for (const auto& [name, value] : reply.fields) w.Element(name, value);
  w.Element("RequestId", request_id);
  w.Element("HostId", host_id);
  return w.Finish();
}

S3Error FromStorage(storage::Code code) {
  using storage::Code;
  switch (code) {
    case Code::kNotFound:
      return S3Error::kNoSuchKey;
    case Code::kBucketNotFound:
      return S3Error::kNoSuchBucket;
    case Code::kBucketExists:
      return S3Error::kBucketAlreadyExists;
    case Code::kBucketNotEmpty:
      return S3Error::kBucketNotEmpty;
    case Code::kPreconditionFailed:
      return S3Error::kPreconditionFailed;
    case Code::kConflict:
      return S3Error::kConditionalRequestConflict;
    case Code::kUploadNotFound:
      return S3Error::kNoSuchUpload;
    // SQLite busy after its timeout is S3's "reduce your request rate".
    case Code::kBusy:
      return S3Error::kSlowDown;
    case Code::kOk:  // asking to translate success is a caller bug
    case Code::kInvalidArgument:
    case Code::kFull:
    case Code::kIo:
    case Code::kCorrupt:
    case Code::kInternal:
      return S3Error::kInternalError;
  }
  return S3Error::kInternalError;
}

S3Error FromSigV4(sigv4::Error error, bool presigned) {
  using sigv4::Error;
  switch (error) {
    case Error::kMissingAuthentication:
      return S3Error::kAccessDenied;
    // SigV2 and unknown algorithms: S3 answers 400 InvalidRequest ("Please use AWS4-HMAC-SHA256").
    case Error::kUnsupportedAlgorithm:
      return S3Error::kInvalidRequest;
    case Error::kMalformedAuthorization:
    case Error::kMalformedCredential:
    case Error::kPresignExpiresInvalid:
      return presigned ? S3Error::kAuthorizationQueryParametersError
                       : S3Error::kAuthorizationHeaderMalformed;
    // "AWS authentication requires a valid Date or x-amz-date header" is a 403 AccessDenied.
    case Error::kMissingDate:
    case Error::kMalformedDate:
      return S3Error::kAccessDenied;
    case Error::kMissingSignedHeader:
      return S3Error::kAccessDenied;
    case Error::kRequestTimeTooSkewed:
      return S3Error::kRequestTimeTooSkewed;
    case Error::kRequestNotYetValid:
      return S3Error::kAccessDenied;
    case Error::kPresignExpired:
      return S3Error::kAccessDenied;
    case Error::kInvalidAccessKeyId:
      return S3Error::kInvalidAccessKeyId;
    case Error::kSignatureDoesNotMatch:
    case Error::kChunkSignatureMismatch:
      return S3Error::kSignatureDoesNotMatch;
    case Error::kContentSha256Mismatch:
      return S3Error::kXAmzContentSHA256Mismatch;
    case Error::kInvalidContentSha256:
      return S3Error::kInvalidArgument;
    case Error::kMalformedChunk:
      return S3Error::kIncompleteBody;
    case Error::kDecodedLengthMismatch:
      return S3Error::kIncompleteBody;
    case Error::kIncompleteBody:
      return S3Error::kIncompleteBody;
    case Error::kMissingTrailer:
      return S3Error::kMalformedTrailerError;
    case Error::kTrailerChecksumMismatch:
      return S3Error::kBadDigest;
    case Error::kNone:
      return S3Error::kInternalError;
  }
  return S3Error::kInternalError;
}

std::string ChecksumMismatchMessage(std::string_view algorithm_name) {
  std::string m = "The ";
  m.append(algorithm_name);
  m += " you specified did not match the calculated checksum.";
  return m;
}

}  // namespace skiff::s3

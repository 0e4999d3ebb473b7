// S3's error vocabulary: one table (code, HTTP status, default message) and one renderer.
// Storage and SigV4 failures are translated here, in exactly one function each.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/sigv4.h"
#include "storage/status.h"

namespace skiff::s3 {

// Order matches kErrorTable in errors.cc (checked by a static_assert there).
enum class S3Error {
  kAccessControlListNotSupported,
  kAccessDenied,
  kAccessForbidden,
  kAuthorizationHeaderMalformed,
  kAuthorizationQueryParametersError,
  kBadDigest,
  kBadRequest,
  kBucketAlreadyExists,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kConditionalRequestConflict,
  kEntityTooLarge,
  kEntityTooSmall,
  kExpiredToken,
  kIllegalLocationConstraintException,
  kIncompleteBody,
  kInternalError,
  kInvalidAccessKeyId,
  kInvalidArgument,
  kInvalidBucketAclWithObjectOwnership,
  kInvalidBucketName,
  kInvalidBucketState,
  kInvalidDigest,
  kInvalidEncryptionAlgorithmError,
  kInvalidLocationConstraint,
  kInvalidObjectState,
  kInvalidPolicyDocument,
  kInvalidPart,
  kInvalidPartNumber,
  kInvalidPartOrder,
  kInvalidRange,
  kInvalidRequest,
  kInvalidStorageClass,
  kInvalidTag,
  kInvalidTargetBucketForLogging,
  kInvalidToken,
  kInvalidURI,
  kKeyTooLongError,
  kMalformedPolicy,
  kMalformedPOSTRequest,
  kMalformedXML,
  kMalformedTrailerError,
  kMaxMessageLengthExceeded,
  kMaxPostPreDataLengthExceededError,
  kMetadataTooLarge,
  kMethodNotAllowed,
  kMissingContentLength,
  kMissingRequestBodyError,
  kNoSuchBucket,
  kNoSuchBucketPolicy,
  kNoSuchCORSConfiguration,
  kNoSuchKey,
  kNoSuchLifecycleConfiguration,
  kNoSuchPublicAccessBlockConfiguration,
  kNoSuchTagSet,
  kNoSuchUpload,
  kNoSuchVersion,
  kNoSuchWebsiteConfiguration,
  kNotImplemented,
  kObjectLockConfigurationNotFoundError,
  kOwnershipControlsNotFoundError,
  kPermanentRedirect,
  kPreconditionFailed,
  kReplicationConfigurationNotFoundError,
  kRequestHeaderSectionTooLarge,
  kRequestTimeTooSkewed,
  kServerSideEncryptionConfigurationNotFoundError,
  kServiceUnavailable,
  kSignatureDoesNotMatch,
  kSlowDown,
  kXAmzContentSHA256Mismatch,
  kCount_,  // not an error: the number of entries
};

struct ErrorInfo {
  std::string_view code;
  int status;
  std::string_view message;
};

const ErrorInfo& Info(S3Error e);
// Every entry, in enum order (for tests and the fault-injection catalogue).
std::span<const ErrorInfo> AllErrors();
// Looks an error up by its code ("NoSuchKey"); false if unknown.
bool FindError(std::string_view code, S3Error* out);

using Fields = std::vector<std::pair<std::string, std::string>>;

// One error answer: the table entry, an optional message override, the extra XML elements S3
// sends for it (in S3's order, between Message and RequestId) and extra response headers.
struct ErrorReply {
  S3Error error = S3Error::kInternalError;
  std::string message;  // "" -> the table's default message
  Fields fields;
  Fields headers;

  ErrorReply() = default;
  explicit ErrorReply(S3Error e, std::string msg = {}) : error(e), message(std::move(msg)) {}
  ErrorReply& Field(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  ErrorReply& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  int status() const { return Info(error).status; }
  std::string_view code() const { return Info(error).code; }
  std::string_view effective_message() const {
    return message.empty() ? Info(error).message : std::string_view(message);
  }
};

// <?xml ...?>\n<Error><Code/><Message/>[fields]<RequestId/><HostId/></Error>
std::string RenderError(const ErrorReply& reply, std::string_view request_id,
                        std::string_view host_id);

// Storage's vocabulary -> S3. kNotFound means a missing key (callers with another meaning, e.g.
// a missing configuration document, pick their own error). Unknown codes -> InternalError.
S3Error FromStorage(storage::Code code);

// SigV4 failure -> S3 error code. `presigned` selects the query-parameter flavour of the
// malformed-authorization errors.
S3Error FromSigV4(sigv4::Error error, bool presigned);

// "The CRC32 you specified did not match the calculated checksum."
std::string ChecksumMismatchMessage(std::string_view algorithm_name);

}  // namespace skiff::s3

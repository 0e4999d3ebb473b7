// SigV4 failures in DynamoDB's words (its front end is the shared AWS one, not S3's).
#include <ctime>

#include "server/dynamodb/context.h"

namespace skiff::dynamodb {
namespace {

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// "Signature expired: 20130301T000000Z is now earlier than 20130609T094515Z (20130609T100015Z
// - 15 min.)" or, for a clock ahead, "Signature not yet current: <date> is still later than
// <now + 15 min> (<now> + 15 min.)".
std::string SkewMessage(const common::AuthOutcome& auth, std::chrono::system_clock::time_point now) {
  const auto skew = std::chrono::minutes(15);
  if (auth.parsed.request_time > now) {
    return "Signature not yet current: " + auth.parsed.amz_date + " is still later than " +
           AmzDate(now + skew) + " (" + AmzDate(now) + " + 15 min.)";
  }
  return "Signature expired: " + auth.parsed.amz_date + " is now earlier than " +
         AmzDate(now - skew) + " (" + AmzDate(now) + " - 15 min.)";
}

}  // namespace

ErrorReply AuthErrorReply(const common::AuthOutcome& auth,
                          std::chrono::system_clock::time_point now) {
  if (auth.expired_token) return ErrorReply(DdbError::kExpiredTokenException);
  if (auth.invalid_token) return ErrorReply(DdbError::kUnrecognizedClientException);
  switch (auth.error) {
    case sigv4::Error::kMissingAuthentication:
    case sigv4::Error::kUnsupportedAlgorithm:
      return ErrorReply(DdbError::kMissingAuthenticationTokenException);
    case sigv4::Error::kMalformedAuthorization:
    case sigv4::Error::kMalformedCredential:
    case sigv4::Error::kMissingDate:
    case sigv4::Error::kMalformedDate:
    case sigv4::Error::kPresignExpiresInvalid:
      return ErrorReply(DdbError::kIncompleteSignatureException, auth.detail);
    case sigv4::Error::kRequestTimeTooSkewed:
    case sigv4::Error::kRequestNotYetValid:
      return ErrorReply(DdbError::kInvalidSignatureException, SkewMessage(auth, now));
    case sigv4::Error::kPresignExpired:
      return ErrorReply(DdbError::kInvalidSignatureException, "Signature expired");
    case sigv4::Error::kMissingSignedHeader:
      return ErrorReply(DdbError::kInvalidSignatureException,
                        auth.detail.empty()
                            ? "'Host' must be a 'SignedHeader' in the AWS Authorization."
                            : auth.detail);
    case sigv4::Error::kInvalidAccessKeyId:
      return ErrorReply(DdbError::kUnrecognizedClientException);
    case sigv4::Error::kSignatureDoesNotMatch: {
      // DynamoDB appends what it computed, as AWS's JSON services do.
      std::string message(Info(DdbError::kInvalidSignatureException).message);
      if (!auth.verify.canonical_request.empty()) {
        message += "\n\nThe Canonical String for this request should have been\n'" +
                   auth.verify.canonical_request +
                   "'\n\nThe String-to-Sign should have been\n'" + auth.verify.string_to_sign +
                   "'\n";
      }
      return ErrorReply(DdbError::kInvalidSignatureException, std::move(message));
    }
    default:
      return ErrorReply(DdbError::kInvalidSignatureException);
  }
}

}  // namespace skiff::dynamodb

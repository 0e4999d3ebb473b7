#include "server/s3/errors.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace skiff::s3 {
namespace {

TEST(ErrorTable, EveryEntryIsWellFormedAndUnique) {
  std::set<std::string_view> codes;
  ASSERT_EQ(AllErrors().size(), static_cast<size_t>(S3Error::kCount_));
  for (size_t i = 0; i < AllErrors().size(); ++i) {
    const ErrorInfo& e = AllErrors()[i];
    SCOPED_TRACE(std::string(e.code));
    EXPECT_FALSE(e.code.empty());
    EXPECT_FALSE(e.message.empty());
    EXPECT_TRUE((e.status >= 300 && e.status < 600)) << e.status;
    EXPECT_TRUE(codes.insert(e.code).second) << "duplicate code";
    S3Error found;
    ASSERT_TRUE(FindError(e.code, &found));
    EXPECT_EQ(static_cast<size_t>(found), i);
  }
}

TEST(ErrorTable, ExactAwsMessagesAndStatuses) {
  EXPECT_EQ(Info(S3Error::kNoSuchBucket).message, "The specified bucket does not exist");
  EXPECT_EQ(Info(S3Error::kNoSuchKey).message, "The specified key does not exist.");
  EXPECT_EQ(Info(S3Error::kNoSuchKey).status, 404);
  EXPECT_EQ(Info(S3Error::kAccessDenied).message, "Access Denied");
  EXPECT_EQ(Info(S3Error::kPermanentRedirect).status, 301);
  EXPECT_EQ(Info(S3Error::kInvalidRange).status, 416);
  EXPECT_EQ(Info(S3Error::kMissingContentLength).status, 411);
  EXPECT_EQ(Info(S3Error::kNotImplemented).status, 501);
  EXPECT_EQ(Info(S3Error::kMethodNotAllowed).status, 405);
  EXPECT_EQ(Info(S3Error::kBucketAlreadyOwnedByYou).status, 409);
  EXPECT_EQ(Info(S3Error::kPreconditionFailed).message,
            "At least one of the pre-conditions you specified did not hold");
  EXPECT_EQ(Info(S3Error::kXAmzContentSHA256Mismatch).message,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

TEST(ErrorRender, ShapeWithResourceFields) {
  ErrorReply r(S3Error::kNoSuchKey);
  r.Field("Key", "a<b>&c");
  std::string xml = RenderError(r, "REQ123", "host/id=");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
            "<Key>a&lt;b&gt;&amp;c</Key><RequestId>REQ123</RequestId>"
            "<HostId>host/id=</HostId></Error>");
}

TEST(ErrorRender, MessageOverride) {
  ErrorReply r(S3Error::kAccessDenied, "Request has expired");
  r.Field("X-Amz-Expires", "60");
  std::string xml = RenderError(r, "R", "H");
  EXPECT_NE(xml.find("<Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>"),
            std::string::npos);
  EXPECT_EQ(r.status(), 403);
}

TEST(StorageTranslation, Table) {
  using storage::Code;
  const std::pair<Code, S3Error> cases[] = {
      {Code::kNotFound, S3Error::kNoSuchKey},
      {Code::kBucketNotFound, S3Error::kNoSuchBucket},
      {Code::kBucketExists, S3Error::kBucketAlreadyExists},
      {Code::kBucketNotEmpty, S3Error::kBucketNotEmpty},
      {Code::kPreconditionFailed, S3Error::kPreconditionFailed},
      {Code::kConflict, S3Error::kConditionalRequestConflict},
      {Code::kUploadNotFound, S3Error::kNoSuchUpload},
      {Code::kBusy, S3Error::kSlowDown},
      {Code::kInvalidArgument, S3Error::kInternalError},
      {Code::kFull, S3Error::kInternalError},
      {Code::kIo, S3Error::kInternalError},
      {Code::kCorrupt, S3Error::kInternalError},
      {Code::kInternal, S3Error::kInternalError},
      {static_cast<Code>(999), S3Error::kInternalError},
  };
  for (auto [code, want] : cases) {
    EXPECT_EQ(FromStorage(code), want) << static_cast<int>(code);
  }
}

// Resource faults (a full or failing disk, see tests/unit/storage/io_error_test.cc) answer 500.
TEST(StorageTranslation, FullAndIoAre500InternalError) {
  for (storage::Code code : {storage::Code::kFull, storage::Code::kIo}) {
    EXPECT_EQ(Info(FromStorage(code)).code, "InternalError");
    EXPECT_EQ(Info(FromStorage(code)).status, 500);
  }
}

TEST(SigV4Translation, Table) {
  using sigv4::Error;
  EXPECT_EQ(FromSigV4(Error::kMissingAuthentication, false), S3Error::kAccessDenied);
  EXPECT_EQ(FromSigV4(Error::kInvalidAccessKeyId, false), S3Error::kInvalidAccessKeyId);
  EXPECT_EQ(FromSigV4(Error::kSignatureDoesNotMatch, false), S3Error::kSignatureDoesNotMatch);
  EXPECT_EQ(FromSigV4(Error::kChunkSignatureMismatch, false), S3Error::kSignatureDoesNotMatch);
  EXPECT_EQ(FromSigV4(Error::kRequestTimeTooSkewed, false), S3Error::kRequestTimeTooSkewed);
  EXPECT_EQ(FromSigV4(Error::kMalformedAuthorization, false),
            S3Error::kAuthorizationHeaderMalformed);
  EXPECT_EQ(FromSigV4(Error::kMalformedAuthorization, true),
            S3Error::kAuthorizationQueryParametersError);
  EXPECT_EQ(FromSigV4(Error::kPresignExpired, true), S3Error::kAccessDenied);
  EXPECT_EQ(FromSigV4(Error::kContentSha256Mismatch, false), S3Error::kXAmzContentSHA256Mismatch);
  EXPECT_EQ(FromSigV4(Error::kTrailerChecksumMismatch, false), S3Error::kBadDigest);
  EXPECT_EQ(FromSigV4(Error::kIncompleteBody, false), S3Error::kIncompleteBody);
  EXPECT_EQ(FromSigV4(static_cast<Error>(999), false), S3Error::kInternalError);
}

TEST(ChecksumMessage, NamesTheAlgorithm) {
  EXPECT_EQ(ChecksumMismatchMessage("CRC32"),
            "The CRC32 you specified did not match the calculated checksum.");
}

}  // namespace
}  // namespace skiff::s3

// The DynamoDB front door: error table, framing, operation lookup, authentication, response
// headers, storage-error translation.
#include <gtest/gtest.h>

#include <set>

#include "server/dynamodb/errors.h"
#include "service_harness.h"
#include "sigv4/checksum.h"

namespace skiff::dynamodb::testing {
namespace {

TEST(ServiceErrors, TableIsCompleteAndConsistent) {
  std::set<std::string_view> codes;
  ASSERT_EQ(AllErrors().size(), static_cast<size_t>(DdbError::kCount_));
  for (size_t i = 0; i < AllErrors().size(); ++i) {
    const ErrorInfo& info = AllErrors()[i];
    EXPECT_TRUE(codes.insert(info.code).second) << "duplicate " << info.code;
    DdbError found;
    ASSERT_TRUE(FindError(info.code, &found)) << info.code;
    EXPECT_EQ(static_cast<size_t>(found), i);
    EXPECT_TRUE(info.status == 400 || info.status == 413 || info.status == 500 ||
                info.status == 503)
        << info.code;
    EXPECT_TRUE(info.type_namespace.starts_with("com.amazon")) << info.code;
    // Every entry renders as JSON with the namespaced __type.
    rapidjson::Document d;
    d.Parse(RenderError(ErrorReply(static_cast<DdbError>(i))).c_str());
    ASSERT_TRUE(d.IsObject()) << info.code;
    EXPECT_EQ(std::string(d["__type"].GetString()),
              std::string(info.type_namespace) + "#" + std::string(info.code));
  }
  EXPECT_EQ(Info(DdbError::kValidationException).type_namespace, "com.amazon.coral.validate");
  EXPECT_EQ(Info(DdbError::kResourceNotFoundException).type_namespace,
            "com.amazonaws.dynamodb.v20120810");
  EXPECT_EQ(Info(DdbError::kInternalServerError).status, 500);
  DdbError unused;
  EXPECT_FALSE(FindError("NoSuchKey", &unused));
}

TEST(ServiceErrors, RenderShapes) {
  EXPECT_EQ(RenderError(ErrorReply(DdbError::kConditionalCheckFailedException)),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
            R"("message":"The conditional request failed"})");
  EXPECT_EQ(RenderError(ErrorReply(DdbError::kUnknownOperationException)),
            R"({"__type":"com.amazon.coral.service#UnknownOperationException"})");
  EXPECT_EQ(RenderError(ErrorReply(DdbError::kSerializationException, "NUMBER_VALUE cannot be converted to String")),
            R"({"__type":"com.amazon.coral.service#SerializationException",)"
            R"("Message":"NUMBER_VALUE cannot be converted to String"})");
  ErrorReply with_item(DdbError::kConditionalCheckFailedException);
  with_item.extra_members = R"("Item":{"a":{"S":"b"}})";
  EXPECT_EQ(RenderError(with_item),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
            R"("message":"The conditional request failed","Item":{"a":{"S":"b"}}})");
}

TEST(ServiceErrors, StorageTranslation) {
  EXPECT_EQ(FromStorage({storage::Code::kBusy, "locked"}).error, DdbError::kInternalServerError);
  EXPECT_EQ(FromStorage({storage::Code::kFull, "disk"}).status(), 500);
  EXPECT_EQ(FromStorage({storage::Code::kIo, "io"}).error, DdbError::kInternalServerError);
  EXPECT_EQ(FromStorage({storage::Code::kIo, "io"}).status(), 500);
  EXPECT_EQ(FromStorage({storage::Code::kCorrupt, "x"}).error, DdbError::kInternalServerError);
  EXPECT_EQ(FromStorage({storage::Code::kNotFound, "x"}).error,
            DdbError::kResourceNotFoundException);
  EXPECT_EQ(FromStorage({storage::Code::kPreconditionFailed, "x"}).error,
            DdbError::kConditionalCheckFailedException);
  EXPECT_EQ(FromStorage({storage::Code::kConflict, "x"}).error,
            DdbError::kTransactionConflictException);
}

TEST(ServiceFrontDoor, SuccessHeadersAndCrc) {
  Harness h;
  Reply r = h.Call("ListTables", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"TableNames":[]})");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/x-amz-json-1.0");
  std::string request_id(r.headers.Get("x-amzn-RequestId"));
  EXPECT_EQ(request_id.size(), 36u);
  sigv4::Checksum crc(sigv4::ChecksumAlgorithm::kCrc32);
  crc.Update(r.body);
  std::string d = crc.Digest();
  uint32_t v = (uint32_t(uint8_t(d[0])) << 24) | (uint32_t(uint8_t(d[1])) << 16) |
               (uint32_t(uint8_t(d[2])) << 8) | uint32_t(uint8_t(d[3]));
  EXPECT_EQ(r.headers.Get("x-amz-crc32"), std::to_string(v));
  EXPECT_EQ(r.headers.Get("x-amz-crc32"), "1315925753");  // zlib.crc32(b'{"TableNames":[]}')
}

TEST(ServiceFrontDoor, ErrorsCarryHeadersToo) {
  Harness h;
  Reply r = h.Call("DescribeTable", R"({"TableName":"missing"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorCode(), "ResourceNotFoundException");
  EXPECT_EQ(r.Message(), "Requested resource not found: Table: missing not found");
  EXPECT_FALSE(r.headers.Get("x-amz-crc32").empty());
  EXPECT_FALSE(r.headers.Get("x-amzn-RequestId").empty());
}

TEST(ServiceFrontDoor, UnknownOperation) {
  Harness h;
  Reply r = h.Call("FlyToTheMoon", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazon.coral.service#UnknownOperationException"})");
  // Byte-identical to DynamoDB's answer: the CRC32 DynamoDB sends for it (zlib.crc32 agrees).
  EXPECT_EQ(r.headers.Get("x-amz-crc32"), "1368724161");
  r = h.CallTarget("DynamoDB_20111205.ListTables", "{}", {});
  EXPECT_EQ(r.ErrorCode(), "UnknownOperationException");
  r = h.CallTarget("", "{}", {});
  EXPECT_EQ(r.ErrorCode(), "UnknownOperationException");
}

TEST(ServiceFrontDoor, MediaTypeAndMethod) {
  Harness h;
  http::Request req = h.BuildRequest("DynamoDB_20120810.ListTables", "{}", {});
  req.headers.Set("Content-Type", "text/plain");
  Reply r = h.Send(req, "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<UnknownOperationException/>\n");
  req = h.BuildRequest("DynamoDB_20120810.ListTables", "{}", {});
  req.method = "PUT";
  EXPECT_EQ(h.Send(req, "{}").status, 404);
  EXPECT_EQ(h.Call("ListTables", "{}").headers.Get("Content-Type"), "application/x-amz-json-1.0");
  // application/json is answered in kind.
  SignOptions json;
  json.content_type = "application/json; charset=utf-8";
  Reply plain = h.Call("ListTables", "{}", json);
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.Get("Content-Type"), "application/json");
}

TEST(ServiceFrontDoor, MalformedJsonIsSerializationException) {
  Harness h;
  for (std::string body : {"{", "[]", "\"x\"", "{\"TableName\":}"}) {
    Reply r = h.Call("ListTables", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body, R"({"__type":"com.amazon.coral.service#SerializationException"})") << body;
  }
  // An empty body after authentication.
  Reply r = h.Call("ListTables", "");
  EXPECT_EQ(r.ErrorCode(), "SerializationException");
}

TEST(ServiceFrontDoor, WrongJsonKindsAreSerializationExceptions) {
  Harness h;
  Reply r = h.Call("DescribeTable", R"({"TableName":5})");
  EXPECT_EQ(r.ErrorCode(), "SerializationException");
  EXPECT_EQ(r.Message(), "NUMBER_VALUE cannot be converted to String");
  r = h.Call("ListTables", R"({"Limit":"5"})");
  EXPECT_EQ(r.Message(), "STRING_VALUE can not be converted to Long");
  r = h.Call("DescribeTable", R"({"TableName":{}})");
  EXPECT_EQ(r.Message(), "Start of structure or map found where not expected.");
  r = h.Call("CreateTable", R"({"TableName":"abc","KeySchema":"x"})");
  EXPECT_EQ(r.Message(), "Unrecognized collection type class java.lang.String");
}

TEST(ServiceFrontDoor, OversizedBodyIs413) {
  Harness h;
  std::string body(kMaxRequestBytes + 1, ' ');
  http::Request req = h.BuildRequest("DynamoDB_20120810.ListTables", body, {});
  Reply r = h.Send(req, body);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, "");  // DynamoDB's front end sends no body with it
  // Without a Content-Length (chunked) the limit applies as the body arrives.
  req.content_length.reset();
  r = h.Send(req, body);
  EXPECT_EQ(r.status, 413);
}

TEST(ServiceAuth, MissingAuthentication) {
  Harness h;
  SignOptions o;
  o.sign = false;
  Reply r = h.Call("ListTables", "{}", o);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazon.coral.service#MissingAuthenticationTokenException",)"
                    R"("message":"Request is missing Authentication Token"})");
}

TEST(ServiceAuth, UnknownAccessKey) {
  Harness h;
  SignOptions o;
  o.access_key = "AKIDUNKNOWN";
  Reply r = h.Call("ListTables", "{}", o);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorCode(), "UnrecognizedClientException");
  EXPECT_EQ(r.Message(), "The security token included in the request is invalid.");
}

TEST(ServiceAuth, WrongSecretAndTamperedBody) {
  Harness h;
  SignOptions o;
  o.secret = "wrong";
  Reply r = h.Call("ListTables", "{}", o);
  EXPECT_EQ(r.ErrorCode(), "InvalidSignatureException");
  EXPECT_TRUE(r.Message().starts_with(
      "The request signature we calculated does not match the signature you provided. Check "
      "your AWS Secret Access Key and signing method. Consult the service documentation for "
      "details."))
      << r.Message();
  EXPECT_NE(r.Message().find("The Canonical String for this request should have been"),
            std::string::npos);
  SignOptions t;
  t.tamper_body_after_signing = true;
  r = h.Call("ListTables", "{}", t);
  EXPECT_EQ(r.ErrorCode(), "InvalidSignatureException");
}

TEST(ServiceAuth, ClockSkew) {
  Harness h;
  SignOptions o;
  o.time = std::chrono::system_clock::now() - std::chrono::hours(1);
  Reply r = h.Call("ListTables", "{}", o);
  EXPECT_EQ(r.ErrorCode(), "InvalidSignatureException");
  EXPECT_TRUE(r.Message().starts_with("Signature expired: ")) << r.Message();
  EXPECT_NE(r.Message().find(" is now earlier than "), std::string::npos);
  EXPECT_TRUE(r.Message().ends_with(" - 15 min.)")) << r.Message();
  o.time = std::chrono::system_clock::now() + std::chrono::hours(1);
  r = h.Call("ListTables", "{}", o);
  EXPECT_TRUE(r.Message().starts_with("Signature not yet current: ")) << r.Message();
}

TEST(ServiceAuth, StorageBusyIs500) {
  Harness h;
  h.store().FailNext({storage::Code::kBusy, "database is locked"});
  Reply r = h.Call("ListTables", "{}");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError",)"
                    R"("message":"Internal server error"})");
}

}  // namespace
}  // namespace skiff::dynamodb::testing

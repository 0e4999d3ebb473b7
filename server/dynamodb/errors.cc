#include "server/dynamodb/errors.h"

#include <array>

#include "server/common/request_log.h"

namespace skiff::dynamodb {
namespace {

constexpr std::string_view kDynamo = "com.amazonaws.dynamodb.v20120810";
constexpr std::string_view kCoral = "com.amazon.coral.service";
constexpr std::string_view kValidate = "com.amazon.coral.validate";
constexpr std::string_view kAvailability = "com.amazon.coral.availability";

// Messages are DynamoDB's defaults; operations override them where DynamoDB names the resource.
constexpr std::array<ErrorInfo, static_cast<size_t>(DdbError::kCount_)> kErrorTable = {{
    {"AccessDeniedException", kCoral, 400, "Access denied"},
    {"ConditionalCheckFailedException", kDynamo, 400, "The conditional request failed"},
    {"ExpiredTokenException", kCoral, 400,
     "The security token included in the request is expired"},
    // TransactWriteItems reusing a ClientRequestToken with another request. The wording is the
    // API model's description of the error.
    {"IdempotentParameterMismatchException", kDynamo, 400,
     "DynamoDB rejected the request because you retried a request with a different payload but "
     "with an idempotent token that was already used."},
    {"IncompleteSignatureException", kCoral, 400, "The request signature does not conform to AWS standards."},
    {"InternalServerError", kDynamo, 500, "Internal server error"},
    {"InvalidSignatureException", kCoral, 400,
     "The request signature we calculated does not match the signature you provided. Check your "
     "AWS Secret Access Key and signing method. Consult the service documentation for details."},
    {"ItemCollectionSizeLimitExceededException", kDynamo, 400,
     "Item collection size limit exceeded"},
    {"LimitExceededException", kDynamo, 400, "Too many operations for a given subscriber"},
    {"MissingAuthenticationTokenException", kCoral, 400,
     "Request is missing Authentication Token"},
    {"ProvisionedThroughputExceededException", kDynamo, 400,
     "The level of configured provisioned throughput for the table was exceeded. Consider "
     "increasing your provisioning level with the UpdateTable API."},
    // Sent with an empty body by the front door (service.cc); kept here for the journal and
    // fault injection.
    {"RequestEntityTooLarge", kCoral, 413, "Request entity too large"},
    {"RequestLimitExceeded", kDynamo, 400,
     "Throughput exceeds the current throughput limit for your account. Please contact AWS "
     "Support at https://aws.amazon.com/support request a limit increase"},
    {"ResourceInUseException", kDynamo, 400, "Resource in use"},
    {"ResourceNotFoundException", kDynamo, 400, "Requested resource not found"},
    {"SerializationException", kCoral, 400, ""},
    {"ServiceUnavailable", kCoral, 503, "Service unavailable"},
    {"TableNotFoundException", kDynamo, 400, "Table not found"},
    {"ThrottlingException", kAvailability, 400, "Rate of requests exceeds the allowed throughput."},
    {"TransactionCanceledException", kDynamo, 400,
     "Transaction cancelled, please refer cancellation reasons for specific reasons"},
    {"TransactionConflictException", kDynamo, 400, "Transaction is ongoing for the item"},
    {"TransactionInProgressException", kDynamo, 400,
     "Transaction is in progress. Please wait and retry the request"},
    {"UnknownOperationException", kCoral, 400, ""},
    {"UnrecognizedClientException", kCoral, 400,
     "The security token included in the request is invalid."},
    {"ValidationException", kValidate, 400, "Validation error"},
}};

static_assert(kErrorTable.back().code == "ValidationException",
              "kErrorTable must follow the DdbError enum order");

}  // namespace

const ErrorInfo& Info(DdbError e) { return kErrorTable[static_cast<size_t>(e)]; }

std::span<const ErrorInfo> AllErrors() { return kErrorTable; }

bool FindError(std::string_view code, DdbError* out) {
  for (size_t i = 0; i < kErrorTable.size(); ++i) {
    if (kErrorTable[i].code == code) {
      *out = static_cast<DdbError>(i);
      return true;
    }
  }
  return false;
}

std::string RenderError(const ErrorReply& reply) {
  const ErrorInfo& info = Info(reply.error);
  std::string out = "{\"__type\":";
  common::AppendJsonString(out, std::string(info.type_namespace) + "#" + std::string(info.code));
  std::string_view message = reply.effective_message();
  if (!message.empty()) {
    // The front end's serializer writes "Message"; everything behind it "message".
    out += reply.error == DdbError::kSerializationException ? ",\"Message\":" : ",\"message\":";
    common::AppendJsonString(out, message);
  }
  if (!reply.extra_members.empty()) {
    out += ',';
    out += reply.extra_members;
  }
  out += '}';
  return out;
}

ErrorReply FromCoreError(const Error& error) {
  DdbError code = DdbError::kValidationException;
  if (!FindError(error.type, &code)) code = DdbError::kValidationException;
  return ErrorReply(code, error.message);
}

ErrorReply FromStorage(const storage::Status& status) {
  switch (status.code()) {
    case storage::Code::kNotFound:
      return ErrorReply(DdbError::kResourceNotFoundException);
    case storage::Code::kPreconditionFailed:
      return ErrorReply(DdbError::kConditionalCheckFailedException);
    case storage::Code::kConflict:
      return ErrorReply(DdbError::kTransactionConflictException);
    default:
      break;
  }
  common::Log(common::LogLevel::kError, "dynamodb storage failure: " + status.message());
  return ErrorReply(DdbError::kInternalServerError);
}

ErrorReply Validation(std::string message) {
  return ErrorReply(DdbError::kValidationException, std::move(message));
}

}  // namespace skiff::dynamodb

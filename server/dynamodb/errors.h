// DynamoDB's error vocabulary: one table (code, __type namespace, HTTP status, default message),
// one renderer, and the one translation each from storage and SigV4 failures.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "server/dynamodb/expr/result.h"
#include "sigv4/sigv4.h"
#include "storage/status.h"

namespace skiff::dynamodb {

// Order matches kErrorTable in errors.cc (checked by a static_assert there).
enum class DdbError {
  kAccessDeniedException,
  kConditionalCheckFailedException,
  kExpiredTokenException,
  kIdempotentParameterMismatchException,
  kIncompleteSignatureException,
  kInternalServerError,
  kInvalidSignatureException,
  kItemCollectionSizeLimitExceededException,
  kLimitExceededException,
  kMissingAuthenticationTokenException,
  kProvisionedThroughputExceededException,
  kRequestEntityTooLarge,
  kRequestLimitExceeded,
  kResourceInUseException,
  kResourceNotFoundException,
  kSerializationException,
  kServiceUnavailable,
  kTableNotFoundException,
  kThrottlingException,
  kTransactionCanceledException,
  kTransactionConflictException,
  kTransactionInProgressException,
  kUnknownOperationException,
  kUnrecognizedClientException,
  kValidationException,
  kCount_,  // not an error: the number of entries
};

struct ErrorInfo {
  std::string_view code;
  // The part of "__type" before '#': DynamoDB's own errors use com.amazonaws.dynamodb.v20120810,
  // the request front end (auth, framing) com.amazon.coral.service, validation
  // com.amazon.coral.validate.
  std::string_view type_namespace;
  int status;
  std::string_view message;  // "" = DynamoDB sends no "message" member by default
};

const ErrorInfo& Info(DdbError e);
// Every entry, in enum order (for tests and the fault-injection catalogue).
std::span<const ErrorInfo> AllErrors();
// Looks an error up by its code ("ResourceNotFoundException"); false if unknown.
bool FindError(std::string_view code, DdbError* out);

// One error answer: the table entry, an optional message override, and extra members that
// follow "message" (a raw JSON fragment such as "\"Item\":{...}" for
// ReturnValuesOnConditionCheckFailure, or "\"CancellationReasons\":[...]").
struct ErrorReply {
  DdbError error = DdbError::kInternalServerError;
  std::string message;  // "" -> the table's default message
  std::string extra_members;

  ErrorReply() = default;
  explicit ErrorReply(DdbError e, std::string msg = {}) : error(e), message(std::move(msg)) {}
  int status() const { return Info(error).status; }
  std::string_view code() const { return Info(error).code; }
  std::string_view effective_message() const {
    return message.empty() ? Info(error).message : std::string_view(message);
  }
};

// {"__type":"<namespace>#<Code>","message":"..."[,extra]}. The message member is left out when
// the effective message is empty (UnknownOperationException, SerializationException from the
// front end), as DynamoDB does.
std::string RenderError(const ErrorReply& reply);

// An error of the pure layers (expression language, AttributeValue parsing) -> reply.
ErrorReply FromCoreError(const Error& error);

// Storage's vocabulary -> DynamoDB. kNotFound means a missing table (callers that mean a missing
// item never surface it as an error). kBusy/kFull/kIo/kCorrupt/kInternal -> InternalServerError.
ErrorReply FromStorage(const storage::Status& status);

// "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member
// must not be null" -> builders for DynamoDB's validation wording.
ErrorReply Validation(std::string message);

}  // namespace skiff::dynamodb

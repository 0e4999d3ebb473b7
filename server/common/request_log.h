// Request ids, the per-request record and the access log (one line per request).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace skiff::common {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

// Log lines go to stderr, one write per line (thread-safe). Text: "<iso time> <level> <message>";
// JSON: {"time":...,"level":...,"msg":...} per line.
void ConfigureLogging(LogLevel level, LogFormat format);
// "debug" | "info" | "warn" (or "warning") | "error".
bool ParseLogLevel(std::string_view text, LogLevel* out);
// "text" | "json".
bool ParseLogFormat(std::string_view text, LogFormat* out);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message);
// Appends `value` as a JSON string literal (quotes included, control characters escaped).
void AppendJsonString(std::string& out, std::string_view value);

// 16 upper-case hex characters, as S3's x-amz-request-id.
std::string NewRequestId();
// A base64-looking x-amz-id-2 value.
std::string NewHostId();
// RFC 4122 v4 UUID (DynamoDB's x-amzn-RequestId shape).
std::string NewUuid();

// What one request did; filled by the service, written by LogAccess().
struct RequestRecord {
  std::string request_id;
  std::string service;    // "s3", "dynamodb", "sts", "admin"
  std::string operation;  // "PutObject", ...
  std::string principal;  // ARN or "anonymous"
  std::string region;
  std::string resource;   // bucket/key or table
  int status = 0;
  std::string error_code;
  std::string error_detail;  // e.g. signature mismatch reason
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // --- for the journal (/_skiff/journal) and metrics; never secrets ---
  std::string method;         // HTTP method
  std::string account;        // account id of the principal ("" when unauthenticated)
  std::string access_key;     // the access key id that signed (never the secret)
  std::string fault_rule;     // id of the fault rule that fired, "" if none
  std::string policy;         // what decided an authorization: "<policy>/<sid or #index>: Allow"
  // Signature failures: the canonical request and string to sign Skiff computed, and the
  // signature the client provided (the expected signature is not secret-bearing).
  std::string canonical_request;
  std::string string_to_sign;
  std::string provided_signature;
};

// Everything LogAccess() receives is also passed to the sink (the journal and metrics), if one
// is set. Set once at start-up, before requests are served; null clears it.
using RecordSink = std::function<void(const RequestRecord&)>;
void SetRecordSink(RecordSink sink);

// One access line at info level: request id, service, operation, principal ("anonymous" when
// empty), region, resource, status, error code (and detail), latency in ms since `started`.
void LogAccess(const RequestRecord& record);

}  // namespace skiff::common

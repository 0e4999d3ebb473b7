// Storage's own small error vocabulary. Protocol layers translate it in exactly one function
// each (S3: s3/storage_errors.cc, DynamoDB: dynamodb/storage_errors.cc).
#pragma once

#include <string>
#include <utility>

namespace skiff::storage {

enum class Code {
  kOk = 0,
  kNotFound,            // object / version / item / config document absent
  kBucketNotFound,
  kBucketExists,        // CreateBucket on an existing name
  kBucketNotEmpty,
  kPreconditionFailed,  // conditional write lost (If-None-Match / If-Match)
  kConflict,            // concurrent conditional writers raced
  kUploadNotFound,      // multipart upload id unknown
  kInvalidArgument,     // caller broke a storage contract (a bug in the caller, usually)
  kBusy,                // SQLITE_BUSY / SQLITE_LOCKED after the busy timeout
  kFull,                // SQLITE_FULL: disk or page limit
  kIo,                  // SQLITE_IOERR and friends
  kCorrupt,             // SQLITE_CORRUPT / SQLITE_NOTADB
  kInternal,
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  Result(Code code, std::string message) : status_(code, std::move(message)) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  Code code() const { return status_.code(); }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace skiff::storage

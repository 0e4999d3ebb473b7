// Result type shared by the DynamoDB value types and the expression language.
//
// Every error these pure layers can produce reaches the client as a 400 with a DynamoDB error
// type (almost always ValidationException) and an exact message; the protocol layer renders it.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace skiff::dynamodb {

struct Error {
  // DynamoDB's error type without the "com.amazonaws.dynamodb.v20120810#" prefix.
  std::string type = "ValidationException";
  std::string message;

  static Error Validation(std::string msg) { return Error{"ValidationException", std::move(msg)}; }
  static Error Serialization(std::string msg) {
    return Error{"SerializationException", std::move(msg)};
  }
};

// A value or an Error. Accessing value() of an error Result is a bug (std::bad_variant_access).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}   // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  const Error& error() const { return std::get<1>(v_); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status Ok() { return {}; }
  bool ok() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace skiff::dynamodb

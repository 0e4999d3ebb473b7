// `skiff compat`: which S3, DynamoDB, STS and IAM operations Skiff answers, as a Markdown table
// (docs/compatibility.md is its output, checked by tests/integration/test_reference_docs.py).
// Built from the tables the services dispatch on -- the S3 route table, the DynamoDB operation
// table, the STS and IAM action tables -- against botocore's full operation lists
// (aws_operations.h), so the table cannot claim what the code does not do.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::app {

struct CompatRow {
  std::string operation;
  bool supported = false;
  // Why a row is not the plain case (empty when it is): a deprecated name answered by another
  // route, a request that reaches another operation's route, a Skiff-only operation.
  std::string note;
};

struct CompatService {
  std::string_view service;      // "s3"
  std::string_view title;        // "S3"
  std::string_view api_version;  // "2006-03-01"
  std::string_view unsupported;  // what an operation without a handler is answered with
  size_t in_model = 0;           // operations in botocore's model
  size_t supported = 0;          // operations in botocore's model that Skiff supports
  size_t skiff_only = 0;         // rows not in botocore's model
  std::vector<CompatRow> rows;   // sorted by operation
};

// S3, DynamoDB, STS and IAM, in that order.
std::vector<CompatService> CompatibilityTable();

// The Markdown document `skiff compat` prints.
std::string CompatibilityMarkdown();

// `args` are the words after "compat" (none are accepted: 2 and a message on stderr). Prints the
// document on stdout and returns 0 (1 if stdout cannot be written).
int RunCompat(const std::vector<std::string>& args);

}  // namespace skiff::app

// The complete operation lists of the AWS APIs Skiff emulates, taken from botocore's service
// models by scripts/gen-compat-ops into aws_operations.cc (generated; committed). `skiff compat`
// compares them with Skiff's own tables, so operations Skiff lacks are listed too.
#pragma once

#include <span>
#include <string_view>

namespace skiff::app {

struct AwsOperation {
  std::string_view name;         // "GetBucketLifecycleConfiguration"
  std::string_view method;       // the model's HTTP method ("POST" for JSON and Query APIs)
  std::string_view request_uri;  // the model's URI template, "/{Bucket}?lifecycle" ("/" if none)
  bool deprecated;               // marked deprecated in the model (an older name of an operation)
};

struct AwsServiceModel {
  std::string_view service;                  // "s3", "dynamodb", "sts", "iam"
  std::string_view api_version;              // "2006-03-01"
  std::span<const AwsOperation> operations;  // sorted by name
};

// The botocore release the lists were generated from.
std::string_view BotocoreVersion();

// S3, DynamoDB, STS and IAM, in that order.
std::span<const AwsServiceModel> AwsServiceModels();

}  // namespace skiff::app

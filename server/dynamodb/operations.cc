// The operation table: every X-Amz-Target Skiff answers, top to bottom. Targets DynamoDB has but
// Skiff does not implement are absent and answered with UnknownOperationException.
#include <array>
#include <utility>
#include <vector>

#include "server/dynamodb/context.h"
#include "server/dynamodb/operation_names.h"

namespace skiff::dynamodb {
namespace {

constexpr std::array<std::pair<std::string_view, Operation>, 24> kOperations = {{
    {"BatchGetItem", BatchGetItem},
    {"BatchWriteItem", BatchWriteItem},
    {"CreateTable", CreateTable},
    {"DeleteItem", DeleteItem},
    {"DeleteTable", DeleteTable},
    {"DescribeContinuousBackups", DescribeContinuousBackups},
    {"DescribeEndpoints", DescribeEndpoints},
    {"DescribeLimits", DescribeLimits},
    {"DescribeTable", DescribeTable},
    {"DescribeTimeToLive", DescribeTimeToLive},
    {"GetItem", GetItem},
    {"ListTables", ListTables},
    {"ListTagsOfResource", ListTagsOfResource},
    {"PutItem", PutItem},
    {"Query", Query},
    {"Scan", Scan},
    {"TagResource", TagResource},
    {"TransactGetItems", TransactGetItems},
    {"TransactWriteItems", TransactWriteItems},
    {"UntagResource", UntagResource},
    {"UpdateContinuousBackups", UpdateContinuousBackups},
    {"UpdateItem", UpdateItem},
    {"UpdateTable", UpdateTable},
    {"UpdateTimeToLive", UpdateTimeToLive},
}};

}  // namespace

Operation FindOperation(std::string_view name) {
  for (const auto& [n, op] : kOperations) {
    if (n == name) return op;
  }
  return nullptr;
}

std::vector<std::string_view> OperationNames() {
  std::vector<std::string_view> names;
  for (const auto& entry : kOperations) names.push_back(entry.first);
  return names;
}

}  // namespace skiff::dynamodb

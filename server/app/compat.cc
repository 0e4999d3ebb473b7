#include "server/app/compat.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <utility>

#include "server/app/aws_operations.h"
#include "server/dynamodb/operation_names.h"
#include "server/s3/routes.h"
#include "server/sts/query.h"

namespace skiff::app {
namespace {

const AwsServiceModel& Model(std::string_view service) {
  for (const AwsServiceModel& m : AwsServiceModels()) {
    if (m.service == service) return m;
  }
  // The generated file always holds all four; a missing one is a build defect, not input.
  std::abort();
}

std::string Code(std::string_view name) { return "`" + std::string(name) + "`"; }

// S3 scope of a botocore URI template: "/" is the service, "/{Bucket}" (or any one segment, as
// path-style addressing reads it) a bucket, anything longer an object.
s3::Scope ScopeOf(std::string_view path) {
  if (path == "/") return s3::Scope::kService;
  return path.find('/', 1) == std::string_view::npos ? s3::Scope::kBucket : s3::Scope::kObject;
}

std::string_view ScopeWords(s3::Scope scope) {
  switch (scope) {
    case s3::Scope::kService:
      return "the service";
    case s3::Scope::kBucket:
      return "a bucket";
    case s3::Scope::kObject:
      return "an object";
  }
  return "";
}

// The route botocore's request for `op` reaches, from its method, scope and the query part of
// its URI template. Query members and headers the caller fills in are left out: the template
// does not name them.
const s3::Route* RouteFor(const AwsOperation& op) {
  std::string_view uri = op.request_uri;
  size_t question = uri.find('?');
  s3::QueryParams query;
  if (question != std::string_view::npos && !query.Parse(uri.substr(question + 1))) {
    return nullptr;
  }
  return s3::MatchRoute(op.method, ScopeOf(uri.substr(0, question)), query, http::Headers());
}

CompatRow Row(std::string_view operation, bool supported, std::string note = "") {
  CompatRow row;
  row.operation = std::string(operation);
  row.supported = supported;
  row.note = std::move(note);
  return row;
}

CompatService NewService(std::string_view service, std::string_view title,
                         std::string_view unsupported) {
  CompatService s;
  s.service = service;
  s.title = title;
  s.api_version = Model(service).api_version;
  s.unsupported = unsupported;
  return s;
}

// Rows keyed by operation, so the table comes out sorted.
using Rows = std::map<std::string, CompatRow, std::less<>>;

void Add(Rows* rows, CompatRow row) {
  std::string key = row.operation;
  rows->emplace(std::move(key), std::move(row));
}

void Finish(CompatService* s, Rows&& rows) {
  for (auto& [name, row] : rows) s->rows.push_back(std::move(row));
}

CompatService S3() {
  CompatService s = NewService("s3", "S3", "`501 NotImplemented` (S3's XML error)");
  const auto routes = s3::RouteTable();
  Rows rows;
  std::set<std::string_view> in_model;
  for (const AwsOperation& op : Model("s3").operations) {
    in_model.insert(op.name);
    auto own = std::find_if(routes.begin(), routes.end(),
                            [&](const s3::Route& r) { return r.operation == op.name; });
    CompatRow row = Row(op.name, false);
    if (own != routes.end()) {
      row.supported = own->handler != s3::Handler::kNotImplemented;
    } else if (const s3::Route* r = RouteFor(op); r == nullptr) {
      row.note = "no route: `405 MethodNotAllowed`";
    } else if (op.deprecated && r->handler != s3::Handler::kNotImplemented) {
      // An older name of an operation whose request is the same (GetBucketLifecycle).
      row.supported = true;
      row.note = "deprecated name; the same request as " + Code(r->operation) + ", served by it";
    } else {
      row.note = "no route of its own; the request reaches " + Code(r->operation);
    }
    s.supported += row.supported ? 1 : 0;
    Add(&rows, std::move(row));
  }
  s.in_model = in_model.size();
  for (const s3::Route& r : routes) {
    if (in_model.count(r.operation) != 0) continue;
    ++s.skiff_only;
    Add(&rows, Row(r.operation, r.handler != s3::Handler::kNotImplemented,
                   "not in botocore's model: " + std::string(r.method) + " on " +
                       std::string(ScopeWords(r.scope))));
  }
  Finish(&s, std::move(rows));
  return s;
}

// Services that dispatch on an operation name alone: supported means named in Skiff's table.
CompatService ByName(std::string_view service, std::string_view title, std::string_view unsupported,
                     const std::vector<std::string_view>& names) {
  CompatService s = NewService(service, title, unsupported);
  const std::set<std::string_view> skiff(names.begin(), names.end());
  Rows rows;
  for (const AwsOperation& op : Model(service).operations) {
    const bool supported = skiff.count(op.name) != 0;
    s.supported += supported ? 1 : 0;
    Add(&rows, Row(op.name, supported));
  }
  s.in_model = rows.size();
  for (std::string_view name : skiff) {
    if (rows.find(name) != rows.end()) continue;
    ++s.skiff_only;
    Add(&rows, Row(name, true, "not in botocore's model"));
  }
  Finish(&s, std::move(rows));
  return s;
}

std::vector<std::string_view> ActionNames(const std::vector<sts::ActionSpec>& actions) {
  std::vector<std::string_view> names;
  for (const sts::ActionSpec& a : actions) names.push_back(a.name);
  return names;
}

}  // namespace

std::vector<CompatService> CompatibilityTable() {
  std::vector<CompatService> out;
  out.push_back(S3());
  out.push_back(ByName("dynamodb", "DynamoDB", "`400 UnknownOperationException`",
                       dynamodb::OperationNames()));
  out.push_back(ByName("sts", "STS", "`400 InvalidAction`", ActionNames(sts::StsActions())));
  out.push_back(ByName("iam", "IAM", "`400 InvalidAction`", ActionNames(sts::IamActions())));
  return out;
}

std::string CompatibilityMarkdown() {
  const std::vector<CompatService> services = CompatibilityTable();
  std::string out =
      "# Compatibility\n"
      "\n"
      "Generated by `skiff compat` from the tables Skiff dispatches requests on (the S3 route\n"
      "table, the DynamoDB operation table, the STS and IAM action tables), compared with the\n"
      "operation lists of botocore " +
      std::string(BotocoreVersion()) +
      ". Do not edit: regenerate with\n"
      "`skiff compat > docs/compatibility.md`; `scripts/gen-compat-ops` refreshes botocore's\n"
      "lists.\n"
      "\n"
      "\"Supported\" means Skiff has a handler for the operation; what the handlers cover and\n"
      "where they differ from AWS is in the README (\"What is served\").\n"
      "\n"
      "| service | API version | operations in botocore | supported | not supported | "
      "Skiff only | an unsupported operation answers |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const CompatService& s : services) {
    out += "| [" + std::string(s.title) + "](#" + std::string(s.service) + ") | " +
           std::string(s.api_version) + " | " + std::to_string(s.in_model) + " | " +
           std::to_string(s.supported) + " | " + std::to_string(s.in_model - s.supported) + " | " +
           std::to_string(s.skiff_only) + " | " + std::string(s.unsupported) + " |\n";
  }
  for (const CompatService& s : services) {
    out += "\n## " + std::string(s.title) + "\n\n| operation | status | note |\n|---|---|---|\n";
    for (const CompatRow& row : s.rows) {
      out += "| " + Code(row.operation) + " | " + (row.supported ? "supported" : "not supported") +
             " | " + row.note + " |\n";
    }
  }
  return out;
}

int RunCompat(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::cerr << "skiff: compat takes no arguments (got \"" << args[0] << "\")\n";
    return 2;
  }
  std::cout << CompatibilityMarkdown();
  return std::cout.flush() ? 0 : 1;
}

}  // namespace skiff::app

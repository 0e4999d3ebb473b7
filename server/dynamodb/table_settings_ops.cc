// Table settings with their own operations: TTL, point-in-time recovery, tags, and the
// account-level DescribeEndpoints/DescribeLimits.
#include <vector>

#include "server/dynamodb/context.h"
#include "server/dynamodb/table_spec.h"

namespace skiff::dynamodb {
namespace {

JsonValue ContinuousBackupsJson(JsonOut& out, const TableModel& m, int64_t now_ms) {
  JsonValue pitr(rapidjson::kObjectType);
  out.Add(pitr, "PointInTimeRecoveryStatus", out.Str(m.pitr_enabled ? "ENABLED" : "DISABLED"));
  if (m.pitr_enabled) {
    out.Add(pitr, "RecoveryPeriodInDays", JsonValue(35));
    out.Add(pitr, "EarliestRestorableDateTime", EpochSeconds(m.pitr_enabled_ms));
    // AWS reports a latest restorable time about five minutes behind now.
    out.Add(pitr, "LatestRestorableDateTime",
            EpochSeconds(std::max(m.pitr_enabled_ms, now_ms - 5 * 60 * 1000)));
  }
  JsonValue d(rapidjson::kObjectType);
  out.Add(d, "ContinuousBackupsStatus", out.Str("ENABLED"));
  out.Add(d, "PointInTimeRecoveryDescription", std::move(pitr));
  return d;
}

// Continuous-backup operations name a missing table with their own error.
LoadedTable LoadForBackups(RequestContext& ctx) {
  Violations v;
  auto name = OptString(ctx.input, "TableName");
  v.TableName(name);
  v.ThrowIfAny();
  try {
    return LoadTableNamed(ctx, *name, "x");
  } catch (const ApiError& e) {
    if (e.reply().error == DdbError::kResourceNotFoundException) {
      Fail(DdbError::kTableNotFoundException, "Table not found: " + *name);
    }
    throw;
  }
}

// Tag operations address a table by ARN: arn:aws:dynamodb:<region>:<account>:table/<name>.
LoadedTable LoadByArn(RequestContext& ctx, const std::string& arn) {
  constexpr char kInvalid[] = "One or more parameter values were invalid: ";
  if (!arn.starts_with("arn:")) FailValidation(std::string(kInvalid) + "ARNs must start with 'arn:': " + arn);
  // arn:partition:service:region:account:resource
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string::npos) break;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts.size() < 5 || parts[2] != "dynamodb") {
    FailValidation(std::string(kInvalid) + "Provided Arn is not a DynamoDB resource arn: " + arn);
  }
  const std::string resource = arn.substr(start);
  if (!resource.starts_with("table/") || resource.size() == 6 ||
      (resource.find('/', 6) != std::string::npos && resource.find("/stream/", 6) == std::string::npos)) {
    FailValidation(std::string(kInvalid) +
                   "Invalid resource arn provided, only table or stream is accepted. Provided "
                   "resource arn: " + arn);
  }
  if (parts[3] != ctx.region()) {
    FailValidation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  std::string not_found = "Requested resource not found: ResourcArn: " + arn + " not found";
  if (parts[4] != ctx.account()) Fail(DdbError::kResourceNotFoundException, not_found);
  std::string table = resource.substr(6, resource.find('/', 6) == std::string::npos
                                             ? std::string::npos
                                             : resource.find('/', 6) - 6);
  return LoadTableNamed(ctx, table, not_found);
}

std::string RequiredArn(RequestContext& ctx) {
  Violations v;
  auto arn = OptString(ctx.input, "ResourceArn");
  v.NotNull(arn.has_value(), "resourceArn");
  if (arn && (arn->empty() || arn->size() > 1283)) {
    v.Add("Value '" + *arn + "' at 'resourceArn' failed to satisfy constraint: Member must have "
          "length " + (arn->empty() ? "greater than or equal to 1" : "less than or equal to 1283"));
  }
  v.ThrowIfAny();
  return *arn;
}

}  // namespace

std::string DescribeTimeToLive(RequestContext& ctx) {
  LoadedTable t = LoadTable(ctx, {});
  if (t.record.status == "CREATING" || t.record.status == "DELETING") {
    FailValidation("Cannot describe time to live while table is in " + t.record.status +
                   " state: Current table state is " + t.record.status);
  }
  JsonOut out;
  JsonValue d(rapidjson::kObjectType);
  out.Add(d, "TimeToLiveStatus", out.Str(t.model.ttl_status));
  if (t.model.ttl_status == "ENABLED") out.Add(d, "AttributeName", out.Str(t.model.ttl_attribute));
  out.Add(out.doc(), "TimeToLiveDescription", std::move(d));
  return out.Render();
}

std::string UpdateTimeToLive(RequestContext& ctx) {
  Violations v;
  auto name = OptString(ctx.input, "TableName");
  v.TableName(name);
  const JsonValue* spec = OptObject(ctx.input, "TimeToLiveSpecification");
  v.NotNull(spec != nullptr, "timeToLiveSpecification");
  std::optional<bool> enabled;
  std::optional<std::string> attribute;
  if (spec) {
    enabled = OptBool(*spec, "Enabled");
    attribute = OptString(*spec, "AttributeName");
    v.NotNull(enabled.has_value(), "timeToLiveSpecification.enabled");
    v.NotNull(attribute.has_value(), "timeToLiveSpecification.attributeName");
    if (attribute && (attribute->empty() || attribute->size() > 255)) {
      v.Add("Value '" + *attribute + "' at 'timeToLiveSpecification.attributeName' failed to "
            "satisfy constraint: Member must have length " +
            (attribute->empty() ? "greater than or equal to 1" : "less than or equal to 255"));
    }
  }
  v.ThrowIfAny();
  LoadedTable t = LoadTableNamed(ctx, *name, "Requested resource not found");
  if (*enabled && t.model.ttl_status == "ENABLED") FailValidation("TimeToLive is already enabled");
  if (!*enabled && t.model.ttl_status != "ENABLED") FailValidation("TimeToLive is already disabled");
  if (!*enabled && t.model.ttl_attribute != *attribute) {
    FailValidation("TimeToLive is active on a different AttributeName: current AttributeName is " +
                   t.model.ttl_attribute);
  }
  t.model.ttl_status = *enabled ? "ENABLED" : "DISABLED";
  t.model.ttl_attribute = *enabled ? *attribute : "";
  SaveModel(ctx, t);
  RewriteAllItems(ctx, t);
  JsonOut out;
  JsonValue s(rapidjson::kObjectType);
  out.Add(s, "Enabled", JsonValue(*enabled));
  out.Add(s, "AttributeName", out.Str(*attribute));
  out.Add(out.doc(), "TimeToLiveSpecification", std::move(s));
  return out.Render();
}

std::string DescribeContinuousBackups(RequestContext& ctx) {
  LoadedTable t = LoadForBackups(ctx);
  JsonOut out;
  out.Add(out.doc(), "ContinuousBackupsDescription",
          ContinuousBackupsJson(out, t.model, ctx.now_ms));
  return out.Render();
}

std::string UpdateContinuousBackups(RequestContext& ctx) {
  Violations v;
  auto name = OptString(ctx.input, "TableName");
  v.TableName(name);
  const JsonValue* spec = OptObject(ctx.input, "PointInTimeRecoverySpecification");
  v.NotNull(spec != nullptr, "pointInTimeRecoverySpecification");
  std::optional<bool> enabled;
  std::optional<int64_t> days;
  if (spec) {
    enabled = OptBool(*spec, "PointInTimeRecoveryEnabled");
    days = OptLong(*spec, "RecoveryPeriodInDays");
    v.NotNull(enabled.has_value(), "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled");
    v.AtLeast(days, "pointInTimeRecoverySpecification.recoveryPeriodInDays", 1);
    v.AtMost(days, "pointInTimeRecoverySpecification.recoveryPeriodInDays", 35);
  }
  v.ThrowIfAny();
  if (!*enabled && days) {
    FailValidation("Invalid Request: Cannot specify RecoveryPeriodInDays when disabling "
                   "point-in-time recovery.");
  }
  LoadedTable t;
  try {
    t = LoadTableNamed(ctx, *name, "x");
  } catch (const ApiError& e) {
    if (e.reply().error == DdbError::kResourceNotFoundException) {
      Fail(DdbError::kTableNotFoundException, "Table not found: " + *name);
    }
    throw;
  }
  if (*enabled && !t.model.pitr_enabled) t.model.pitr_enabled_ms = ctx.now_ms;
  t.model.pitr_enabled = *enabled;
  SaveModel(ctx, t);
  JsonOut out;
  out.Add(out.doc(), "ContinuousBackupsDescription",
          ContinuousBackupsJson(out, t.model, ctx.now_ms));
  return out.Render();
}

std::string TagResource(RequestContext& ctx) {
  std::string arn = RequiredArn(ctx);
  Violations v;
  const JsonValue* tags_json = OptList(ctx.input, "Tags");
  v.NotNull(tags_json != nullptr, "tags");
  std::vector<std::pair<std::string, std::string>> tags;
  if (tags_json) tags = ReadTags(*tags_json, "tags", v);
  v.ThrowIfAny();
  if (tags.empty()) FailValidation("Atleast one Tag needs to be provided as Input.");
  LoadedTable t = LoadByArn(ctx, arn);
  for (auto& [k, val] : tags) {
    bool replaced = false;
    for (auto& existing : t.model.tags) {
      if (existing.first == k) {
        existing.second = val;
        replaced = true;
      }
    }
    if (!replaced) t.model.tags.emplace_back(k, val);
  }
  if (t.model.tags.size() > 50) {
    FailValidation("Number of Tags exceed the current limit for the provided ResourceArn");
  }
  SaveModel(ctx, t);
  return "{}";
}

std::string UntagResource(RequestContext& ctx) {
  std::string arn = RequiredArn(ctx);
  Violations v;
  auto keys = OptStringList(ctx.input, "TagKeys");
  v.NotNull(keys.has_value(), "tagKeys");
  v.ThrowIfAny();
  if (keys->empty()) FailValidation("Atleast one Tag Key needs to be provided as Input.");
  LoadedTable t = LoadByArn(ctx, arn);
  std::erase_if(t.model.tags, [&](const auto& tag) {
    return std::find(keys->begin(), keys->end(), tag.first) != keys->end();
  });
  SaveModel(ctx, t);
  return "{}";
}

std::string ListTagsOfResource(RequestContext& ctx) {
  std::string arn = RequiredArn(ctx);
  LoadedTable t = LoadByArn(ctx, arn);
  JsonOut out;
  JsonValue tags(rapidjson::kArrayType);
  for (const auto& [k, val] : t.model.tags) {
    JsonValue e(rapidjson::kObjectType);
    out.Add(e, "Key", out.Str(k));
    out.Add(e, "Value", out.Str(val));
    tags.PushBack(e, out.alloc());
  }
  out.Add(out.doc(), "Tags", std::move(tags));
  return out.Render();
}

std::string DescribeEndpoints(RequestContext& ctx) {
  // The address clients should keep using is this emulator, not AWS's regional endpoint, so
  // that SDKs with endpoint discovery stay here.
  std::string host(ctx.request.headers.Get("Host"));
  if (host.empty()) host = "dynamodb." + ctx.region() + ".amazonaws.com";
  JsonOut out;
  JsonValue list(rapidjson::kArrayType);
  JsonValue e(rapidjson::kObjectType);
  out.Add(e, "Address", out.Str(host));
  out.Add(e, "CachePeriodInMinutes", JsonValue(1440));
  list.PushBack(e, out.alloc());
  out.Add(out.doc(), "Endpoints", std::move(list));
  return out.Render();
}

std::string DescribeLimits(RequestContext& ctx) {
  (void)ctx;
  // AWS's default quotas for a new account.
  return "{\"AccountMaxReadCapacityUnits\":80000,\"AccountMaxWriteCapacityUnits\":80000,"
         "\"TableMaxReadCapacityUnits\":40000,\"TableMaxWriteCapacityUnits\":40000}";
}

}  // namespace skiff::dynamodb

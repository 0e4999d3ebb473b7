// IAM authorization of S3 requests: the action(s) and resource ARN(s) each operation needs (as
// in AWS's "Actions, resources, and condition keys for Amazon S3"), the request's condition
// keys, the bucket policy, and S3's 403 AccessDenied when the decision is a denial.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/iam/policy.h"
#include "server/s3/context.h"

namespace skiff::s3 {

// One permission an operation needs: an IAM action on a bucket or object ARN.
struct Permission {
  std::string action;    // "s3:GetObject"
  std::string bucket;    // "" for service-level actions (s3:ListAllMyBuckets)
  std::string key;       // "" for bucket-level actions
};

// The permissions `ctx`'s operation needs, in the order they are checked; empty for
// operations S3 does not authorize here (CORS preflight, PostObject's form policy, DeleteObjects,
// which is authorized per key, and operations Skiff does not implement).
std::vector<Permission> RequiredPermissions(const RequestContext& ctx);

// The resource ARN of a permission: "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key", or
// "arn:aws:s3:::*" for service-level actions.
std::string ResourceArn(const Permission& p);

// The condition keys of the request (aws:SecureTransport, aws:SourceIp, aws:PrincipalArn,
// s3:prefix, s3:x-amz-acl, ...) for `bucket_owner`'s bucket ("" when unknown).
void AddConditionKeys(const RequestContext& ctx, const std::string& bucket_owner,
                      iam::RequestFacts* facts);

// Checks every permission the operation needs; nullopt when allowed (or when no authorizer is
// configured). Records the deciding statement in ctx.record.policy, and notes in ctx when a
// bucket policy grants another account's caller (ResolveBucket then lets it through).
std::optional<ErrorReply> Authorize(RequestContext& ctx);

// S3 does not tell a caller who may not list the bucket whether a key exists: GetObject and
// HeadObject of a missing key answer 403 AccessDenied (the s3:ListBucket denial) instead of
// 404 NoSuchKey. Returns that denial, or nullopt to answer `reply` as it is.
std::optional<ErrorReply> HideMissingKey(RequestContext& ctx, const ErrorReply& reply);

// One extra check inside an operation (DeleteObjects authorizes each key): nullopt when allowed.
std::optional<ErrorReply> AuthorizePermission(RequestContext& ctx, const Permission& p);

}  // namespace skiff::s3

// Shared by the configuration and object sub-resource operations (config_*.cc): receiving a small
// XML body with S3's integrity checks, and ACL documents.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/s3/context.h"

namespace skiff::s3 {

// Reads the whole request body (up to 64 KiB, else MaxMessageLengthExceeded), verifies
// Content-MD5 (InvalidDigest / BadDigest) and any x-amz-checksum-* header (BadDigest), then calls
// `handle`. With `checksum_required`, a request carrying neither is refused before its body is
// read, as S3 does for the PUTs that demand an integrity header.
http::StartResult ReceiveBody(const Ctx& ctx, bool checksum_required,
                              std::function<http::Response(RequestContext&, std::string)> handle);

// Canned ACL names S3 accepts on buckets and objects.
bool IsCannedAclName(std::string_view name);

// A stored ACL (a canned name, or an AccessControlPolicy document as PUT) rendered as S3 answers
// GetBucketAcl / GetObjectAcl. "" means private.
std::string RenderAcl(std::string_view stored, std::string_view owner_account);

// Whether an AccessControlPolicy body grants nothing but the owner's FULL_CONTROL: the only ACL
// a bucket with ACLs disabled (BucketOwnerEnforced) accepts.
bool IsOwnerOnlyAcl(std::string_view document, std::string_view owner_account);

// The bucket's Object Ownership; BucketOwnerEnforced when never set, "" after
// DeleteBucketOwnershipControls.
std::optional<std::string> BucketOwnership(RequestContext& ctx, std::string_view bucket,
                                           ErrorReply* error);

// Whether the bucket was created with Object Lock or has an Object Lock configuration.
bool BucketHasObjectLock(RequestContext& ctx, const storage::Bucket& bucket);

}  // namespace skiff::s3

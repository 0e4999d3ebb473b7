// Operations of issue 3's object half (s3-objects): multipart uploads, copies, batch deletes and
// version listing. Declared apart from context.h so the two halves of the issue edit different
// files.
#pragma once

#include "server/s3/context.h"
#include "storage/multipart.h"

namespace skiff::s3 {

http::StartResult CreateMultipartUpload(const Ctx& ctx);
http::StartResult UploadPart(const Ctx& ctx);
http::StartResult UploadPartCopy(const Ctx& ctx);
http::StartResult CompleteMultipartUpload(const Ctx& ctx);
http::StartResult AbortMultipartUpload(const Ctx& ctx);
http::StartResult ListParts(const Ctx& ctx);
http::StartResult ListMultipartUploads(const Ctx& ctx);
http::StartResult CopyObject(const Ctx& ctx);
http::StartResult DeleteObjects(const Ctx& ctx);
http::StartResult ListObjectVersions(const Ctx& ctx);
http::StartResult PostObject(const Ctx& ctx);

// Shared by the multipart operations: the multipart store, the upload addressed by ?uploadId
// (NoSuchUpload otherwise) and the ?partNumber check.
storage::MultipartStore& Multipart(RequestContext& c);
std::optional<ErrorReply> ResolveUpload(RequestContext& c, const storage::Bucket& bucket,
                                        storage::MultipartUpload* upload);
std::optional<ErrorReply> ParsePartNumber(const RequestContext& c, uint32_t* part_number);
// UploadPart's and UploadPartCopy's target, checked in S3's order: the bucket (ResolveBucket),
// ?partNumber, then the ?uploadId upload.
std::optional<ErrorReply> ResolvePart(RequestContext& c, storage::Bucket* bucket,
                                      uint32_t* part_number, storage::MultipartUpload* upload);

// versionId=: "null" or one of our 32-character ids. Empty -> InvalidArgument "Version id cannot
// be the empty string"; any other shape -> InvalidArgument "Invalid version id specified" (S3
// answers 400 before looking, and 404 NoSuchVersion only for a well-formed id it lacks).
bool WellFormedVersionId(std::string_view id);
std::optional<ErrorReply> CheckVersionIdParam(const RequestContext& c);

// PutObject's and CreateMultipartUpload's ACL rule (object_write.cc): with ACLs disabled only
// no ACL, bucket-owner-full-control or the owner's private pass (AccessControlListNotSupported).
std::optional<ErrorReply> CheckObjectAcl(RequestContext& c, const std::string& bucket);

inline constexpr uint64_t kMaxPartBytes = 5ull * 1024 * 1024 * 1024;
inline constexpr uint64_t kMinPartBytes = 5ull * 1024 * 1024;

}  // namespace skiff::s3

// Bucket configuration documents: which sub-resource is stored under which kind, how its body is
// validated (against botocore's shapes, with S3's error codes), how it is stored (the document as
// sent, re-rooted in S3's namespace, which is how S3 renders it back) and what S3 answers when it
// is absent (a "not configured" error, or S3's default document).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/s3/errors.h"

namespace skiff::s3 {

struct ConfigKind {
  std::string_view query;         // the sub-resource ("cors")
  std::string_view storage_kind;  // ObjectStore::PutBucketConfig kind
  std::string_view root;          // XML root element of the body and of the answer
  // The error when absent; S3Error::kCount_ when S3 answers `default_inner` instead.
  S3Error not_found;
  std::string_view default_inner;  // children of `root` in the default answer
  // Whether a PUT without Content-MD5 or x-amz-checksum-* is refused, as S3 does.
  bool checksum_required;
  int put_status;  // 200, or 204 for the PUTs S3 answers with No Content
};

// The kind a route's sub-resource query names (the route's first query requirement), or nullptr.
const ConfigKind* FindConfigKind(std::string_view query);

// Validates an XML body for `kind` and produces the document to store. Structural problems
// (not XML, wrong root, missing required members, values outside an enum) are MalformedXML as in
// S3; semantic ones carry S3's own codes and messages (InvalidTag, InvalidRequest, ...).
std::optional<ErrorReply> NormalizeConfig(const ConfigKind& kind, std::string_view body,
                                          std::string* stored);

// The answer for an absent document with a default: declaration, root in S3's namespace.
std::string DefaultConfigDocument(const ConfigKind& kind);

// A bucket policy must be a JSON object with a Statement; returns MalformedPolicy otherwise.
std::optional<ErrorReply> ValidatePolicy(std::string_view json);

// Whether a (valid) policy is public in S3's sense: some Allow statement without a Condition
// names every principal ("*" or {"AWS": "*"}).
bool IsPublicPolicy(std::string_view json);

// Whether `text` is one syntactically valid JSON value (RFC 8259), nothing else around it.
bool IsValidJson(std::string_view text);

// Tag sets (bucket and object tagging). Parses <Tagging><TagSet><Tag>... into pairs, enforcing
// S3's limits: `max_tags` tags, keys up to 128 and values up to 256 characters, unique keys, no
// "aws:" prefix.
using TagList = std::vector<std::pair<std::string, std::string>>;
std::optional<ErrorReply> ParseTagging(std::string_view body, size_t max_tags, TagList* tags);
std::optional<ErrorReply> CheckTags(const TagList& tags, size_t max_tags);
// <?xml?><Tagging xmlns=...><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>
std::string RenderTagging(const TagList& tags);
// The x-amz-tagging form: URL-encoded query string "k1=v1&k2=v2".
std::string EncodeTagQuery(const TagList& tags);
std::optional<TagList> DecodeTagQuery(std::string_view query);

}  // namespace skiff::s3

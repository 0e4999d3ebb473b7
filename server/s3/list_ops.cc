// ListObjects (v1) and ListObjectsV2.
#include "server/s3/context.h"
#include "server/s3/listing.h"

namespace skiff::s3 {

http::StartResult ListObjects(const Ctx& ctx, bool v2) {
  RequestContext& c = *ctx;
  storage::Bucket bucket;
  if (auto err = ResolveBucket(c, &bucket)) return ErrorResponse(c, *err);
  ListParams params;
  if (auto err = ParseListParams(c.query, v2, &params)) return ErrorResponse(c, *err);

  storage::ListOutput out;
  // max-keys=0 asks for nothing; S3 answers an empty, untruncated page.
  if (params.max_keys > 0) {
    storage::ListInput in;
    in.bucket = bucket.name;
    in.prefix = params.prefix;
    in.delimiter = params.delimiter;
    in.start_after = params.resume_after;
    in.max_keys = params.max_keys;
    auto listed = c.store().List(in);
    if (!listed.ok()) return ErrorResponse(c, StorageError(c, listed.status()));
    out = std::move(listed.value());
  }
  return XmlResponse(c, RenderListResult(params, bucket.name, out));
}

}  // namespace skiff::s3

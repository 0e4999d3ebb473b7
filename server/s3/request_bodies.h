// Parsers of the S3 XML request bodies that are not bucket configuration documents (those are in
// config_docs.h): DeleteObjects, CompleteMultipartUpload, CreateBucket and PutBucketVersioning.
// Each takes a body of any bytes and only answers whether it is the expected document; the
// operations turn a refusal into MalformedXML. Separate from the operations so the fuzzer
// (tests/fuzz/s3_xml.cc) and unit tests can reach them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::s3 {

inline constexpr size_t kMaxDeleteKeys = 1000;

struct DeleteTarget {
  std::string key;
  std::string version_id;
  bool has_version = false;
};

// False if the body is not valid UTF-8 (keys are echoed into the response) or not a Delete
// document with 1..kMaxDeleteKeys objects, each with a Key. Appends to `targets`.
bool ParseDeleteBody(const std::string& body, bool* quiet, std::vector<DeleteTarget>* targets);

struct CompletePart {
  uint32_t number = 0;
  std::string etag;  // unquoted
  std::optional<std::string> checksum;
};

// The parts listed in a CompleteMultipartUpload body, in document order (the caller checks the
// order), with the Checksum<algorithm> of each part when the upload has an `algorithm`. False if
// it is not that document, lists no part, or a PartNumber is not a 32-bit unsigned integer.
bool ParseCompleteBody(const std::string& body, std::string_view algorithm,
                       std::vector<CompletePart>* parts);

// The LocationConstraint of a CreateBucketConfiguration body ("" when the body is blank or has
// none). Returns false when the body is not the expected XML.
bool ParseLocationConstraint(const std::string& body, std::string* constraint);

enum class VersioningBody {
  kOk,         // *status is "Enabled", "Suspended", or "" (no Status: nothing to change)
  kEmpty,      // blank body (S3's MissingRequestBodyError)
  kMalformed,  // anything else (MalformedXML)
};

// A PutBucketVersioning body: a VersioningConfiguration holding only Status (Enabled or
// Suspended) and MfaDelete (Enabled or Disabled; accepted and ignored), both optional.
VersioningBody ParseVersioningBody(const std::string& body, std::string* status);

}  // namespace skiff::s3

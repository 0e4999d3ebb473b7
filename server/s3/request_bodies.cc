#include "server/s3/request_bodies.h"

#include <pugixml.hpp>

#include <charconv>

#include "server/s3/addressing.h"

namespace skiff::s3 {
namespace {

bool IsBlank(const std::string& body) {
  return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

bool ParseDeleteBody(const std::string& body, bool* quiet, std::vector<DeleteTarget>* targets) {
  pugi::xml_document doc;
  // Keys that are not UTF-8 would be echoed into an invalid response document.
  if (!IsValidUtf8(body) || !doc.load_buffer(body.data(), body.size())) return false;
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "Delete") return false;
  *quiet = std::string_view(root.child("Quiet").text().as_string()) == "true";
  for (pugi::xml_node o : root.children("Object")) {
    pugi::xml_node key = o.child("Key");
    if (!key) return false;
    DeleteTarget t;
    t.key = key.text().as_string();
    if (pugi::xml_node v = o.child("VersionId")) {
      t.version_id = v.text().as_string();
      t.has_version = true;
    }
    targets->push_back(std::move(t));
  }
  return !targets->empty() && targets->size() <= kMaxDeleteKeys;
}

bool ParseCompleteBody(const std::string& body, std::string_view algorithm,
                       std::vector<CompletePart>* parts) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "CompleteMultipartUpload") return false;
  // "ChecksumCRC32" for CRC32, as the XML element names read.
  const std::string checksum_element = "Checksum" + std::string(algorithm);
  for (pugi::xml_node p : root.children("Part")) {
    CompletePart part;
    std::string_view number = p.child("PartNumber").text().as_string();
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), part.number);
    if (number.empty() || ec != std::errc() || ptr != number.data() + number.size()) return false;
    std::string_view etag = p.child("ETag").text().as_string();
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
      etag = etag.substr(1, etag.size() - 2);
    }
    part.etag = std::string(etag);
    if (!algorithm.empty()) {
      pugi::xml_node sum = p.child(checksum_element.c_str());
      if (sum) part.checksum = sum.text().as_string();
    }
    parts->push_back(std::move(part));
  }
  return !parts->empty();
}

bool ParseLocationConstraint(const std::string& body, std::string* constraint) {
  constraint->clear();
  if (IsBlank(body)) return true;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return false;
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "CreateBucketConfiguration") return false;
  *constraint = root.child("LocationConstraint").text().as_string();
  return true;
}

VersioningBody ParseVersioningBody(const std::string& body, std::string* status) {
  status->clear();
  if (IsBlank(body)) return VersioningBody::kEmpty;
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size()) ||
      std::string_view(doc.document_element().name()) != "VersioningConfiguration") {
    return VersioningBody::kMalformed;
  }
  pugi::xml_node root = doc.document_element();
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name != "Status" && name != "MfaDelete") return VersioningBody::kMalformed;
  }
  pugi::xml_node mfa = root.child("MfaDelete");
  if (mfa && std::string_view(mfa.text().as_string()) != "Enabled" &&
      std::string_view(mfa.text().as_string()) != "Disabled") {
    return VersioningBody::kMalformed;
  }
  pugi::xml_node node = root.child("Status");
  if (!node) return VersioningBody::kOk;  // nothing to change
  std::string value = node.text().as_string();
  if (value != "Enabled" && value != "Suspended") return VersioningBody::kMalformed;
  *status = std::move(value);
  return VersioningBody::kOk;
}

}  // namespace skiff::s3

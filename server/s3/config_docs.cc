#include "server/s3/config_docs.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "server/s3/addressing.h"
#include "server/s3/xml.h"

namespace skiff::s3 {
namespace {

using Validator = std::optional<ErrorReply> (*)(const pugi::xml_node& root);

constexpr S3Error kHasDefault = S3Error::kCount_;

// Sub-resources stored as documents. Ownership controls, the ACL and the policy have their own
// handling in config_ops.cc but share the lookup.
constexpr std::array<ConfigKind, 15> kKinds = {{
    {"accelerate", "accelerate", "AccelerateConfiguration", kHasDefault, "", false, 200},
    {"acl", "acl", "AccessControlPolicy", kHasDefault, "", false, 200},
    {"cors", "cors", "CORSConfiguration", S3Error::kNoSuchCORSConfiguration, "", true, 200},
    // Since January 2023 every bucket has SSE-S3 as its default encryption; S3 answers it
    // (rather than ServerSideEncryptionConfigurationNotFoundError) when none was set.
    {"encryption", "encryption", "ServerSideEncryptionConfiguration", kHasDefault,
     "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
     "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule>",
     false, 200},
    {"lifecycle", "lifecycle", "LifecycleConfiguration", S3Error::kNoSuchLifecycleConfiguration,
     "", true, 200},
    {"logging", "logging", "BucketLoggingStatus", kHasDefault, "", false, 200},
    {"notification", "notification", "NotificationConfiguration", kHasDefault, "", false, 200},
    {"object-lock", "object-lock", "ObjectLockConfiguration",
     S3Error::kObjectLockConfigurationNotFoundError, "", true, 200},
    {"ownershipControls", "ownership", "OwnershipControls",
     S3Error::kOwnershipControlsNotFoundError, "", false, 200},
    {"policy", "policy", "", S3Error::kNoSuchBucketPolicy, "", false, 204},
    {"publicAccessBlock", "publicAccessBlock", "PublicAccessBlockConfiguration",
     S3Error::kNoSuchPublicAccessBlockConfiguration, "", false, 200},
    {"replication", "replication", "ReplicationConfiguration",
     S3Error::kReplicationConfigurationNotFoundError, "", true, 200},
    {"requestPayment", "requestPayment", "RequestPaymentConfiguration", kHasDefault,
     "<Payer>BucketOwner</Payer>", false, 200},
    {"tagging", "tagging", "Tagging", S3Error::kNoSuchTagSet, "", true, 204},
    {"website", "website", "WebsiteConfiguration", S3Error::kNoSuchWebsiteConfiguration, "",
     false, 200},
}};

std::optional<ErrorReply> Malformed() { return ErrorReply(S3Error::kMalformedXML); }

std::optional<ErrorReply> InvalidRequest(std::string message) {
  return ErrorReply(S3Error::kInvalidRequest, std::move(message));
}

std::optional<ErrorReply> InvalidArgument(std::string message, std::string name,
                                          std::string value) {
  return ErrorReply(S3Error::kInvalidArgument, std::move(message))
      .Field("ArgumentName", std::move(name))
      .Field("ArgumentValue", std::move(value));
}

size_t Count(const pugi::xml_node& n, const char* name) {
  size_t c = 0;
  for (pugi::xml_node x = n.child(name); x; x = x.next_sibling(name)) ++c;
  return c;
}

bool OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

bool IsBool(std::string_view v) { return v == "true" || v == "false"; }

bool IsNonNegativeInt(std::string_view v) {
  return !v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos;
}

// Every child element of `n` is one of `allowed` (the shape's members).
bool OnlyChildren(const pugi::xml_node& n, std::initializer_list<std::string_view> allowed) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    if (!OneOf(c.name(), allowed)) return false;
  }
  return true;
}

std::optional<ErrorReply> ValidateAccelerate(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Status"})) return Malformed();
  pugi::xml_node s = root.child("Status");
  if (s && !OneOf(s.text().as_string(), {"Enabled", "Suspended"})) return Malformed();
  return std::nullopt;
}

std::optional<ErrorReply> ValidateAcl(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Owner", "AccessControlList"})) return Malformed();
  pugi::xml_node list = root.child("AccessControlList");
  if (!list) return Malformed();
  for (pugi::xml_node g : list.children()) {
    if (g.type() != pugi::node_element) continue;
    if (std::string_view(g.name()) != "Grant") return Malformed();
    if (!g.child("Grantee")) return Malformed();
    std::string_view perm = g.child("Permission").text().as_string();
    if (!OneOf(perm, {"FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"})) {
      return Malformed();
    }
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateCors(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"CORSRule"})) return Malformed();
  size_t rules = Count(root, "CORSRule");
  if (rules == 0 || rules > 100) return Malformed();
  for (pugi::xml_node r : root.children("CORSRule")) {
    if (!OnlyChildren(r, {"ID", "AllowedHeader", "AllowedMethod", "AllowedOrigin",
                          "ExposeHeader", "MaxAgeSeconds"})) {
      return Malformed();
    }
    if (!r.child("AllowedMethod") || !r.child("AllowedOrigin")) return Malformed();
    for (pugi::xml_node m : r.children("AllowedMethod")) {
      std::string_view v = m.text().as_string();
      if (!OneOf(v, {"GET", "PUT", "HEAD", "POST", "DELETE"})) {
        return InvalidRequest("Found unsupported HTTP method in CORS config. Unsupported method is " +
                              std::string(v));
      }
    }
    for (pugi::xml_node o : r.children("AllowedOrigin")) {
      std::string_view v = o.text().as_string();
      if (std::count(v.begin(), v.end(), '*') > 1) {
        return InvalidRequest("AllowedOrigin \"" + std::string(v) +
                              "\" can not have more than one wildcard.");
      }
    }
    for (pugi::xml_node h : r.children("AllowedHeader")) {
      std::string_view v = h.text().as_string();
      if (std::count(v.begin(), v.end(), '*') > 1) {
        return InvalidRequest("AllowedHeader \"" + std::string(v) +
                              "\" can not have more than one wildcard.");
      }
    }
    pugi::xml_node age = r.child("MaxAgeSeconds");
    if (age && !IsNonNegativeInt(age.text().as_string())) return Malformed();
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateEncryption(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Rule"})) return Malformed();
  if (Count(root, "Rule") != 1) return Malformed();
  pugi::xml_node rule = root.child("Rule");
  if (!OnlyChildren(rule, {"ApplyServerSideEncryptionByDefault", "BucketKeyEnabled",
                           "BlockedEncryptionTypes"})) {
    return Malformed();
  }
  pugi::xml_node bke = rule.child("BucketKeyEnabled");
  if (bke && !IsBool(bke.text().as_string())) return Malformed();
  pugi::xml_node def = rule.child("ApplyServerSideEncryptionByDefault");
  if (!def) return std::nullopt;
  if (!OnlyChildren(def, {"SSEAlgorithm", "KMSMasterKeyID"})) return Malformed();
  std::string_view alg = def.child("SSEAlgorithm").text().as_string();
  if (!OneOf(alg, {"AES256", "aws:kms", "aws:kms:dsse"})) return Malformed();
  if (alg == "AES256" && def.child("KMSMasterKeyID")) {
    return InvalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is "
                           "not aws:kms or aws:kms:dsse",
                           "ApplyServerSideEncryptionByDefault", "");
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateLifecycle(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Rule"})) return Malformed();
  size_t rules = Count(root, "Rule");
  if (rules == 0 || rules > 1000) return Malformed();
  std::set<std::string> ids;
  for (pugi::xml_node r : root.children("Rule")) {
    if (!OnlyChildren(r, {"Expiration", "ID", "Prefix", "Filter", "Status", "Transition",
                          "Transitions", "NoncurrentVersionTransition",
                          "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload"})) {
      return Malformed();
    }
    if (!OneOf(r.child("Status").text().as_string(), {"Enabled", "Disabled"})) return Malformed();
    std::string id = r.child("ID").text().as_string();
    if (id.size() > 255) return InvalidArgument("ID length should not exceed allowed limit of 255",
                                                "ID", id);
    if (!id.empty() && !ids.insert(id).second) {
      return InvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID",
                             id);
    }
    if (r.child("Filter") && r.child("Prefix")) return Malformed();
    if (!r.child("Expiration") && !r.child("Transition") && !r.child("Transitions") &&
        !r.child("NoncurrentVersionTransition") && !r.child("NoncurrentVersionExpiration") &&
        !r.child("AbortIncompleteMultipartUpload")) {
      return InvalidRequest("At least one action needs to be specified in a rule");
    }
    pugi::xml_node days = r.child("Expiration").child("Days");
    if (days) {
      std::string_view d = days.text().as_string();
      if (!IsNonNegativeInt(d) || d == "0") {
        return InvalidArgument("'Days' for Expiration action must be a positive integer",
                               "Days", std::string(d));
      }
    }
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateLogging(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"LoggingEnabled"})) return Malformed();
  pugi::xml_node le = root.child("LoggingEnabled");
  if (!le) return std::nullopt;
  if (!OnlyChildren(le, {"TargetBucket", "TargetGrants", "TargetPrefix",
                         "TargetObjectKeyFormat"})) {
    return Malformed();
  }
  if (!le.child("TargetBucket") || !le.child("TargetPrefix")) return Malformed();
  return std::nullopt;
}

std::optional<ErrorReply> ValidateNotification(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"TopicConfiguration", "QueueConfiguration",
                           "CloudFunctionConfiguration", "EventBridgeConfiguration"})) {
    return Malformed();
  }
  for (pugi::xml_node c : root.children()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view name = c.name();
    if (name == "EventBridgeConfiguration") continue;
    const char* arn = name == "TopicConfiguration"   ? "Topic"
                      : name == "QueueConfiguration" ? "Queue"
                                                     : "CloudFunction";
    if (!c.child(arn) || !c.child("Event")) return Malformed();
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateObjectLock(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"ObjectLockEnabled", "Rule"})) return Malformed();
  pugi::xml_node en = root.child("ObjectLockEnabled");
  if (en && std::string_view(en.text().as_string()) != "Enabled") return Malformed();
  pugi::xml_node rule = root.child("Rule");
  if (!rule) return std::nullopt;
  pugi::xml_node dr = rule.child("DefaultRetention");
  if (!dr) return Malformed();
  if (!OneOf(dr.child("Mode").text().as_string(), {"GOVERNANCE", "COMPLIANCE"})) {
    return Malformed();
  }
  pugi::xml_node days = dr.child("Days");
  pugi::xml_node years = dr.child("Years");
  if (static_cast<bool>(days) == static_cast<bool>(years)) return Malformed();
  std::string_view v = (days ? days : years).text().as_string();
  if (!IsNonNegativeInt(v) || v == "0") {
    return InvalidArgument("Default retention period must be a positive integer value",
                           days ? "Days" : "Years", std::string(v));
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateOwnership(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Rule"}) || Count(root, "Rule") != 1) return Malformed();
  pugi::xml_node oo = root.child("Rule").child("ObjectOwnership");
  if (Count(root.child("Rule"), "ObjectOwnership") != 1) return Malformed();
  if (!OneOf(oo.text().as_string(),
             {"BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"})) {
    return Malformed();
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidatePublicAccessBlock(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                           "RestrictPublicBuckets"})) {
    return Malformed();
  }
  for (pugi::xml_node c : root.children()) {
    if (c.type() == pugi::node_element && !IsBool(c.text().as_string())) return Malformed();
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateReplication(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Role", "Rule"})) return Malformed();
  if (!root.child("Role") || !root.child("Rule")) return Malformed();
  for (pugi::xml_node r : root.children("Rule")) {
    if (!OneOf(r.child("Status").text().as_string(), {"Enabled", "Disabled"})) return Malformed();
    if (!r.child("Destination").child("Bucket")) return Malformed();
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateRequestPayment(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"Payer"})) return Malformed();
  if (!OneOf(root.child("Payer").text().as_string(), {"Requester", "BucketOwner"})) {
    return Malformed();
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateWebsite(const pugi::xml_node& root) {
  if (!OnlyChildren(root, {"ErrorDocument", "IndexDocument", "RedirectAllRequestsTo",
                           "RoutingRules"})) {
    return Malformed();
  }
  pugi::xml_node redirect = root.child("RedirectAllRequestsTo");
  if (redirect) {
    if (!redirect.child("HostName")) return Malformed();
    if (root.child("IndexDocument") || root.child("ErrorDocument") || root.child("RoutingRules")) {
      return InvalidRequest("RedirectAllRequestsTo cannot be provided in conjunction with other "
                            "Routing Rules.");
    }
    return std::nullopt;
  }
  pugi::xml_node index = root.child("IndexDocument");
  if (!index) {
    return InvalidArgument("A value for IndexDocument Suffix must be provided if "
                           "RedirectAllRequestsTo is empty",
                           "IndexDocument", "null");
  }
  std::string_view suffix = index.child("Suffix").text().as_string();
  if (suffix.empty() || suffix.find('/') != std::string_view::npos) {
    return InvalidArgument("The IndexDocument Suffix is not well formed", "IndexDocument",
                           std::string(suffix));
  }
  pugi::xml_node error = root.child("ErrorDocument");
  if (error && !error.child("Key")) return Malformed();
  return std::nullopt;
}

std::optional<ErrorReply> ValidateTaggingDoc(const pugi::xml_node& root);

Validator ValidatorFor(std::string_view query) {
  if (query == "accelerate") return ValidateAccelerate;
  if (query == "acl") return ValidateAcl;
  if (query == "cors") return ValidateCors;
  if (query == "encryption") return ValidateEncryption;
  if (query == "lifecycle") return ValidateLifecycle;
  if (query == "logging") return ValidateLogging;
  if (query == "notification") return ValidateNotification;
  if (query == "object-lock") return ValidateObjectLock;
  if (query == "ownershipControls") return ValidateOwnership;
  if (query == "publicAccessBlock") return ValidatePublicAccessBlock;
  if (query == "replication") return ValidateReplication;
  if (query == "requestPayment") return ValidateRequestPayment;
  if (query == "tagging") return ValidateTaggingDoc;
  if (query == "website") return ValidateWebsite;
  return nullptr;
}

std::optional<ErrorReply> ExtractTags(const pugi::xml_node& root, TagList* tags) {
  if (!OnlyChildren(root, {"TagSet"})) return Malformed();
  pugi::xml_node set = root.child("TagSet");
  if (!set) return Malformed();
  for (pugi::xml_node t : set.children()) {
    if (t.type() != pugi::node_element) continue;
    if (std::string_view(t.name()) != "Tag") return Malformed();
    if (!t.child("Key") || !t.child("Value")) return Malformed();
    tags->emplace_back(t.child("Key").text().as_string(), t.child("Value").text().as_string());
  }
  return std::nullopt;
}

std::optional<ErrorReply> ValidateTaggingDoc(const pugi::xml_node& root) {
  TagList tags;
  if (auto err = ExtractTags(root, &tags)) return err;
  return CheckTags(tags, 50);
}

// Counts UTF-8 code points: S3's tag limits are in characters.
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::optional<pugi::xml_node> ParseRoot(pugi::xml_document* doc, std::string_view body,
                                        std::string_view root) {
  if (!IsValidUtf8(body) || !doc->load_buffer(body.data(), body.size())) return std::nullopt;
  pugi::xml_node r = doc->document_element();
  if (!r || std::string_view(r.name()) != root) return std::nullopt;
  return r;
}

std::string Serialize(pugi::xml_node root) {
  root.remove_attribute("xmlns");
  root.prepend_attribute("xmlns").set_value(std::string(kS3Namespace).c_str());
  std::ostringstream out;
  root.print(out, "", pugi::format_raw);
  return std::string(kXmlDeclaration) + out.str();
}

}  // namespace

const ConfigKind* FindConfigKind(std::string_view query) {
  for (const ConfigKind& k : kKinds) {
    if (k.query == query) return &k;
  }
  return nullptr;
}

std::optional<ErrorReply> NormalizeConfig(const ConfigKind& kind, std::string_view body,
                                          std::string* stored) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return ErrorReply(S3Error::kMissingRequestBodyError);
  }
  pugi::xml_document doc;
  auto root = ParseRoot(&doc, body, kind.root);
  if (!root) return Malformed();
  if (Validator v = ValidatorFor(kind.query)) {
    if (auto err = v(*root)) return err;
  }
  if (kind.query == "publicAccessBlock") {
    // S3 answers all four settings, false for those the request left out.
    XmlWriter w("PublicAccessBlockConfiguration", true);
    for (const char* name : {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                             "RestrictPublicBuckets"}) {
      w.BoolElement(name, std::string_view(root->child(name).text().as_string()) == "true");
    }
    *stored = w.Finish();
    return std::nullopt;
  }
  *stored = Serialize(*root);
  return std::nullopt;
}

std::string DefaultConfigDocument(const ConfigKind& kind) {
  std::string out(kXmlDeclaration);
  out += "<" + std::string(kind.root) + " xmlns=\"" + std::string(kS3Namespace) + "\"";
  if (kind.default_inner.empty()) return out + "/>";
  return out + ">" + std::string(kind.default_inner) + "</" + std::string(kind.root) + ">";
}

std::optional<ErrorReply> ParseTagging(std::string_view body, size_t max_tags, TagList* tags) {
  pugi::xml_document doc;
  auto root = ParseRoot(&doc, body, "Tagging");
  if (!root) return Malformed();
  if (auto err = ExtractTags(*root, tags)) return err;
  return CheckTags(*tags, max_tags);
}

std::optional<ErrorReply> CheckTags(const TagList& tags, size_t max_tags) {
  if (tags.size() > max_tags) {
    return ErrorReply(S3Error::kInvalidTag, max_tags == 10
                                                ? "Object tags cannot be greater than 10"
                                                : "Bucket tag count cannot be greater than 50");
  }
  std::set<std::string_view> keys;
  for (const auto& [k, v] : tags) {
    if (k.empty() || Utf8Length(k) > 128) {
      return ErrorReply(S3Error::kInvalidTag, "The TagKey you have provided is invalid")
          .Field("TagKey", k);
    }
    if (Utf8Length(v) > 256) {
      return ErrorReply(S3Error::kInvalidTag, "The TagValue you have provided is invalid")
          .Field("TagKey", k)
          .Field("TagValue", v);
    }
    if (k.starts_with("aws:")) {
      return ErrorReply(S3Error::kInvalidTag,
                        "Your TagKey cannot be prefixed with aws:")
          .Field("TagKey", k);
    }
    if (!keys.insert(k).second) {
      return ErrorReply(S3Error::kInvalidTag, "Cannot provide multiple Tags with the same key")
          .Field("TagKey", k);
    }
  }
  return std::nullopt;
}

std::string RenderTagging(const TagList& tags) {
  XmlWriter w("Tagging", true);
  w.Open("TagSet");
  for (const auto& [k, v] : tags) {
    w.Open("Tag");
    w.Element("Key", k);
    w.Element("Value", v);
    w.Close();
  }
  w.Close();
  return w.Finish();
}

std::string EncodeTagQuery(const TagList& tags) {
  std::string out;
  for (const auto& [k, v] : tags) {
    if (!out.empty()) out += '&';
    out += S3UrlEncode(k) + "=" + S3UrlEncode(v);
  }
  return out;
}

std::optional<TagList> DecodeTagQuery(std::string_view query) {
  TagList tags;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto k = PercentDecode(part.substr(0, eq), /*plus_is_space=*/true);
    auto v = PercentDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1),
                           /*plus_is_space=*/true);
    if (!k || !v || !IsValidUtf8(*k) || !IsValidUtf8(*v)) return std::nullopt;
    tags.emplace_back(std::move(*k), std::move(*v));
  }
  return tags;
}

}  // namespace skiff::s3

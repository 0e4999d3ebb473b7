// A small keyed table of JSON documents, (kind, account, name) -> body, for state that is a
// handful of records rather than data (IAM users, roles, policies, OIDC providers). Each Put or
// Delete is one transaction: callers that keep one entity per document get atomic changes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"

namespace skiff::storage {

struct Document {
  std::string kind;     // "iam-user", "iam-role", ...
  std::string account;  // 12-digit account id ("" for state that belongs to no account)
  std::string name;     // unique within (kind, account)
  std::string body;     // JSON text; storage does not look inside
};

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  // Inserts or replaces.
  virtual Status Put(const Document& document) = 0;
  // kNotFound when absent.
  virtual Result<Document> Get(std::string_view kind, std::string_view account,
                               std::string_view name) = 0;
  // kNotFound when absent.
  virtual Status Delete(std::string_view kind, std::string_view account,
                        std::string_view name) = 0;
  // Every document of `kind` in every account, ordered by (account, name) in byte order.
  virtual Result<std::vector<Document>> List(std::string_view kind) = 0;
  // Removes every document of `kind`.
  virtual Status Clear(std::string_view kind) = 0;
};

}  // namespace skiff::storage

// DocumentStore over SQLite (documents.cc).
#pragma once

#include <memory>

#include "storage/documents.h"
#include "storage/store_core.h"

namespace skiff::storage {

class SqliteDocumentStore : public DocumentStore {
 public:
  explicit SqliteDocumentStore(std::shared_ptr<StoreCore> core) : core_(std::move(core)) {}

  Status Put(const Document& document) override;
  Result<Document> Get(std::string_view kind, std::string_view account,
                       std::string_view name) override;
  Status Delete(std::string_view kind, std::string_view account, std::string_view name) override;
  Result<std::vector<Document>> List(std::string_view kind) override;
  Status Clear(std::string_view kind) override;

 private:
  std::shared_ptr<StoreCore> core_;
};

}  // namespace skiff::storage

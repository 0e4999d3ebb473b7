// A fresh IamStore over an in-memory (or on-disk, for restarts) database, for the store tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "server/common/credentials.h"
#include "server/iam/store.h"
#include "storage/database.h"

namespace skiff::iam::testing {

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kAllowAll =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
inline constexpr const char* kTrustAccount =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]})";

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override {
    store_.reset();
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // On disk, so that Reopen() sees what was persisted.
  void Open() {
    if (dir_.empty()) {
      std::random_device device;
      dir_ = (std::filesystem::temp_directory_path() /
              ("skiff-iam-test-" + std::to_string(device()) + std::to_string(device())))
                 .string();
    }
    storage::DatabaseOptions options;
    options.directory = dir_;
    auto db = storage::Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    std::string error;
    store_ = IamStore::Open(*db_, credentials_, &error);
    ASSERT_NE(store_, nullptr) << error;
  }

  // A restart: new database handle, new credential store, same files.
  void Reopen() {
    store_.reset();
    db_->Close();
    db_.reset();
    credentials_.Clear();
    Open();
  }

  IamStore& store() { return *store_; }

  common::CredentialStore credentials_;
  std::string dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<IamStore> store_;
};

}  // namespace skiff::iam::testing

// The TTL reaper deletes exactly the expired items, in batches, and stops promptly.
#include "server/app/ttl_reaper.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "storage/database.h"

namespace skiff::app {
namespace {

class TtlReaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions options;
    options.in_memory = true;
    auto db = storage::Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db.value());
    storage::TableRecord table;
    table.account_id = "000000000000";
    table.region = "us-east-1";
    table.name = "t";
    table.document = "{}";
    table.status = "ACTIVE";
    ASSERT_TRUE(db_->tables().CreateTable(&table).ok());
    table_id_ = table.table_id;
  }

  void Put(const std::string& pk, int64_t expires_at_s) {
    storage::ItemKey key{pk, ""};
    auto status = db_->tables().Mutate(
        {{table_id_, key}},
        [&](const std::vector<storage::ItemRead>&, std::vector<storage::ItemWrite>* writes) {
          storage::ItemWrite w;
          w.table_id = table_id_;
          w.key = key;
          w.item.key = key;
          w.item.data = "x";
          w.item.size = 1;
          w.item.expires_at_s = expires_at_s;
          writes->push_back(std::move(w));
          return storage::Status::Ok();
        });
    ASSERT_TRUE(status.ok()) << status.message();
  }

  bool Exists(const std::string& pk) {
    auto got = db_->tables().GetItem(table_id_, storage::ItemKey{pk, ""});
    EXPECT_TRUE(got.ok());
    return got.value().has_value();
  }

  std::unique_ptr<storage::Database> db_;
  int64_t table_id_ = 0;
};

TEST_F(TtlReaperTest, SweepDeletesOnlyExpiredItems) {
  for (int i = 0; i < 1200; ++i) Put("old" + std::to_string(i), 1000 + i);  // > one batch
  Put("future", 5000);
  Put("no-ttl", 0);
  TtlReaper reaper(db_->tables(), std::chrono::milliseconds(0));  // no thread: sweep by hand
  EXPECT_EQ(reaper.Sweep(2199), 1200u);
  EXPECT_FALSE(Exists("old0"));
  EXPECT_FALSE(Exists("old1199"));
  EXPECT_TRUE(Exists("future"));
  EXPECT_TRUE(Exists("no-ttl"));
  EXPECT_EQ(reaper.Sweep(2199), 0u);
}

TEST_F(TtlReaperTest, BackgroundThreadReapsAndStopsPromptly) {
  Put("gone", 1);  // expired long ago
  TtlReaper reaper(db_->tables(), std::chrono::milliseconds(20));
  for (int i = 0; i < 200 && Exists("gone"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(Exists("gone"));
  auto started = std::chrono::steady_clock::now();
  reaper.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace skiff::app

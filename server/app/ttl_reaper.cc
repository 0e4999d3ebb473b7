#include "server/app/ttl_reaper.h"

#include <string>

#include "server/common/request_log.h"

namespace skiff::app {
namespace {
// Items deleted per transaction, so a large expiry never holds the write lock for long.
constexpr uint64_t kBatch = 500;
}  // namespace

TtlReaper::TtlReaper(storage::TableStore& tables, std::chrono::milliseconds period)
    : tables_(tables), period_(period) {
  if (period_.count() > 0) thread_ = std::thread([this] { Loop(); });
}

TtlReaper::~TtlReaper() { Stop(); }

void TtlReaper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t TtlReaper::Sweep(int64_t now_s) {
  uint64_t total = 0;
  for (;;) {
    auto deleted = tables_.DeleteExpired(now_s, kBatch);
    if (!deleted.ok()) {
      common::Log(common::LogLevel::kWarn, "ttl reaper: " + deleted.status().message());
      break;
    }
    total += deleted.value();
    if (deleted.value() < kBatch) break;
    std::lock_guard lock(mutex_);
    if (stopping_) break;
  }
  return total;
}

void TtlReaper::Loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    uint64_t n = Sweep(now);
    if (n > 0 && common::LogEnabled(common::LogLevel::kDebug)) {
      common::Log(common::LogLevel::kDebug, "ttl reaper deleted " + std::to_string(n) + " items");
    }
    lock.lock();
  }
}

}  // namespace skiff::app

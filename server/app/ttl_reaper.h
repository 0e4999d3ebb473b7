// DynamoDB Time to Live: a background thread that deletes expired items every period, as
// DynamoDB does (AWS deletes within days; we delete within one period so tests can observe it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "storage/table_store.h"

namespace skiff::app {

class TtlReaper {
 public:
  // Starts the thread unless `period` is zero. `tables` must outlive the reaper.
  TtlReaper(storage::TableStore& tables, std::chrono::milliseconds period);
  ~TtlReaper();  // Stop()s
  // Wakes the thread and joins it. Idempotent.
  void Stop();
  // One sweep: deletes every item expired at `now_s`, in bounded batches. Returns the count.
  uint64_t Sweep(int64_t now_s);

 private:
  void Loop();

  storage::TableStore& tables_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::app

// A wrapping sqlite3_vfs for tests that injects I/O errors: while armed, every xWrite (or
// xSync) after the first `after` calls fails with SQLITE_IOERR_WRITE (SQLITE_IOERR_FSYNC), as a
// failing disk would. Everything else is forwarded to the VFS that was the default.
#pragma once

#include <sqlite3.h>

namespace skiff::storage::testing {

// Registers itself as SQLite's default VFS for its lifetime, so connections opened meanwhile
// (by path, as Database::Open does) go through it. One at a time per process; close every
// connection opened through it before it is destroyed. Disarmed, it only forwards.
class FaultyVfs {
 public:
  FaultyVfs();
  ~FaultyVfs();
  FaultyVfs(const FaultyVfs&) = delete;
  FaultyVfs& operator=(const FaultyVfs&) = delete;

  bool registered() const { return registered_; }
  // Lets `after` more writes through, then fails each later one until Disarm().
  void FailWritesAfter(int after);
  // Lets `after` more syncs through, then fails each later one until Disarm().
  void FailSyncsAfter(int after);
  void Disarm();
  // Calls failed since construction or ResetCounts().
  int failed_writes() const;
  int failed_syncs() const;
  // Calls seen since construction or ResetCounts(), failed or not.
  int writes() const;
  int syncs() const;
  void ResetCounts();

 private:
  bool registered_ = false;
};

}  // namespace skiff::storage::testing

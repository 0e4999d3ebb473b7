#include "tests/unit/storage/faulty_vfs.h"

#include <atomic>

namespace skiff::storage::testing {
namespace {

// SQLite calls the VFS through plain function pointers, so the fault state is process-wide
// (hence one FaultyVfs at a time). A budget of -1 is disarmed; n >= 0 lets n more calls through.
std::atomic<int> write_budget{-1};
std::atomic<int> sync_budget{-1};
std::atomic<int> write_calls{0};
std::atomic<int> sync_calls{0};
std::atomic<int> failed_write_calls{0};
std::atomic<int> failed_sync_calls{0};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs faulty_vfs;

// True when this call must fail: the budget is armed and spent.
bool Spend(std::atomic<int>& budget) {
  int left = budget.load();
  while (left > 0 && !budget.compare_exchange_weak(left, left - 1)) {
  }
  return left == 0;
}

// Our file handle; the real VFS's handle lives right after it in the same allocation.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real; }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), out, n, offset);
}
int Write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
  ++write_calls;
  if (Spend(write_budget)) {
    ++failed_write_calls;
    return SQLITE_IOERR_WRITE;
  }
  return Real(f)->pMethods->xWrite(Real(f), data, n, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  ++sync_calls;
  if (Spend(sync_budget)) {
    ++failed_sync_calls;
    return SQLITE_IOERR_FSYNC;
  }
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
// The shared-memory and memory-map methods exist from io_methods versions 2 and 3; the unix VFS
// has both, and Open() refuses a real file that lacks them.
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
}

const sqlite3_io_methods kMethods = {
    .iVersion = 3,
    .xClose = Close,
    .xRead = Read,
    .xWrite = Write,
    .xTruncate = Truncate,
    .xSync = Sync,
    .xFileSize = FileSize,
    .xLock = Lock,
    .xUnlock = Unlock,
    .xCheckReservedLock = CheckReservedLock,
    .xFileControl = FileControl,
    .xSectorSize = SectorSize,
    .xDeviceCharacteristics = DeviceCharacteristics,
    .xShmMap = ShmMap,
    .xShmLock = ShmLock,
    .xShmBarrier = ShmBarrier,
    .xShmUnmap = ShmUnmap,
    .xFetch = Fetch,
    .xUnfetch = Unfetch,
};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* faulty = reinterpret_cast<FaultyFile*>(file);
  faulty->base.pMethods = nullptr;
  faulty->real = reinterpret_cast<sqlite3_file*>(faulty + 1);
  int rc = real_vfs->xOpen(real_vfs, name, faulty->real, flags, out_flags);
  const sqlite3_io_methods* real_methods = faulty->real->pMethods;
  if (real_methods == nullptr) return rc;  // nothing to close
  if (rc == SQLITE_OK && real_methods->iVersion < 3) {
    real_methods->xClose(faulty->real);
    return SQLITE_CANTOPEN;
  }
  // On failure SQLite still calls xClose when pMethods is set; the real one must see it.
  faulty->base.pMethods = &kMethods;
  return rc;
}

}  // namespace

FaultyVfs::FaultyVfs() {
  real_vfs = sqlite3_vfs_find(nullptr);
  if (real_vfs == nullptr) return;
  // A copy of the real VFS, so every method but xOpen is the real one, called with a struct
  // carrying the real pAppData and limits; only files are wrapped.
  faulty_vfs = *real_vfs;
  faulty_vfs.zName = "skiff-faulty";
  faulty_vfs.pNext = nullptr;
  faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real_vfs->szOsFile;
  faulty_vfs.xOpen = Open;
  Disarm();
  ResetCounts();
  registered_ = sqlite3_vfs_register(&faulty_vfs, /*makeDflt=*/1) == SQLITE_OK;
}

FaultyVfs::~FaultyVfs() {
  Disarm();
  if (registered_) sqlite3_vfs_unregister(&faulty_vfs);  // the real one is the default again
}

void FaultyVfs::FailWritesAfter(int after) { write_budget = after; }
void FaultyVfs::FailSyncsAfter(int after) { sync_budget = after; }

void FaultyVfs::Disarm() {
  write_budget = -1;
  sync_budget = -1;
}

void FaultyVfs::ResetCounts() {
  write_calls = 0;
  sync_calls = 0;
  failed_write_calls = 0;
  failed_sync_calls = 0;
}

int FaultyVfs::failed_writes() const { return failed_write_calls; }
int FaultyVfs::failed_syncs() const { return failed_sync_calls; }
int FaultyVfs::writes() const { return write_calls; }
int FaultyVfs::syncs() const { return sync_calls; }

}  // namespace skiff::storage::testing

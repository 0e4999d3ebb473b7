/* LD_PRELOAD shim for test_io_errors.py: a disk that fails on demand. While the file named by
 * $EIO_PRELOAD_TRIGGER exists, pwrite64/pwrite and fdatasync/fsync on the database files
 * (skiff.db, skiff.db-wal; not the -shm index, which is memory-mapped) fail with EIO, which
 * SQLite reports as SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC. Everything else is untouched, so
 * reads, logging and the network keep working. Built by the test with `cc -shared -fPIC`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int failing(int fd) {
  const char* trigger = getenv("EIO_PRELOAD_TRIGGER");
  if (trigger == NULL || access(trigger, F_OK) != 0) return 0;
  char link[64];
  char path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  const char* slash = strrchr(path, '/');
  const char* base = slash != NULL ? slash + 1 : path;
  return strcmp(base, "skiff.db") == 0 || strcmp(base, "skiff.db-wal") == 0;
}

static ssize_t (*real_pwrite64)(int, const void*, size_t, off64_t);
static int (*real_fdatasync)(int);
static int (*real_fsync)(int);

/* Looked up once, before any thread of the server exists. */
__attribute__((constructor)) static void init(void) {
  real_pwrite64 = (ssize_t(*)(int, const void*, size_t, off64_t))dlsym(RTLD_NEXT, "pwrite64");
  real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
}

ssize_t pwrite64(int fd, const void* data, size_t n, off64_t offset) {
  if (failing(fd)) {
    errno = EIO;
    return -1;
  }
  return real_pwrite64(fd, data, n, offset);
}

ssize_t pwrite(int fd, const void* data, size_t n, off_t offset) {
  return pwrite64(fd, data, n, offset);
}

int fdatasync(int fd) {
  if (failing(fd)) {
    errno = EIO;
    return -1;
  }
  return real_fdatasync(fd);
}

int fsync(int fd) {
  if (failing(fd)) {
    errno = EIO;
    return -1;
  }
  return real_fsync(fd);
}

// The whole Skiff process minus flag parsing: opens the database, loads credentials, builds the
// services and the router, and runs the HTTP transport until SIGINT/SIGTERM or Shutdown().
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/common/config.h"

namespace skiff::app {

class Server {
 public:
  // Opens everything and binds the listening socket. On failure returns null and sets `error`.
  // `version` is reported by /_skiff/health.
  static std::unique_ptr<Server> Create(const common::Config& config, std::string version,
                                        std::string* error);
  ~Server();

  uint16_t port() const;
  // The database location for the startup line: a file path or ":memory:".
  std::string data_location() const;
  int threads() const;
  // The PEM certificate served over HTTPS (for the startup line), or "" for plain HTTP.
  std::string tls_certificate() const;

  // Serves until a signal (SIGINT/SIGTERM) or Shutdown(), waits for in-flight requests (at most
  // Config::shutdown_grace_seconds), then closes the database.
  void Run();
  // Thread-safe: begins the graceful shutdown.
  void Shutdown();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::app

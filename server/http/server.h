// The HTTP/1.1 transport: one listening socket, a pool of I/O threads running one io_context,
// a session per connection (see session.cc), graceful shutdown. Beast and Asio stay behind this
// header: callers only see http::Handler and the Request/Response types of message.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http/message.h"

namespace skiff::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IP literal or a name resolved at Listen()
  uint16_t port = 0;               // 0 = let the kernel pick (see Server::port())
  // Request line + header fields; larger -> 431 and close.
  size_t max_header_bytes = 16 * 1024;
  // Limit for a connection waiting for the next request, and for each read/write once a request
  // is under way (a stalled peer cannot pin a session forever).
  std::chrono::seconds idle_timeout{60};
  // After Shutdown(): how long in-flight requests may take before the threads stop anyway.
  std::chrono::seconds shutdown_grace{10};
  // When a request is answered without its body (Start() returned a Response), bodies up to this
  // size are read and discarded to keep the connection; larger ones close it after the response.
  uint64_t max_drain_bytes = 1024 * 1024;
  // Listen() installs SIGINT/SIGTERM handlers that call Shutdown() once Run() runs (a second
  // signal stops at once).
  bool handle_signals = false;
  // HTTPS: PEM certificate (chain) and private key files (see tls.h). Both empty: plain HTTP.
  // Listen() fails with a message naming the file when either cannot be used.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Transport-level problems (handler exceptions, accept failures). May be called concurrently.
  std::function<void(std::string_view)> log_error;
};

class Server {
 public:
  // `handler` must outlive the Server.
  Server(Handler& handler, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns "" or a message ("127.0.0.1:4566: Address already in use").
  std::string Listen();
  // The bound port (after Listen()).
  uint16_t port() const;
  // Runs `threads` I/O threads (the caller's thread is one of them) until the server stops.
  void Run(int threads);
  // Thread-safe. Stops accepting, closes idle keep-alive connections, lets in-flight requests
  // finish (their connections close after the response), and stops the threads when none
  // remain or after `shutdown_grace`.
  void Shutdown();
  // Open connections (for tests and metrics).
  size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::http

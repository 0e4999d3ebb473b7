// One HTTP/1.1 connection: reads requests one after another (keep-alive, pipelining), hands them
// to the Handler and writes the responses. Internal to skiff_http (server.cc creates sessions).
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/http/message.h"
#include "server/http/server.h"
#include "server/http/stream.h"

namespace skiff::http::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `socket` must use the connection's own strand as its executor: every step of the session,
  // and BeginShutdown(), runs there. `draining` (owned by the server) turns true at shutdown,
  // before BeginShutdown() reaches a busy session, so its response already says close.
  // `on_destroy` runs from the destructor. `tls` non-null: the connection speaks HTTPS (the
  // context outlives the session).
  Session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls, Handler& handler,
          const ServerOptions& options, const std::atomic<bool>& draining,
          std::function<void(Session*)> on_destroy);
  ~Session();

  // The coroutine that serves the connection; `self` keeps the session alive until it ends.
  static boost::asio::awaitable<void> Run(std::shared_ptr<Session> self);

  // Must run on executor(). Closes the connection now if it is waiting for a request, otherwise
  // after the response in progress.
  void BeginShutdown();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;
  enum class BodyResult { kComplete, kStopped, kBroken, kMalformed };

  boost::asio::awaitable<void> Loop();
  // Serves one request whose header is parsed. Returns false when the connection must close.
  boost::asio::awaitable<bool> Serve(Parser& parser);
  // Reads the rest of the body into `sink` in pieces of at most the body buffer size; stops
  // early (kStopped) when `sink` returns false.
  boost::asio::awaitable<BodyResult> ReadBody(Parser& parser,
                                              const std::function<bool(std::string_view)>& sink);
  boost::asio::awaitable<bool> WriteContinue();
  boost::asio::awaitable<bool> WriteResponse(Response& response, unsigned version, bool keep_alive,
                                             bool head_request);
  boost::asio::awaitable<bool> WriteStreamed(Response& response, unsigned version, bool keep_alive);
  // Handler::HeaderTooLarge()'s answer, then close.
  boost::asio::awaitable<void> WriteHeaderTooLarge();
  // A header-only error answer (400) that ends the connection.
  boost::asio::awaitable<void> WriteBare(unsigned status);
  // Half-closes and discards what the peer still sends for a moment, so that closing with
  // unread request bytes does not reset the connection before the peer reads our response.
  boost::asio::awaitable<void> LingeringClose();
  void Close();
  // Closes at once with SO_LINGER 0: the peer sees a TCP reset, not an orderly end.
  void ResetConnection();
  // Calls response.on_complete (if any); its exceptions are logged, never propagated.
  void Complete(Response& response, bool ok);
  Request MakeRequest(Parser& parser) const;
  std::vector<char>& BodyBuffer();
  void LogError(std::string_view what) const;

  Stream stream_;
  boost::beast::flat_buffer buffer_;
  Handler& handler_;
  const ServerOptions& options_;
  const std::atomic<bool>& draining_;
  std::function<void(Session*)> on_destroy_;
  std::string remote_address_;
  std::vector<char> body_buffer_;  // allocated on first use
  bool idle_ = false;              // waiting for the next request header
  bool stopping_ = false;          // BeginShutdown() was called
};

}  // namespace skiff::http::detail

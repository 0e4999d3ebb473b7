#include "server/http/server.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/http/session.h"
#include "server/http/tls_context.h"

namespace skiff::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
constexpr std::chrono::milliseconds kDrainPoll{20};
constexpr std::chrono::milliseconds kAcceptBackoff{50};

}  // namespace

struct Server::Impl {
  Impl(Handler& h, ServerOptions o) : handler(h), options(std::move(o)) {}

  void LogError(std::string_view what) const {
    if (options.log_error) options.log_error(what);
  }

  // Completion for detached coroutines: nothing may escape silently.
  auto Detached(const char* what) {
    return [this, what](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        LogError(std::string(what) + ": " + ex.what());
      }
    };
  }

  void Register(const std::shared_ptr<detail::Session>& session) {
    std::lock_guard lock(mutex);
    sessions.emplace(session.get(), session);
    if (stopping) net::post(session->executor(), [session] { session->BeginShutdown(); });
  }

  void Unregister(detail::Session* session) {
    std::lock_guard lock(mutex);
    sessions.erase(session);
  }

  size_t Count() const {
    std::lock_guard lock(mutex);
    return sessions.size();
  }

  net::awaitable<void> AcceptLoop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(net::make_strand(ioc), kUseTuple);
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor->is_open()) co_return;
        // EMFILE and friends: back off instead of spinning; the listener stays up.
        LogError("accept failed: " + ec.message());
        net::steady_timer timer(co_await net::this_coro::executor, kAcceptBackoff);
        co_await timer.async_wait(kUseTuple);
        continue;
      }
      auto session =
          std::make_shared<detail::Session>(std::move(socket), tls.get(), handler, options,
                                            shutdown_started,
                                            [this](detail::Session* s) { Unregister(s); });
      Register(session);
      net::co_spawn(session->executor(), detail::Session::Run(session), Detached("session"));
    }
  }

  net::awaitable<void> DrainThenStop(std::chrono::steady_clock::time_point deadline) {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (Count() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(kDrainPoll);
      co_await timer.async_wait(kUseTuple);
    }
    ioc.stop();
  }

  Handler& handler;
  ServerOptions options;
  // Declared before the io_context: sessions still owned by pending handlers unregister
  // themselves while the io_context is destroyed.
  mutable std::mutex mutex;
  std::unordered_map<detail::Session*, std::weak_ptr<detail::Session>> sessions;
  bool stopping = false;  // guarded by mutex
  std::atomic<bool> shutdown_started{false};
  std::unique_ptr<net::ssl::context> tls;  // null: plain HTTP; outlives the sessions
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::signal_set> signals;
  uint16_t port = 0;
};

Server::Server(Handler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

Server::~Server() = default;

std::string Server::Listen() {
  Impl& impl = *impl_;
  const std::string where = impl.options.host + ":" + std::to_string(impl.options.port);
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(impl.options.host, ec);
  if (ec) {
    tcp::resolver resolver(impl.ioc);
    auto results = resolver.resolve(impl.options.host, "", ec);
    if (ec) return where + ": " + ec.message();
    if (results.empty()) return where + ": host not found";
    // "localhost" may resolve to ::1 first; clients (and the startup line's URL) mostly mean
    // 127.0.0.1, so an IPv4 address wins when there is one.
    address = results.begin()->endpoint().address();
    for (const auto& entry : results) {
      if (entry.endpoint().address().is_v4()) {
        address = entry.endpoint().address();
        break;
      }
    }
  }
  if (!impl.options.tls_cert_file.empty() || !impl.options.tls_key_file.empty()) {
    std::string error;
    impl.tls = detail::MakeServerContext({impl.options.tls_cert_file, impl.options.tls_key_file},
                                         &error);
    if (!impl.tls) return "TLS: " + error;
  }
  tcp::endpoint endpoint(address, impl.options.port);
  impl.acceptor.emplace(net::make_strand(impl.ioc));
  tcp::acceptor& acceptor = *impl.acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return where + ": " + ec.message();
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return where + ": " + ec.message();
  }
  if (acceptor.bind(endpoint, ec); ec) return where + ": " + ec.message();
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return where + ": " + ec.message();
  }
  impl.port = acceptor.local_endpoint(ec).port();
  net::co_spawn(acceptor.get_executor(), impl.AcceptLoop(), impl.Detached("accept loop"));
  // Installed here rather than in Run(): a SIGTERM that arrives between Listen() and Run() (a
  // supervisor stopping a server that just printed its startup line) still shuts down cleanly.
  if (impl.options.handle_signals) {
    impl.signals.emplace(impl.ioc, SIGINT, SIGTERM);
    impl.signals->async_wait([this](const boost::system::error_code& wait_ec, int) {
      if (wait_ec) return;
      Shutdown();
      // A second signal means "now".
      impl_->signals->async_wait([this](const boost::system::error_code& again, int) {
        if (!again) impl_->ioc.stop();
      });
    });
  }
  return "";
}

uint16_t Server::port() const { return impl_->port; }

size_t Server::connections() const { return impl_->Count(); }

void Server::Run(int threads) {
  Impl& impl = *impl_;
  auto run = [&impl] {
    for (;;) {
      try {
        impl.ioc.run();
        return;
      } catch (const std::exception& e) {
        impl.LogError(std::string("I/O thread: ") + e.what());
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
}

void Server::Shutdown() {
  Impl& impl = *impl_;
  if (impl.shutdown_started.exchange(true)) return;
  if (impl.acceptor) {
    net::post(impl.acceptor->get_executor(), [&impl] {
      boost::system::error_code ec;
      impl.acceptor->close(ec);
    });
  }
  std::vector<std::shared_ptr<detail::Session>> live;
  {
    std::lock_guard lock(impl.mutex);
    impl.stopping = true;
    for (auto& [ptr, weak] : impl.sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) net::post(s->executor(), [s] { s->BeginShutdown(); });
  auto deadline = std::chrono::steady_clock::now() + impl.options.shutdown_grace;
  net::co_spawn(impl.ioc, impl.DrainThenStop(deadline), impl.Detached("shutdown"));
}

}  // namespace skiff::http

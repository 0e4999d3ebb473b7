#include "server/http/stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

namespace skiff::http::detail {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
// After the plain-text 400: how long to drain what the client still sends, so that closing
// with unread bytes does not reset the connection before the client reads the answer.
constexpr std::chrono::seconds kPlainHttpLinger{1};

// OpenSSL recognises an HTTP request line where a ClientHello should be.
bool IsPlainHttp(const beast::error_code& ec) {
  if (ec.category() != net::error::get_ssl_category()) return false;
  const auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  return reason == SSL_R_HTTP_REQUEST || reason == SSL_R_HTTPS_PROXY_REQUEST;
}

constexpr std::string_view kPlainHttpAnswer =
    "HTTP/1.1 400 Bad Request\r\n"
    "Server: Skiff\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 53\r\n"
    "Connection: close\r\n"
    "\r\n"
    "This port serves HTTPS: use https:// to talk to it.\r\n";

}  // namespace

Stream::Stream(net::ip::tcp::socket socket, net::ssl::context* tls) {
  if (tls) {
    tls_.emplace(beast::tcp_stream(std::move(socket)), *tls);
  } else {
    tcp_.emplace(std::move(socket));
  }
}

net::awaitable<beast::error_code> Stream::Handshake() {
  if (!tls_) co_return beast::error_code{};
  auto [ec] = co_await tls_->async_handshake(net::ssl::stream_base::server, kUseTuple);
  if (ec && IsPlainHttp(ec)) {
    beast::tcp_stream& raw = tls_->next_layer();
    auto [write_ec, n] = co_await net::async_write(
        raw, net::buffer(kPlainHttpAnswer.data(), kPlainHttpAnswer.size()), kUseTuple);
    if (!write_ec) {
      beast::error_code ignored;
      raw.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
      std::array<char, 4096> sink;
      raw.expires_after(kPlainHttpLinger);
      for (;;) {
        auto [read_ec, got] = co_await raw.async_read_some(net::buffer(sink), kUseTuple);
        if (read_ec) break;
      }
    }
  }
  co_return ec;
}

}  // namespace skiff::http::detail

// The byte stream under one HTTP session: plain TCP or TLS over TCP, chosen per listener. It is
// an Asio AsyncStream, so Beast's HTTP read/write run over it unchanged, and it exposes the TCP
// layer (timeouts, cancel, the socket) the session manages either way. Internal to skiff_http.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>
#include <utility>

namespace skiff::http::detail {

class Stream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  // `tls` null: plain TCP. Otherwise the session must call Handshake() before any I/O; the
  // context must outlive the stream.
  Stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);

  bool secure() const { return tls_.has_value(); }
  executor_type get_executor() { return tcp().get_executor(); }
  // The TCP layer: Beast's per-operation timeout and cancel() apply to the TLS records too.
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *tcp_; }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }
  void expires_after(std::chrono::steady_clock::duration d) { tcp().expires_after(d); }
  void cancel() { tcp().cancel(); }

  // The server side of the TLS handshake (bounded by the caller's expires_after). A client that
  // spoke plain HTTP to the TLS port gets a plain-text 400 before the connection closes, as
  // nginx does, instead of a silent reset. Returns the handshake's error, if any.
  boost::asio::awaitable<boost::beast::error_code> Handshake();

  template <class MutableBufferSequence, class ReadToken>
  auto async_read_some(const MutableBufferSequence& buffers, ReadToken&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<ReadToken>(token));
    return tcp_->async_read_some(buffers, std::forward<ReadToken>(token));
  }

  template <class ConstBufferSequence, class WriteToken>
  auto async_write_some(const ConstBufferSequence& buffers, WriteToken&& token) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<WriteToken>(token));
    return tcp_->async_write_some(buffers, std::forward<WriteToken>(token));
  }

 private:
  std::optional<boost::beast::tcp_stream> tcp_;  // plain TCP only
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace skiff::http::detail

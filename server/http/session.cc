#include "server/http/session.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <utility>

#include "server/http/date.h"

namespace skiff::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
constexpr size_t kBodyBufferBytes = 64 * 1024;
// LingeringClose() limits: enough for a client to notice the response and stop sending.
constexpr std::chrono::seconds kLingerTime{2};
constexpr uint64_t kLingerMaxBytes = 64 * 1024 * 1024;

// A protocol violation by the peer (as opposed to the connection ending or timing out).
bool IsMalformed(const beast::error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) return false;
  return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more && ec != bhttp::error::need_buffer;
}

bool IsBodylessStatus(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

template <class Body>
void PrepareHeader(bhttp::response<Body>& msg, const Response& response, unsigned version,
                   bool keep_alive) {
  msg.version(version);
  msg.result(static_cast<unsigned>(response.status));
  for (const auto& f : response.headers.fields()) {
    // A CR or LF in a field (say, echoed user metadata) would let the value forge headers or a
    // second response; they go out as spaces instead.
    if (f.value.find_first_of("\r\n") == std::string::npos) {
      msg.insert(f.name, f.value);
    } else {
      std::string value = f.value;
      for (char& c : value) {
        if (c == '\r' || c == '\n') c = ' ';
      }
      msg.insert(f.name, value);
    }
  }
  if (!response.headers.Has("Server")) msg.set(bhttp::field::server, "Skiff");
  if (!response.headers.Has("Date")) msg.set(bhttp::field::date, CurrentHttpDate());
  msg.keep_alive(keep_alive);
}

Response InternalError() {
  Response r;
  r.status = 500;
  r.close = true;
  return r;
}

}  // namespace

Session::Session(tcp::socket socket, net::ssl::context* tls, Handler& handler,
                 const ServerOptions& options, const std::atomic<bool>& draining,
                 std::function<void(Session*)> on_destroy)
    : stream_(std::move(socket), tls),
      handler_(handler),
      options_(options),
      draining_(draining),
      on_destroy_(std::move(on_destroy)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

Session::~Session() {
  if (on_destroy_) on_destroy_(this);
}

net::awaitable<void> Session::Run(std::shared_ptr<Session> self) { co_await self->Loop(); }

void Session::BeginShutdown() {
  stopping_ = true;
  if (idle_) stream_.cancel();
}

net::awaitable<void> Session::Loop() {
  if (stream_.secure()) {
    // The handshake counts as waiting for the first request: the idle timeout bounds it, and
    // shutdown cancels it.
    stream_.expires_after(options_.idle_timeout);
    idle_ = true;
    beast::error_code ec = co_await stream_.Handshake();
    idle_ = false;
    if (ec) {
      Close();
      co_return;
    }
  }
  while (!stopping_ && !draining_.load()) {
    Parser parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(options_.max_header_bytes, UINT32_MAX)));
    parser.body_limit(boost::none);  // services enforce their own limits
    stream_.expires_after(options_.idle_timeout);
    idle_ = true;
    auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, parser, kUseTuple);
    idle_ = false;
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        co_await WriteHeaderTooLarge();
      } else if (IsMalformed(ec)) {
        co_await WriteBare(400);
      }
      break;  // end of stream, timeout, reset, shutdown
    }
    if (!co_await Serve(parser)) break;
  }
  Close();
}

Request Session::MakeRequest(Parser& parser) const {
  const auto& msg = parser.get();
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& f : msg) r.headers.Add(std::string(f.name_string()), std::string(f.value()));
  if (auto length = parser.content_length()) r.content_length = *length;
  r.chunked = parser.chunked();
  r.secure = stream_.secure();
  r.remote_address = remote_address_;
  r.received_at = std::chrono::system_clock::now();
  return r;
}

net::awaitable<bool> Session::Serve(Parser& parser) {
  Request request = MakeRequest(parser);
  const unsigned version = parser.get().version();
  const bool head_request = parser.get().method() == bhttp::verb::head;
  const bool expects_continue =
      version >= 11 && EqualsIgnoreCase(request.headers.Get("Expect"), "100-continue");
  bool keep_alive = parser.get().keep_alive();
  bool linger = false;

  Response response;
  std::unique_ptr<Exchange> exchange;
  try {
    StartResult started = handler_.Start(request);
    if (auto* immediate = std::get_if<Response>(&started)) {
      response = std::move(*immediate);
    } else {
      exchange = std::move(std::get<std::unique_ptr<Exchange>>(started));
      if (!exchange) throw std::logic_error("Handler::Start returned a null Exchange");
    }
  } catch (const std::exception& e) {
    LogError(std::string("handler failed to start a request: ") + e.what());
    response = InternalError();
  }

  // An expectation is answered with 100 Continue even when there is no body to wait for (a
  // zero-length PutObject), as S3 does. botocore counts on it: given a final answer instead, it
  // parses the next response on that connection with a stale status line and no headers
  // (boto/botocore#3755; `aws s3 sync` of a tree holding an empty file met it).
  if (exchange) {
    if (expects_continue && !co_await WriteContinue()) co_return false;
    bool failed = false;
    BodyResult body = co_await ReadBody(parser, [&](std::string_view data) {
      try {
        return exchange->OnBody(data);
      } catch (const std::exception& e) {
        LogError(std::string("handler failed on a request body: ") + e.what());
        failed = true;
        return false;
      }
    });
    if (body == BodyResult::kBroken) co_return false;  // the Exchange dies unfinished
    if (body == BodyResult::kMalformed) {
      exchange.reset();
      co_await WriteBare(400);
      co_return false;
    }
    if (body == BodyResult::kStopped) {
      keep_alive = false;
      linger = true;
    }
    if (failed) {
      response = InternalError();
    } else {
      try {
        response = exchange->Finish();
      } catch (const std::exception& e) {
        LogError(std::string("handler failed to finish a request: ") + e.what());
        response = InternalError();
      }
    }
  } else if (expects_continue && parser.is_done()) {
    if (!co_await WriteContinue()) co_return false;
  } else if (!parser.is_done()) {
    // The service answered without wanting the body. A client waiting for 100 Continue will
    // not send it; otherwise a small body is read and dropped to keep the connection.
    keep_alive = keep_alive && !expects_continue;
    if (keep_alive) {
      auto length = parser.content_length();
      if (length && *length > options_.max_drain_bytes) {
        keep_alive = false;
      } else {
        uint64_t drained = 0;
        BodyResult body = co_await ReadBody(parser, [&](std::string_view data) {
          drained += data.size();
          return drained <= options_.max_drain_bytes;
        });
        if (body == BodyResult::kBroken || body == BodyResult::kMalformed) {
          Complete(response, false);  // its answer never went out
          if (body == BodyResult::kMalformed) co_await WriteBare(400);
          co_return false;
        }
        keep_alive = body == BodyResult::kComplete;
      }
    }
    linger = !keep_alive;
  }

  if (response.delay.count() > 0) {
    // Fault injection: hold the answer back on a timer, so the I/O thread serves others meanwhile.
    net::steady_timer timer(stream_.get_executor());
    timer.expires_after(response.delay);
    co_await timer.async_wait(kUseTuple);
  }
  if (response.reset_connection) {
    // Fault injection: answer nothing; the client sees a reset instead of a response.
    ResetConnection();
    Complete(response, false);
    co_return false;
  }
  if (response.close || stopping_ || draining_.load()) keep_alive = false;
  bool ok = co_await WriteResponse(response, version, keep_alive, head_request);
  Complete(response, ok);
  if (!ok) co_return false;
  if (!keep_alive) {
    if (linger) co_await LingeringClose();
    co_return false;
  }
  co_return true;
}

net::awaitable<Session::BodyResult> Session::ReadBody(
    Parser& parser, const std::function<bool(std::string_view)>& sink) {
  std::vector<char>& buf = BodyBuffer();
  // Beast reads from the socket into buffer_ no more than its free capacity (at least 512
  // bytes): sized for headers, it would cut a 1 MiB body into ~2,000 reads, each with its own
  // epoll and timer calls. Bodies larger than what is already buffered get a full-size buffer,
  // given back afterwards so that idle connections stay small.
  const bool big_body = !parser.content_length() || *parser.content_length() > buffer_.size();
  if (big_body) buffer_.reserve(kBodyBufferBytes);
  while (!parser.is_done()) {
    parser.get().body().data = buf.data();
    parser.get().body().size = buf.size();
    // async_read returns only once the buffer is full or the body complete, so a body must
    // deliver kBodyBufferBytes per idle timeout: a trickle is cut off. There is no deadline for
    // the whole body (a big upload over a slow link is legitimate).
    stream_.expires_after(options_.idle_timeout);
    auto [ec, n] = co_await bhttp::async_read(stream_, buffer_, parser, kUseTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return IsMalformed(ec) ? BodyResult::kMalformed : BodyResult::kBroken;
    size_t got = buf.size() - parser.get().body().size;
    if (got > 0 && !sink(std::string_view(buf.data(), got))) co_return BodyResult::kStopped;
  }
  if (big_body) buffer_.shrink_to_fit();  // keeps any pipelined bytes that follow the body
  co_return BodyResult::kComplete;
}

net::awaitable<bool> Session::WriteContinue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  stream_.expires_after(options_.idle_timeout);
  auto [ec, n] = co_await net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                                           kUseTuple);
  co_return !ec;
}

net::awaitable<bool> Session::WriteResponse(Response& response, unsigned version, bool keep_alive,
                                            bool head_request) {
  const bool bodyless = IsBodylessStatus(response.status);
  if (response.stream && !response.omit_body && !head_request && !bodyless) {
    co_return co_await WriteStreamed(response, version, keep_alive);
  }
  if (response.omit_body || head_request || bodyless) {
    // Header only. HEAD keeps the Content-Length the service set (the length GET would send).
    bhttp::response<bhttp::empty_body> msg;
    PrepareHeader(msg, response, version, keep_alive);
    if (response.status == 204 || response.status < 200) {
      msg.erase(bhttp::field::content_length);
    } else if (!bodyless && !response.headers.Has("Content-Length")) {
      msg.content_length(response.stream ? response.stream_length : response.body.size());
    }
    stream_.expires_after(options_.idle_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, msg, kUseTuple);
    co_return !ec;
  }
  bhttp::response<bhttp::string_body> msg;
  PrepareHeader(msg, response, version, keep_alive);
  msg.erase(bhttp::field::transfer_encoding);
  msg.body() = std::move(response.body);
  msg.content_length(msg.body().size());
  stream_.expires_after(options_.idle_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, msg, kUseTuple);
  co_return !ec;
}

net::awaitable<bool> Session::WriteStreamed(Response& response, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::buffer_body> msg;
  PrepareHeader(msg, response, version, keep_alive);
  msg.erase(bhttp::field::transfer_encoding);
  msg.content_length(response.stream_length);
  msg.body().data = nullptr;
  msg.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> serializer{msg};
  // The header goes out together with the first piece of the body: a small object is one
  // write (one sendmsg) instead of a header write followed by a body write.
  std::vector<char>& buf = BodyBuffer();
  uint64_t remaining = response.stream_length;
  do {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), remaining));
    size_t got = 0;
    if (want > 0) {
      try {
        got = response.stream->Read(buf.data(), want);
      } catch (const std::exception& e) {
        LogError(std::string("response body source failed: ") + e.what());
        co_return false;
      }
      if (got == 0 || got > want) {
        // The status line promised stream_length bytes; the only honest way out is to cut the
        // connection so the client sees a short body.
        LogError("response body source ended before stream_length bytes");
        co_return false;
      }
    }
    remaining -= got;
    msg.body().data = got > 0 ? buf.data() : nullptr;
    msg.body().size = got;
    msg.body().more = remaining > 0;
    stream_.expires_after(options_.idle_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, serializer, kUseTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return false;
  } while (remaining > 0);
  co_return true;
}

net::awaitable<void> Session::WriteHeaderTooLarge() {
  Response response;
  try {
    response = handler_.HeaderTooLarge();
  } catch (const std::exception& e) {
    LogError(std::string("handler failed to answer an oversized header: ") + e.what());
    response = InternalError();
  }
  bool ok = co_await WriteResponse(response, 11, /*keep_alive=*/false, /*head_request=*/false);
  Complete(response, ok);
  if (ok) co_await LingeringClose();
}

net::awaitable<void> Session::WriteBare(unsigned status) {
  bhttp::response<bhttp::empty_body> msg;
  Response bare;
  bare.status = static_cast<int>(status);
  PrepareHeader(msg, bare, 11, false);
  msg.content_length(0);
  stream_.expires_after(options_.idle_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, msg, kUseTuple);
  if (!ec) co_await LingeringClose();
}

net::awaitable<void> Session::LingeringClose() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  std::vector<char>& buf = BodyBuffer();
  uint64_t discarded = 0;
  stream_.expires_after(kLingerTime);
  // Raw TCP reads even over TLS: the bytes are discarded, so there is nothing to decrypt.
  while (discarded < kLingerMaxBytes) {
    auto [read_ec, n] = co_await stream_.tcp().async_read_some(net::buffer(buf), kUseTuple);
    if (read_ec) break;
    discarded += n;
  }
}

void Session::Complete(Response& response, bool ok) {
  if (!response.on_complete) return;
  try {
    response.on_complete(ok);
  } catch (const std::exception& e) {
    LogError(std::string("response completion callback failed: ") + e.what());
  }
}

void Session::ResetConnection() {
  beast::error_code ec;
  // SO_LINGER with a zero timeout makes close() send RST and drop unsent data.
  stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
  stream_.socket().close(ec);
}

void Session::Close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

std::vector<char>& Session::BodyBuffer() {
  if (body_buffer_.empty()) body_buffer_.resize(kBodyBufferBytes);
  return body_buffer_;
}

void Session::LogError(std::string_view what) const {
  if (options_.log_error) options_.log_error(what);
}

}  // namespace skiff::http::detail

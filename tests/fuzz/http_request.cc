// Fuzzes HTTP/1.1 request parsing as http::Session does it: a Beast request_parser<buffer_body>
// with the session's header limit and no body limit, fed the input in pieces of fuzzer-chosen
// sizes, the body drained through a fixed buffer. The parsed request is then turned into a
// Request as Session::MakeRequest does. sigv4::Parse is left to fuzz_sigv4_auth, so that a
// sigv4 bug does not stop this target within seconds.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/http/message.h"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const size_t piece_max = in.ConsumeIntegralInRange<size_t>(1, 512);
  std::string wire = in.ConsumeRemainingBytesAsString();

  bhttp::request_parser<bhttp::buffer_body> parser;
  parser.header_limit(16 * 1024);  // http::ServerOptions::max_header_bytes default
  parser.body_limit(boost::none);
  parser.eager(false);
  char body[256];
  size_t offset = 0;
  size_t step = 0;
  boost::beast::error_code ec;
  // Header first (as async_read_header), then body (as async_read), in growing windows the way
  // a socket delivers them: put() consumes what it can and the rest is offered again.
  while (offset < wire.size() && !parser.is_done()) {
    if (parser.is_header_done()) {
      parser.get().body().data = body;
      parser.get().body().size = sizeof(body);
    }
    size_t window = std::min(wire.size() - offset, piece_max * (++step));
    size_t used = parser.put(boost::asio::buffer(wire.data() + offset, window), ec);
    if (ec == bhttp::error::need_buffer || ec == bhttp::error::need_more) ec = {};
    if (ec) return 0;
    if (used == 0 && window == wire.size() - offset) break;  // needs bytes we do not have
    offset += used;
    if (step > 100000) break;
  }
  if (!parser.is_header_done()) return 0;

  const auto& msg = parser.get();
  skiff::http::Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  for (const auto& f : msg) r.headers.Add(std::string(f.name_string()), std::string(f.value()));
  if (auto length = parser.content_length()) r.content_length = *length;
  r.chunked = parser.chunked();
  (void)msg.keep_alive();

  (void)r.headers.Get("host");
  (void)r.headers.All("x-amz-date");
  return 0;
}

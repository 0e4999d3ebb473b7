#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::bench {

// One request as the load generator sends it; `headers` excludes Content-Length (added on send).
struct Request {
  std::string method;
  std::string path;   // already percent-encoded
  std::string query;  // no leading '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Response {
  int status = 0;
  std::string body;
};

// A blocking HTTP/1.1 keep-alive connection. Reconnects when the server closed the previous one.
// Understands Content-Length and chunked bodies; HEAD, 204 and 304 have none.
class Connection {
 public:
  Connection(std::string host, uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns false (with `error`) on a transport failure; the connection is then reset.
  bool RoundTrip(const Request& request, Response& response, std::string& error);

 private:
  bool Connect(std::string& error);
  void Close();
  bool Fill(std::string& error);  // appends at least one byte to buffer_
  bool ReadLine(std::string& line, std::string& error);
  bool ReadExactly(size_t n, std::string& out, std::string& error);

  std::string host_;
  uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
  size_t pos_ = 0;
};

}  // namespace skiff::bench

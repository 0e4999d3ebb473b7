// A raw-socket HTTP/1.1 client for the transport tests: the bytes on the wire are the point, so
// it sends exactly what a test writes and parses responses by hand.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skiff::http::testing {

struct RawResponse {
  int status = 0;
  std::string head;                            // status line and fields, as received
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool Has(const std::string& name) const { return headers.count(name) > 0; }
  std::string Get(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawClient {
 public:
  explicit RawClient(uint16_t port, int timeout_seconds = 10) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    timeval tv{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect");
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads until `n` bytes are buffered; false on EOF or timeout.
  bool Fill(size_t n) {
    while (buffered_.size() < n) {
      if (!ReadMore()) return false;
    }
    return true;
  }

  // Reads one response. `head_request`: the response has no body whatever its headers say.
  std::optional<RawResponse> ReadResponse(bool head_request = false) {
    size_t end;
    while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore()) return std::nullopt;
    }
    RawResponse r;
    r.head = buffered_.substr(0, end + 4);
    buffered_.erase(0, end + 4);
    r.status = std::atoi(r.head.c_str() + 9);
    size_t pos = r.head.find("\r\n") + 2;
    while (pos < r.head.size() - 2) {
      size_t eol = r.head.find("\r\n", pos);
      std::string line = r.head.substr(pos, eol - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      r.headers[name] = line.substr(v);
      pos = eol + 2;
    }
    if (head_request || r.status / 100 == 1 || r.status == 204 || r.status == 304) return r;
    size_t length = r.Has("content-length") ? std::stoull(r.Get("content-length")) : 0;
    if (!Fill(length)) return std::nullopt;
    r.body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return r;
  }

  // True when the server closed the connection (EOF) before `timeout_seconds`, with nothing
  // more to read.
  bool ClosedByPeer() {
    if (!buffered_.empty()) return false;
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  const std::string& buffered() const { return buffered_; }

 private:
  bool ReadMore() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffered_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffered_;
};

}  // namespace skiff::http::testing

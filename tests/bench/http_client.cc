#include "tests/bench/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <strings.h>

namespace skiff::bench {

Connection::Connection(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  pos_ = 0;
}

bool Connection::Connect(std::string& error) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  if (::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1) {
    error = "bad IPv4 address " + host_;
    Close();
    return false;
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    Close();
    return false;
  }
  return true;
}

bool Connection::Fill(std::string& error) {
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
  char chunk[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) {
      error = "connection closed by peer";
      return false;
    }
    if (errno != EINTR) {
      error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
  }
}

bool Connection::ReadLine(std::string& line, std::string& error) {
  for (;;) {
    size_t eol = buffer_.find("\r\n", pos_);
    if (eol != std::string::npos) {
      line.assign(buffer_, pos_, eol - pos_);
      pos_ = eol + 2;
      return true;
    }
    if (!Fill(error)) return false;
  }
}

bool Connection::ReadExactly(size_t n, std::string& out, std::string& error) {
  while (buffer_.size() - pos_ < n) {
    if (!Fill(error)) return false;
  }
  out.append(buffer_, pos_, n);
  pos_ += n;
  return true;
}

bool Connection::RoundTrip(const Request& request, Response& response, std::string& error) {
  // A server may close an idle keep-alive connection; one retry on a fresh socket covers that.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = fd_ < 0;
    if (fresh && !Connect(error)) return false;
    std::string head;
    head.reserve(512);
    head.append(request.method).append(" ").append(request.path);
    if (!request.query.empty()) head.append("?").append(request.query);
    head.append(" HTTP/1.1\r\n");
    for (const auto& [name, value] : request.headers) {
      head.append(name).append(": ").append(value).append("\r\n");
    }
    if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
      head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
    }
    head.append("\r\n");
    bool sent = true;
    for (std::string_view part : {std::string_view(head), std::string_view(request.body)}) {
      while (!part.empty()) {
        ssize_t n = ::send(fd_, part.data(), part.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          sent = false;
          break;
        }
        part.remove_prefix(static_cast<size_t>(n));
      }
      if (!sent) break;
    }
    std::string line;
    if (!sent || !ReadLine(line, error)) {
      Close();
      if (!fresh) continue;
      if (error.empty()) error = "send failed";
      return false;
    }
    // "HTTP/1.1 200 OK"
    if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0) {
      error = "bad status line: " + line;
      Close();
      return false;
    }
    response.status = std::atoi(line.c_str() + 9);
    response.body.clear();
    long long content_length = -1;
    bool chunked = false;
    bool close_after = false;
    for (;;) {
      if (!ReadLine(line, error)) {
        Close();
        return false;
      }
      if (line.empty()) break;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string_view name(line.data(), colon);
      std::string_view value(line.data() + colon + 1, line.size() - colon - 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      auto is = [&](const char* n) { return strncasecmp(name.data(), n, name.size()) == 0 &&
                                            std::strlen(n) == name.size(); };
      if (is("content-length")) content_length = std::atoll(std::string(value).c_str());
      if (is("transfer-encoding") && value.find("chunked") != std::string_view::npos) chunked = true;
      if (is("connection") && strncasecmp(value.data(), "close", 5) == 0) close_after = true;
    }
    bool no_body = request.method == "HEAD" || response.status == 204 || response.status == 304;
    if (!no_body && chunked) {
      for (;;) {
        if (!ReadLine(line, error)) {
          Close();
          return false;
        }
        size_t size = std::strtoull(line.c_str(), nullptr, 16);
        if (size == 0) {
          do {
            if (!ReadLine(line, error)) {
              Close();
              return false;
            }
          } while (!line.empty());
          break;
        }
        std::string crlf;
        if (!ReadExactly(size, response.body, error) || !ReadExactly(2, crlf, error)) {
          Close();
          return false;
        }
      }
    } else if (!no_body && content_length > 0) {
      if (!ReadExactly(static_cast<size_t>(content_length), response.body, error)) {
        Close();
        return false;
      }
    } else if (!no_body && content_length < 0) {
      error = "response without Content-Length or chunked framing";
      Close();
      return false;
    }
    if (close_after) Close();
    return true;
  }
  return false;
}

}  // namespace skiff::bench

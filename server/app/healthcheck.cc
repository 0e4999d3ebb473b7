#include "server/app/healthcheck.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>
#include <memory>
#include <string_view>

namespace skiff::app {
namespace {

constexpr int kTimeoutSeconds = 5;
constexpr size_t kMaxStatusLine = 256;

struct Target {
  std::string host = "127.0.0.1";
  int port = 4566;
  bool tls = false;
};

bool ParsePort(std::string_view text, int* port) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    return false;
  }
  *port = value;
  return true;
}

bool Truthy(const std::optional<std::string>& v) {
  return v && !v->empty() && *v != "0" && *v != "false" && *v != "FALSE" && *v != "no";
}

// A connected socket with send/receive timeouts, or -1 (and a message).
int Connect(const Target& t, std::string* error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(t.port);
  if (int rc = ::getaddrinfo(t.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    *error = t.host + ": " + ::gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{kTimeoutSeconds, 0};
    // On Linux SO_SNDTIMEO also bounds connect().
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      *error = t.host + ":" + port + ": " + std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  return fd;
}

// Plain or TLS byte I/O over one connected socket.
class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  ~Channel() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  bool StartTls(std::string* error) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) return Fail("TLS: cannot create a context", error);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) return Fail("TLS: cannot set up", error);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) return Fail("TLS handshake failed", error);
    return true;
  }

  bool WriteAll(std::string_view data) {
    while (!data.empty()) {
      long n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                    : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  long Read(char* buf, size_t size) {
    return ssl_ ? SSL_read(ssl_, buf, static_cast<int>(size)) : ::recv(fd_, buf, size, 0);
  }

 private:
  static bool Fail(const char* what, std::string* error) {
    unsigned long code = ERR_get_error();
    *error = what;
    if (code != 0) {
      char buf[256];
      ERR_error_string_n(code, buf, sizeof buf);
      *error += std::string(": ") + buf;
    }
    return false;
  }

  int fd_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

// The status code of the answer to GET /_skiff/health, or 0 (and a message).
int Probe(const Target& t, std::string* error) {
  int fd = Connect(t, error);
  if (fd < 0) return 0;
  Channel channel(fd);
  if (t.tls && !channel.StartTls(error)) return 0;
  const bool v6 = t.host.find(':') != std::string::npos;
  std::string request = "GET /_skiff/health HTTP/1.1\r\nHost: " +
                        (v6 ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port) +
                        "\r\nUser-Agent: skiff-healthcheck\r\nConnection: close\r\n\r\n";
  if (!channel.WriteAll(request)) {
    *error = "cannot send the request";
    return 0;
  }
  std::string head;
  char buf[512];
  while (head.find("\r\n") == std::string::npos && head.size() < kMaxStatusLine) {
    long n = channel.Read(buf, sizeof buf);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  int status = 0;
  if (head.rfind("HTTP/1.", 0) == 0 && head.size() >= 12) {
    std::from_chars(head.data() + 9, head.data() + 12, status);
  }
  if (status == 0) *error = "no HTTP answer";
  return status;
}

}  // namespace

int RunHealthcheck(const std::vector<std::string>& args, const GetEnv& getenv) {
  Target t;
  if (auto host = getenv("SKIFF_HOST"); host && !host->empty()) t.host = *host;
  if (t.host == "0.0.0.0") t.host = "127.0.0.1";
  if (t.host == "::" || t.host == "[::]") t.host = "::1";
  if (auto port = getenv("SKIFF_PORT"); port && !port->empty() && !ParsePort(*port, &t.port)) {
    std::cerr << "skiff healthcheck: SKIFF_PORT=" << *port << " is not a port\n";
    return 2;
  }
  auto cert = getenv("SKIFF_TLS_CERT");
  t.tls = (cert && !cert->empty()) || Truthy(getenv("SKIFF_TLS_SELF_SIGNED"));
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--port" && has_value && ParsePort(args[i + 1], &t.port)) {
      ++i;
    } else if (a == "--host" && has_value) {
      t.host = args[++i];
    } else {
      std::cerr << "skiff healthcheck: usage: skiff healthcheck [--port N] [--host H]\n";
      return 2;
    }
  }
  std::string error;
  int status = Probe(t, &error);
  if (status == 200) return 0;
  std::cerr << "skiff healthcheck: " << (t.tls ? "https://" : "http://") << t.host << ":"
            << t.port << "/_skiff/health: "
            << (status ? "HTTP " + std::to_string(status) : error) << "\n";
  return 1;
}

}  // namespace skiff::app

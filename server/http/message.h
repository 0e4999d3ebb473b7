// Beast-free request/response types: the seam between the transport (session.cc) and the
// services. Services never see sockets or Beast types; the session only moves bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace skiff::http {

// Header names compare case-insensitively; insertion order is kept (it matters for signing
// only through canonicalization, which sorts, but it keeps responses readable).
class Headers {
 public:
  struct Field {
    std::string name;
    std::string value;
  };

  // First value of `name`, or nullptr.
  const std::string* Find(std::string_view name) const;
  // First value of `name`, or "".
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // Every value of `name`, in order.
  std::vector<std::string_view> All(std::string_view name) const;

  void Add(std::string name, std::string value);
  // Replaces every existing value of `name`.
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // as received: "/bucket/key%20x?list-type=2"
  std::string path;    // target before '?', still percent-encoded
  std::string query;   // target after '?', still percent-encoded ("" if none)
  Headers headers;
  // Content-Length of the HTTP message, if given (absent for Transfer-Encoding: chunked).
  std::optional<uint64_t> content_length;
  bool chunked = false;  // HTTP/1.1 Transfer-Encoding: chunked (removed by the session)
  bool secure = false;   // arrived over TLS
  std::string remote_address;
  std::chrono::system_clock::time_point received_at;
};

// A pull source for large response bodies (GetObject). Read() fills up to `capacity` bytes
// and returns how many it wrote; 0 means the end. Throwing aborts the connection (the status
// line has already gone out).
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual size_t Read(char* buffer, size_t capacity) = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;                    // used when `stream` is null
  std::unique_ptr<BodySource> stream;  // streamed body of `stream_length` bytes
  uint64_t stream_length = 0;
  // HEAD: send the headers (Content-Length included) but no body.
  bool omit_body = false;
  // Close the connection after this response.
  bool close = false;
  // Fault injection: wait this long before sending the response (without blocking the thread).
  std::chrono::milliseconds delay{0};
  // Fault injection: send nothing and reset the connection (TCP RST) instead of answering.
  bool reset_connection = false;
  // Called by the session once the response is written (or the write failed): for access logs,
  // metrics and the journal. `ok` is false when the connection broke.
  std::function<void(bool ok)> on_complete;
};

// One request whose body is being received. The session calls OnBody() with the body bytes
// (HTTP framing already removed) as they arrive, then Finish() once. OnBody() returns false to
// stop reading early: the session then calls Finish() without reading further and closes the
// connection after the response. When the connection breaks or the body framing is malformed
// mid-body, the session destroys the Exchange without calling Finish(): the destructor must
// discard what was received (nothing half-written may become visible).
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual bool OnBody(std::string_view data) = 0;
  virtual Response Finish() = 0;
};

// Either an immediate answer (the body, if any, is not wanted) or an Exchange that wants it.
// When the request carries `Expect: 100-continue`, the session sends `100 Continue` only for
// an Exchange.
using StartResult = std::variant<Response, std::unique_ptr<Exchange>>;

// The service side of the seam. Start() is called on an I/O thread once the request header is
// read; it and the Exchange it returns must not block on the network.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual StartResult Start(Request& request) = 0;
  // The request header exceeded the transport's limit, so there is no Request for Start(). The
  // answer goes out with Connection: close. Default: a bare 431 (RFC 6585); a protocol with its
  // own error for this (S3: 400 RequestHeaderSectionTooLarge) overrides it.
  virtual Response HeaderTooLarge() {
    Response r;
    r.status = 431;
    return r;
  }
};

// An Exchange that gathers the whole body (up to `limit` bytes) and then calls `finish`.
// For small XML/JSON bodies. When the body exceeds the limit, `too_large` builds the answer.
class BufferedExchange : public Exchange {
 public:
  using FinishFn = std::function<Response(std::string body)>;
  using TooLargeFn = std::function<Response()>;
  BufferedExchange(size_t limit, FinishFn finish, TooLargeFn too_large)
      : limit_(limit), finish_(std::move(finish)), too_large_(std::move(too_large)) {}
  bool OnBody(std::string_view data) override;
  Response Finish() override;

 private:
  size_t limit_;
  FinishFn finish_;
  TooLargeFn too_large_;
  std::string body_;
  bool over_ = false;
};

}  // namespace skiff::http

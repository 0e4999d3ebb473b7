// The transport against a real listener on an ephemeral port, driven with raw sockets.

#include "server/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tests/unit/http/test_client.h"

namespace skiff::http {
namespace {

using testing::RawClient;
using testing::RawResponse;

constexpr uint64_t kBigBody = 16 * 1024 * 1024;

char PatternByte(uint64_t i) { return static_cast<char>((i * 131 + (i >> 16)) & 0xff); }

// Produces kBigBody bytes of a position-dependent pattern without holding them.
class PatternSource : public BodySource {
 public:
  explicit PatternSource(uint64_t length) : length_(length) {}
  size_t Read(char* buffer, size_t capacity) override {
    size_t n = static_cast<size_t>(std::min<uint64_t>(capacity, length_ - offset_));
    for (size_t i = 0; i < n; ++i) buffer[i] = PatternByte(offset_ + i);
    offset_ += n;
    return n;
  }

 private:
  uint64_t length_;
  uint64_t offset_ = 0;
};

// Collects the body; "/limit" stops after 10 bytes.
class EchoExchange : public Exchange {
 public:
  EchoExchange(std::string summary, size_t limit) : summary_(std::move(summary)), limit_(limit) {}
  bool OnBody(std::string_view data) override {
    body_.append(data);
    return body_.size() < limit_;
  }
  Response Finish() override {
    Response r;
    r.body = summary_ + "|" + body_;
    return r;
  }

 private:
  std::string summary_;
  size_t limit_;
  std::string body_;
};

class TestHandler : public Handler {
 public:
  StartResult Start(Request& request) override {
    {
      std::lock_guard lock(mutex_);
      last_ = request;
    }
    if (request.path == "/upload" || request.path == "/limit") {
      std::string summary =
          request.method + " " + request.path + " chunked=" + (request.chunked ? "1" : "0");
      return std::make_unique<EchoExchange>(summary, request.path == "/limit" ? 10 : SIZE_MAX);
    }
    Response r;
    if (request.path == "/big") {
      r.stream = std::make_unique<PatternSource>(kBigBody);
      r.stream_length = kBigBody;
      r.headers.Set("Content-Type", "application/octet-stream");
    } else if (request.path == "/head") {
      r.omit_body = true;
      r.headers.Set("Content-Length", "1234");
      r.headers.Set("ETag", "\"abc\"");
    } else if (request.path == "/reject") {
      r.status = 403;
      r.body = "denied";
    } else if (request.path == "/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      r.body = "slow done";
    } else if (request.path == "/inject") {
      r.headers.Set("x-amz-meta-a", "one\r\nSet-Cookie: evil");
      r.body = "ok";
    } else if (request.path == "/custom-server") {
      r.headers.Set("Server", "AmazonS3");
      r.body = "x";
    } else {
      r.body = request.method + " " + request.path + "?" + request.query;
    }
    r.on_complete = [this](bool ok) {
      if (ok) completed_++;
    };
    return r;
  }

  Response HeaderTooLarge() override {
    if (!custom_header_error_) return Handler::HeaderTooLarge();
    Response r;
    r.status = 400;
    r.headers.Set("Content-Type", "application/xml");
    r.body = "<Error><Code>RequestHeaderSectionTooLarge</Code></Error>";
    return r;
  }
  bool custom_header_error_ = false;

  Request last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  std::atomic<int> completed_{0};

 private:
  std::mutex mutex_;
  Request last_;
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<Server>(handler_, options);
    ASSERT_EQ(server_->Listen(), "");
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { server_->Run(2); });
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return server_->port(); }

  TestHandler handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, BuildsRequestAndSetsServerAndDate) {
  Start();
  RawClient c(port());
  c.Send(
      "GET /bucket/a%20b?list-type=2&prefix=x HTTP/1.1\r\nHost: localhost\r\nX-Amz-Date: "
      "1\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /bucket/a%20b?list-type=2&prefix=x");
  EXPECT_EQ(r->Get("server"), "Skiff");
  EXPECT_EQ(r->Get("content-length"), std::to_string(r->body.size()));
  // IMF-fixdate: "Sun, 22 Nov 2026 11:24:54 GMT"
  std::string date = r->Get("date");
  ASSERT_EQ(date.size(), 29u) << date;
  EXPECT_EQ(date.substr(25), " GMT");
  Request seen = handler_.last();
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/bucket/a%20b?list-type=2&prefix=x");
  EXPECT_EQ(seen.path, "/bucket/a%20b");
  EXPECT_EQ(seen.query, "list-type=2&prefix=x");
  EXPECT_EQ(seen.headers.Get("x-amz-date"), "1");
  EXPECT_EQ(seen.remote_address, "127.0.0.1");
  EXPECT_FALSE(seen.content_length.has_value());
  EXPECT_FALSE(seen.chunked);
}

TEST_F(ServerTest, ServiceHeadersWin) {
  Start();
  RawClient c(port());
  c.Send("GET /custom-server HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Get("server"), "AmazonS3");
}

TEST_F(ServerTest, HeaderValuesCannotSplitTheResponse) {
  Start();
  RawClient c(port());
  c.Send("GET /inject HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Get("x-amz-meta-a"), "one  Set-Cookie: evil");
  EXPECT_FALSE(r->Has("set-cookie"));
  EXPECT_EQ(r->body, "ok");
}

TEST_F(ServerTest, KeepAliveServesSequentialRequests) {
  Start();
  RawClient c(port());
  for (int i = 0; i < 3; ++i) {
    c.Send("GET /n" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.ReadResponse();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "GET /n" + std::to_string(i) + "?");
    EXPECT_FALSE(r->Has("connection"));
  }
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(ServerTest, PipelinedRequestsInOneWrite) {
  Start();
  RawClient c(port());
  c.Send(
      "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
      "PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.ReadResponse();
  auto b = c.ReadResponse();
  auto d = c.ReadResponse();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "GET /first?");
  EXPECT_EQ(b->body, "PUT /upload chunked=0|hello");
  EXPECT_EQ(d->body, "GET /third?");
}

TEST_F(ServerTest, HttpOneZeroClosesByDefault) {
  Start();
  RawClient c(port());
  c.Send("GET /old HTTP/1.0\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->head.substr(0, 8), "HTTP/1.0");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  Start();
  RawClient c(port());
  c.Send("GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Get("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, ExpectContinueGets100ThenFinalResponse) {
  Start();
  RawClient c(port());
  c.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->head, "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("hello world");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "PUT /upload chunked=0|hello world");
}

TEST_F(ServerTest, ExpectContinueAnsweredEarlyGetsNo100AndCloses) {
  Start();
  RawClient c(port());
  c.Send("PUT /reject HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->Get("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

// As S3 does, and as botocore needs (boto/botocore#3755): an empty body still gets its 100
// Continue, whether the service takes the body or answers at once, and the connection stays
// usable for the next request.
TEST_F(ServerTest, ExpectContinueWithEmptyBodyGets100ThenFinalResponse) {
  Start();
  RawClient c(port());
  c.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->head, "HTTP/1.1 100 Continue\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "PUT /upload chunked=0|");

  c.Send("PUT /reject HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n");
  interim = c.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->head, "HTTP/1.1 100 Continue\r\n\r\n");
  r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);

  c.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto after = c.ReadResponse();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServerTest, ChunkedBodyArrivesDechunked) {
  Start();
  RawClient c(port());
  c.Send(
      "PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nx-trailer: y\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "PUT /upload chunked=1|hello world");
  Request seen = handler_.last();
  EXPECT_TRUE(seen.chunked);
  EXPECT_FALSE(seen.content_length.has_value());
  // The connection is still usable.
  c.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto after = c.ReadResponse();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "GET /after?");
}

TEST_F(ServerTest, LargeBodyIsDeliveredInBoundedPieces) {
  Start();
  RawClient c(port());
  std::string body(3 * 1024 * 1024 + 7, 'z');
  c.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n");
  c.Send(body);
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.size(), std::string("PUT /upload chunked=0|").size() + body.size());
  EXPECT_EQ(handler_.last().content_length.value_or(0), body.size());
}

TEST_F(ServerTest, OnBodyFalseStopsReadingAndCloses) {
  Start();
  RawClient c(port());
  std::string body(200000, 'q');
  c.Send("PUT /limit HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body);
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Get("connection"), "close");
  // Only the first piece was taken (the buffer is 64 KiB, the limit 10 bytes).
  EXPECT_LE(r->body.size(), std::string("PUT /limit chunked=0|").size() + 64 * 1024);
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, ImmediateAnswerDrainsSmallBodyAndKeepsConnection) {
  Start();
  RawClient c(port());
  c.Send(
      "PUT /reject HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /next "
      "HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_FALSE(r->Has("connection"));
  auto next = c.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /next?");
}

TEST_F(ServerTest, ImmediateAnswerWithLargeBodyCloses) {
  Start();
  RawClient c(port());
  c.Send("PUT /reject HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
  c.Send(std::string(100000, 'a'));
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->Get("connection"), "close");
  EXPECT_EQ(r->body, "denied");
}

TEST_F(ServerTest, OversizedHeaderGets431AndClose) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  Start(options);
  RawClient c(port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->Get("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, OversizedHeaderAnswerComesFromTheHandler) {
  handler_.custom_header_error_ = true;
  ServerOptions options;
  options.max_header_bytes = 4096;
  Start(options);
  RawClient c(port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, "<Error><Code>RequestHeaderSectionTooLarge</Code></Error>");
  EXPECT_EQ(r->Get("connection"), "close");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, MalformedRequestGets400AndClose) {
  Start();
  RawClient c(port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: v\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, MalformedChunkGets400) {
  Start();
  RawClient c(port());
  c.Send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, MalformedChunkWhileDrainingGets400) {
  Start();
  RawClient c(port());
  c.Send("PUT /reject HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(ServerTest, IdleConnectionTimesOut) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  Start(options);
  RawClient c(port(), 5);
  c.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.ReadResponse());
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ClosedByPeer());
  auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(waited, std::chrono::milliseconds(500));
  EXPECT_LT(waited, std::chrono::seconds(4));
}

TEST_F(ServerTest, StreamedSixteenMebibytesArriveIntact) {
  Start();
  RawClient c(port(), 30);
  c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Get("content-length"), std::to_string(kBigBody));
  EXPECT_FALSE(r->Has("transfer-encoding"));
  ASSERT_EQ(r->body.size(), kBigBody);
  for (uint64_t i = 0; i < kBigBody; ++i) {
    if (r->body[i] != PatternByte(i)) {
      FAIL() << "byte " << i << " differs";
    }
  }
  // Keep-alive still works after a streamed body.
  c.Send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  auto again = c.ReadResponse();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "GET /again?");
}

TEST_F(ServerTest, HeadKeepsContentLengthWithoutBody) {
  Start();
  RawClient c(port());
  c.Send("HEAD /head HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Get("content-length"), "1234");
  EXPECT_EQ(r->Get("etag"), "\"abc\"");
  // The next bytes on the wire are the next response: no body was sent.
  auto next = c.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /after?");
}

TEST_F(ServerTest, HeadOfStreamedResourceSendsNoBody) {
  Start();
  RawClient c(port());
  c.Send("HEAD /big HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Get("content-length"), std::to_string(kBigBody));
  auto next = c.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "GET /after?");
}

TEST_F(ServerTest, OnCompleteIsCalled) {
  Start();
  RawClient c(port());
  c.Send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(c.ReadResponse());
  for (int i = 0; i < 100 && handler_.completed_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(handler_.completed_, 1);
}

TEST_F(ServerTest, ShutdownClosesIdleConnectionsAndFinishesInFlight) {
  Start();
  RawClient idle(port());
  idle.Send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(idle.ReadResponse());
  RawClient busy(port());
  busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->Shutdown();
  auto r = busy.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "slow done");
  EXPECT_EQ(r->Get("connection"), "close");
  EXPECT_TRUE(idle.ClosedByPeer());
  thread_.join();  // Run() returns once the connections are gone
  EXPECT_EQ(server_->connections(), 0u);
}

// Garbage, truncated and half-valid requests never take the server down.
TEST_F(ServerTest, SurvivesGarbage) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  Start(options);
  const std::string valid =
      "PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  uint64_t seed = 88172645463325252ULL;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  for (int i = 0; i < 200; ++i) {
    std::string input = valid.substr(0, next() % (valid.size() + 1));
    for (int flips = static_cast<int>(next() % 4); flips > 0 && !input.empty(); --flips) {
      input[next() % input.size()] = static_cast<char>(next() & 0xff);
    }
    RawClient c(port(), 3);
    c.Send(input);
  }
  RawClient c(port());
  c.Send("GET /still-alive HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /still-alive?");
}

TEST(ServerListenTest, ResolvesLocalhostToIpv4) {
  TestHandler handler;
  ServerOptions options;
  options.host = "localhost";
  Server server(handler, options);
  ASSERT_EQ(server.Listen(), "");
  std::thread runner([&] { server.Run(1); });
  {
    RawClient c(server.port());  // connects to 127.0.0.1
    c.Send("GET /local HTTP/1.1\r\nHost: localhost\r\n\r\n");
    auto r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /local?");
  }
  server.Shutdown();
  runner.join();
}

TEST(ServerListenTest, ReportsBindFailure) {
  TestHandler handler;
  Server first(handler, {});
  ASSERT_EQ(first.Listen(), "");
  ServerOptions options;
  options.port = first.port();
  Server second(handler, options);
  std::string error = second.Listen();
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(first.port()) + ": "), std::string::npos)
      << error;
}

}  // namespace
}  // namespace skiff::http

// The transport's fault-injection support: Response::delay holds an answer back without
// blocking the I/O thread, Response::reset_connection answers with a TCP reset.

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "server/http/server.h"
#include "tests/unit/http/test_client.h"

namespace skiff::http {
namespace {

using testing::RawClient;
using Clock = std::chrono::steady_clock;

class FaultHandler : public Handler {
 public:
  StartResult Start(Request& request) override {
    Response r;
    r.body = "answer " + request.path;
    if (request.path == "/delayed") r.delay = std::chrono::milliseconds(400);
    if (request.path == "/reset") r.reset_connection = true;
    if (request.path == "/delayed-reset") {
      r.delay = std::chrono::milliseconds(200);
      r.reset_connection = true;
    }
    r.on_complete = [this](bool ok) { (ok ? completed_ok_ : completed_broken_)++; };
    return r;
  }
  std::atomic<int> completed_ok_{0};
  std::atomic<int> completed_broken_{0};
};

class FaultTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<Server>(handler_, options);
    ASSERT_EQ(server_->Listen(), "");
    // One I/O thread: a delay that blocked it would also hold back every other connection.
    thread_ = std::thread([this] { server_->Run(1); });
  }
  void TearDown() override {
    server_->Shutdown();
    if (thread_.joinable()) thread_.join();
  }

  FaultHandler handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// A bare socket (not RawClient) so a test can tell a reset from an orderly close. -1 on failure.
int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// recv() after a reset fails with ECONNRESET (an orderly close would return 0).
bool SeesReset(int fd) {
  char c;
  ssize_t n = ::recv(fd, &c, 1, 0);
  return n < 0 && errno == ECONNRESET;
}

TEST_F(FaultTransportTest, DelayHoldsTheResponseBack) {
  RawClient c(server_->port());
  auto start = Clock::now();
  c.Send("GET /delayed HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.ReadResponse();
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "answer /delayed");
  EXPECT_GE(elapsed, std::chrono::milliseconds(400));
  // The connection stays usable after a delayed answer.
  c.Send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = c.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "answer /next");
  // on_complete runs once the write has finished, which may be just after the client read it.
  for (int i = 0; i < 100 && handler_.completed_ok_.load() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(handler_.completed_ok_.load(), 2);
}

TEST_F(FaultTransportTest, DelayDoesNotBlockTheIoThread) {
  RawClient slow(server_->port());
  RawClient fast(server_->port());
  auto start = Clock::now();
  slow.Send("GET /delayed HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fast.Send("GET /quick HTTP/1.1\r\nHost: x\r\n\r\n");
  auto quick = fast.ReadResponse();
  auto quick_elapsed = Clock::now() - start;
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->body, "answer /quick");
  EXPECT_LT(quick_elapsed, std::chrono::milliseconds(350));
  auto delayed = slow.ReadResponse();
  ASSERT_TRUE(delayed);
  EXPECT_EQ(delayed->body, "answer /delayed");
}

TEST_F(FaultTransportTest, ResetConnectionSendsRstAndNothingElse) {
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  std::string request = "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  EXPECT_TRUE(SeesReset(fd));
  ::close(fd);
  for (int i = 0; i < 100 && handler_.completed_broken_.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(handler_.completed_broken_.load(), 1);
  EXPECT_EQ(handler_.completed_ok_.load(), 0);
}

TEST_F(FaultTransportTest, DelayThenReset) {
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  std::string request = "GET /delayed-reset HTTP/1.1\r\nHost: x\r\n\r\n";
  auto start = Clock::now();
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  EXPECT_TRUE(SeesReset(fd));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(200));
  ::close(fd);
}

}  // namespace
}  // namespace skiff::http

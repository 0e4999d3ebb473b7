// HTTPS: certificate files (tls.h) and the TLS listener, driven with an OpenSSL client that
// trusts only the generated certificate.

#include "server/http/tls.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "server/http/server.h"
#include "tests/unit/http/test_client.h"

namespace skiff::http {
namespace {

std::string TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "skiff-tls-test-XXXXXX");
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
  return pattern;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Answers every request with "secure=<0|1> <path>".
class SecureEcho : public Handler {
 public:
  StartResult Start(Request& request) override {
    Response r;
    r.body = std::string("secure=") + (request.secure ? "1" : "0") + " " + request.path;
    return r;
  }
};

// A connected loopback TCP socket with a receive timeout.
int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect");
  }
  return fd;
}

// A blocking TLS client: verifies the server against `ca_file` and the
// name "localhost".
class TlsClient {
 public:
  TlsClient(uint16_t port, const std::string& ca_file) : fd_(ConnectLoopback(port)) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
      throw std::runtime_error("cannot load " + ca_file);
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
    handshake_ok_ = SSL_connect(ssl_) == 1;
    ERR_clear_error();
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  bool handshake_ok() const { return handshake_ok_; }

  // Sends one request and reads until the server closes (Connection: close).
  std::string Exchange(const std::string& request) {
    SSL_write(ssl_, request.data(), static_cast<int>(request.size()));
    std::string out;
    char buf[4096];
    for (;;) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ERR_clear_error();
    return out;
  }

 private:
  int fd_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool handshake_ok_ = false;
};

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    ASSERT_EQ(EnsureSelfSignedCertificate(dir_ + "/tls", &files_), "");
    ServerOptions options;
    options.tls_cert_file = files_.cert;
    options.tls_key_file = files_.key;
    options.idle_timeout = std::chrono::seconds(1);
    server_ = std::make_unique<Server>(handler_, options);
    ASSERT_EQ(server_->Listen(), "");
    thread_ = std::thread([this] { server_->Run(2); });
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  TlsFiles files_;
  SecureEcho handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(TlsServerTest, RequestsOverTlsAreMarkedSecure) {
  TlsClient client(server_->port(), files_.cert);
  ASSERT_TRUE(client.handshake_ok());
  std::string answer =
      client.Exchange("GET /over-tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("\r\n\r\nsecure=1 /over-tls"), std::string::npos) << answer;
}

TEST_F(TlsServerTest, PlainHttpToTheTlsPortGetsA400AndTheServerCarriesOn) {
  {
    testing::RawClient plain(server_->port());
    plain.Send("GET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n");
    auto r = plain.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->Get("connection"), "close");
    EXPECT_NE(r->body.find("This port serves HTTPS"), std::string::npos);
  }
  TlsClient client(server_->port(), files_.cert);
  ASSERT_TRUE(client.handshake_ok());
  EXPECT_NE(client.Exchange("GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .find("secure=1 /after"),
            std::string::npos);
}

TEST_F(TlsServerTest, AClientThatNeverHandshakesIsClosedByTheIdleTimeout) {
  testing::RawClient silent(server_->port(), /*timeout_seconds=*/5);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.ClosedByPeer());  // without a byte
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::seconds(4));
}

TEST_F(TlsServerTest, ShutdownEndsAPendingHandshake) {
  testing::RawClient silent(server_->port());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  thread_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
}

TEST(TlsFilesTest, SelfSignedPairIsWrittenPrivatelyAndReused) {
  std::string dir = TempDir();
  TlsFiles first;
  ASSERT_EQ(EnsureSelfSignedCertificate(dir + "/tls", &first), "");
  EXPECT_EQ(first.cert, dir + "/tls/cert.pem");
  EXPECT_EQ(first.key, dir + "/tls/key.pem");
  struct stat st{};
  ASSERT_EQ(::stat(first.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ValidateTlsFiles(first), "");
  const std::string pem = ReadFile(first.cert);
  TlsFiles second;
  ASSERT_EQ(EnsureSelfSignedCertificate(dir + "/tls", &second), "");
  EXPECT_EQ(ReadFile(second.cert), pem);
  // A damaged pair is replaced rather than served.
  std::ofstream(first.cert) << "garbage\n";
  TlsFiles third;
  ASSERT_EQ(EnsureSelfSignedCertificate(dir + "/tls", &third), "");
  EXPECT_EQ(ValidateTlsFiles(third), "");
  EXPECT_NE(ReadFile(third.cert), pem);
  std::filesystem::remove_all(dir);
}

TEST(TlsFilesTest, EmptyDirectoryMeansAFreshTemporaryOne) {
  TlsFiles files;
  ASSERT_EQ(EnsureSelfSignedCertificate("", &files), "");
  EXPECT_EQ(ValidateTlsFiles(files), "");
  std::filesystem::path dir = std::filesystem::path(files.cert).parent_path();
  EXPECT_NE(dir.filename().string().find("skiff-tls-"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(TlsFilesTest, ValidationNamesTheFileAndTheProblem) {
  std::string dir = TempDir();
  TlsFiles a, b;
  ASSERT_EQ(EnsureSelfSignedCertificate(dir + "/a", &a), "");
  ASSERT_EQ(EnsureSelfSignedCertificate(dir + "/b", &b), "");
  EXPECT_EQ(ValidateTlsFiles({dir + "/none.pem", a.key}),
            dir + "/none.pem: No such file or directory");
  EXPECT_NE(ValidateTlsFiles({a.cert, ""}).find("--tls-cert and --tls-key"), std::string::npos);
  std::ofstream(dir + "/text.pem") << "hello\n";
  EXPECT_EQ(ValidateTlsFiles({dir + "/text.pem", a.key}).rfind(
                dir + "/text.pem: no PEM certificate found", 0),
            0u);
  EXPECT_EQ(ValidateTlsFiles({a.cert, a.cert}).rfind(a.cert + ": no PEM private key found", 0),
            0u);
  EXPECT_EQ(ValidateTlsFiles({a.cert, b.key}),
            b.key + ": the private key does not match the certificate in " + a.cert);
  // The listener refuses the same files, with the same message.
  SecureEcho handler;
  ServerOptions options;
  options.tls_cert_file = a.cert;
  options.tls_key_file = b.key;
  Server server(handler, options);
  EXPECT_NE(server.Listen().find("does not match the certificate"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace skiff::http

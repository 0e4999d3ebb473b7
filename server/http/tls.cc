#include "server/http/tls.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace skiff::http {
namespace {

constexpr long kValiditySeconds = 365L * 24 * 3600;
constexpr long kBackdateSeconds = 3600;       // tolerate clients whose clock is a little behind
constexpr long kMinRemainingSeconds = 24 * 3600;
constexpr std::string_view kCertName = "cert.pem";
constexpr std::string_view kKeyName = "key.pem";

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

// The oldest queued OpenSSL error as text (and clears the queue), or `fallback`.
std::string OpenSslError(std::string_view fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(fallback);
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

std::string LoadCertificate(const std::string& path, X509Ptr* cert) {
  FilePtr f(std::fopen(path.c_str(), "r"));
  if (!f) return path + ": " + std::strerror(errno);
  cert->reset(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!*cert) return path + ": no PEM certificate found (" + OpenSslError("unreadable") + ")";
  return "";
}

std::string LoadKey(const std::string& path, KeyPtr* key) {
  FilePtr f(std::fopen(path.c_str(), "r"));
  if (!f) return path + ": " + std::strerror(errno);
  key->reset(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
  if (!*key) return path + ": no PEM private key found (" + OpenSslError("unreadable") + ")";
  return "";
}

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string Generate(KeyPtr* key, X509Ptr* cert) {
  key->reset(EVP_EC_gen("P-256"));
  if (!*key) return "cannot generate a key: " + OpenSslError("EVP_EC_gen failed");
  cert->reset(X509_new());
  X509* x = cert->get();
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), BN_free);
  if (!serial || !BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x))) {
    return "cannot make a serial number: " + OpenSslError("BN_rand failed");
  }
  X509_set_version(x, X509_VERSION_3);
  X509_gmtime_adj(X509_getm_notBefore(x), -kBackdateSeconds);
  X509_gmtime_adj(X509_getm_notAfter(x), kValiditySeconds);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Skiff"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, key->get());
  // A leaf that clients trust directly (verify=cert.pem, --ca-bundle, NODE_EXTRA_CA_CERTS):
  // hostname checks use the subjectAltName, strict verifiers want the key identifiers.
  if (!AddExtension(x, NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(x, NID_key_usage, "critical,digitalSignature,keyEncipherment") ||
      !AddExtension(x, NID_ext_key_usage, "serverAuth") ||
      !AddExtension(x, NID_subject_key_identifier, "hash") ||
      !AddExtension(x, NID_authority_key_identifier, "keyid:always") ||
      !AddExtension(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1")) {
    return "cannot build the certificate: " + OpenSslError("extension failed");
  }
  if (X509_sign(x, key->get(), EVP_sha256()) == 0) {
    return "cannot sign the certificate: " + OpenSslError("X509_sign failed");
  }
  return "";
}

// Writes via a temporary file and rename(), so a reader never sees half a file.
std::string WritePem(const std::string& path, mode_t mode, bool private_key, EVP_PKEY* key,
                     X509* cert) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return tmp + ": " + std::strerror(errno);
  FilePtr f(::fdopen(fd, "w"));
  if (!f) {
    ::close(fd);
    return tmp + ": " + std::strerror(errno);
  }
  int ok = private_key ? PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                       : PEM_write_X509(f.get(), cert);
  if (!ok || std::fflush(f.get()) != 0) return tmp + ": cannot write: " + OpenSslError("I/O error");
  f.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return path + ": " + std::strerror(errno);
  return "";
}

// A pair in `files` that is usable and valid for at least another day.
bool Reusable(const TlsFiles& files) {
  std::error_code ec;
  if (!std::filesystem::exists(files.cert, ec) || !std::filesystem::exists(files.key, ec)) {
    return false;
  }
  X509Ptr cert;
  KeyPtr key;
  if (!LoadCertificate(files.cert, &cert).empty() || !LoadKey(files.key, &key).empty()) {
    return false;
  }
  time_t horizon = std::time(nullptr) + kMinRemainingSeconds;
  bool ok = X509_cmp_time(X509_get0_notAfter(cert.get()), &horizon) > 0 &&
            X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return ok;
}

std::string MakeTempDirectory(std::string* dir) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/skiff-tls-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) return pattern + ": " + std::strerror(errno);
  *dir = buf.data();
  return "";
}

}  // namespace

std::string ValidateTlsFiles(const TlsFiles& files) {
  if (files.cert.empty() || files.key.empty()) {
    return "TLS needs both a certificate and a private key (--tls-cert and --tls-key)";
  }
  X509Ptr cert;
  KeyPtr key;
  if (std::string e = LoadCertificate(files.cert, &cert); !e.empty()) return e;
  if (std::string e = LoadKey(files.key, &key); !e.empty()) return e;
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return files.key + ": the private key does not match the certificate in " + files.cert;
  }
  return "";
}

std::string EnsureSelfSignedCertificate(const std::string& dir, TlsFiles* files) {
  std::string where = dir;
  if (where.empty()) {
    if (std::string e = MakeTempDirectory(&where); !e.empty()) return e;
  } else {
    std::error_code ec;
    std::filesystem::create_directories(where, ec);
    if (ec) return where + ": " + ec.message();
    ::chmod(where.c_str(), 0700);
  }
  TlsFiles out{where + "/" + std::string(kCertName), where + "/" + std::string(kKeyName)};
  if (!Reusable(out)) {
    KeyPtr key;
    X509Ptr cert;
    if (std::string e = Generate(&key, &cert); !e.empty()) return e;
    // The key first: a certificate on disk always has its key next to it.
    if (std::string e = WritePem(out.key, 0600, true, key.get(), nullptr); !e.empty()) return e;
    if (std::string e = WritePem(out.cert, 0644, false, nullptr, cert.get()); !e.empty()) {
      return e;
    }
  }
  *files = std::move(out);
  return "";
}

}  // namespace skiff::http

// TLS certificate files for the HTTPS listener (ServerOptions::tls_cert_file/tls_key_file):
// checking user-supplied PEM files, and generating a self-signed certificate for local use.
// OpenSSL only; no Beast or Asio here.
#pragma once

#include <string>

namespace skiff::http {

struct TlsFiles {
  std::string cert;  // PEM certificate (chain)
  std::string key;   // PEM private key
};

// Loads both files and checks that the key belongs to the certificate. Returns "" or a message
// naming the file and what is wrong with it ("/x/cert.pem: no PEM certificate found").
std::string ValidateTlsFiles(const TlsFiles& files);

// Makes sure `dir` holds cert.pem and key.pem: a P-256 key and a self-signed certificate for the
// names clients use locally (DNS localhost, IP 127.0.0.1 and ::1), valid for a year. A pair
// already there is reused while it is valid for at least another day, so clients that trust it
// keep working across restarts. `dir` is created (0700) if missing; "" means a new temporary
// directory (for --in-memory, which has no data directory). The key file is written 0600.
// Returns "" and sets `files`, or a message.
std::string EnsureSelfSignedCertificate(const std::string& dir, TlsFiles* files);

}  // namespace skiff::http

#include "server/http/tls_context.h"

#include <openssl/ssl.h>

namespace skiff::http::detail {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> MakeServerContext(const TlsFiles& files, std::string* error) {
  // Checked first for a message that names the file; the context then loads the same files.
  if (std::string e = ValidateTlsFiles(files); !e.empty()) {
    *error = e;
    return nullptr;
  }
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (!ec) context->use_certificate_chain_file(files.cert, ec);
  if (ec) {
    *error = files.cert + ": " + ec.message();
    return nullptr;
  }
  context->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) {
    *error = files.key + ": " + ec.message();
    return nullptr;
  }
  // Resumed sessions skip the full handshake for SDKs that reconnect often.
  SSL_CTX_set_session_cache_mode(context->native_handle(), SSL_SESS_CACHE_SERVER);
  return context;
}

}  // namespace skiff::http::detail

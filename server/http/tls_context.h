// The OpenSSL server context behind the HTTPS listener. Internal to skiff_http.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "server/http/tls.h"

namespace skiff::http::detail {

// A TLS 1.2+ server context holding `files`. Returns null and sets `error` when a file cannot
// be used.
std::unique_ptr<boost::asio::ssl::context> MakeServerContext(const TlsFiles& files,
                                                             std::string* error);

}  // namespace skiff::http::detail

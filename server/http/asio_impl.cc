// The one translation unit that compiles Asio and Beast (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION are public on skiff_http), so every other file only
// includes declarations and builds stay fast.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
// TLS (ssl::stream, ssl::context) for the HTTPS listener.
#include <boost/asio/ssl/impl/src.hpp>

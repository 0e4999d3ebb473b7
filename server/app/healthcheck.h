// `skiff healthcheck [--port N] [--host H]`: the container's HEALTHCHECK, with no shell tools.
// GET /_skiff/health on the local server; exit code 0 when it answers 200, 1 otherwise
// (2 for bad arguments). Speaks HTTPS when the server's environment enables TLS.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skiff::app {

using GetEnv = std::function<std::optional<std::string>(const char*)>;

// `args` are the words after "healthcheck". Defaults come from the server's own environment:
// port SKIFF_PORT (else 4566); host SKIFF_HOST unless it is a wildcard (0.0.0.0 -> 127.0.0.1,
// :: -> ::1); HTTPS when SKIFF_TLS_CERT or SKIFF_TLS_SELF_SIGNED is set. The certificate is not
// verified: the probe asks a local process whether it serves, not who it is.
// Messages go to stderr.
int RunHealthcheck(const std::vector<std::string>& args, const GetEnv& getenv);

}  // namespace skiff::app

// skiff: flags and environment -> Config, logging, the app::Server, the startup line, exit code.
// Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM), 1 when startup fails, 2 for bad flags.
#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "server/app/compat.h"
#include "server/app/healthcheck.h"
#include "server/app/server.h"
#include "server/common/config_flags.h"
#include "server/common/request_log.h"

#ifndef SKIFF_VERSION
#error "SKIFF_VERSION must be defined by the build (server/CMakeLists.txt)"
#endif

int main(int argc, char** argv) {
  using skiff::common::FlagsResult;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "healthcheck") {
    return skiff::app::RunHealthcheck({args.begin() + 1, args.end()}, [](const char* name) {
      const char* value = std::getenv(name);
      return value ? std::optional<std::string>(value) : std::nullopt;
    });
  }
  if (!args.empty() && args[0] == "compat") {
    return skiff::app::RunCompat({args.begin() + 1, args.end()});
  }
  FlagsResult flags = skiff::common::ParseFlags(args, [](const char* name) {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  switch (flags.action) {
    case FlagsResult::Action::kError:
      std::cerr << "skiff: " << flags.error << "\n";
      return 2;
    case FlagsResult::Action::kHelp:
      std::cout << skiff::common::Usage();
      return 0;
    case FlagsResult::Action::kVersion:
      std::cout << "Skiff " << SKIFF_VERSION << "\n";
      return 0;
    case FlagsResult::Action::kRun:
      break;
  }
  const skiff::common::Config& config = flags.config;

  skiff::common::LogLevel level = skiff::common::LogLevel::kInfo;
  skiff::common::LogFormat format = skiff::common::LogFormat::kText;
  skiff::common::ParseLogLevel(config.log_level, &level);  // validated by ParseFlags
  skiff::common::ParseLogFormat(config.log_format, &format);
  skiff::common::ConfigureLogging(level, format);

  // Bodies pass through buffers of 64 KiB to 1 MiB. glibc raises its mmap threshold each time
  // such a buffer is freed, after which they come from the heap and stay resident after a burst
  // of uploads; fixed thresholds keep them mmapped, so memory goes back to the system.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024);

  // Every connection is a descriptor: take the hard limit, so a test suite holding 1,000
  // connections open is not refused at the common soft limit of 1,024.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  std::string error;
  auto server = skiff::app::Server::Create(config, SKIFF_VERSION, &error);
  if (!server) {
    skiff::common::Log(skiff::common::LogLevel::kError, error);
    std::cerr << "skiff: " << error << "\n";
    return 1;
  }
  // Integration tests and scripts parse "listening on http(s)://HOST:PORT" from this one line.
  std::string host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  // Over HTTPS the line ends with the certificate clients should trust (tls-cert=PATH).
  const std::string cert = server->tls_certificate();
  std::printf("Skiff %s listening on %s://%s:%u data=%s threads=%d%s\n", SKIFF_VERSION,
              cert.empty() ? "http" : "https", host.c_str(),
              static_cast<unsigned>(server->port()), server->data_location().c_str(),
              server->threads(), cert.empty() ? "" : (" tls-cert=" + cert).c_str());
  std::fflush(stdout);
  server->Run();
  server.reset();
  return 0;
}

// skiff_bench: keeps N keep-alive connections busy with SigV4-signed S3/DynamoDB requests and
// prints one JSON line: requests, errors, req/s, p50/p99 latency (per iteration, microseconds).
//
//   skiff_bench --port P --workload W [--connections N] [--seconds S] [--floor]
//   skiff_bench --port P --setup
//   skiff_bench --print-signature W --amz-date yyyymmddThhmmssZ
//   skiff_bench --cold-start --port P -- /path/to/skiff args...
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/http_client.h"
#include "tests/bench/signer.h"
#include "tests/bench/workloads.h"

namespace skiff::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 4566;
  std::string workload;
  int connections = 1;
  double seconds = 3;
  bool floor = false;
  bool setup = false;
  std::string print_signature;
  std::string amz_date;
  bool cold_start = false;
  std::vector<std::string> command;
};

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", ch);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

bool CheckResponse(const Step& step, const Response& r, std::string& error) {
  if (r.status != step.expected_status) {
    error = "status " + std::to_string(r.status) + " (want " +
            std::to_string(step.expected_status) + "): " + r.body.substr(0, 200);
    return false;
  }
  if (step.expected_body_size && r.body.size() != *step.expected_body_size) {
    error = "body of " + std::to_string(r.body.size()) + " bytes";
    return false;
  }
  if (!step.expected_error.empty() && r.body.find(step.expected_error) == std::string::npos) {
    error = "missing " + step.expected_error + ": " + r.body.substr(0, 200);
    return false;
  }
  return true;
}

int Run(const Options& o) {
  RunContext context;
  context.floor = o.floor;
  context.nonce = std::to_string(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count());
  if (const char* n = std::getenv("SKIFF_BENCH_NONCE")) context.nonce = n;
  int steps = StepsPerIteration(o.workload);
  std::string host_header = o.host + ":" + std::to_string(o.port);
  std::atomic<uint64_t> errors{0};
  std::mutex mu;
  std::vector<int64_t> latencies_us;
  std::string first_error;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      Connection conn(o.host, o.port);
      std::vector<int64_t> mine;
      mine.reserve(1 << 16);
      std::string my_error;
      uint64_t my_errors = 0;
      Response response;
      for (uint64_t seq = 0; Clock::now() < deadline; ++seq) {
        auto t0 = Clock::now();
        bool ok = true;
        for (int s = 0; s < steps && ok; ++s) {
          Step step = BuildStep(o.workload, context, c, seq, s);
          Sign(step.request, host_header, step.service, Credentials{}, step.payload_hash);
          std::string error;
          ok = conn.RoundTrip(step.request, response, error) &&
               CheckResponse(step, response, error);
          if (!ok && my_error.empty()) my_error = o.workload + ": " + error;
        }
        if (!ok) ++my_errors;
        mine.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                           Clock::now() - t0).count());
      }
      std::lock_guard lock(mu);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
      errors += my_errors;
      if (first_error.empty()) first_error = my_error;
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) -> int64_t {
    if (latencies_us.empty()) return 0;
    size_t i = static_cast<size_t>(p * static_cast<double>(latencies_us.size() - 1) + 0.5);
    return latencies_us[i];
  };
  uint64_t n = latencies_us.size();
  std::printf(
      "{\"workload\":\"%s\",\"connections\":%d,\"floor\":%s,\"iterations\":%llu,"
      "\"requests\":%llu,\"errors\":%llu,\"seconds\":%.3f,\"iterations_per_s\":%.1f,"
      "\"p50_us\":%lld,\"p99_us\":%lld,\"first_error\":\"%s\"}\n",
      o.workload.c_str(), o.connections, o.floor ? "true" : "false",
      static_cast<unsigned long long>(n), static_cast<unsigned long long>(n * steps),
      static_cast<unsigned long long>(errors.load()), elapsed, static_cast<double>(n) / elapsed,
      static_cast<long long>(pct(0.50)), static_cast<long long>(pct(0.99)),
      JsonEscape(first_error).c_str());
  return errors == 0 ? 0 : 3;
}

// Prints the request exactly as the load generator signs it, for comparison with botocore.
int PrintSignature(const Options& o) {
  RunContext context;
  context.nonce = "sigcheck";
  Step step = BuildStep(o.print_signature, context, 0, 7, 0);
  std::string host_header = o.host + ":" + std::to_string(o.port);
  Sign(step.request, host_header, step.service, Credentials{}, step.payload_hash,
       o.amz_date.empty() ? NowAmzDate() : o.amz_date);
  std::printf("{\"service\":\"%s\",\"method\":\"%s\",\"url\":\"http://%s%s%s%s\",\"body\":\"%s\","
              "\"headers\":[",
              step.service.c_str(), step.request.method.c_str(), host_header.c_str(),
              step.request.path.c_str(), step.request.query.empty() ? "" : "?",
              step.request.query.c_str(),
              step.request.body.size() > 4096 ? "" : JsonEscape(step.request.body).c_str());
  for (size_t i = 0; i < step.request.headers.size(); ++i) {
    std::printf("%s[\"%s\",\"%s\"]", i ? "," : "", step.request.headers[i].first.c_str(),
                JsonEscape(step.request.headers[i].second).c_str());
  }
  std::printf("]}\n");
  return 0;
}

// Spawns the server, polls a signed ListBuckets until the first 2xx, prints the time, stops it.
int ColdStart(const Options& o) {
  std::vector<char*> argv;
  for (const auto& a : o.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    // The server's own output must not mix with the JSON line this mode prints.
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::string host_header = o.host + ":" + std::to_string(o.port);
  int attempts = 0;
  for (;;) {
    ++attempts;
    Connection conn(o.host, o.port);
    Request request{"GET", "/", "", {}, ""};
    Sign(request, host_header, "s3", Credentials{});
    Response response;
    std::string error;
    if (conn.RoundTrip(request, response, error) && response.status / 100 == 2) break;
    if (Clock::now() - start > std::chrono::seconds(10) || waitpid(pid, nullptr, WNOHANG) != 0) {
      std::fprintf(stderr, "cold start: no 2xx within 10 s (%s)\n", error.c_str());
      kill(pid, SIGKILL);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::printf("{\"cold_start_ms\":%.2f,\"attempts\":%d}\n", ms, attempts);
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: skiff_bench [--host H] [--port P] --workload W [--connections N] "
               "[--seconds S] [--floor]\n"
               "       skiff_bench --port P --setup\n"
               "       skiff_bench --print-signature W [--amz-date D]\n"
               "       skiff_bench --port P --cold-start -- SKIFF ARGS...\n");
  return 2;
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--host") o.host = next();
    else if (a == "--port") o.port = static_cast<uint16_t>(std::atoi(next().c_str()));
    else if (a == "--workload") o.workload = next();
    else if (a == "--connections") o.connections = std::atoi(next().c_str());
    else if (a == "--seconds") o.seconds = std::atof(next().c_str());
    else if (a == "--floor") o.floor = true;
    else if (a == "--setup") o.setup = true;
    else if (a == "--print-signature") o.print_signature = next();
    else if (a == "--amz-date") o.amz_date = next();
    else if (a == "--cold-start") o.cold_start = true;
    else if (a == "--") {
      for (++i; i < argc; ++i) o.command.push_back(argv[i]);
    } else {
      return Usage();
    }
  }
  if (!o.print_signature.empty()) {
    return IsWorkload(o.print_signature) ? PrintSignature(o) : Usage();
  }
  if (o.cold_start) return o.command.empty() ? Usage() : ColdStart(o);
  if (o.setup) {
    std::string error;
    if (!Setup(o.host, o.port, error)) {
      std::fprintf(stderr, "setup failed: %s\n", error.c_str());
      return 1;
    }
    return 0;
  }
  if (!IsWorkload(o.workload) || o.connections < 1) return Usage();
  return Run(o);
}

}  // namespace
}  // namespace skiff::bench

int main(int argc, char** argv) { return skiff::bench::Main(argc, argv); }

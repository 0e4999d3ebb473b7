#include "server/common/request_log.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <utility>

#include "server/common/clock.h"

namespace skiff::common {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::mutex g_write_mutex;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool Enabled(LogLevel level) { return static_cast<int>(level) >= static_cast<int>(g_level.load()); }

// One write per line, so concurrent lines never interleave.
void WriteLine(const std::string& line) {
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  return rng;
}

// Text format: bare when the value is a plain token, quoted otherwise.
void AppendTextValue(std::string& out, std::string_view value) {
  if (value.empty()) {
    out += '-';
    return;
  }
  bool plain = true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void ConfigureLogging(LogLevel level, LogFormat format) {
  g_level = level;
  g_format = format;
}

bool ParseLogLevel(std::string_view text, LogLevel* out) {
  if (text == "debug") {
    *out = LogLevel::kDebug;
  } else if (text == "info") {
    *out = LogLevel::kInfo;
  } else if (text == "warn" || text == "warning") {
    *out = LogLevel::kWarn;
  } else if (text == "error") {
    *out = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

bool ParseLogFormat(std::string_view text, LogFormat* out) {
  if (text == "text") {
    *out = LogFormat::kText;
  } else if (text == "json") {
    *out = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

bool LogEnabled(LogLevel level) { return Enabled(level); }

void Log(LogLevel level, std::string_view message) {
  if (!Enabled(level)) return;
  std::string line;
  std::string time = IsoDate(NowMillis());
  if (g_format.load() == LogFormat::kJson) {
    line =
        "{\"time\":\"" + time + "\",\"level\":\"" + std::string(LevelName(level)) + "\",\"msg\":";
    AppendJsonString(line, message);
    line += "}\n";
  } else {
    line = time + " " + std::string(LevelName(level)) + " ";
    line += message;
    line += '\n';
  }
  WriteLine(line);
}

std::string NewRequestId() {
  static constexpr char kHex[] = "0123456789ABCDEF";
  uint64_t v = Rng()();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<size_t>(i)] = kHex[v & 15];
  return id;
}

std::string NewHostId() {
  // S3's x-amz-id-2: base64 of 56 opaque bytes (76 characters, ending in '=').
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<unsigned char, 56> bytes;
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t v = Rng()();
    for (size_t j = 0; j < 8 && i + j < bytes.size(); ++j) bytes[i + j] = (v >> (8 * j)) & 0xff;
  }
  std::string out;
  out.reserve(76);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += kB64[n & 63];
  }
  // 56 = 18 * 3 + 2: two bytes left, one '=' of padding.
  uint32_t n = (bytes[i] << 16) | (bytes[i + 1] << 8);
  out += kB64[(n >> 18) & 63];
  out += kB64[(n >> 12) & 63];
  out += kB64[(n >> 6) & 63];
  out += '=';
  return out;
}

std::string NewUuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = Rng()();
  uint64_t lo = Rng()();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xc000ULL << 48)) | (0x8000ULL << 48);  // variant 10xx
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out += kHex[(word >> shift) & 15];
    if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
  }
  return out;
}

namespace {
// Set once at start-up, before any request is served; read on every request.
RecordSink& Sink() {
  static RecordSink sink;
  return sink;
}
}  // namespace

void SetRecordSink(RecordSink sink) { Sink() = std::move(sink); }

void LogAccess(const RequestRecord& record) {
  if (const RecordSink& sink = Sink()) sink(record);
  if (!Enabled(LogLevel::kInfo)) return;
  double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - record.started)
          .count();
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3f", latency_ms);
  std::string time = IsoDate(NowMillis());
  std::string status = std::to_string(record.status);
  // One field list for both formats; status and latency are numbers (unquoted in JSON).
  struct Field {
    const char* name;
    std::string_view value;
    bool number;
  };
  const Field fields[] = {
      {"request_id", record.request_id, false},
      {"service", record.service, false},
      {"operation", record.operation, false},
      {"principal", record.principal.empty() ? std::string_view("anonymous") : record.principal,
       false},
      {"region", record.region, false},
      {"resource", record.resource, false},
      {"status", status, true},
      {"error_code", record.error_code, false},
      {"error_detail", record.error_detail, false},
      {"latency_ms", latency, true},
  };
  const bool json = g_format.load() == LogFormat::kJson;
  std::string line = json ? "{\"time\":\"" + time + "\",\"level\":\"info\",\"msg\":\"access\""
                          : time + " info access";
  for (const Field& f : fields) {
    if (f.value.empty() && std::string_view(f.name) == "error_detail") continue;
    line += json ? ",\"" : " ";
    line += f.name;
    line += json ? "\":" : "=";
    if (f.number) {
      line += f.value;
    } else if (json) {
      AppendJsonString(line, f.value);
    } else {
      AppendTextValue(line, f.value);
    }
  }
  line += json ? "}\n" : "\n";
  WriteLine(line);
}

}  // namespace skiff::common

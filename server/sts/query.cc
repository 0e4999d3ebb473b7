#include "server/sts/query.h"

#include <ctime>

#include "server/common/clock.h"
#include "sigv4/sigv4.h"

namespace skiff::sts {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

Params ParseForm(std::string_view text) {
  Params out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string part(text.substr(0, amp));
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    for (char& c : part) {
      if (c == '+') c = ' ';
    }
    size_t eq = part.find('=');
    auto name = sigv4::UriDecode(part.substr(0, eq));
    auto value = sigv4::UriDecode(eq == std::string::npos ? "" : part.substr(eq + 1));
    if (name && value && !name->empty()) out[*name] = *value;
  }
  return out;
}

std::string Element(std::string_view name, std::string_view value, int indent) {
  std::string out(static_cast<size_t>(indent), ' ');
  out += '<';
  out += name;
  out += '>';
  out += XmlEscape(value);
  out += "</";
  out += name;
  out += ">\n";
  return out;
}

std::string Timestamp(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string Timestamp(std::chrono::system_clock::time_point t) {
  return Timestamp(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> Param(const Call& call, const std::string& name) {
  auto it = call.params.find(name);
  if (it == call.params.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ListParam(const Call& call, const std::string& name) {
  std::vector<std::string> out;
  for (int i = 1;; ++i) {
    auto it = call.params.find(name + ".member." + std::to_string(i));
    if (it == call.params.end()) break;
    out.push_back(it->second);
  }
  return out;
}

Outcome Fail(QueryError error) { return Outcome{std::move(error), std::nullopt}; }

Outcome Fail(const iam::IamError& error) {
  return Fail(QueryError{error.status, error.status >= 500 ? "Receiver" : "Sender", error.code,
                         error.message, ""});
}

Outcome Done(std::string result) { return Outcome{std::nullopt, std::move(result)}; }

Outcome Empty() { return Outcome{}; }

QueryError ValidationError(std::string message) {
  return {400, "Sender", "ValidationError", std::move(message), ""};
}

QueryError AccessDenied(std::string message) {
  return {403, "Sender", "AccessDenied", std::move(message), ""};
}

std::optional<QueryError> Required(const Call& call, const std::string& name,
                                   std::string_view member, std::string* out) {
  std::optional<std::string> value = Param(call, name);
  if (!value) {
    return ValidationError("1 validation error detected: Value null at '" + std::string(member) +
                           "' failed to satisfy constraint: Member must not be null");
  }
  *out = std::move(*value);
  return std::nullopt;
}

std::optional<QueryError> Paginate(const Call& call, size_t count, Page* page) {
  size_t max_items = 100;
  if (std::optional<std::string> text = Param(call, "MaxItems")) {
    char* end = nullptr;
    long value = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || value < 1 || value > 1000) {
      return ValidationError("1 validation error detected: Value '" + *text +
                             "' at 'maxItems' failed to satisfy constraint: Member must have "
                             "value " +
                             (value < 1 ? std::string("greater than or equal to 1")
                                        : std::string("less than or equal to 1000")));
    }
    max_items = static_cast<size_t>(value);
  }
  // The marker is the index of the next item: opaque to clients, stable while nothing changes.
  page->begin = 0;
  if (std::optional<std::string> marker = Param(call, "Marker")) {
    char* end = nullptr;
    unsigned long value = std::strtoul(marker->c_str(), &end, 10);
    if (marker->empty() || *end != '\0' || value > count) {
      return QueryError{400, "Sender", "InvalidInput", "Invalid Marker.", ""};
    }
    page->begin = value;
  }
  page->end = std::min(count, page->begin + max_items);
  page->truncated = page->end < count;
  page->marker = page->truncated ? std::to_string(page->end) : "";
  return std::nullopt;
}

std::string PageTail(const Page& page) {
  std::string out = Element("IsTruncated", page.truncated ? "true" : "false", 4);
  if (page.truncated) out += Element("Marker", page.marker, 4);
  return out;
}

bool IsRoot(const common::Principal& p) { return !p.anonymous && p.arn.ends_with(":root"); }

}  // namespace skiff::sts

#include "server/http/message.h"

#include <algorithm>

namespace skiff::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* Headers::Find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) return &f.value;
  }
  return nullptr;
}

std::string_view Headers::Get(std::string_view name) const {
  const std::string* v = Find(name);
  return v ? std::string_view(*v) : std::string_view();
}

std::vector<std::string_view> Headers::All(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) out.emplace_back(f.value);
  }
  return out;
}

void Headers::Add(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
}

void Headers::Set(std::string name, std::string value) {
  Remove(name);
  Add(std::move(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const Field& f) { return EqualsIgnoreCase(f.name, name); }),
                fields_.end());
}

bool BufferedExchange::OnBody(std::string_view data) {
  if (over_) return false;
  if (body_.size() + data.size() > limit_) {
    over_ = true;
    body_.clear();
    body_.shrink_to_fit();
    return false;
  }
  body_.append(data);
  return true;
}

Response BufferedExchange::Finish() {
  if (over_) return too_large_();
  return finish_(std::move(body_));
}

}  // namespace skiff::http

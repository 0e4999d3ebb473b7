// The /_skiff/* endpoints. Today: GET /_skiff/health. Everything else under /_skiff/ is a 404
// with a JSON error body.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "server/http/message.h"

namespace skiff::app {

class AdminHandler : public http::Handler {
 public:
  // `services`: name -> "available" / "unavailable", reported in that order by /health.
  AdminHandler(std::string version, std::vector<std::pair<std::string, std::string>> services)
      : version_(std::move(version)), services_(std::move(services)) {}
  http::StartResult Start(http::Request& request) override;

 private:
  http::Response Health(const http::Request& request) const;

  std::string version_;
  std::vector<std::pair<std::string, std::string>> services_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace skiff::app

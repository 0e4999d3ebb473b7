// Command line and SKIFF_* environment -> Config. Flags override the environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/common/config.h"

namespace skiff::common {

struct FlagsResult {
  enum class Action { kRun, kHelp, kVersion, kError };
  Action action = Action::kRun;
  Config config;
  std::string error;  // for kError: what was wrong, for stderr
};

// `getenv` returns a variable's value or nullopt (tests pass a fake environment).
FlagsResult ParseFlags(const std::vector<std::string>& args,
                       const std::function<std::optional<std::string>(const char*)>& getenv);

// The --help text.
std::string Usage();

}  // namespace skiff::common

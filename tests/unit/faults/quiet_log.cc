// The engine logs every fired rule at info level; the tests fire thousands.
#include <gtest/gtest.h>

#include "server/common/request_log.h"

namespace {

class QuietLog : public ::testing::Environment {
 public:
  void SetUp() override {
    skiff::common::ConfigureLogging(skiff::common::LogLevel::kWarn,
                                    skiff::common::LogFormat::kText);
  }
};

const auto* const kQuietLog = ::testing::AddGlobalTestEnvironment(new QuietLog);

}  // namespace

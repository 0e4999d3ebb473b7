// The names of the operations Skiff answers (operations.cc), for `skiff compat`. Kept apart from
// context.h so listing them needs none of the request machinery.
#pragma once

#include <string_view>
#include <vector>

namespace skiff::dynamodb {

// Every X-Amz-Target operation name FindOperation answers, in table order.
std::vector<std::string_view> OperationNames();

}  // namespace skiff::dynamodb

// /_skiff/faults: the fault engine's admin endpoint (JSON), called by AdminHandler for the path
// /_skiff/faults and everything under it (after the admin-token check).
//   GET    /_skiff/faults        {"rules":[{"id","match","action"|"preset","trigger",
//                                 "matched","fired"}, ...]}
//   POST   /_skiff/faults        body: a rule, a list of rules or {"rules":[...]} -> 200
//                                 {"ids":[...]}; a bad rule adds nothing: 400 {"error","message"}
//   DELETE /_skiff/faults        removes every rule -> 200 {"removed":N}
//   DELETE /_skiff/faults/<id>   removes one -> 200 {"removed":1}, or 404
// Other methods: 405 with Allow.
#pragma once

#include <string_view>

#include "server/faults/faults.h"
#include "server/http/message.h"

namespace skiff::app {

http::Response HandleFaultsRequest(faults::Engine& engine, const http::Request& request,
                                   std::string_view body);

}  // namespace skiff::app

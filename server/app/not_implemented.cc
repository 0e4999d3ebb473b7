#include "server/app/not_implemented.h"

#include <memory>
#include <utility>

#include "server/app/router.h"
#include "server/common/request_log.h"

namespace skiff::app {
namespace {

// The Action form/query parameter, when it is in the query string (the body is not read).
std::string QueryAction(std::string_view query) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.starts_with("Action=")) return std::string(param.substr(7));
  }
  return "";
}

void LogWhenDone(http::Response& response, common::RequestRecord record) {
  record.status = response.status;
  auto shared = std::make_shared<common::RequestRecord>(std::move(record));
  response.on_complete = [shared](bool) { common::LogAccess(*shared); };
}

common::RequestRecord RecordFor(const http::Request& request, std::string service,
                                std::string operation, std::string request_id) {
  common::RequestRecord record;
  record.request_id = std::move(request_id);
  record.service = std::move(service);
  record.operation = std::move(operation);
  record.region = CredentialScope(request).region;
  record.error_code = "NotImplemented";
  return record;
}

}  // namespace

http::StartResult QueryNotImplemented::Start(http::Request& request) {
  std::string request_id = common::NewUuid();
  std::string operation = QueryAction(request.query);
  http::Response response;
  response.status = 501;
  response.headers.Set("Content-Type", "text/xml");
  response.headers.Set("x-amzn-RequestId", request_id);
  response.body = "<ErrorResponse xmlns=\"" + xmlns_ +
                  "\">\n"
                  "  <Error>\n"
                  "    <Type>Receiver</Type>\n"
                  "    <Code>NotImplemented</Code>\n"
                  "    <Message>" +
                  display_ +
                  " is not implemented by Skiff yet</Message>\n"
                  "  </Error>\n"
                  "  <RequestId>" +
                  request_id +
                  "</RequestId>\n"
                  "</ErrorResponse>\n";
  LogWhenDone(response, RecordFor(request, service_, operation, request_id));
  return response;
}

}  // namespace skiff::app

#include "tests/bench/workloads.h"

#include <atomic>
#include <thread>

#include "sigv4/sigv4.h"
#include "tests/bench/signer.h"

namespace skiff::bench {
namespace {

const std::string& Body1KiB() {
  static const std::string body(1024, 'k');
  return body;
}
const std::string& Body1MiB() {
  static const std::string body = [] {
    std::string b(1 << 20, '\0');
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>('a' + i % 26);
    return b;
  }();
  return body;
}
const std::string& HashOf(const std::string& constant_body) {
  static const std::string empty = sigv4::HexSha256("");
  static const std::string small = sigv4::HexSha256(Body1KiB());
  static const std::string large = sigv4::HexSha256(Body1MiB());
  if (&constant_body == &Body1KiB()) return small;
  if (&constant_body == &Body1MiB()) return large;
  return empty;
}

std::string Path(std::string_view bucket, std::string_view key = {}) {
  std::string p = "/" + std::string(bucket);
  if (!key.empty()) p += "/" + sigv4::UriEncode(key, false);
  return p;
}

Step S3(std::string method, std::string path, std::string query = {},
        const std::string* body = nullptr) {
  Step s;
  s.service = "s3";
  s.request.method = std::move(method);
  s.request.path = std::move(path);
  s.request.query = std::move(query);
  if (body != nullptr) s.request.body = *body;
  s.payload_hash = body != nullptr ? HashOf(*body) : HashOf(std::string());
  return s;
}

Step Dynamo(std::string_view operation, std::string body) {
  Step s;
  s.service = "dynamodb";
  s.request.method = "POST";
  s.request.path = "/";
  s.request.headers = {{"Content-Type", "application/x-amz-json-1.0"},
                       {"X-Amz-Target", "DynamoDB_20120810." + std::string(operation)}};
  s.request.body = std::move(body);
  return s;
}

std::string Key(std::string_view attribute, std::string_view value) {
  return "{\"" + std::string(attribute) + "\":{\"S\":\"" + std::string(value) + "\"}}";
}

std::string PutItem(std::string_view table, std::string_view attribute, std::string_view value,
                    bool if_absent) {
  std::string body = "{\"TableName\":\"" + std::string(table) + "\",\"Item\":{\"" +
                     std::string(attribute) + "\":{\"S\":\"" + std::string(value) +
                     "\"},\"payload\":{\"S\":\"" + std::string(64, 'v') +
                     "\"},\"n\":{\"N\":\"42\"}}";
  if (if_absent) body += ",\"ConditionExpression\":\"attribute_not_exists(" +
                         std::string(attribute) + ")\"";
  return body + "}";
}

std::string ConnKey(std::string_view prefix, const RunContext& c, int connection, uint64_t seq) {
  return std::string(prefix) + "-" + c.nonce + "-c" + std::to_string(connection) + "-" +
         std::to_string(seq);
}

}  // namespace

const std::vector<std::string>& WorkloadNames() {
  static const std::vector<std::string> names = {
      "s3_put_1k", "s3_put_1m", "s3_get_1k", "s3_get_1m", "s3_head", "s3_list_1000",
      "ddb_put", "ddb_put_if_absent_ok", "ddb_put_if_absent_fail", "ddb_get", "ddb_delete",
      "tf_lock_unlock"};
  return names;
}

bool IsWorkload(std::string_view name) {
  for (const auto& n : WorkloadNames()) {
    if (n == name) return true;
  }
  return false;
}

int StepsPerIteration(std::string_view workload) { return workload == "tf_lock_unlock" ? 2 : 1; }

Step BuildStep(std::string_view w, const RunContext& c, int connection, uint64_t seq, int step) {
  Step s;
  if (w == "s3_put_1k") {
    s = S3("PUT", Path(kBucket, ConnKey("put1k", c, connection, seq)), {}, &Body1KiB());
  } else if (w == "s3_put_1m") {
    // Overwrites one key per connection: 1 MiB per request would otherwise fill the disk.
    s = S3("PUT", Path(kBucket, "put1m-c" + std::to_string(connection)), {}, &Body1MiB());
  } else if (w == "s3_get_1k") {
    s = S3("GET", Path(kBucket, "obj-1k"));
    s.expected_body_size = 1024;
  } else if (w == "s3_get_1m") {
    s = S3("GET", Path(kBucket, "obj-1m"));
    s.expected_body_size = 1 << 20;
  } else if (w == "s3_head") {
    s = S3("HEAD", Path(kBucket, "obj-1k"));
  } else if (w == "s3_list_1000") {
    s = S3("GET", Path(kListBucket), "list-type=2");
  } else if (w == "ddb_put") {
    s = Dynamo("PutItem", PutItem(kTable, "pk", ConnKey("put", c, connection, seq), false));
  } else if (w == "ddb_put_if_absent_ok") {
    s = Dynamo("PutItem", PutItem(kTable, "pk", ConnKey("new", c, connection, seq), true));
  } else if (w == "ddb_put_if_absent_fail") {
    s = Dynamo("PutItem", PutItem(kTable, "pk", "fixed", true));
    s.expected_status = 400;
    s.expected_error = "ConditionalCheckFailedException";
  } else if (w == "ddb_get") {
    s = Dynamo("GetItem",
               "{\"TableName\":\"" + std::string(kTable) + "\",\"Key\":" + Key("pk", "fixed") + "}");
  } else if (w == "ddb_delete") {
    // Deletes what ddb_put wrote with the same nonce and connection count (absent keys also 200).
    s = Dynamo("DeleteItem", "{\"TableName\":\"" + std::string(kTable) + "\",\"Key\":" +
                                 Key("pk", ConnKey("put", c, connection, seq)) + "}");
  } else if (w == "tf_lock_unlock") {
    // Terraform's S3 backend lock: PutItem LockID if absent, then DeleteItem LockID.
    std::string lock = "skiff-bench/terraform.tfstate-c" + std::to_string(connection);
    if (step == 0) {
      s = Dynamo("PutItem", PutItem(kLockTable, "LockID", lock, true));
    } else {
      s = Dynamo("DeleteItem", "{\"TableName\":\"" + std::string(kLockTable) +
                                   "\",\"Key\":" + Key("LockID", lock) + "}");
    }
  }
  if (c.floor) {
    s.expected_status = 200;
    s.expected_error.clear();
  }
  return s;
}

namespace {

bool Expect(Connection& conn, Step step, std::initializer_list<int> ok, std::string& error) {
  Sign(step.request, "127.0.0.1", step.service, Credentials{}, step.payload_hash);
  Response response;
  if (!conn.RoundTrip(step.request, response, error)) return false;
  for (int status : ok) {
    if (response.status == status) return true;
  }
  error = step.request.method + " " + step.request.path + " -> " +
          std::to_string(response.status) + ": " + response.body.substr(0, 300);
  return false;
}

std::string CreateTable(std::string_view table, std::string_view key) {
  return "{\"TableName\":\"" + std::string(table) +
         "\",\"AttributeDefinitions\":[{\"AttributeName\":\"" + std::string(key) +
         "\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"" + std::string(key) +
         "\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
}

}  // namespace

bool Setup(const std::string& host, uint16_t port, std::string& error) {
  Connection conn(host, port);
  // 409 BucketAlreadyOwnedByYou and ResourceInUseException: the fixture exists already.
  if (!Expect(conn, S3("PUT", Path(kBucket)), {200, 409}, error) ||
      !Expect(conn, S3("PUT", Path(kListBucket)), {200, 409}, error) ||
      !Expect(conn, S3("PUT", Path(kBucket, "obj-1k"), {}, &Body1KiB()), {200}, error) ||
      !Expect(conn, S3("PUT", Path(kBucket, "obj-1m"), {}, &Body1MiB()), {200}, error) ||
      !Expect(conn, Dynamo("CreateTable", CreateTable(kTable, "pk")), {200, 400}, error) ||
      !Expect(conn, Dynamo("CreateTable", CreateTable(kLockTable, "LockID")), {200, 400},
              error) ||
      !Expect(conn, Dynamo("PutItem", PutItem(kTable, "pk", "fixed", false)), {200}, error)) {
    return false;
  }
  constexpr int kWorkers = 16;
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::string first_error;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      Connection c(host, port);
      std::string e;
      for (int i = next++; i < kListKeys && !failed; i = next++) {
        char key[32];
        std::snprintf(key, sizeof(key), "key-%05d", i);
        if (!Expect(c, S3("PUT", Path(kListBucket, key), {}, &Body1KiB()), {200}, e)) {
          if (!failed.exchange(true)) first_error = e;
        }
      }
      (void)w;
    });
  }
  for (auto& t : workers) t.join();
  if (failed) error = first_error;
  return !failed;
}

}  // namespace skiff::bench

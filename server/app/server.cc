#include "server/app/server.h"

#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>

#include "server/app/admin.h"
#include "server/app/admin_faults.h"
#include "server/app/init.h"
#include "server/app/router.h"
#include "server/app/ttl_reaper.h"
#include "server/common/clock.h"
#include "server/common/credentials.h"
#include "server/common/request_log.h"
#include "server/dynamodb/service.h"
#include "server/faults/faults.h"
#include "server/faults/rule_json.h"
#include "server/http/server.h"
#include "server/iam/authorizer.h"
#include "server/iam/store.h"
#include "server/http/tls.h"
#include "server/s3/service.h"
#include "server/sts/service.h"
#include "storage/database.h"

namespace skiff::app {

// Members are declared in dependency order: the transport (last) is destroyed first, so no
// session outlives the services and the database it uses.
struct Server::Impl {
  common::Config config;
  common::CredentialStore credentials;
  std::unique_ptr<storage::Database> database;
  std::unique_ptr<TtlReaper> ttl_reaper;  // stopped before the database closes
  std::unique_ptr<iam::IamStore> iam_store;     // users, roles, policies (in the database)
  std::unique_ptr<iam::Authorizer> authorizer;  // identity policies from iam_store
  std::unique_ptr<faults::Engine> faults;  // --faults rules and /_skiff/faults; outlives services
  std::unique_ptr<s3::Service> s3;
  std::unique_ptr<dynamodb::Service> dynamodb;
  std::unique_ptr<Journal> journal;  // fed with every request record, through the record sink
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<AdminHandler> admin;
  std::unique_ptr<sts::Service> sts;
  std::unique_ptr<sts::Service> iam;
  std::unique_ptr<Router> router;
  std::mutex http_mutex;  // guards `http` between Shutdown() and the end of Run()
  std::unique_ptr<http::Server> http;
  int threads = 1;
  std::string tls_cert;  // the certificate served over HTTPS ("" = plain HTTP)
  // --in-memory --tls-self-signed: the temporary directory of the generated pair, removed with
  // the server (nothing of an in-memory server outlives it).
  std::string tls_temp_dir;
  ~Impl() {
    std::error_code ignored;
    if (!tls_temp_dir.empty()) std::filesystem::remove_all(tls_temp_dir, ignored);
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  impl_->http.reset();
  common::SetRecordSink(nullptr);  // it points into impl_
  if (impl_->ttl_reaper) impl_->ttl_reaper->Stop();
  if (impl_->database) impl_->database->Close();
}

std::unique_ptr<Server> Server::Create(const common::Config& config, std::string version,
                                       std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->threads =
      config.threads > 0 ? config.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (impl->threads <= 0) impl->threads = 1;

  if (!config.credentials_spec.empty()) {
    if (std::string e = impl->credentials.LoadSpec(config.credentials_spec); !e.empty()) {
      *error = "SKIFF_CREDENTIALS: " + e;
      return nullptr;
    }
  }
  if (!config.credentials_file.empty()) {
    if (std::string e = impl->credentials.LoadFile(config.credentials_file); !e.empty()) {
      *error = "credentials file " + e;
      return nullptr;
    }
  }

  impl->faults = std::make_unique<faults::Engine>();
  if (!config.faults.empty()) {
    if (std::string e = faults::LoadSpec(*impl->faults, config.faults); !e.empty()) {
      *error = e;
      return nullptr;
    }
  }

  storage::DatabaseOptions db_options;
  db_options.directory = config.data_dir;
  db_options.in_memory = config.in_memory;
  db_options.max_bytes = int64_t{config.max_db_mb} * 1024 * 1024;
  auto opened = storage::Database::Open(db_options);
  if (!opened.ok()) {
    *error = "cannot open the database in " +
             (config.in_memory ? std::string("memory") : config.data_dir) + ": " +
             opened.status().message();
    return nullptr;
  }
  impl->database = std::move(opened.value());
  impl->ttl_reaper = std::make_unique<TtlReaper>(impl->database->tables(),
                                                 std::chrono::milliseconds(config.ttl_period_ms));
  std::string iam_error;
  impl->iam_store = iam::IamStore::Open(*impl->database, impl->credentials, &iam_error);
  if (impl->iam_store == nullptr) {
    *error = "cannot load IAM state: " + iam_error;
    return nullptr;
  }
  impl->authorizer = std::make_unique<iam::Authorizer>(impl->iam_store.get());

  s3::ServiceDeps deps;
  deps.objects = &impl->database->objects();
  deps.credentials = &impl->credentials;
  deps.config = &impl->config;
  deps.faults = impl->faults.get();
  deps.authorizer = impl->authorizer.get();
  impl->s3 = std::make_unique<s3::Service>(deps);
  dynamodb::ServiceDeps dynamodb_deps;
  dynamodb_deps.tables = &impl->database->tables();
  dynamodb_deps.credentials = &impl->credentials;
  dynamodb_deps.config = &impl->config;
  dynamodb_deps.faults = impl->faults.get();
  dynamodb_deps.authorizer = impl->authorizer.get();
  impl->dynamodb = std::make_unique<dynamodb::Service>(dynamodb_deps);
  impl->sts = std::make_unique<sts::Service>(sts::ServiceOptions{
      "sts", "STS", "https://sts.amazonaws.com/doc/2011-06-15/", "2011-06-15", &impl->credentials,
      impl->iam_store.get(), impl->authorizer.get(), &impl->config, impl->faults.get()});
  impl->iam = std::make_unique<sts::Service>(sts::ServiceOptions{
      "iam", "IAM", "https://iam.amazonaws.com/doc/2010-05-08/", "2010-05-08", &impl->credentials,
      impl->iam_store.get(), impl->authorizer.get(), &impl->config, impl->faults.get()});
  impl->journal = std::make_unique<Journal>(config.journal_size);
  impl->metrics = std::make_unique<Metrics>();
  AdminDeps admin_deps;
  admin_deps.version = std::move(version);
  admin_deps.services = {{"s3", "available"}, {"dynamodb", "available"}, {"sts", "available"}};
  admin_deps.admin_token = config.admin_token;
  admin_deps.database = impl->database.get();
  admin_deps.credentials = &impl->credentials;
  admin_deps.journal = impl->journal.get();
  admin_deps.metrics = impl->metrics.get();
  admin_deps.reset_hooks.emplace_back("dynamodb", [dynamodb = impl->dynamodb.get()] {
    dynamodb->ForgetRequestTokens();
    return std::string();
  });
  admin_deps.reset_hooks.emplace_back("iam", [iam_store = impl->iam_store.get()] {
    iam_store->Reset();
    return std::string();
  });
  admin_deps.faults = [engine = impl->faults.get()](const http::Request& request,
                                                    std::string_view body) {
    return HandleFaultsRequest(*engine, request, body);
  };
  admin_deps.reset_hooks.emplace_back("faults", [engine = impl->faults.get()] {
    engine->Clear();
    return std::string();
  });
  impl->admin = std::make_unique<AdminHandler>(std::move(admin_deps));
  Router::Targets targets;
  targets.admin = impl->admin.get();
  targets.s3 = impl->s3.get();
  targets.dynamodb = impl->dynamodb.get();
  targets.sts = impl->sts.get();
  targets.iam = impl->iam.get();
  impl->router = std::make_unique<Router>(targets);

  // Start-up resources (--init, SKIFF_BUCKETS, SKIFF_TABLES): after everything they are applied
  // to exists, before the port opens, so the first request already sees them.
  InitTargets init_targets;
  init_targets.database = impl->database.get();
  init_targets.credentials = &impl->credentials;
  init_targets.iam = impl->iam_store.get();
  init_targets.faults = impl->faults.get();
  if (std::string e = ApplyStartupResources(config, init_targets); !e.empty()) {
    *error = e;
    return nullptr;
  }

  http::ServerOptions options;
  if (config.tls_self_signed) {
    // Kept in the data directory so clients that trust it keep working across restarts.
    http::TlsFiles files;
    std::string dir = config.in_memory ? "" : config.data_dir + "/tls";
    if (std::string e = http::EnsureSelfSignedCertificate(dir, &files); !e.empty()) {
      *error = "--tls-self-signed: " + e;
      return nullptr;
    }
    options.tls_cert_file = files.cert;
    options.tls_key_file = files.key;
    if (dir.empty()) impl->tls_temp_dir = std::filesystem::path(files.cert).parent_path();
  } else if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (std::string e = http::ValidateTlsFiles({config.tls_cert, config.tls_key}); !e.empty()) {
      *error = "TLS: " + e;
      return nullptr;
    }
    options.tls_cert_file = config.tls_cert;
    options.tls_key_file = config.tls_key;
  }
  impl->tls_cert = options.tls_cert_file;
  options.host = config.host;
  options.port = static_cast<uint16_t>(config.port);
  options.max_header_bytes = config.max_header_bytes;
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
  options.handle_signals = true;
  options.log_error = [](std::string_view what) { common::Log(common::LogLevel::kError, what); };
  impl->http = std::make_unique<http::Server>(*impl->router, std::move(options));
  if (std::string e = impl->http->Listen(); !e.empty()) {
    *error = "cannot listen on " + e;
    return nullptr;
  }
  // Set last: a failed Create must not leave the sink pointing into a destroyed Impl.
  common::SetRecordSink([journal = impl->journal.get(),
                         metrics = impl->metrics.get()](const common::RequestRecord& record) {
    double latency_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - record.started)
                            .count();
    metrics->Observe(record, latency_ms / 1000);
    // Admin calls (journal reads among them) would crowd out the requests under test.
    if (record.service != "admin") journal->Add(record, common::NowMillis(), latency_ms);
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->http->port(); }

std::string Server::data_location() const { return impl_->database->location(); }

int Server::threads() const { return impl_->threads; }

std::string Server::tls_certificate() const { return impl_->tls_cert; }

void Server::Run() {
  impl_->http->Run(impl_->threads);
  common::Log(common::LogLevel::kInfo, "shutting down");
  // Destroying the transport ends any session still open after the grace period, before the
  // database goes away under it.
  {
    std::lock_guard lock(impl_->http_mutex);
    impl_->http.reset();
  }
  impl_->ttl_reaper->Stop();
  impl_->database->Close();
}

void Server::Shutdown() {
  std::lock_guard lock(impl_->http_mutex);
  if (impl_->http) impl_->http->Shutdown();
}

}  // namespace skiff::app

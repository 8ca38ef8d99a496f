// Reloading the configuration on SIGHUP or POST /reload; see server.h.
//
// What applies live: migrations (each session at its next transaction boundary), upstream,
// limits and ddl_lint (new sessions; a session adopting a generation keeps its framer limits),
// listen (the listener is rebound: new connections go to the new address, open sessions stay),
// log (level and format). What needs a restart, and so makes a reload fail: threads,
// admin.listen, admin.token_env (generation.h restart_only_changes).
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "proxy/logging.h"
#include "proxy/server.h"
#include "proxy/shadow_log.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void Server::wait_for_hangup() {
  hangup_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    request_reload("SIGHUP", {});
    wait_for_hangup();
  });
}

void Server::request_reload(const char* source, AdminServer::ReloadDone done) {
  spdlog::info("reload requested by {}: reading {}", source, config_path_);
  if (draining_) {
    ReloadOutcome refused;
    refused.draining = true;
    refused.error = "the proxy is shutting down; reload refused";
    spdlog::warn("reload: {}", refused.error);
    if (done) done(std::move(refused));
    return;
  }
  if (reloading_) {
    // The file may have changed since the running reload read it: read it once more after it.
    reload_again_ = true;
    reload_next_.push_back(std::move(done));
    return;
  }
  reloading_ = true;
  reload_waiting_.push_back(std::move(done));
  start_reload();
}

void Server::start_reload() {
  // A previous reload thread has posted its result as its last act, so this join is immediate.
  if (reload_thread_.joinable()) reload_thread_.join();
  reload_thread_ = std::thread([this, path = config_path_] {
    GenerationBuild build = build_generation(path, 0);  // numbered when applied
    asio::post(main_io_, [this, b = std::move(build)]() mutable { finish_reload(std::move(b)); });
  });
}

void Server::finish_reload(GenerationBuild build) {
  const uint64_t running = shared_.generation()->number;
  ReloadOutcome outcome;
  if (draining_) {
    outcome.draining = true;
    outcome.error = "the proxy is shutting down; reload refused";
  } else if (!build.generation) {
    outcome.error = build.error;
  } else {
    outcome = apply(std::move(build.generation));
  }
  if (outcome.ok) {
    shared_.metrics.reloads_ok.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("reload: generation {}: {}", outcome.generation, outcome.changes);
  } else {
    shared_.metrics.reloads_failed.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("reload refused: {}; generation {} stays in force", outcome.error, running);
    last_reload_error_ = outcome.error;
    last_reload_error_at_ = iso8601_utc(std::chrono::system_clock::now());
  }
  auto waiting = std::move(reload_waiting_);
  reload_waiting_ = std::move(reload_next_);
  reload_next_.clear();
  for (auto& done : waiting)
    if (done) done(outcome);
  reloading_ = reload_again_;
  reload_again_ = false;
  if (reloading_) start_reload();
}

ReloadOutcome Server::apply(std::shared_ptr<Generation> next) {
  ReloadOutcome out;
  const auto current = shared_.generation();
  out.error = restart_only_changes(current->config, next->config);
  if (!out.error.empty()) return out;
  if (next->config.listen.to_string() != current->config.listen.to_string() &&
      !rebind(next->config.listen, out.error))
    return out;
  if (next->config.log.level != current->config.log.level || next->config.log.format != current->config.log.format)
    setup_logging(next->config.log);  // the same logger; its sink serializes a formatter change
  next->number = current->number + 1;
  out.ok = true;
  out.generation = next->number;
  out.changes = describe_changes(*current, *next);
  for (const auto& m : next->config.migrations) out.phases.emplace_back(m.name, config::to_string(m.phase));
  log_migrations(*next);
  shared_.publish(std::move(next));
  shared_.verifiers->clear();  // roles' verifiers are read again (auth.query may have changed too)
  return out;
}

bool Server::rebind(const config::HostPort& listen, std::string& error) {
  tcp::acceptor next(main_io_);
  if (!open_listener(next, listen, error)) return false;
  // The old listener's pending accept completes with operation_aborted; an accept that had
  // already completed still starts its session but does not re-arm (accept_epoch_).
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  acceptor_ = std::move(next);
  ++accept_epoch_;
  accept();
  spdlog::info("listening on {} (rebound by reload)", listen.to_string());
  return true;
}

}  // namespace switchyard::proxy

// The snapshot of the process that the admin server reports (Server::admin_view; see
// admin_view.h) and its samples for the console's history (status_history.h). Runs on the main
// io_context's thread.
#include "proxy/server.h"

namespace switchyard::proxy {

AdminView Server::admin_view() const {
  constexpr auto r = std::memory_order_relaxed;
  const auto g = shared_.generation();
  const config::Config& c = g->config;
  const Metrics& m = shared_.metrics;
  AdminView v;
  if (shared_.jobs_json) v.jobs_json = shared_.jobs_json();
  v.version = SWITCHYARD_VERSION;
  v.uptime_seconds = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
  v.generation = g->number;
  v.config_path = config_path_;
  v.active_sessions = shared_.active_sessions.load(r);
  v.total_sessions = shared_.total_sessions.load(r);
  v.listen = c.listen.to_string();
  v.upstream = c.upstream.to_string();
  v.draining = draining_;
  v.statements_rewritten = shared_.statements_rewritten.load(r);
  v.statements_refused = shared_.statements_refused.load(r);
  v.statements_refused_by = copy_of(shared_.statements_refused_by);
  v.statements_passed = shared_.statements_passed.load(r);
  m.for_each_migration([&v](const std::string& name, const MigrationMetrics& mm) {
    v.migration_metrics.emplace_back(name, read_counters(mm));
  });
  const SessionCensus::Snapshot census = shared_.census.snapshot(*g);
  v.prepared_statements = census.prepared_statements;
  v.prepared_statements_max = census.prepared_statements_max;
  for (const auto& spec : c.migrations) {
    MigrationView mv;
    for (const auto& b : census.migrations)
      if (b.migration == spec.name) {
        mv.sessions_behind = b.sessions_behind;
        mv.statements_old_shape = b.statements_old_shape;
      }
    mv.name = spec.name;
    mv.kind = config::to_string(spec.kind);
    mv.old_table = spec.old_table.to_string();
    mv.new_table = spec.new_table.to_string();
    mv.phase = config::to_string(spec.phase);
    mv.canary_percent = spec.canary_percent;
    mv.canary_key = config::to_string(spec.canary_key);
    mv.shadow_sample_percent = spec.shadow.sample_percent;
    for (const auto& [name, counters] : v.migration_metrics)
      if (name == spec.name) mv.counters = counters;
    for (const auto& rm : g->catalog.migrations)
      if (rm.spec.name == spec.name)
        for (const auto& w : rm.server_writers)
          mv.server_writers.push_back({std::string(rewrite::to_string(w.kind)), w.description, w.via});
    v.migrations.push_back(std::move(mv));
  }
#define SWITCHYARD_COPY_PROCESS_ROW(shape, member, ...) v.member = copy_of(m.member);
  SWITCHYARD_PROCESS_COUNTERS(SWITCHYARD_COPY_PROCESS_ROW)
#undef SWITCHYARD_COPY_PROCESS_ROW
  v.assembly_bytes = shared_.assembly_bytes.load(r);
  v.listeners = read_counters(m.listeners);
  v.token = admin_token_;
  v.last_reload_error = last_reload_error_;
  v.last_reload_error_at = last_reload_error_at_;
  v.history_json = [this] { return proxy::history_json(history_); };
  return v;
}

void Server::sample_history() {
  const auto now = std::chrono::system_clock::now();
  history_.add(sample_of(admin_view(),
                         std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
  history_timer_.expires_after(std::chrono::seconds(history_.interval_seconds()));
  history_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) sample_history();
  });
}

}  // namespace switchyard::proxy

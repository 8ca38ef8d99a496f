// PgSession's read routing: which shape serves each migration's reads in this session (the
// phase, and for canary the session's draw), recomputed only when the session adopts a new
// generation, i.e. at a transaction boundary, so routing never changes inside a transaction;
// the session's planner is rebuilt with it. Counting reads per route.
#include <random>
#include <spdlog/spdlog.h>

#include "proxy/canary.h"
#include "proxy/pg_session.h"
#include "rewrite/pg/dialect.h"

namespace switchyard::proxy {

namespace {

uint64_t process_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return seed;
}

}  // namespace

void PgSession::update_routing() {
  CanaryIdentity who;
  who.session_draw = process_seed() ^ (id_ * 0x9e3779b97f4a7c15ull);
  who.user = user_;
  who.application_name = application_name_;
  boost::system::error_code ec;
  const auto peer = client_.remote_endpoint(ec);
  if (!ec) who.client_address = peer.address().to_string();

  route_ = {};
  migration_metrics_.clear();
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migrations.size() && i < 64; ++i) {
    const auto& m = migrations[i].spec;
    bool reads_new = false;
    switch (m.phase) {
      case config::Phase::kReadNew:
      case config::Phase::kNewOnly: reads_new = true; break;
      case config::Phase::kCanary: reads_new = canary_selected(m, who); break;
      default: break;
    }
    if (reads_new) route_.new_mask |= uint64_t{1} << i;
    migration_metrics_.push_back(&ctx_.shared.metrics.migration(m.name));
    if (m.phase == config::Phase::kCanary)
      spdlog::debug("session={} migration {}: canary reads the {} shape", id_, m.name, reads_new ? "new" : "old");
  }
  planner::GenerationFacts facts;
  facts.dialect = &rewrite::pg::dialect();
  facts.catalog = &gen_->catalog;
  facts.prefilter = &gen_->prefilter;
  facts.ddl_lint = cfg().ddl_lint;
  facts.shadow = ctx_.shared.shadow != nullptr;
  planner_.emplace(facts, route_);
}

MigrationMetrics& PgSession::metrics_of(const std::string& migration) {
  // The session's own pointers, by catalog index: no lock on the statement path.
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migration_metrics_.size(); ++i)
    if (migrations[i].spec.name == migration) return *migration_metrics_[i];
  return ctx_.shared.metrics.migration(migration);  // e.g. a ddl_lint refusal names no migration
}

void PgSession::count_reads(uint64_t reads_mask) {
  for (size_t i = 0; reads_mask != 0 && i < migration_metrics_.size(); ++i, reads_mask >>= 1) {
    if (!(reads_mask & 1)) continue;
    const bool reads_new = rewrite::reads_new_shape(gen_->catalog.migrations[i].spec, i, route_);
    (reads_new ? migration_metrics_[i]->reads_new : migration_metrics_[i]->reads_old)
        .fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace switchyard::proxy

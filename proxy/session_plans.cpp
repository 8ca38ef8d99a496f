// Routing, planning and counting shared by the sessions; see session_plans.h.
#include "proxy/session_plans.h"

#include <random>

#include <spdlog/spdlog.h>

#include "proxy/ddl_lint_check.h"
#include "proxy/metric_families.h"
#include "proxy/recent_events.h"
#include "proxy/rewrite_cache.h"
#include "proxy/session_context.h"
#include "proxy/shadow.h"
#include "rewrite/read_phase.h"

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

uint64_t SessionPlans::session_draw(uint64_t session_id) { return process_seed() ^ (session_id * 0x9e3779b97f4a7c15ull); }

void SessionPlans::update(const Generation& gen, CanaryIdentity who, bool shadow) {
  gen_ = &gen;
  route_ = {};
  migration_metrics_.clear();
  const auto& migrations = gen.catalog.migrations;
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
  facts.dialect = &dialect_;
  facts.catalog = &gen.catalog;
  facts.prefilter = &gen.prefilter;
  facts.ddl_lint = gen.config.ddl_lint;
  facts.shadow = shadow;
  planner_.emplace(facts, route_);
}

planner::Decision SessionPlans::plan(const planner::Statement& statement, const rewrite::Lexical& lexical,
                                     planner::Sampler& sampler) {
  CachedRewrites rewrites(ctx_.rewrites, *gen_, dialect_);
  planner::Decision d = planner_->plan(statement, lexical, rewrites, sampler);
  if (!d.ddl_warnings.empty() || d.ddl_blocked != 0) report_ddl(d, ctx_.shared.metrics, id_);
  return d;
}

void SessionPlans::submit_shadow(std::optional<planner::ShadowRead> read) {
  if (read && ctx_.shared.shadow) ctx_.shared.shadow->submit(std::move(*read));
}

MigrationMetrics& SessionPlans::metrics_of(const std::string& migration) {
  // The session's own pointers, by catalog index: no lock on the statement path.
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migration_metrics_.size(); ++i)
    if (migrations[i].spec.name == migration) return *migration_metrics_[i];
  return ctx_.shared.metrics.migration(migration);  // e.g. a ddl_lint refusal names no migration
}

void SessionPlans::count_reads(uint64_t reads_mask) {
  for (size_t i = 0; reads_mask != 0 && i < migration_metrics_.size(); ++i, reads_mask >>= 1) {
    if (!(reads_mask & 1)) continue;
    const bool reads_new = rewrite::reads_new_shape(gen_->catalog.migrations[i].spec, i, route_);
    (reads_new ? migration_metrics_[i]->reads_new : migration_metrics_[i]->reads_old)
        .fetch_add(1, std::memory_order_relaxed);
  }
}

void SessionPlans::count_query(std::string_view sql, const planner::Decision& d) {
  using Action = planner::Decision::Action;
  // Pass-through: nothing to count or log.
  if (d.action == Action::kRelay && d.reads_mask == 0 && d.counting.route == planner::WriteCounting::Route::kNone &&
      d.passed_migration.empty())
    return;
  if (!d.writes && d.reads_mask != 0) count_reads(d.reads_mask);
  count_write(write_count(d.counting), sql, d.refusal.reason);
  if (d.action == Action::kReplace) spdlog::debug("session={} rewrote: {}", id_, d.text);
  if (d.action == Action::kRefuse && d.refusal.source == planner::Refusal::Source::kMigration)
    spdlog::warn("session={} migration {}: refused ({}, {}): {}", id_, d.refusal.migration,
                 rewrite::to_string(d.refusal.code), d.refusal.reason, sql);
  if (!d.passed_migration.empty())
    spdlog::warn("session={} migration {}: relayed unmirrored under on_unsupported: pass ({}): {}", id_, d.passed_migration,
                 rewrite::to_string(d.passed_code), sql);
}

WriteCount SessionPlans::write_count(const planner::WriteCounting& c) {
  using Route = planner::WriteCounting::Route;
  switch (c.route) {
    case Route::kNone: return {};
    case Route::kRewritten: return {WriteCount::Route::kRewritten, &metrics_of(c.migration), {}};
    case Route::kRefused: return {WriteCount::Route::kRefused, &metrics_of(c.migration), c.reason};
    case Route::kPassed:
      if (c.migration.empty()) return {WriteCount::Route::kPassed, nullptr, {}};
      return {WriteCount::Route::kPassed, &metrics_of(c.migration), c.reason};
  }
  return {};
}

void SessionPlans::count_write(const WriteCount& w, std::string_view sql, std::string_view reason) {
  constexpr auto relaxed = std::memory_order_relaxed;
  switch (w.route) {
    case WriteCount::Route::kNone: return;
    case WriteCount::Route::kRewritten:
      ctx_.shared.statements_rewritten.fetch_add(1, relaxed);
      w.migration->writes_rewritten.fetch_add(1, relaxed);
      return;
    case WriteCount::Route::kRefused:
      ctx_.shared.statements_refused.fetch_add(1, relaxed);
      count(ctx_.shared.statements_refused_by, w.reason);
      w.migration->writes_refused.fetch_add(1, relaxed);
      count(w.migration->writes_refused_by, w.reason);
      w.migration->recent_refused.add(refusal_event(dialect_, sql, reason));
      return;
    case WriteCount::Route::kPassed:
      ctx_.shared.statements_passed.fetch_add(1, relaxed);
      if (w.migration != nullptr) count(w.migration->writes_passed_by, w.reason);
      return;
  }
}

}  // namespace switchyard::proxy

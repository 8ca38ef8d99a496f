// What both wire protocols' sessions do around the planner (planner/planner.h), written once: the
// route each migration's reads take in this session (its phase, and for canary the session's
// draw), the planner built for the session's generation and route, and the counting and logging
// of each decision (switchyard_statements_total, per-migration reads and writes, recent
// refusals). PgSession and MySqlSession each own one and call update() at start and whenever
// they adopt another generation (at a transaction boundary), so routing never changes inside a
// transaction. A session only moves bytes and applies the decisions.
//
// Threading: the session's worker thread only; no lock on the statement path (the migrations'
// metrics are looked up once per update).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planner/planner.h"
#include "proxy/canary.h"
#include "proxy/metrics.h"
#include "rewrite/dialect.h"
#include "rewrite/lexical.h"

namespace switchyard::proxy {

struct Generation;
struct SessionContext;

// The worker thread's random draw for sampling shadow reads (pg_shadow.cpp).
planner::Sampler& shadow_sampler();

class SessionPlans {
 public:
  // `ctx` and `dialect` outlive this; `session_id` is for logs and the canary draw.
  SessionPlans(SessionContext& ctx, const rewrite::Dialect& dialect, uint64_t session_id)
      : ctx_(ctx), dialect_(dialect), id_(session_id) {}

  // Routes and plans for `gen` (which must outlive the next update) and the session `who` is;
  // `shadow`: a shadow executor runs, so reads may be sampled.
  void update(const Generation& gen, CanaryIdentity who, bool shadow);
  // The session's random canary draw, the same for its whole life.
  static uint64_t session_draw(uint64_t session_id);

  // The decision for `statement` under the session's lexical settings; the DDL lint's findings
  // are logged and counted here.
  planner::Decision plan(const planner::Statement& statement, const rewrite::Lexical& lexical, planner::Sampler& sampler);
  const planner::Planner& planner() const { return *planner_; }
  rewrite::ReadRoute route() const { return route_; }

  // A decision run now (a Query, a COM_QUERY): its reads and writes counted and logged. Its
  // shadow read, if any, is the session's to submit.
  void count_query(std::string_view sql, const planner::Decision& d);
  // Hands a read the planner chose to shadow to the shadow executor, if one runs (never waits;
  // a full queue counts it as skipped). Both sessions submit through here.
  void submit_shadow(std::optional<planner::ShadowRead> read);
  void count_reads(uint64_t reads_mask);
  // How each execution of a statement counts as a write, with the session's metrics.
  WriteCount write_count(const planner::WriteCounting& c);
  // Counts one use of a planned write; a refusal also goes to its migration's recent refusals as
  // `sql`'s fingerprint with `reason`.
  void count_write(const WriteCount& w, std::string_view sql, std::string_view reason);
  MigrationMetrics& metrics_of(const std::string& migration);

 private:
  SessionContext& ctx_;
  const rewrite::Dialect& dialect_;
  const uint64_t id_;
  const Generation* gen_ = nullptr;
  rewrite::ReadRoute route_;
  std::optional<planner::Planner> planner_;           // points into *gen_
  std::vector<MigrationMetrics*> migration_metrics_;  // by catalog index, for *gen_
};

}  // namespace switchyard::proxy

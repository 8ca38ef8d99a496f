// PgSession's part of shadow reads (proxy/shadow.h, docs/shadow.md): deciding which reads to
// sample and handing them to the executor. The session never waits for a shadow read.
//
// A read is eligible when it is one plain SELECT over a migration in phase shadow or canary (or
// read_new with shadow.in_read_new) and sample_percent > 0. The other side is the same read
// rewritten with that migration's route flipped; a read whose text is the same for both routes
// touches nothing the migration changes, and is not compared. Simple-protocol reads are sampled
// at the Query; extended-protocol reads at each Bind of a candidate statement, with the Bind's
// parameters (text format only: a Bind with binary parameters is not shadowed).
#include <random>
#include <spdlog/spdlog.h>

#include "protocol/pg/frontend.h"
#include "proxy/pg_session.h"
#include "proxy/shadow.h"
#include "rewrite/pg/literals.h"

namespace switchyard::proxy {

namespace {

bool shadow_phase(const config::Migration& m);

}  // namespace

bool shadow_eligible(const config::Migration& m) {
  return shadow_phase(m) && m.shadow.sample_percent > 0;
}

namespace {

bool shadow_phase(const config::Migration& m) {
  switch (m.phase) {
    case config::Phase::kShadow:
    case config::Phase::kCanary: return true;
    case config::Phase::kReadNew: return m.shadow.in_read_new;
    default: return false;
  }
}

bool sample(double percent) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 100)(rng) < percent;
}

}  // namespace

std::optional<size_t> PgSession::shadow_pick(const rewrite::RewriteResult& r) const {
  if (!ctx_.shared.shadow || !r.single_read || r.reads_mask == 0) return std::nullopt;
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migrations.size() && i < 64; ++i) {
    if (!((r.reads_mask >> i) & 1)) continue;
    const auto& m = migrations[i].spec;
    if (shadow_eligible(m)) return i;
  }
  return std::nullopt;
}

void PgSession::submit_shadow(size_t index, std::string_view sql, const rewrite::RewriteResult& served,
                              std::vector<std::optional<std::string>> params) {
  const auto& m = gen_->catalog.migrations[index].spec;
  if (!sample(m.shadow.sample_percent)) return;
  rewrite::ReadRoute other_route = route_;
  other_route.new_mask ^= uint64_t{1} << index;
  const rewrite::RewriteResult other = ctx_.rewrites.get(sql, *gen_, other_route);
  if (other.kind == rewrite::RewriteResult::Kind::kRefused) return;
  ShadowRead read;
  read.served_sql = served.kind == rewrite::RewriteResult::Kind::kRewritten ? served.sql : std::string(sql);
  read.other_sql = other.kind == rewrite::RewriteResult::Kind::kRewritten ? other.sql : std::string(sql);
  if (read.served_sql == read.other_sql) return;  // nothing of this migration is read
  read.migration = m.name;
  const auto shape = rewrite::pg::shape_of(sql);
  read.fingerprint = shape ? shape->text : std::string(sql);
  read.served_is_new = rewrite::reads_new_shape(m, index, route_);
  read.params = std::move(params);
  read.ordered = served.ordered;
  read.float_tolerance = m.shadow.float_tolerance;
  read.redact_parameters = m.shadow.redact_parameters;
  ctx_.shared.shadow->submit(std::move(read));  // full queue: counted as skipped by the executor
}

void PgSession::shadow_query(std::string_view sql, const rewrite::RewriteResult& r) {
  if (const auto i = shadow_pick(r)) submit_shadow(*i, sql, r, {});
}

void PgSession::shadow_bind(std::string_view body, const PreparedStatement& s) {
  const auto bind = pg::decode_bind(body);
  if (!bind) return;
  // Formats: none (all text), one for all, or one per parameter.
  for (uint16_t f : bind->param_formats)
    if (f != 0) return;
  const rewrite::RewriteResult served = ctx_.rewrites.get(s.text, *gen_, route_);
  const auto i = shadow_pick(served);
  if (!i) return;
  std::vector<std::optional<std::string>> params;
  params.reserve(bind->params.size());
  for (const auto& p : bind->params) params.push_back(p ? std::optional<std::string>(std::string(*p)) : std::nullopt);
  submit_shadow(*i, s.text, served, std::move(params));
}

}  // namespace switchyard::proxy

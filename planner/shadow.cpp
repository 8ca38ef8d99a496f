// The planner's part of shadow reads (docs/shadow.md): which reads may be sampled, and the read
// to submit for a sampled one. The session submits it and never waits for it.
//
// A read is a candidate when it is one plain read (RewriteResult::single_read) over a migration
// whose phase samples reads (shadow_eligible). The other side is the same read rewritten with
// that migration's route bit flipped; a read whose text is the same for both routes touches
// nothing the migration changes, and is not compared.
#include <utility>

#include "planner/planner.h"
#include "rewrite/read_phase.h"

namespace switchyard::planner {

namespace {

bool shadow_phase(const config::Migration& m) {
  switch (m.phase) {
    case config::Phase::kShadow:
    case config::Phase::kCanary: return true;
    case config::Phase::kReadNew: return m.shadow.in_read_new;
    default: return false;
  }
}

}  // namespace

bool shadow_eligible(const config::Migration& m) { return shadow_phase(m) && m.shadow.sample_percent > 0; }

std::optional<size_t> Planner::shadow_pick(const rewrite::RewriteResult& r) const {
  if (!facts_.shadow || !r.single_read || r.reads_mask == 0) return std::nullopt;
  const auto& migrations = facts_.catalog->migrations;
  for (size_t i = 0; i < migrations.size() && i < 64; ++i) {
    if (!((r.reads_mask >> i) & 1)) continue;
    if (shadow_eligible(migrations[i].spec)) return i;
  }
  return std::nullopt;
}

std::optional<ShadowRead> Planner::shadow_read(size_t index, std::string_view sql, const rewrite::RewriteResult& served,
                                               ShadowParams params, const rewrite::Lexical& lexical,
                                               Rewrites& rewrites, Sampler& sampler, double drawn) const {
  using Kind = rewrite::RewriteResult::Kind;
  const auto& m = facts_.catalog->migrations[index].spec;
  const double percent = m.shadow.sample_percent;
  // Two draws in a row, at `drawn` and then at percent / drawn of 100, sample at `percent`.
  if (drawn > 0 ? percent < drawn && !sampler.sample(100.0 * percent / drawn) : !sampler.sample(percent)) return std::nullopt;
  rewrite::ReadRoute other_route = route_;
  other_route.new_mask ^= uint64_t{1} << index;
  const rewrite::RewriteResult other = rewrites.get(sql, other_route, lexical);
  if (other.kind == Kind::kRefused) return std::nullopt;
  ShadowRead read;
  read.served_sql = served.kind == Kind::kRewritten ? served.sql : std::string(sql);
  read.other_sql = other.kind == Kind::kRewritten ? other.sql : std::string(sql);
  if (read.served_sql == read.other_sql) return std::nullopt;  // nothing of this migration is read
  read.migration = m.name;
  const auto shape = facts_.dialect->shape(sql, lexical);
  read.fingerprint = shape ? shape->fingerprint() : std::string(sql);
  read.served_is_new = rewrite::reads_new_shape(m, index, route_);
  read.params = std::move(params.values);
  read.param_formats = std::move(params.formats);
  read.param_types = std::move(params.types);
  read.ordered = served.ordered;
  read.float_tolerance = m.shadow.float_tolerance;
  read.redact_parameters = m.shadow.redact_parameters;
  read.mysql_lexical = lexical.mysql;
  return read;
}

double Planner::shadow_draw(std::string_view sql, Sampler& sampler) const {
  // Drawn for before the rewrite, as in plan(): an execution not sampled costs a word scan.
  const ReadTriggers::Scan scan = triggers_.scan(sql);
  if (!facts_.shadow || scan.shadow_percent <= 0 || !sampler.sample(scan.shadow_percent)) return 0;
  return scan.shadow_percent;
}

std::optional<ShadowRead> Planner::shadow_use(std::string_view sql, ShadowParams params, const rewrite::Lexical& lexical,
                                              Rewrites& rewrites, Sampler& sampler, double drawn) const {
  if (drawn <= 0) return std::nullopt;
  const rewrite::RewriteResult served = rewrites.get(sql, route_, lexical);
  if (served.kind == rewrite::RewriteResult::Kind::kRefused) return std::nullopt;
  const auto i = shadow_pick(served);
  if (!i) return std::nullopt;
  return shadow_read(*i, sql, served, std::move(params), lexical, rewrites, sampler, drawn);
}

}  // namespace switchyard::planner

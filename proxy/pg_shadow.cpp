// PgSession's part of shadow reads (proxy/shadow.h, docs/shadow.md): deciding which reads to
// sample and handing them to the executor. The session never waits for a shadow read.
//
// A read is eligible when it is one plain SELECT over a migration in phase shadow or canary (or
// read_new with shadow.in_read_new) and sample_percent > 0. The other side is the same read
// rewritten with that migration's route flipped; a read whose text is the same for both routes
// touches nothing the migration changes, and is not compared. Simple-protocol reads are sampled
// at the Query; extended-protocol reads at each Bind of a candidate statement, with the Bind's
// parameters in their formats (a binary one with its type as the client declared it or the server
// described it; a binary value of unknown type is not shadowed); SQL EXECUTE of a prepared read
// with its argument expressions put in place of its parameters.
#include <random>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "protocol/pg/describe.h"
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
                              ShadowParams params) {
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
  read.params = std::move(params.values);
  read.param_formats = std::move(params.formats);
  read.param_types = std::move(params.types);
  read.ordered = served.ordered;
  read.float_tolerance = m.shadow.float_tolerance;
  read.redact_parameters = m.shadow.redact_parameters;
  ctx_.shared.shadow->submit(std::move(read));  // full queue: counted as skipped by the executor
}

void PgSession::shadow_query(std::string_view sql, const rewrite::RewriteResult& r) {
  if (const auto i = shadow_pick(r)) submit_shadow(*i, sql, r, ShadowParams{});
}

void PgSession::shadow_bind(std::string_view body, const PreparedStatement& s) {
  const auto bind = pg::decode_bind(body);
  if (!bind) return;
  const size_t n = bind->params.size();
  // Formats: none (all text), one for all, or one per parameter. A binary value needs its type:
  // as the client declared it, or as the server described it to the client.
  std::vector<int> formats(n, 0);
  if (bind->param_formats.size() == 1) formats.assign(n, bind->param_formats[0]);
  else if (bind->param_formats.size() == n)
    for (size_t i = 0; i < n; ++i) formats[i] = bind->param_formats[i];
  else if (!bind->param_formats.empty()) return;
  std::vector<uint32_t> types(n, 0);
  const auto described = pg::decode_parameter_description(s.described_params);
  bool binary = false;
  for (size_t i = 0; i < n; ++i) {
    if (i < s.param_types.size()) types[i] = s.param_types[i];
    if (types[i] == 0 && described && i < described->size()) types[i] = (*described)[i];
    if (formats[i] != 0) {
      binary = true;
      if (formats[i] != 1 || types[i] == 0) return;  // a value the shadow side cannot type
    }
  }
  const rewrite::RewriteResult served = ctx_.rewrites.get(s.text, *gen_, route_);
  const auto i = shadow_pick(served);
  if (!i) return;
  std::vector<std::optional<std::string>> params;
  params.reserve(n);
  for (const auto& p : bind->params) params.push_back(p ? std::optional<std::string>(std::string(*p)) : std::nullopt);
  ShadowParams sp{std::move(params), {}, {}};
  if (binary) sp.formats = std::move(formats);
  if (binary || std::any_of(types.begin(), types.end(), [](uint32_t t) { return t != 0; })) sp.types = std::move(types);
  submit_shadow(*i, s.text, served, std::move(sp));
}

}  // namespace switchyard::proxy

// PgSession's part of shadow reads (proxy/shadow.h, docs/shadow.md): handing the reads the
// planner chose (planner/shadow.cpp says which) to the executor. The session never waits for a
// shadow read.
//
// Simple-protocol reads are sampled at the Query (the planner's Decision carries the read);
// extended-protocol reads at each Bind of a candidate statement, with the Bind's parameters in
// their formats (a binary one with its type as the client declared it or the server described
// it; a binary value of unknown type is not shadowed); SQL EXECUTE of a prepared read with its
// argument expressions put in place of its parameters.
#include <random>

#include <algorithm>

#include "protocol/pg/describe.h"
#include "protocol/pg/frontend.h"
#include "proxy/pg_session.h"
#include "rewrite/pg/dialect.h"

namespace switchyard::proxy {

namespace {

struct ThreadSampler final : planner::Sampler {
  bool sample(double percent) override { return std::uniform_real_distribution<double>(0, 100)(rng) < percent; }
  std::minstd_rand rng{std::random_device{}()};
};

}  // namespace

planner::Sampler& shadow_sampler() {
  thread_local ThreadSampler sampler;
  return sampler;
}

void PgSession::shadow_execute(std::string_view read) {
  planner::Sampler& sampler = shadow_sampler();
  const double drawn = plans_.planner().shadow_draw(read, sampler);
  if (drawn <= 0) return;
  CachedRewrites rewrites(ctx_.rewrites, *gen_, rewrite::pg::dialect());
  plans_.submit_shadow(plans_.planner().shadow_use(read, {}, rewrite::Lexical{}, rewrites, sampler, drawn));
}

void PgSession::shadow_bind(std::string_view bind_body, const PreparedStatement& s) {
  planner::Sampler& sampler = shadow_sampler();
  const double drawn = plans_.planner().shadow_draw(s.text, sampler);
  if (drawn <= 0) return;  // not sampled: the Bind is not even decoded
  const auto decoded = pg::decode_bind(bind_body);
  if (!decoded) return;
  const pg::BindMessage& bind = *decoded;
  const size_t n = bind.params.size();
  // Formats: none (all text), one for all, or one per parameter. A binary value needs its type:
  // as the client declared it, or as the server described it to the client.
  std::vector<int> formats(n, 0);
  if (bind.param_formats.size() == 1) formats.assign(n, bind.param_formats[0]);
  else if (bind.param_formats.size() == n)
    for (size_t i = 0; i < n; ++i) formats[i] = bind.param_formats[i];
  else if (!bind.param_formats.empty()) return;
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
  std::vector<std::optional<std::string>> params;
  params.reserve(n);
  for (const auto& p : bind.params) params.push_back(p ? std::optional<std::string>(std::string(*p)) : std::nullopt);
  planner::ShadowParams sp{std::move(params), {}, {}};
  if (binary) sp.formats = std::move(formats);
  if (binary || std::any_of(types.begin(), types.end(), [](uint32_t t) { return t != 0; })) sp.types = std::move(types);
  CachedRewrites rewrites(ctx_.rewrites, *gen_, rewrite::pg::dialect());
  plans_.submit_shadow(plans_.planner().shadow_use(s.text, std::move(sp), rewrite::Lexical{}, rewrites, sampler, drawn));
}

}  // namespace switchyard::proxy

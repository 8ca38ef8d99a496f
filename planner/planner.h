// The statement planner: what a session does with each statement its client sends, decided
// without I/O. (statement, the generation's facts, the session's read route, its lexical
// settings) -> Decision (planner/decision.h): relay, replace or refuse, which migrations it reads,
// how each execution counts as a write, the replies to restore, and for a read run now the
// shadow read to submit. The session applies the decision; it decides nothing itself.
//
// Pure and dialect-neutral: SQL is known only through rewrite::Dialect; no I/O, no Asio, no
// logging, no metrics (the decision says what to log and count). The two things a plan needs
// from outside come through small interfaces, so tests can give their own: Rewrites (the
// session's per-worker cache in proxy/, or the dialect directly) and Sampler (a random draw).
//
// A Planner is built for one generation and one route (at session start and whenever the session
// adopts another generation, i.e. at a transaction boundary) and is immutable after that; it holds
// pointers into the generation, which must outlive it. Use it on one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "planner/decision.h"
#include "planner/read_triggers.h"
#include "rewrite/catalog.h"
#include "rewrite/dialect.h"
#include "rewrite/prefilter.h"

namespace switchyard::planner {

// The rewrite of a text under a route and lexical settings (a cache may answer).
class Rewrites {
 public:
  virtual ~Rewrites() = default;
  virtual rewrite::RewriteResult get(std::string_view sql, rewrite::ReadRoute route, const rewrite::Lexical& lexical) = 0;
};

// The rewrite straight from the dialect, uncached (tests, tools); PostgreSQL text read as standard.
class DirectRewrites final : public Rewrites {
 public:
  // `dialect` and `catalog` must outlive this.
  DirectRewrites(const rewrite::Dialect& dialect, const rewrite::Catalog& catalog) : dialect_(dialect), catalog_(catalog) {}
  rewrite::RewriteResult get(std::string_view sql, rewrite::ReadRoute route, const rewrite::Lexical& lexical) override {
    return dialect_.rewrite(sql, catalog_, route, lexical);
  }

 private:
  const rewrite::Dialect& dialect_;
  const rewrite::Catalog& catalog_;
};

// One random draw: true with probability `percent` / 100.
class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual bool sample(double percent) = 0;
};

// What the planner reads of a generation. Every pointer must outlive the Planner.
struct GenerationFacts {
  const rewrite::Dialect* dialect = nullptr;
  const rewrite::Catalog* catalog = nullptr;
  const rewrite::Prefilter* prefilter = nullptr;
  config::DdlLint ddl_lint = config::DdlLint::kOff;
  bool shadow = false;  // a shadow executor runs: reads may be sampled
};

// A prepared read's parameters for its shadow read, as the client bound them.
struct ShadowParams {
  std::vector<std::optional<std::string>> values;
  std::vector<int> formats;     // empty: all text
  std::vector<uint32_t> types;  // empty: all inferred
};

// True if the migration's phase and shadow settings sample its reads: phase shadow or canary
// (or read_new with shadow.in_read_new) and sample_percent > 0.
bool shadow_eligible(const config::Migration& m);

class Planner {
 public:
  Planner(GenerationFacts facts, rewrite::ReadRoute route);

  // The decision for `statement`. `lexical`: the session's settings as the server last
  // reported them. `sampler` is drawn from only for a Statement::kQuery that a shadow read
  // may sample.
  Decision plan(const Statement& statement, const rewrite::Lexical& lexical, Rewrites& rewrites,
                Sampler& sampler) const;

  // One execution of a prepared statement whose decision had a shadow_candidate, in two steps so
  // that an execution not sampled costs a word scan and nothing else (its parameters are not
  // even copied). shadow_draw: the percent the execution was drawn at, 0 when it was not.
  // shadow_use, for a drawn one: the shadow read to submit, with `params` as bound, read and
  // written under `lexical` (what the shadow connection reads under: Lexical{} for PostgreSQL's
  // extended protocol, Dialect::shadow_lexical of the session for MySQL); nullopt: none.
  double shadow_draw(std::string_view sql, Sampler& sampler) const;
  std::optional<ShadowRead> shadow_use(std::string_view sql, ShadowParams params, const rewrite::Lexical& lexical,
                                       Rewrites& rewrites, Sampler& sampler, double drawn) const;

  // Turns a decision to replace its statement into a refusal of it (0A000) for `reason`: for
  // what only the session knows, e.g. that the replies of a rewrite could not be restored.
  void refuse(Decision& d, std::string reason) const;

  rewrite::ReadRoute route() const { return route_; }
  const GenerationFacts& facts() const { return facts_; }

 private:
  // Decision fields from the rewriter's result.
  void apply(const rewrite::RewriteResult& r, Decision& d) const;
  std::optional<size_t> shadow_pick(const rewrite::RewriteResult& r) const;
  // `drawn`: a draw at that percent already passed (0: none was made), so only the rest is drawn.
  // `lexical`: what the other side is rewritten under and the shadow connection reads both under
  // (Dialect::shadow_lexical).
  std::optional<ShadowRead> shadow_read(size_t index, std::string_view sql, const rewrite::RewriteResult& served,
                                        ShadowParams params, const rewrite::Lexical& lexical, Rewrites& rewrites,
                                        Sampler& sampler, double drawn = 0) const;
  uint64_t migration_bit(const std::string& name) const;

  GenerationFacts facts_;
  rewrite::ReadRoute route_;
  ReadTriggers triggers_;
};

}  // namespace switchyard::planner

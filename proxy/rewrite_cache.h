// A per-worker cache of rewrite results, so a statement an application sends again and again is
// parsed once. Statements are cached by their shape (literals lifted out by the lexer, see
// Dialect::shape), so simple-protocol writes that differ only in their literals share an
// entry; a statement whose shape does not parse is cached by its own text instead.
// Touched only on its worker's thread. Tied to one configuration generation: a statement of
// another generation empties it (while the sessions of one worker straddle a reload, until each
// reaches a transaction boundary, the cache may empty more than once). Hits, misses and the
// time spent rewriting on a miss go to the process-wide Metrics, when given.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "planner/planner.h"
#include "rewrite/dialect.h"
#include "rewrite/lexical.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

struct Generation;
class Metrics;

class RewriteCache {
 public:
  static constexpr size_t kMaxEntries = 10000;

  // `metrics` (may be null: nothing counted) must outlive the cache.
  explicit RewriteCache(Metrics* metrics = nullptr) : metrics_(metrics) {}

  // The rewrite of `sql` under `gen`, computed on a miss by `dialect` (the one the process speaks).
  // `route`: the session's read route, part of the key.
  // `lexical`: the session's lexical settings (rewrite/lexical.h). Text is cached as
  // standard_conforming_strings = on reads it (a plain literal with a backslash read under off
  // becomes an E'' literal), so that text is the key and means the same for every session. A
  // text the server may read otherwise than planned (an unsafe client_encoding; a backslash in a
  // plain literal while an earlier request may still change the setting; \' in a text that
  // would be rewritten) is refused.
  rewrite::RewriteResult get(std::string_view sql, const Generation& gen, const rewrite::Dialect& dialect,
                             rewrite::ReadRoute route = {}, const rewrite::Lexical& lexical = {});

 private:
  uint64_t generation_ = 0;
  struct Request;  // one get(): its generation, dialect and route
  rewrite::RewriteResult get_standard(std::string_view sql, const Request& q);
  const rewrite::RewriteResult& by_text(std::string_view sql, const Request& q);
  void hit();
  // Dialect::rewrite(sql), timed into Metrics::rewrite_seconds.
  rewrite::RewriteResult miss(std::string_view sql, const Request& q);

  std::unordered_map<std::string, rewrite::RewriteResult> by_shape_;
  std::unordered_map<std::string, rewrite::RewriteResult> by_text_;
  Metrics* metrics_;
};

// The cache as the planner asks it (planner::Rewrites), for one generation and dialect. A view:
// all three must outlive it; made on the stack for each statement planned.
class CachedRewrites final : public planner::Rewrites {
 public:
  CachedRewrites(RewriteCache& cache, const Generation& gen, const rewrite::Dialect& dialect)
      : cache_(cache), gen_(gen), dialect_(dialect) {}
  rewrite::RewriteResult get(std::string_view sql, rewrite::ReadRoute route, const rewrite::Lexical& lexical) override {
    return cache_.get(sql, gen_, dialect_, route, lexical);
  }

 private:
  RewriteCache& cache_;
  const Generation& gen_;
  const rewrite::Dialect& dialect_;
};

}  // namespace switchyard::proxy

// A per-worker cache of rewrite results, so a statement an application sends again and again is
// parsed once. Statements are cached by their shape (literals lifted out by the lexer, see
// rewrite/pg/literals.h), so simple-protocol writes that differ only in their literals share an
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

#include "rewrite/pg/lexical.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

struct Generation;
class Metrics;

class RewriteCache {
 public:
  static constexpr size_t kMaxEntries = 10000;

  // `metrics` (may be null: nothing counted) must outlive the cache.
  explicit RewriteCache(Metrics* metrics = nullptr) : metrics_(metrics) {}

  // The rewrite of `sql` under `gen`, computed on a miss.
  // `route`: the session's read route, part of the key.
  // `lexical`: the session's lexical settings (rewrite/pg/lexical.h). Text is cached as
  // standard_conforming_strings = on reads it (a plain literal with a backslash read under off
  // becomes an E'' literal), so that text is the key and means the same for every session. A
  // text the server may read otherwise than planned (an unsafe client_encoding; a backslash in a
  // plain literal while an earlier request may still change the setting; \' in a text that
  // would be rewritten) is refused.
  rewrite::RewriteResult get(std::string_view sql, const Generation& gen, rewrite::ReadRoute route = {},
                             const rewrite::pg::Lexical& lexical = {});


 private:
  uint64_t generation_ = 0;
  rewrite::RewriteResult get_standard(std::string_view sql, const Generation& gen, rewrite::ReadRoute route);
  const rewrite::RewriteResult& by_text(std::string_view sql, const Generation& gen, rewrite::ReadRoute route);
  void hit();
  // rewrite_sql(sql), timed into Metrics::rewrite_seconds.
  rewrite::RewriteResult miss(std::string_view sql, const Generation& gen, rewrite::ReadRoute route);

  std::unordered_map<std::string, rewrite::RewriteResult> by_shape_;
  std::unordered_map<std::string, rewrite::RewriteResult> by_text_;
  Metrics* metrics_;
};

}  // namespace switchyard::proxy

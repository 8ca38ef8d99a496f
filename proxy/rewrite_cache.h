// A per-worker cache of rewrite results, so a statement an application sends again and again is
// parsed once. Statements are cached by their shape (literals lifted out by the lexer, see
// rewrite/pg/literals.h), so simple-protocol writes that differ only in their literals share an
// entry; a statement whose shape does not parse is cached by its own text instead.
// Touched only on its worker's thread. Tied to one configuration generation: a reload starts
// a fresh cache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

struct Generation;

class RewriteCache {
 public:
  static constexpr size_t kMaxEntries = 10000;

  // The rewrite of `sql` under `gen`, computed on a miss.
  rewrite::RewriteResult get(std::string_view sql, const Generation& gen);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  uint64_t generation_ = 0;
  const rewrite::RewriteResult& by_text(std::string_view sql, const Generation& gen);

  std::unordered_map<std::string, rewrite::RewriteResult> by_shape_;
  std::unordered_map<std::string, rewrite::RewriteResult> by_text_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace switchyard::proxy

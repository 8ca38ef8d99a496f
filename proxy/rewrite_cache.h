// A per-worker cache of rewrite results by statement text, so a statement an application sends
// again and again (the common case with an ORM or prepared statements) is parsed once.
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
  const rewrite::RewriteResult& get(std::string_view sql, const Generation& gen);

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  uint64_t generation_ = 0;
  std::unordered_map<std::string, rewrite::RewriteResult> entries_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace switchyard::proxy

// Rewrite cache; see rewrite_cache.h.
#include "proxy/rewrite_cache.h"

#include "proxy/session_context.h"
#include "rewrite/pg/rewriter.h"

namespace switchyard::proxy {

const rewrite::RewriteResult& RewriteCache::get(std::string_view sql, const Generation& gen) {
  if (gen.number != generation_) {
    entries_.clear();
    generation_ = gen.number;
  }
  // C++20 has no heterogeneous lookup for unordered_map without a custom hash; one string per
  // lookup is cheap next to the parse it saves, and only pre-filtered statements get here.
  std::string key(sql);
  if (auto it = entries_.find(key); it != entries_.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  // Bounded: a client sending endless distinct texts (literals inlined) cannot grow it forever.
  if (entries_.size() >= kMaxEntries) entries_.clear();
  return entries_.emplace(std::move(key), rewrite::pg::rewrite_sql(sql, gen.catalog)).first->second;
}

}  // namespace switchyard::proxy

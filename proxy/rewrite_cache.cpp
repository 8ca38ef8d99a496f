// Rewrite cache; see rewrite_cache.h.
#include "proxy/rewrite_cache.h"

#include <chrono>

#include "proxy/session_context.h"
#include "rewrite/pg/literals.h"
#include "rewrite/pg/rewriter.h"

namespace switchyard::proxy {

namespace {

// Bounded: a client sending endless distinct texts cannot grow a map forever.
template <class Map>
void make_room(Map& m) {
  if (m.size() >= RewriteCache::kMaxEntries) m.clear();
}

// Sessions of one worker may read different shapes (canary), so the route is part of the key;
// the common case, no migration read from the new shape, adds nothing.
std::string route_prefix(rewrite::ReadRoute route) {
  if (route.new_mask == 0) return {};
  return std::to_string(route.new_mask) + '\x01';
}

}  // namespace

void RewriteCache::hit() {
  if (metrics_) metrics_->rewrite_cache_hits.fetch_add(1, std::memory_order_relaxed);
}

rewrite::RewriteResult RewriteCache::miss(std::string_view sql, const Generation& gen, rewrite::ReadRoute route) {
  if (!metrics_) return rewrite::pg::rewrite_sql(sql, gen.catalog, route);
  metrics_->rewrite_cache_misses.fetch_add(1, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  auto r = rewrite::pg::rewrite_sql(sql, gen.catalog, route);
  metrics_->rewrite_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return r;
}

const rewrite::RewriteResult& RewriteCache::by_text(std::string_view sql, const Generation& gen,
                                                    rewrite::ReadRoute route) {
  // C++20 has no heterogeneous lookup for unordered_map without a custom hash; one string per
  // lookup is cheap next to the parse it saves, and only pre-filtered statements get here.
  std::string key = route_prefix(route);
  key.append(sql);
  if (auto it = by_text_.find(key); it != by_text_.end()) {
    hit();
    return it->second;
  }
  make_room(by_text_);
  return by_text_.emplace(std::move(key), miss(sql, gen, route)).first->second;
}

rewrite::RewriteResult RewriteCache::get(std::string_view sql, const Generation& gen, rewrite::ReadRoute route) {
  if (gen.number != generation_) {
    by_shape_.clear();
    by_text_.clear();
    generation_ = gen.number;
  }
  auto shape = rewrite::pg::shape_of(sql);
  if (!shape || shape->literals.empty()) return by_text(sql, gen, route);

  std::string key = route_prefix(route);
  key.append(shape->text);
  auto it = by_shape_.find(key);
  if (it != by_shape_.end()) {
    hit();
  } else {
    make_room(by_shape_);
    it = by_shape_.emplace(std::move(key), miss(shape->text, gen, route)).first;
  }
  const rewrite::RewriteResult& r = it->second;
  // A shape that does not parse (e.g. DATE $3) says nothing about the statement itself.
  if (!r.parsed) return by_text(sql, gen, route);
  if (r.kind != rewrite::RewriteResult::Kind::kRewritten) return r;
  auto filled = rewrite::pg::with_literals(r.sql, *shape);
  if (!filled) return by_text(sql, gen, route);
  rewrite::RewriteResult out = r;
  out.sql = std::move(*filled);
  return out;
}

}  // namespace switchyard::proxy

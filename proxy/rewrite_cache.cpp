// Rewrite cache; see rewrite_cache.h.
#include "proxy/rewrite_cache.h"

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

}  // namespace

const rewrite::RewriteResult& RewriteCache::by_text(std::string_view sql, const Generation& gen) {
  // C++20 has no heterogeneous lookup for unordered_map without a custom hash; one string per
  // lookup is cheap next to the parse it saves, and only pre-filtered statements get here.
  std::string key(sql);
  if (auto it = by_text_.find(key); it != by_text_.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  make_room(by_text_);
  return by_text_.emplace(std::move(key), rewrite::pg::rewrite_sql(sql, gen.catalog)).first->second;
}

rewrite::RewriteResult RewriteCache::get(std::string_view sql, const Generation& gen) {
  if (gen.number != generation_) {
    by_shape_.clear();
    by_text_.clear();
    generation_ = gen.number;
  }
  auto shape = rewrite::pg::shape_of(sql);
  if (!shape || shape->literals.empty()) return by_text(sql, gen);

  auto it = by_shape_.find(shape->text);
  if (it != by_shape_.end()) {
    ++hits_;
  } else {
    ++misses_;
    make_room(by_shape_);
    it = by_shape_.emplace(shape->text, rewrite::pg::rewrite_sql(shape->text, gen.catalog)).first;
  }
  const rewrite::RewriteResult& r = it->second;
  // A shape that does not parse (e.g. DATE $3) says nothing about the statement itself.
  if (!r.parsed) return by_text(sql, gen);
  if (r.kind != rewrite::RewriteResult::Kind::kRewritten) return r;
  auto filled = rewrite::pg::with_literals(r.sql, *shape);
  if (!filled) return by_text(sql, gen);
  rewrite::RewriteResult out = r;
  out.sql = std::move(*filled);
  return out;
}

}  // namespace switchyard::proxy

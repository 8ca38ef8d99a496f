// Rewrite cache; see rewrite_cache.h.
#include "proxy/rewrite_cache.h"

#include <cctype>
#include <chrono>

#include "proxy/session_context.h"
#include "rewrite/prefilter.h"

namespace switchyard::proxy {

namespace {

// Bounded: a client sending endless distinct texts cannot grow a map forever.
template <class Map>
void make_room(Map& m) {
  if (m.size() >= RewriteCache::kMaxEntries) m.clear();
}

// Sessions of one worker may read different shapes (canary), so the route is part of the key;
// the common case, no migration read from the new shape, adds nothing.
// The settings the dialect reads under are part of it too (MySQL's sql_mode; nothing for
// PostgreSQL, whose text is read as standard first).
std::string key_prefix(rewrite::ReadRoute route, const std::string& lexical_key) {
  std::string out = lexical_key;
  if (!out.empty()) out += '\x02';
  if (route.new_mask == 0) return out;
  return out + std::to_string(route.new_mask) + '\x01';
}

// A refusal of `sql` for a lexical reason. `migration`: the one concerned, else the first whose
// relation the text names.
rewrite::RewriteResult lexical_refusal(const Generation& gen, std::string_view sql, std::string migration,
                                       std::string reason) {
  for (const auto& m : gen.catalog.migrations) {
    if (!migration.empty()) break;
    for (const auto* t : {&m.spec.old_table, &m.spec.new_table}) {
      std::string name = t->name;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (migration.empty() && !name.empty() && rewrite::Prefilter::contains_word(sql, name)) migration = m.spec.name;
    }
  }
  rewrite::RewriteResult r;
  r.kind = rewrite::RewriteResult::Kind::kRefused;
  r.migration = std::move(migration);
  r.reason = std::move(reason);
  return r;
}

}  // namespace

struct RewriteCache::Request {
  const Generation& gen;
  const rewrite::Dialect& dialect;
  rewrite::ReadRoute route;
  const rewrite::Lexical& lexical;
  std::string prefix;  // key_prefix()
};

void RewriteCache::hit() {
  if (metrics_) metrics_->rewrite_cache_hits.fetch_add(1, std::memory_order_relaxed);
}

rewrite::RewriteResult RewriteCache::miss(std::string_view sql, const Request& q) {
  if (!metrics_) return q.dialect.rewrite(sql, q.gen.catalog, q.route, q.lexical);
  metrics_->rewrite_cache_misses.fetch_add(1, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  auto r = q.dialect.rewrite(sql, q.gen.catalog, q.route, q.lexical);
  metrics_->rewrite_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return r;
}

const rewrite::RewriteResult& RewriteCache::by_text(std::string_view sql, const Request& q) {
  // C++20 has no heterogeneous lookup for unordered_map without a custom hash; one string per
  // lookup is cheap next to the parse it saves, and only pre-filtered statements get here.
  std::string key = q.prefix;
  key.append(sql);
  if (auto it = by_text_.find(key); it != by_text_.end()) {
    hit();
    return it->second;
  }
  make_room(by_text_);
  return by_text_.emplace(std::move(key), miss(sql, q)).first->second;
}

rewrite::RewriteResult RewriteCache::get(std::string_view sql, const Generation& gen, const rewrite::Dialect& dialect,
                                         rewrite::ReadRoute route, const rewrite::Lexical& lexical) {
  const Request q{gen, dialect, route, lexical, key_prefix(route, dialect.lexical_key(lexical))};
  if (gen.number != generation_) {
    by_shape_.clear();
    by_text_.clear();
    generation_ = gen.number;
  }
  if (auto why = dialect.unreadable(lexical)) return lexical_refusal(gen, sql, {}, std::move(*why));
  if (sql.find('\\') == std::string_view::npos) return get_standard(sql, q);
  // The text as the server reads it under `standard_strings`; a text whose strings do not end
  // there fails in the server's lexer too, which says why.
  const auto reading = [&](bool standard_strings, rewrite::StringReading& out) {
    out = dialect.read_strings(sql, standard_strings);
    rewrite::RewriteResult unread;
    unread.parsed = false;
    return out.ok ? get_standard(out.text, q) : unread;
  };
  rewrite::StringReading read, other;
  rewrite::RewriteResult r = reading(lexical.standard_strings, read);
  if (!lexical.settled) {
    // The statements ahead of this one may still change standard_conforming_strings: when the
    // two settings read the text differently, relay it only if neither reading needs a rewrite.
    const rewrite::RewriteResult alt = reading(!lexical.standard_strings, other);
    const bool differ = !read.ok || !other.ok || read.plain_backslash || other.plain_backslash;
    if (differ && (r.kind != rewrite::RewriteResult::Kind::kUnchanged || alt.kind != rewrite::RewriteResult::Kind::kUnchanged))
      return lexical_refusal(gen, sql, r.migration.empty() ? alt.migration : r.migration,
                             "a backslash in a string literal sent before the results of the statements ahead of "
                             "it, which may change standard_conforming_strings; send it after them, or write E'...'");
  }
  return r;
}

rewrite::RewriteResult RewriteCache::get_standard(std::string_view sql, const Request& q) {
  auto shape = q.dialect.shape(sql, q.lexical);
  if (!shape || shape->literals.empty()) return by_text(sql, q);

  std::string key = q.prefix;
  key.append(shape->text);
  auto it = by_shape_.find(key);
  if (it != by_shape_.end()) {
    hit();
  } else {
    make_room(by_shape_);
    it = by_shape_.emplace(std::move(key), miss(shape->text, q)).first;
  }
  const rewrite::RewriteResult& r = it->second;
  // A shape that does not parse (e.g. DATE $3) says nothing about the statement itself.
  if (!r.parsed) return by_text(sql, q);
  if (r.kind == rewrite::RewriteResult::Kind::kRefused && !q.dialect.refusals_hold_for_texts()) return by_text(sql, q);
  if (r.kind != rewrite::RewriteResult::Kind::kRewritten) return r;
  // A write script carries the statement's values in its plan, not only in its text.
  if (r.script) return by_text(sql, q);
  // So does a COPY's in the pieces a Parse of it is sent as.
  if (r.extended_copy) return by_text(sql, q);
  auto filled = q.dialect.with_literals(r.sql, *shape, q.lexical);
  if (!filled) return by_text(sql, q);
  rewrite::RewriteResult out = r;
  out.sql = std::move(*filled);
  return out;
}

}  // namespace switchyard::proxy

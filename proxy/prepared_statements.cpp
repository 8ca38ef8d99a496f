// A session's prepared statements; see prepared_statements.h.
#include "proxy/prepared_statements.h"

namespace switchyard::proxy {
namespace {

bool interesting(const PreparedStatement& s) {
  return s.refused || s.shadow || s.reads_mask != 0 || s.write_count.route != WriteCount::Route::kNone || s.copy;
}

void forget_copy(PreparedStatement& s) { s.stamp = {}; }  // stamp 0: prepared again at next use

}  // namespace

PreparedStatement* PreparedStatements::find(std::string_view name) {
  const auto it = statements_.find(name);
  return it == statements_.end() ? nullptr : &it->second;
}

void PreparedStatements::count(const PreparedStatement& s, int delta) {
  if (stale(s)) stale_ += static_cast<size_t>(delta);
  if (interesting(s)) interesting_ += static_cast<size_t>(delta);
  const auto key = std::make_pair(s.stamp.generation, s.touches);
  auto& n = by_generation_[key];
  n += delta;
  if (n == 0) by_generation_.erase(key);
}

void PreparedStatements::insert(const std::string& name, PreparedStatement s) {
  auto it = statements_.find(name);
  if (it != statements_.end()) {
    count(it->second, -1);
    it->second = std::move(s);
  } else {
    it = statements_.emplace(name, std::move(s)).first;
  }
  count(it->second, +1);
}

void PreparedStatements::make_unknown(PreparedStatement& s) {
  count(s, -1);
  forget_copy(s);
  count(s, +1);
}

void PreparedStatements::forget_unnamed() {
  if (auto it = statements_.find(""); it != statements_.end()) {
    count(it->second, -1);
    statements_.erase(it);
  }
}

void PreparedStatements::put(const std::string& name, PreparedStatement s) {
  forget_copy(s);
  insert(name, std::move(s));
}

void PreparedStatements::put_pending(uint32_t tag, const std::string& name, std::optional<PreparedStatement> s,
                                     bool uncertain) {
  Pending p;
  p.name = name;
  p.uncertain = uncertain;
  if (auto it = statements_.find(name); it != statements_.end()) {
    count(it->second, -1);
    p.previous = std::move(it->second);
    statements_.erase(it);
  }
  if (s) insert(name, std::move(*s));
  pending_[tag].push_back(std::move(p));
}

void PreparedStatements::clear_pending(uint32_t tag, bool uncertain) {
  Pending p;
  p.all = true;
  p.uncertain = uncertain;
  p.everything = std::move(statements_);
  statements_.clear();
  stale_ = interesting_ = 0;
  by_generation_.clear();
  pending_[tag].push_back(std::move(p));
}

void PreparedStatements::commit(uint32_t tag) { pending_.erase(tag); }

void PreparedStatements::rollback(uint32_t tag) {
  const auto it = pending_.find(tag);
  if (it == pending_.end()) return;
  std::vector<Pending> changes = std::move(it->second);
  pending_.erase(it);
  for (auto p = changes.rbegin(); p != changes.rend(); ++p) {
    const bool uncertain = p->uncertain;
    if (p->all) {
      for (auto& [name, s] : p->everything) {
        if (uncertain) forget_copy(s);
        if (!statements_.count(name)) insert(name, std::move(s));
      }
      continue;
    }
    if (auto cur = statements_.find(p->name); cur != statements_.end()) {
      count(cur->second, -1);
      statements_.erase(cur);
    }
    if (p->previous) {
      if (uncertain) forget_copy(*p->previous);
      insert(p->name, std::move(*p->previous));
    }
  }
}

void PreparedStatements::set_current(PlanStamp current) {
  current_ = current;
  stale_ = 0;
  for (const auto& [name, s] : statements_) stale_ += stale(s) ? 1 : 0;
}

void PreparedStatements::replace(PreparedStatement& s, PreparedStatement next) {
  count(s, -1);
  s = std::move(next);
  count(s, +1);
}

bool PreparedStatements::needs_bind() const { return stale_ > 0 || interesting_ > 0; }

}  // namespace switchyard::proxy

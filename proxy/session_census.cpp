// Sessions and statements by generation; see session_census.h.
#include "proxy/session_census.h"

#include <algorithm>

#include "proxy/session_context.h"

namespace switchyard::proxy {
namespace {

// The phase of migration `name` under `g` ("off" when `g` does not have it).
config::Phase phase_in(const Generation& g, const std::string& name) {
  for (const auto& m : g.catalog.migrations)
    if (m.spec.name == name) return m.spec.phase;
  return config::Phase::kOff;
}

}  // namespace

void SessionCensus::publish(uint64_t id, const std::shared_ptr<const Generation>& generation,
                            const Statements& statements) {
  std::lock_guard lock(mu_);
  Report& r = reports_[id];
  r.generation = generation->number;
  r.statements = statements;
  r.held = 0;
  for (const auto& [key, n] : statements) r.held += n;
  generations_.emplace(generation->number, generation);
  collect();
}

void SessionCensus::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  reports_.erase(id);
  collect();
}

void SessionCensus::collect() {
  for (auto it = generations_.begin(); it != generations_.end();) {
    const uint64_t number = it->first;
    const bool named = std::any_of(reports_.begin(), reports_.end(), [&](const auto& r) {
      if (r.second.generation == number) return true;
      for (const auto& [key, n] : r.second.statements)
        if (key.first == number) return true;
      return false;
    });
    it = named ? std::next(it) : generations_.erase(it);
  }
}

SessionCensus::Snapshot SessionCensus::snapshot(const Generation& current) const {
  std::lock_guard lock(mu_);
  Snapshot s;
  for (const auto& m : current.catalog.migrations) {
    MigrationBehind b;
    b.migration = m.spec.name;
    const auto differs = [&](uint64_t number) {
      if (number == current.number) return false;
      const auto g = generations_.find(number);
      return g == generations_.end() || phase_in(*g->second, b.migration) != m.spec.phase;
    };
    // Whether a plan made under generation `number` touching `mask` touches this migration.
    const auto touches = [&](uint64_t number, uint64_t mask) {
      const auto g = generations_.find(number);
      if (g == generations_.end()) return true;
      const auto& ms = g->second->catalog.migrations;
      for (size_t i = 0; i < ms.size() && i < 64; ++i)
        if (ms[i].spec.name == b.migration) return ((mask >> i) & 1) != 0;
      return false;
    };
    for (const auto& [id, r] : reports_) {
      if (differs(r.generation)) ++b.sessions_behind;
      for (const auto& [key, n] : r.statements)
        if (key.first != 0 && differs(key.first) && touches(key.first, key.second)) b.statements_old_shape += n;
    }
    s.migrations.push_back(std::move(b));
  }
  for (const auto& [id, r] : reports_) {
    s.prepared_statements += r.held;
    s.prepared_statements_max = std::max(s.prepared_statements_max, r.held);
  }
  return s;
}

}  // namespace switchyard::proxy

// Read triggers; see read_triggers.h.
#include "planner/read_triggers.h"

#include <algorithm>

#include "planner/planner.h"
#include "rewrite/prefilter.h"
#include "rewrite/read_phase.h"

namespace switchyard::planner {

ReadTriggers::ReadTriggers(const rewrite::Catalog& catalog, rewrite::ReadRoute route) {
  using rewrite::Prefilter;
  const auto& migrations = catalog.migrations;
  for (size_t i = 0; i < migrations.size() && i < 64; ++i) {
    const auto& m = migrations[i].spec;
    Trigger t;
    t.relations = {Prefilter::lower_case(m.old_table.name), Prefilter::lower_case(m.new_table.name)};
    t.active = m.phase != config::Phase::kOff;
    t.shadow_percent = shadow_eligible(m) ? m.shadow.sample_percent : 0;
    const bool reads_new = rewrite::reads_new_shape(m, i, route);
    if (!m.same_table()) {
      // The other table's name is what routing replaces.
      t.words.push_back(Prefilter::lower_case(reads_new ? m.old_table.name : m.new_table.name));
    } else if (reads_new) {
      for (const auto& d : m.down) t.words.push_back(Prefilter::lower_case(d.column));  // old columns, served through down
      t.star = true;                                                                   // SELECT * lists them too
    } else {
      for (const auto& u : m.up) t.words.push_back(Prefilter::lower_case(u.column));  // new columns, served through up
    }
    triggers_.push_back(std::move(t));
  }
}

ReadTriggers::Scan ReadTriggers::scan(std::string_view sql) const {
  using rewrite::Prefilter;
  Scan s;
  for (size_t i = 0; i < triggers_.size(); ++i) {
    const Trigger& t = triggers_[i];
    if (!t.active) continue;
    bool named = false;
    for (const auto& r : t.relations) named = named || Prefilter::contains_word(sql, r);
    if (!named) continue;
    s.reads_mask |= uint64_t{1} << i;
    s.shadow_percent = std::max(s.shadow_percent, t.shadow_percent);
    if (t.star && sql.find('*') != std::string_view::npos) s.route_needs = true;
    for (const auto& w : t.words) s.route_needs = s.route_needs || Prefilter::contains_word(sql, w);
  }
  return s;
}

}  // namespace switchyard::planner

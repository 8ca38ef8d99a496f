// PgSession's read routing: which shape serves each migration's reads in this session (the
// phase, and for canary the session's draw), recomputed only when the session adopts a new
// generation, i.e. at a transaction boundary, so routing never changes inside a transaction.
#include <random>
#include <spdlog/spdlog.h>

#include "proxy/canary.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

namespace {

uint64_t process_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return seed;
}

}  // namespace

void PgSession::update_routing() {
  CanaryIdentity who;
  who.session_draw = process_seed() ^ (id_ * 0x9e3779b97f4a7c15ull);
  who.user = user_;
  who.application_name = application_name_;
  boost::system::error_code ec;
  const auto peer = client_.remote_endpoint(ec);
  if (!ec) who.client_address = peer.address().to_string();

  route_ = {};
  migration_metrics_.clear();
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migrations.size() && i < 64; ++i) {
    const auto& m = migrations[i].spec;
    bool reads_new = false;
    switch (m.phase) {
      case config::Phase::kReadNew:
      case config::Phase::kNewOnly: reads_new = true; break;
      case config::Phase::kCanary: reads_new = canary_selected(m, who); break;
      default: break;
    }
    if (reads_new) route_.new_mask |= uint64_t{1} << i;
    migration_metrics_.push_back(&ctx_.shared.metrics.migration(m.name));
    if (m.phase == config::Phase::kCanary)
      spdlog::debug("session={} migration {}: canary reads the {} shape", id_, m.name, reads_new ? "new" : "old");
  }
  update_read_triggers();
}

namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

void PgSession::update_read_triggers() {
  read_triggers_.clear();
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migrations.size() && i < 64; ++i) {
    const auto& m = migrations[i].spec;
    ReadTrigger t;
    t.relations = {lowered(m.old_table.name), lowered(m.new_table.name)};
    t.active = m.phase != config::Phase::kOff;
    t.shadow = shadow_eligible(m);
    const bool reads_new = rewrite::reads_new_shape(m, i, route_);
    if (!m.same_table()) {
      // The other table's name is what routing replaces.
      t.words.push_back(lowered(reads_new ? m.old_table.name : m.new_table.name));
    } else if (reads_new) {
      for (const auto& d : m.down) t.words.push_back(lowered(d.column));  // old columns, served through down
      t.star = true;                                                       // SELECT * lists them too
    } else {
      for (const auto& u : m.up) t.words.push_back(lowered(u.column));  // new columns, served through up
    }
    read_triggers_.push_back(std::move(t));
  }
}

bool PgSession::read_needs_rewrite(std::string_view sql, uint64_t& reads_mask) const {
  reads_mask = 0;
  bool needed = false;
  for (size_t i = 0; i < read_triggers_.size(); ++i) {
    const ReadTrigger& t = read_triggers_[i];
    if (!t.active) continue;
    bool named = false;
    for (const auto& r : t.relations) named = named || rewrite::Prefilter::contains_word(sql, r);
    if (!named) continue;
    reads_mask |= uint64_t{1} << i;
    if (t.shadow || (t.star && sql.find('*') != std::string_view::npos)) needed = true;
    for (const auto& w : t.words) needed = needed || rewrite::Prefilter::contains_word(sql, w);
  }
  return needed;
}

MigrationMetrics& PgSession::metrics_of(const std::string& migration) {
  // The session's own pointers, by catalog index: no lock on the statement path.
  const auto& migrations = gen_->catalog.migrations;
  for (size_t i = 0; i < migration_metrics_.size(); ++i)
    if (migrations[i].spec.name == migration) return *migration_metrics_[i];
  return ctx_.shared.metrics.migration(migration);  // e.g. a ddl_lint refusal names no migration
}

void PgSession::count_reads(uint64_t reads_mask) {
  for (size_t i = 0; reads_mask != 0 && i < migration_metrics_.size(); ++i, reads_mask >>= 1) {
    if (!(reads_mask & 1)) continue;
    const bool reads_new = rewrite::reads_new_shape(gen_->catalog.migrations[i].spec, i, route_);
    (reads_new ? migration_metrics_[i]->reads_new : migration_metrics_[i]->reads_old)
        .fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace switchyard::proxy

// The row key is decided once (rewrite/migration_facts.h), and the parts that use it agree:
// the rewriter's mirrored writes (ON CONFLICT (key)), the data jobs (paging by key, both
// directions) and the DDL planner (the new table's PRIMARY KEY, the contract's backup), for
// every kind and every way a key comes: named with key:, a primary key, only a unique index,
// none. The schema check (catalog/schema_loader.cpp) calls the same function; its refusals are
// tested against a real server in tests/integration/table_write_rewrite_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/identifier.h"
#include "jobs/ddl_plan.h"
#include "jobs/job_spec.h"
#include "rewrite/migration_facts.h"
#include "rewrite/pg/rewriter.h"
#include "tests/jobs/job_fixtures.h"
#include "tests/rewrite/pg/volatility_fixture.h"

namespace switchyard::jobs {
namespace {

using rewrite::RowKey;
using Keys = std::vector<std::string>;

// The key as the DDL planner quotes it, or as the rewriter's deparser spells plain names.
std::string columns(const Keys& key, bool quoted = true) {
  std::string out;
  for (const auto& k : key) out += (out.empty() ? "" : ", ") + (quoted ? config::quote_ident(k) : k);
  return out;
}

// add_column on users: nick computed from full_name.
rewrite::ResolvedMigration users_nick() {
  rewrite::ResolvedMigration m = fixtures::users_display_name();
  m.spec.name = "users-nick";
  m.spec.kind = config::MigrationKind::kAddColumn;
  m.spec.up = {{"display_name", "lower(full_name)"}};
  m.spec.down = {};
  return m;
}

// rename_table legacy_accounts -> account, every column by name.
rewrite::ResolvedMigration accounts_renamed() {
  rewrite::ResolvedMigration m = fixtures::account_split();
  m.spec.name = "accounts-renamed";
  m.spec.kind = config::MigrationKind::kRenameTable;
  m.spec.key = {};
  m.spec.up = m.spec.down = {};
  m.spec.all_columns = true;
  m.new_rel.columns = m.old_rel.columns;
  return m;
}

struct KindCase {
  const char* kind;
  rewrite::ResolvedMigration (*make)();
};
const KindCase kKinds[] = {
    {"rename_column", fixtures::users_display_name}, {"change_column", fixtures::accounts_include_bool},
    {"add_column", users_nick},                      {"rename_table", accounts_renamed},
    {"copy_table", fixtures::account_split},
};

enum class KeyWay { kExplicit, kPrimaryKey, kUniqueIndexOnly, kNone };
struct KeyCase {
  const char* name;
  KeyWay way;
};
const KeyCase kKeyWays[] = {{"an explicit key", KeyWay::kExplicit},
                            {"a primary key", KeyWay::kPrimaryKey},
                            {"only a unique index", KeyWay::kUniqueIndexOnly},
                            {"no key", KeyWay::kNone}};

// `m` with its key given `way`; false when the config cannot say so (key: is copy_table's).
bool with_key(rewrite::ResolvedMigration& m, KeyWay way) {
  const bool two_tables = rewrite::is_two_table(m.spec);
  const std::string first = m.old_rel.columns.front().name;
  if (m.spec.kind != config::MigrationKind::kCopyTable) m.spec.key.clear();
  switch (way) {
    case KeyWay::kExplicit:
      if (m.spec.kind != config::MigrationKind::kCopyTable) return false;
      m.spec.key = {first, "user_id"};
      break;
    case KeyWay::kPrimaryKey:
      m.spec.key.clear();
      break;
    case KeyWay::kUniqueIndexOnly:
    case KeyWay::kNone:
      m.spec.key.clear();
      m.old_rel.primary_key.clear();
      m.new_rel.primary_key.clear();
      if (way == KeyWay::kUniqueIndexOnly) m.old_rel.constraints.push_back({first + "_key", 'u', {first}});
      break;
  }
  if (!two_tables) m.new_rel = m.old_rel;
  return true;
}

TEST(RowKeyAgreement, TheRuleForEachWayAKeyComes) {
  rewrite::ResolvedMigration m = fixtures::account_split();
  EXPECT_EQ(rewrite::row_key(m).columns, Keys{"id"});
  EXPECT_EQ(rewrite::row_key(m).source, RowKey::Source::kExplicit);
  m.spec.key.clear();
  EXPECT_EQ(rewrite::row_key(m).source, RowKey::Source::kOldPrimaryKey);
  m.old_rel.primary_key = {"user_id"};
  EXPECT_EQ(rewrite::row_key(m).columns, Keys{"user_id"}) << "the old table's key wins over the new one's";
  m.old_rel.primary_key.clear();
  EXPECT_TRUE(rewrite::row_key(m).columns.empty()) << "rows are paged and matched from the old table";
  m.old_rel = {};  // gone, as in new_only after contract
  EXPECT_EQ(rewrite::row_key(m).columns, Keys{"id"});
  EXPECT_EQ(rewrite::row_key(m).source, RowKey::Source::kNewPrimaryKey);
  m.new_rel.primary_key.clear();
  EXPECT_TRUE(rewrite::row_key(m).columns.empty());
  EXPECT_EQ(rewrite::row_key(m).source, RowKey::Source::kNone);
}

TEST(RowKeyAgreement, WhichShapesEachPhaseNeedsAndWrites) {
  using config::Phase;
  struct Case {
    Phase phase;
    bool needs_old, needs_new, dual;
  };
  const Case cases[] = {{Phase::kOff, true, false, false},     {Phase::kDualWrite, true, true, true},
                        {Phase::kShadow, true, true, true},    {Phase::kCanary, true, true, true},
                        {Phase::kReadNew, true, true, true},   {Phase::kNewOnly, false, true, false}};
  for (const auto& c : cases) {
    const rewrite::PhaseShapes s = rewrite::phase_shapes(c.phase);
    EXPECT_EQ(s.needs_old, c.needs_old) << config::to_string(c.phase);
    EXPECT_EQ(s.needs_new, c.needs_new) << config::to_string(c.phase);
    EXPECT_EQ(s.dual, c.dual) << config::to_string(c.phase);
  }
}

TEST(RowKeyAgreement, MirroredWritesJobsAndDdlUseTheSameKey) {
  for (const auto& kind : kKinds) {
    for (const auto& way : kKeyWays) {
      rewrite::ResolvedMigration m = kind.make();
      if (!with_key(m, way.way)) continue;
      const std::string what = std::string(kind.kind) + " with " + way.name;
      const Keys key = rewrite::row_key(m).columns;
      EXPECT_EQ(key.empty(), way.way == KeyWay::kUniqueIndexOnly || way.way == KeyWay::kNone) << what;

      // Data jobs: forward and, when it can run, reverse page by the row key.
      for (const Direction d : {Direction::kForward, Direction::kReverse}) {
        const JobSpecResult r = make_job_spec(m, d);
        if (key.empty()) {
          EXPECT_FALSE(r.spec) << what;
          EXPECT_NE(r.error.find("has no primary key"), std::string::npos) << what << ": " << r.error;
        } else if (r.spec) {
          EXPECT_EQ(r.spec->key, key) << what;
        } else {
          EXPECT_EQ(d, Direction::kReverse) << what << ": " << r.error;
        }
      }

      // Mirrored writes of the table kinds: ON CONFLICT on the row key, or refused without one.
      if (rewrite::is_two_table(m.spec)) {
        rewrite::Catalog catalog;
        catalog.volatility = rewrite::testing::builtin_volatility();
        catalog.migrations.push_back(m);
        const auto r = rewrite::pg::rewrite_sql(
            "INSERT INTO legacy_accounts (id, name, user_id, accttype) VALUES (1, 'a', 2, 'SAVINGS')", catalog);
        if (key.empty()) {
          EXPECT_EQ(r.kind, rewrite::RewriteResult::Kind::kRefused) << what << ": " << r.sql;
          EXPECT_NE(r.reason.find("no key to match rows"), std::string::npos) << what << ": " << r.reason;
        } else {
          ASSERT_EQ(r.kind, rewrite::RewriteResult::Kind::kRewritten) << what << ": " << r.reason;
          EXPECT_NE(r.sql.find("ON CONFLICT (" + columns(key, false) + ")"), std::string::npos) << what << ": " << r.sql;
        }
      }

      // DDL: copy_table's new table has the row key as its primary key; a column kind's
      // contract backs up the dropped columns by the row key.
      DdlFacts f;
      f.migration = m;
      if (m.spec.kind == config::MigrationKind::kCopyTable && !key.empty()) {
        f.migration.new_rel = {};
        f.new_types = {{"type", "text"}};
        const DdlPlan p = plan_expand(f);
        ASSERT_TRUE(p.error.empty()) << what << ": " << p.error;
        ASSERT_FALSE(p.steps.empty()) << what;
        EXPECT_NE(p.steps.front().sql.find("PRIMARY KEY (" + columns(key) + "))"), std::string::npos)
            << what << ": " << p.steps.front().sql;
      }
      if (!rewrite::is_two_table(m.spec) && !m.spec.down.empty() && !key.empty()) {
        f.migration.spec.phase = config::Phase::kNewOnly;
        const DdlPlan p = plan_contract(f, true);
        bool backed_up = false;
        for (const auto& s : p.steps)
          backed_up = backed_up || s.sql.find(" AS SELECT " + columns(key) + ", ") != std::string::npos;
        EXPECT_TRUE(backed_up) << what << ": " << p.error;
      }
    }
  }
}

}  // namespace
}  // namespace switchyard::jobs

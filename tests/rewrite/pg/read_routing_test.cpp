// Read routing's bookkeeping for the session: which migrations a text reads (reads_mask), whether
// it is one ordered SELECT, and that the two halves of a shadow read differ. The rewritten SQL
// itself is pinned by golden/read_route.txt.
#include <gtest/gtest.h>

#include "rewrite/pg/rewriter.h"
#include "rewrite/read_phase.h"
#include "tests/rewrite/pg/read_route_catalog.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;

uint64_t mask(const std::string& sql, Phase phase = Phase::kDualWrite, ReadRoute route = {}) {
  return rewrite_sql(sql, testing::read_route_catalog(phase), route).reads_mask;
}

TEST(ReadRouting, ReadsMaskNamesEveryMigrationOfEveryRelationRead) {
  EXPECT_EQ(mask("SELECT id FROM users"), 0b1u);  // read, not routed: counted all the same
  EXPECT_EQ(mask("SELECT * FROM accounts"), 0b110u);
  EXPECT_EQ(mask("SELECT 1 FROM people WHERE EXISTS (SELECT 1 FROM inovices)"), 0b1000u);
  EXPECT_EQ(mask("SELECT * FROM account"), 0b10000u);
  EXPECT_EQ(mask("SELECT * FROM legacy_accounts, users"), 0b10001u);
  EXPECT_EQ(mask("UPDATE people SET name = 'x' FROM users u WHERE u.id = people.id"), 0b1u);
  EXPECT_EQ(mask("SELECT id FROM users TABLESAMPLE SYSTEM (10)"), 0b1u);
}

TEST(ReadRouting, ReadsMaskLeavesOutWritesCtesDdlAndPhaseOff) {
  EXPECT_EQ(mask("UPDATE users SET email = 'x' WHERE id = 1"), 0u);
  EXPECT_EQ(mask("WITH users AS (SELECT 1) SELECT * FROM users"), 0u);
  EXPECT_EQ(mask("CREATE VIEW v AS SELECT * FROM users"), 0u);
  EXPECT_EQ(mask("SELECT * FROM users", Phase::kOff), 0u);
  EXPECT_EQ(mask("SELECT * FROM people"), 0u);
}

TEST(ReadRouting, OrderedMeansOneSelectWithTopLevelOrderBy) {
  const Catalog catalog = testing::read_route_catalog(Phase::kReadNew);
  EXPECT_TRUE(rewrite_sql("SELECT * FROM users ORDER BY id", catalog).ordered);
  EXPECT_TRUE(rewrite_sql("SELECT 1 UNION SELECT 2 ORDER BY 1", catalog).ordered);
  EXPECT_FALSE(rewrite_sql("SELECT * FROM (SELECT * FROM users ORDER BY id) u", catalog).ordered);
  EXPECT_FALSE(rewrite_sql("SELECT 1 ORDER BY 1; SELECT 2", catalog).ordered);
  EXPECT_FALSE(rewrite_sql("DELETE FROM people RETURNING id", catalog).ordered);
}

TEST(ReadRouting, PhaseDecidesWhereTheRouteBitCounts) {
  config::Migration m;
  for (Phase p : {Phase::kDualWrite, Phase::kShadow, Phase::kCanary, Phase::kReadNew}) {
    m.phase = p;
    EXPECT_FALSE(reads_new_shape(m, 3, {}));
    EXPECT_TRUE(reads_new_shape(m, 3, {0b1000}));
    EXPECT_FALSE(reads_new_shape(m, 3, {0b0100}));
  }
  m.phase = Phase::kOff;
  EXPECT_FALSE(reads_new_shape(m, 0, {~uint64_t{0}}));
  m.phase = Phase::kNewOnly;
  EXPECT_TRUE(reads_new_shape(m, 0, {}));
}

// A shadow read flips the migration's bit: the two texts read different shapes.
TEST(ReadRouting, FlippingTheBitGivesTheOtherShape) {
  const Catalog catalog = testing::read_route_catalog(Phase::kShadow);
  const std::string sql = "SELECT * FROM inovices WHERE id = $1";
  const RewriteResult old_shape = rewrite_sql(sql, catalog, {});
  const RewriteResult new_shape = rewrite_sql(sql, catalog, {uint64_t{1} << 3});
  EXPECT_EQ(old_shape.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(old_shape.reads_mask, uint64_t{1} << 3);
  EXPECT_EQ(new_shape.sql, "SELECT * FROM invoices inovices WHERE id = $1");
}

TEST(ReadRouting, UnparsableExpressionsLeaveTheReadWhereItIs) {
  Catalog catalog = testing::read_route_catalog(Phase::kReadNew);
  catalog.migrations[0].spec.down[0].expr = "display_name +";
  const RewriteResult r = rewrite_sql("SELECT full_name FROM users", catalog, {1});
  EXPECT_EQ(r.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(r.reads_mask, 1u);
}

}  // namespace
}  // namespace switchyard::rewrite::pg

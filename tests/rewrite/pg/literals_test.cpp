// Statement shapes: literals lifted out and put back, and rewriting a shape then refilling it
// gives exactly the rewrite of the original text, for every statement of the golden corpus.
#include "rewrite/pg/literals.h"

#include <gtest/gtest.h>

#include <fstream>

#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"

namespace switchyard::rewrite::pg {
namespace {

TEST(Literals, WritesThatDifferOnlyInLiteralsShareAShape) {
  const auto a = shape_of("UPDATE t SET a = a + 7 WHERE id = 42");
  const auto b = shape_of("UPDATE t SET a = a + -1500 WHERE id = 9");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->text, "UPDATE t SET a = a + $1 WHERE id = $2");
  EXPECT_EQ(a->literals, (std::vector<std::string>{"7", "42"}));
  EXPECT_EQ(b->text, "UPDATE t SET a = a + -$1 WHERE id = $2");
  EXPECT_EQ(shape_of("UPDATE t SET a = a + 8 WHERE id = 1")->text, a->text);
}

TEST(Literals, PlaceholdersFollowTheStatementsOwnParameters) {
  const auto s = shape_of("UPDATE t SET a = $2 WHERE id = 5 AND b = $1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->first, 3);
  EXPECT_EQ(s->text, "UPDATE t SET a = $2 WHERE id = $3 AND b = $1");
}

TEST(Literals, EveryKindOfLiteralRoundTrips) {
  for (const char* sql : {"INSERT INTO t VALUES ('it''s', 'a$1b', 3.5, 1e3, B'101', X'1F', 0, $1)",
                          "SELECT \"col$1\", 'x' FROM t WHERE a = 'y''z'", "SELECT 1", "SELECT $1",
                          "INSERT INTO t VALUES (E'a\\'b', 'c')", "SELECT U&'d\\0061t'"}) {
    const auto s = shape_of(sql);
    ASSERT_TRUE(s) << sql;
    EXPECT_EQ(with_literals(s->text, *s), std::string(sql)) << s->text;
  }
}

TEST(Literals, PlaceholdersInsideQuotesAreNotFilled) {
  const auto s = shape_of("SELECT 'x'");
  ASSERT_TRUE(s);
  EXPECT_EQ(with_literals("SELECT '$1', \"$1\", $1, $12", Shape{"", {"'x'"}, 1, ""}), std::nullopt)
      << "$12 is out of range";
  EXPECT_EQ(with_literals("SELECT '$1', \"$1\", $1 || 'it''s $1'", *s), "SELECT '$1', \"$1\", 'x' || 'it''s $1'");
}

TEST(Literals, TextThatDoesNotScanHasNoShape) { EXPECT_FALSE(shape_of("SELECT 'unterminated")); }

std::vector<std::string> golden_inputs() {
  std::vector<std::string> out;
  for (const char* f : {"dual_write.txt", "new_only.txt"}) {
    std::ifstream in(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/pg/golden/" + f);
    std::string line;
    bool next = false;
    while (std::getline(in, line)) {
      if (next) out.push_back(line);
      next = line == "-- sql";
    }
  }
  return out;
}

TEST(Literals, RewritingTheShapeThenRefillingEqualsRewritingTheText) {
  for (const auto phase : {config::Phase::kDualWrite, config::Phase::kNewOnly}) {
    const Catalog catalog = testing::seeds_catalog(phase);
    const auto inputs = golden_inputs();
    ASSERT_GT(inputs.size(), 30u);
    size_t with_literal = 0;
    for (const auto& sql : inputs) {
      const auto shape = shape_of(sql);
      ASSERT_TRUE(shape) << sql;
      const RewriteResult direct = rewrite_sql(sql, catalog);
      const RewriteResult shaped = rewrite_sql(shape->text, catalog);
      if (!shaped.parsed) continue;  // the cache falls back to the text for these
      with_literal += !shape->literals.empty();
      ASSERT_EQ(shaped.kind, direct.kind) << sql;
      if (direct.kind == RewriteResult::Kind::kRewritten) {
        EXPECT_EQ(with_literals(shaped.sql, *shape), direct.sql) << sql << "\nshape: " << shape->text;
      }
    }
    EXPECT_GT(with_literal, 20u);
  }
}

}  // namespace
}  // namespace switchyard::rewrite::pg

// The MySQL rewriter's text tools (rewrite/mysql/sql_text.h): edits over a statement's own text,
// identifier quoting, column references and volatility of expressions.
#include "rewrite/mysql/sql_text.h"

#include <gtest/gtest.h>

#include "rewrite/mysql/parser.h"

namespace switchyard::rewrite::mysql {
namespace {

TEST(MysqlTextEdits, ApplyInsertsAndReplacementsInPositionOrderWhateverTheirOrderOfAddition) {
  const std::string src = "UPDATE t SET a = 1 WHERE b = 2";
  TextEdits e;
  e.replace(25, 26, "`c`");        // b
  e.insert(18, ", d = (a)");       // after "a = 1"
  e.insert(18, ", x = 0");         // a second insert at the same point keeps its order
  EXPECT_EQ(e.apply(src), "UPDATE t SET a = 1, d = (a), x = 0 WHERE `c` = 2");
}

TEST(MysqlTextEdits, TheTextOfARangeHoldsTheEditsInsideItAndReplacingItFoldsThem) {
  const std::string src = "SET a = f(b, c)";
  TextEdits e;
  e.replace(10, 11, "(down)");  // b
  e.insert(15, " + 1");          // at the range's end: outside it
  EXPECT_EQ(e.text(src, 8, 15), "f((down), c)");
  e.replace(8, 15, "up(" + e.text(src, 8, 15) + ")");
  EXPECT_EQ(e.apply(src), "SET a = up(f((down), c)) + 1");
  EXPECT_EQ(e.size(), 2u);  // the inner replacement was folded into the outer one
}

TEST(MysqlTextEdits, QuotesIdentifiersSoTheyReadAlikeUnderAnsiQuotes) {
  EXPECT_EQ(quote_identifier("full_name"), "`full_name`");
  EXPECT_EQ(quote_identifier("a`b"), "`a``b`");
  EXPECT_EQ(fold("Full_Name"), "FULL_NAME");
}

struct RefsCase {
  const char* expr;
  const char* refs;           // "qualifier.column" (folded), space-separated
  const char* volatile_why;   // "" when not volatile
};

void PrintTo(const RefsCase& c, std::ostream* os) { *os << c.expr; }

class MysqlColumnRefs : public ::testing::TestWithParam<RefsCase> {};

TEST_P(MysqlColumnRefs, AreTheNamesInValuePositionAndVolatilityIsJudgedByName) {
  const std::string sql = std::string("SELECT ") + GetParam().expr;
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p) << p.error().message;
  const NodeId e = p.tree().child(p.tree().child(p.tree().child(p.tree().root(), 0), 0), 0);
  std::string refs;
  for (const ColumnRef& r : column_refs(p.tree(), e, false)) refs += (refs.empty() ? "" : " ") + r.qualifier + "." + r.column;
  EXPECT_EQ(refs, GetParam().refs);
  std::string why;
  EXPECT_EQ(may_be_volatile(p.tree(), e, &why), *GetParam().volatile_why != '\0');
  EXPECT_EQ(why, GetParam().volatile_why);
}

const RefsCase kRefs[] = {
    {"CASE WHEN include = 'X' THEN 1 ELSE 0 END", ".INCLUDE", ""},
    {"u.full_name || db.t.c", "U.FULL_NAME T.C", ""},
    {"VALUES(full_name)", ".FULL_NAME", ""},
    {"db.f(a) + COUNT(*)", ".A", "f()"},
    {"CONCAT(a, (SELECT b FROM t))", ".A", ""},
    {"UUID()", "", "UUID()"},
    {"NOW(6) + RAND()", "", "NOW()"},
    {"LAST_INSERT_ID(x + 1)", ".X", "LAST_INSERT_ID()"},
    {"@v := a", ".A", ":="},
    {"CAST(a AS CHAR(1))", ".A", ""},
};

INSTANTIATE_TEST_SUITE_P(Table, MysqlColumnRefs, ::testing::ValuesIn(kRefs));

TEST(MysqlSelectLeaves, AreTheSelectBlocksOfUnionsParenthesesAndWith) {
  const std::string sql = "WITH c AS (SELECT 1) (SELECT a FROM t) UNION ALL SELECT b FROM u UNION SELECT c FROM v";
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(select_leaves(p.tree(), p.tree().root()).size(), 3u);
}

TEST(MysqlPlaceholders, AreFoundAtAnyDepth) {
  const std::string sql = "SELECT CONCAT(a, (SELECT ? FROM t))";
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p);
  EXPECT_TRUE(has_placeholder(p.tree(), p.tree().root()));
  const std::string none = "SELECT '?'";
  const Parsed q = parse(none, {});
  ASSERT_TRUE(q);
  EXPECT_FALSE(has_placeholder(q.tree(), q.tree().root()));
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

// Literal shapes of MySQL text (rewrite/mysql/literal_shape.h): the shape gives back its text, and
// rewriting the shape then putting the literals back gives what rewriting the text gives, for
// every statement of the corpus and of the migrations' own tables, in every phase and route,
// wherever the cache (proxy/rewrite_cache.cpp) would use the shape.
#include "rewrite/mysql/literal_shape.h"

#include <gtest/gtest.h>

#include "rewrite/mysql/rewriter.h"
#include "tests/rewrite/mysql/column_catalog.h"
#include "tests/rewrite/mysql/corpus.h"
#include "tests/rewrite/mysql/table_catalog.h"

namespace switchyard::rewrite::mysql {
namespace {

using config::Phase;

// Writes and reads of the test catalogs' tables with literals in every position they take.
const char* const kStatements[] = {
    "INSERT INTO users (id, full_name) VALUES (1, 'Ann'), (2, \"Bob\")",
    "INSERT INTO users (id, full_name, email) VALUES (3, 'it''s', 'a\\'b@x.io')",
    "INSERT INTO users SET id = 4, full_name = CONCAT('A', 'B')",
    "INSERT INTO users (id, full_name) VALUES (5, 'x') ON DUPLICATE KEY UPDATE full_name = 'y'",
    "INSERT INTO users (id, display_name) VALUES (6, 'new')",
    "UPDATE users SET full_name = 'Zed' WHERE id = 7",
    "UPDATE users SET full_name = _utf8mb4'Z' COLLATE utf8mb4_bin WHERE id IN (1, 2, 3) ORDER BY id LIMIT 2",
    "UPDATE users SET display_name = 'n', email = 'e' WHERE id > 10 AND full_name LIKE 'a%'",
    "DELETE FROM users WHERE id = 8 AND full_name = 'x'",
    "SELECT full_name FROM users WHERE id = 9",
    "SELECT id, full_name FROM users WHERE full_name = 'a' ORDER BY 2 DESC, 1 LIMIT 10 OFFSET 5",
    "SELECT COUNT(*) FROM users WHERE email <> '' GROUP BY 1",
    "SELECT display_name, 'lit', 42, 1.5 FROM users WHERE id BETWEEN 1 AND 100",
    "INSERT INTO accounts (aid, include, name) VALUES (1, 'X', 'a'), (2, '', 'b')",
    "INSERT INTO accounts (aid, include_bool, name) VALUES (3, 1, 'c')",
    "UPDATE accounts SET include = 'X', name = 'n' WHERE aid = 4",
    "UPDATE accounts SET include = IF(aid > 5, 'X', '') WHERE name = 'q'",
    "UPDATE accounts SET include_bool = 0 WHERE aid = 5",
    "SELECT include FROM accounts WHERE aid = 6 AND include = 'X'",
    "SELECT aid, include, include_bool FROM accounts WHERE name IN ('a', 'b') ORDER BY aid",
    "INSERT INTO ledger (amount) VALUES (10), (20)",
    "INSERT INTO ledger (aid, amount) VALUES (7, -5)",
    "UPDATE ledger SET amount = amount + 1 WHERE aid = 7",
    "INSERT INTO items (sku, price, note) VALUES (1, 9.99, 'n'), (2, .5, 'm')",
    "UPDATE items SET price = 12.50 WHERE sku = 3",
    "UPDATE items SET price = price * 1.1, note = 'up' WHERE sku BETWEEN 1 AND 9",
    "INSERT INTO items (sku, price_cents) VALUES (4, 1999)",
    "SELECT price, price_cents FROM items WHERE sku = 5 AND price > 1.25",
    "SELECT * FROM items WHERE note = 'x' LIMIT 3",
    "SELECT u.full_name, a.include FROM users u JOIN accounts a ON a.aid = u.id WHERE u.id = 1 AND a.include = 'X'",
    "INSERT INTO inovices (id, total, note) VALUES (1, 2.50, 'a')",
    "INSERT INTO inovices (total, note) VALUES (3.75, 'b'), (4, 'c')",
    "UPDATE inovices SET total = 9.99 WHERE id = 2",
    "UPDATE inovices SET note = 'x' WHERE note LIKE 'a%' ORDER BY id DESC LIMIT 3",
    "DELETE FROM inovices WHERE id = 4",
    "SELECT total FROM inovices WHERE id = 5",
    "SELECT total FROM invoices WHERE note = 'z'",
    "UPDATE legacy_accounts SET accttype = 'S' WHERE code = 'x'",
    "INSERT INTO accounts2 (code, kind, name) VALUES ('y', 'savings', 'Y')",
    "SELECT 1 FROM DUAL WHERE 'a' = 'a'",
    "UPDATE users SET full_name = 'a' WHERE id = 1; UPDATE accounts SET include = 'X' WHERE aid = 2",
};

std::vector<std::string> statements() {
  std::vector<std::string> out(std::begin(kStatements), std::end(kStatements));
  for (const auto& s : testing::read_corpus(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus"))
    out.push_back(s.sql);
  return out;
}

TEST(MysqlLiteralShape, LiftsStringsAndNumbersAndGivesTheTextBack) {
  const LexicalSettings settings;
  const auto shape = literal_shape("UPDATE t SET a = 'x', b = 12, c = 1.5, d = X'0F', e = 1e3 WHERE id = -7 ORDER BY 2", settings);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->literals, (std::vector<std::string>{"'x'", "12", "1.5", "7"}));
  EXPECT_EQ(shape->display, "UPDATE t SET a = ?, b = ?, c = ?, d = X'0F', e = 1e3 WHERE id = -? ORDER BY 2");
  EXPECT_EQ(fill_literals(shape->text, *shape, settings),
            "UPDATE t SET a = 'x', b = 12, c = 1.5, d = X'0F', e = 1e3 WHERE id = -7 ORDER BY 2");
  // A sentinel the rewrite copied is filled in each place; one the shape does not have fails.
  EXPECT_EQ(fill_literals("SELECT 'sy~lit~0~', 'sy~lit~0~', 8437519260000000001", *shape, settings), "SELECT 'x', 'x', 12");
  EXPECT_EQ(fill_literals("SELECT 'sy~lit~9~'", *shape, settings), std::nullopt);
  // Under ANSI_QUOTES "x" is a name, not a literal; a text with ? has no shape.
  LexicalSettings ansi;
  ansi.ansi_quotes = true;
  EXPECT_EQ(literal_shape("SELECT \"x\" FROM t WHERE a = 'y'", ansi)->literals, (std::vector<std::string>{"'y'"}));
  EXPECT_FALSE(literal_shape("SELECT a FROM t WHERE b = ? AND c = 'x'", settings));
  EXPECT_FALSE(literal_shape("SELECT a FROM t", settings));
  for (const auto& sql : statements()) {
    if (auto s = literal_shape(sql, settings)) {
      EXPECT_EQ(fill_literals(s->text, *s, settings), sql) << sql;
    }
  }
}

TEST(MysqlLiteralShape, RewritingTheShapeThenFillingItEqualsRewritingTheText) {
  const LexicalSettings settings;
  size_t compared = 0, rewritten = 0;
  for (const auto phase : {Phase::kDualWrite, Phase::kShadow, Phase::kReadNew, Phase::kNewOnly}) {
    for (const Catalog& catalog : {testing::column_catalog(phase), testing::table_catalog(phase)}) {
      for (const ReadRoute route : {ReadRoute{}, ReadRoute{~uint64_t{0}}}) {
        for (const auto& sql : statements()) {
          const auto shape = literal_shape(sql, settings);
          if (!shape) continue;
          const RewriteResult direct = rewrite_sql(sql, catalog, route, settings, "app");
          const RewriteResult shaped = rewrite_sql(shape->text, catalog, route, settings, "app");
          // Where the cache plans the text itself: a shape that does not parse, a refusal, a script.
          if (!shaped.parsed || shaped.kind == RewriteResult::Kind::kRefused || shaped.script) continue;
          ++compared;
          ASSERT_EQ(static_cast<int>(shaped.kind), static_cast<int>(direct.kind))
              << sql << "\nshape: " << shape->text << "\ndirect: " << direct.reason;
          if (direct.kind != RewriteResult::Kind::kRewritten) continue;
          ++rewritten;
          EXPECT_EQ(fill_literals(shaped.sql, *shape, settings), direct.sql) << sql << "\nshape: " << shape->text;
          EXPECT_EQ(shaped.reads_mask, direct.reads_mask) << sql;
          EXPECT_EQ(shaped.completions, direct.completions) << sql;
        }
      }
    }
  }
  EXPECT_GT(rewritten, 100u);
  std::printf("%zu shapes compared with their texts, %zu of them rewritten\n", compared, rewritten);
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

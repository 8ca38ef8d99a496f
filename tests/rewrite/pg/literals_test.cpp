// Statement shapes: literals lifted out and put back, and rewriting a shape then refilling it
// gives exactly the rewrite of the original text, for every statement of the golden corpus.
#include "rewrite/pg/literals.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

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

// `date'2024-01-01'` shaped as `date$1` would be one identifier: another statement.
TEST(Literals, ALiteralAgainstAWordHasNoShape) {
  for (const char* sql : {"UPDATE users SET full_name = date'2024-01-01'::text WHERE id = 1", "SELECT x.5",
                          "SELECT \xc3\xa9'x'"}) {
    EXPECT_FALSE(shape_of(sql)) << sql;
    EXPECT_FALSE(scanned_shape_of(sql)) << sql;
  }
  EXPECT_TRUE(shape_of("UPDATE users SET full_name = date '2024-01-01'::text WHERE id = 1"));
}

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

namespace switchyard::rewrite::pg {
namespace {

// Every statement of the golden files (the lines between "-- sql" and "-- expect") and the
// pg_rewrite fuzz corpus (its first byte picks a catalog).
std::vector<std::string> scan_corpus() {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& f : fs::directory_iterator(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/pg/golden")) {
    std::ifstream in(f.path());
    std::string line, sql;
    bool in_sql = false;
    while (std::getline(in, line)) {
      if (line == "-- sql") {
        in_sql = true;
        sql.clear();
      } else if (line == "-- expect" && in_sql) {
        out.push_back(sql);
        in_sql = false;
      } else if (in_sql) {
        sql += (sql.empty() ? "" : "\n") + line;
      }
    }
  }
  for (const auto& f : fs::directory_iterator(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/fuzz/corpus/pg_rewrite")) {
    std::ifstream in(f.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.size() > 1) out.push_back(data.substr(1));
  }
  return out;
}

void expect_same_shape(const std::string& sql, size_t& accepted) {
  const auto fast = fast_shape_of(sql);
  if (!fast) return;
  ++accepted;
  const auto scanned = scanned_shape_of(sql);
  ASSERT_TRUE(scanned) << "the fast scan accepted what the scanner refuses: " << sql;
  EXPECT_EQ(fast->text, scanned->text) << sql;
  EXPECT_EQ(fast->literals, scanned->literals) << sql;
  EXPECT_EQ(fast->first, scanned->first) << sql;
}

TEST(Literals, TheFastScanShapesExactlyAsPostgresScannerDoesOrDeclines) {
  const std::vector<std::string> cases = {
      "UPDATE pgbench_accounts SET abalance = abalance + -4711 WHERE aid = 923;",
      "SELECT abalance FROM pgbench_accounts WHERE aid = 1", "INSERT INTO t VALUES (1.5, .5, 1e3, 1.e-3, 2E+7, 10.)",
      "SELECT 'a\\b', 'it''s', '', \"Quoted\"\"Name\", x$1, $1, $23 FROM t -- trailing 'comment'",
      "SELECT /* a /* nested */ 'comment' */ 1", "SELECT 'a'\n'b'", "SELECT 'a' 'b'", "SELECT 'a' -- c\n'b'",
      "SELECT E'x\\'y'", "SELECT e'x'", "SELECT B'101', X'1F', N'x', U&'d\\0061t', U&\"d\"", "SELECT date'2024-01-01'",
      "SELECT DATE '2024-01-01'", "SELECT $$dollar$$", "SELECT $tag$x$tag$", "SELECT 123abc", "SELECT 0x1F",
      "SELECT 1..2", "SELECT a..2", "SELECT ...2", "SELECT 1e", "SELECT $1a", "SELECT a\vb", "SELECT 'x", "SELECT \"x", "SELECT /* x",
      "SELECT \"\"", "SELECT 1::text, '2'::int, -3, +4, 5-6, 7/8, 9*0", "SELECT t.5", "SELECT a.b.c",
      "SELECT 'über', ü, \"ß\"", "SELECT '\t'", "SELECT 1 \\g", std::string("SELECT 1\0 'x'", 13), std::string("SELECT 'a\0b'", 12), "",
      "UPDATE t SET a=a+1,b='x'WHERE id=2", "SELECT 1.2.3", "SELECT 1 " + std::string(70, '@') + " 2", "SELECT 4e5e6", "SELECT a--b\n, 2", "SELECT 1 -- c\r2, 3"};
  size_t accepted = 0;
  for (const auto& sql : cases) expect_same_shape(sql, accepted);
  const auto corpus = scan_corpus();
  ASSERT_GT(corpus.size(), 300u);
  for (const auto& sql : corpus) expect_same_shape(sql, accepted);
  // Mutants: the corpus with bytes that matter to the lexer put in, taken out and changed.
  std::mt19937 rng(20261204);
  const std::string alphabet = "'\"$.eE0123456789-/*\n ;:&\\xXbBuUnN_a(),+";
  size_t mutants = 0;
  for (int round = 0; round < 40; ++round) {
    for (std::string sql : corpus) {
      if (sql.empty()) continue;
      for (int k = 0; k < 3; ++k) {
        const size_t at = rng() % sql.size();
        switch (rng() % 3) {
          case 0: sql.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          case 1: sql.erase(at, 1); break;
          default: sql[at] = alphabet[rng() % alphabet.size()];
        }
        if (sql.empty()) break;
      }
      expect_same_shape(sql, accepted);
      ++mutants;
      if (::testing::Test::HasFailure()) return;
    }
  }
  // The fast scan takes nearly all of the real statements; an input it declines costs the scanner.
  EXPECT_GT(accepted, corpus.size() / 2) << accepted << " of " << corpus.size() + mutants + cases.size();
}

}  // namespace
}  // namespace switchyard::rewrite::pg

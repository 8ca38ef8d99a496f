// Error positions mapped from a rewritten text back to the client's: the token an error points
// at is found again in the client's text, or the position is given up (never guessed).
#include "rewrite/pg/error_position.h"

#include <gtest/gtest.h>

#include <string>

#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"
#include "tests/rewrite/pg/tables_catalog.h"

namespace switchyard::rewrite::pg {
namespace {

// 1-based character position of the `nth` (0-based) occurrence of `token` in `text`, as the
// server counts (UTF-8 characters).
int position_of(const std::string& text, const std::string& token, int nth = 0) {
  size_t at = text.find(token);
  for (int i = 0; i < nth && at != std::string::npos; ++i) at = text.find(token, at + 1);
  EXPECT_NE(at, std::string::npos) << token << " in " << text;
  int chars = 0;
  for (size_t i = 0; i < at; ++i) chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return chars + 1;
}

std::string rewritten(const std::string& sql, const Catalog& catalog) {
  const RewriteResult r = rewrite_sql(sql, catalog);
  EXPECT_EQ(r.kind, RewriteResult::Kind::kRewritten) << sql << ": " << r.reason;
  return r.sql;
}

TEST(ErrorPosition, PointsAtTheSameTokenInTheClientsText) {
  const struct {
    const char* sql;
    const char* token;  // where the server's error points, in the rewritten text (first one)
    bool tables;
  } kCases[] = {
      {"UPDATE users SET full_name = lower(nme) WHERE id = 1", "nme", false},
      {"UPDATE users SET full_name = 'x' WHERE idd = 1", "idd", false},
      {"SELECT 1;   UPDATE users SET full_name = 'a' WHERE id = 'seven'::int", "'seven'", false},
      {"INSERT INTO users (id, full_name) VALUES (1, 'é' || 2 + 'ü')", "+", false},
      {"UPDATE inovices SET note = nte WHERE id = 1", "nte", true},
      {"DELETE FROM legacy_accounts WHERE name = 1 + true RETURNING id", "+", true},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.sql);
    const std::string sql = c.sql;
    const std::string sent = rewritten(sql, c.tables ? testing::tables_catalog() : testing::seeds_catalog());
    ASSERT_NE(sent, sql);
    const auto mapped = map_error_position(sent, sql, position_of(sent, c.token), true);
    ASSERT_TRUE(mapped) << sent;
    EXPECT_EQ(*mapped, position_of(sql, c.token));
  }
}

TEST(ErrorPosition, GivesUpWhenTheTokenIsNotTheClientsOrNotOne) {
  const std::string twice = "UPDATE users SET full_name = nme WHERE nme = 'a'";
  const std::string sent = rewritten(twice, testing::seeds_catalog());
  EXPECT_FALSE(map_error_position(sent, twice, position_of(sent, "nme"), true)) << "two places in the client's text";

  const std::string table = "UPDATE inovices SET note = 'n' WHERE id = 1";
  const std::string cte = rewritten(table, testing::tables_catalog());
  EXPECT_FALSE(map_error_position(cte, table, position_of(cte, "switchyard_w"), true)) << "made by the rewrite";
  EXPECT_FALSE(map_error_position(cte, table, 0, true));
  EXPECT_FALSE(map_error_position(cte, table, static_cast<int>(cte.size()) + 5, true));
  EXPECT_FALSE(map_error_position("not sql at all", table, 1, true));
}

TEST(ErrorPosition, CountsBytesOutsideUtf8) {
  const std::string sql = "UPDATE users SET full_name = nme WHERE id = 1";
  const std::string sent = rewritten(sql, testing::seeds_catalog());
  const int at = static_cast<int>(sent.find("nme")) + 1;
  EXPECT_EQ(map_error_position(sent, sql, at, false), static_cast<int>(sql.find("nme")) + 1);
}

}  // namespace
}  // namespace switchyard::rewrite::pg

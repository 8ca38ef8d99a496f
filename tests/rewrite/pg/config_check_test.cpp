// The SQL half of the config check: each up/down expression is exactly one expression, respelt
// from its parse tree; anything else is a config error naming the file, line, key and migration.
#include "rewrite/pg/config_check.h"

#include <gtest/gtest.h>

#include "rewrite/pg/expression_text.h"

namespace switchyard::rewrite::pg {
namespace {

config::LoadResult load(const std::string& migration_yaml) {
  auto r = config::parse_config("control: x\nmigrations:\n  - name: m1\n    table: t\n" + migration_yaml, "m.yaml");
  if (!r) return r;
  if (auto error = parse_expressions(*r.config, "m.yaml")) {
    r.config.reset();
    r.error = *error;
  }
  return r;
}

std::string change(const std::string& up, const std::string& down = "b") {
  return "    change_column:\n      from: a\n      to: b\n      up: '" + up + "'\n      down: '" + down + "'\n";
}

// Text that closes the parenthesis of `SELECT (expr) FROM t` passed the old load-time check.
TEST(ConfigCheck, TextThatIsNotExactlyOneExpressionIsRefused) {
  struct Bad {
    std::string yaml;
    int line;
    const char* key;
    const char* why;
  };
  const Bad cases[] = {
      {change("a) , (1"), 8, "migrations[0].change_column.up", "syntax error"},
      {change("a) FROM t UNION ALL SELECT (1"), 8, "migrations[0].change_column.up", "syntax error"},
      {change("a) FROM t; --"), 8, "migrations[0].change_column.up", "syntax error"},
      {change("a", "b) FROM t; --"), 9, "migrations[0].change_column.down", "syntax error"},
      {change("a, 1"), 8, "migrations[0].change_column.up", "a list of 2 expressions"},
      {change("a FROM t"), 8, "migrations[0].change_column.up", "adds a clause"},
      {change("a FROM t UNION ALL SELECT 1"), 8, "migrations[0].change_column.up", "adds a clause"},
      {change("1; DROP TABLE t"), 8, "migrations[0].change_column.up", "more than one statement"},
      {change("a AS b"), 8, "migrations[0].change_column.up", "names its result"},
      {change("-- only a comment"), 8, "migrations[0].change_column.up", "holds no expression"},
      {"    add_column: {name: c, up: 'a) FROM t; --'}\n", 5, "migrations[0].add_column.up", "syntax error"},
      {"    add_column: {name: c, up: a, down: {a: 'c) , (1'}}\n", 5, "migrations[0].add_column.down.a", "syntax error"},
  };
  for (const auto& c : cases) {
    const auto r = load(c.yaml);
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_EQ(r.error.file, "m.yaml");
    EXPECT_EQ(r.error.line, c.line) << r.error.to_string();
    EXPECT_EQ(r.error.key, c.key) << r.error.to_string();
    EXPECT_NE(r.error.message.find("migration m1: "), std::string::npos) << r.error.to_string();
    EXPECT_NE(r.error.message.find("is not exactly one SQL expression"), std::string::npos) << r.error.to_string();
    EXPECT_NE(r.error.message.find(c.why), std::string::npos) << r.error.to_string();
  }
  const auto copy = config::parse_config(
      "control: x\nmigrations:\n  - name: m2\n    copy_table:\n      from: a\n      to: b\n"
      "      columns: {id: id, x: 'y) FROM a; --'}\n", "m.yaml");
  ASSERT_TRUE(copy) << copy.error.to_string();
  config::Config c = *copy.config;
  const auto error = parse_expressions(c, "m.yaml");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->to_string().rfind("m.yaml:7: migrations[0].copy_table.columns.x: migration m2: \"y) FROM a; --\" is not "
                                     "exactly one SQL expression: syntax error at or near \")\"", 0), 0u)
      << error->to_string();
}

// Legitimate expressions pass, and what the rest of switchyard sees is their tree deparsed.
TEST(ConfigCheck, ExpressionsAreRespeltFromTheirParseTree) {
  struct Good {
    std::string up;
    const char* canonical;
  };
  const Good cases[] = {
      {"a::int4", "a::int4"},
      {"CAST(a AS numeric(12,2))", "a::numeric(12, 2)"},
      {"CASE WHEN a = ''X'' THEN true ELSE false END", "CASE WHEN a = 'X' THEN true ELSE false END"},
      {"lower(  btrim(a) )", "lower(btrim(a))"},
      {"a || '' '' || \"lastName\"", "(a || ' ') || \"lastName\""},
      {"\"createdAt\"", "\"createdAt\""},
      {"\"order\"", "\"order\""},
      {"\"we\"\"ird\" -- a trailing comment", "\"we\"\"ird\""},
      {"(SELECT 1)", "(SELECT 1)"},
  };
  for (const auto& c : cases) {
    const auto r = load(change(c.up));
    ASSERT_TRUE(r) << c.up << ": " << r.error.to_string();
    EXPECT_EQ(r.config->migrations[0].up[0].expr, c.canonical) << c.up;
    EXPECT_EQ(r.config->migrations[0].down[0].expr, "b");
  }
  // A rename's own expressions: the quoted other column.
  const auto r = load("    rename_column: {from: createdAt, to: created_at}\n");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->migrations[0].up[0].expr, "\"createdAt\"");
  EXPECT_EQ(r.config->migrations[0].down[0].expr, "created_at");
}

TEST(ExpressionText, BareColumnsAreNamedAsTheParserFoldsThem) {
  EXPECT_EQ(bare_column("id"), "id");
  EXPECT_EQ(bare_column("\"createdAt\""), "createdAt");
  EXPECT_EQ(bare_column("createdAt"), "createdat");
  EXPECT_EQ(bare_column("\"we\"\"ird\""), "we\"ird");
  EXPECT_EQ(bare_column("\"two words\""), "two words");
  EXPECT_EQ(bare_column("t.id"), std::nullopt);
  EXPECT_EQ(bare_column("id + 1"), std::nullopt);
  EXPECT_EQ(bare_column("id) FROM t; --"), std::nullopt);
  EXPECT_EQ(columns_read("\"firstName\" || ' ' || last_name"), (std::set<std::string>{"firstName", "last_name"}));
}

}  // namespace
}  // namespace switchyard::rewrite::pg

// The planner's shadow reads through MySQL's dialect: a sampled COM_QUERY read carries both
// texts and the session's sql_mode flags (which the MySQL shadow connection reads under), and a
// read whose bytes a utf8mb4 connection could read otherwise (a GBK client) is not shadowed.
// PostgreSQL's rule is unchanged: only with standard_conforming_strings on.
#include <gtest/gtest.h>

#include "planner/planner.h"
#include "rewrite/mysql/dialect.h"
#include "rewrite/pg/dialect.h"
#include "tests/rewrite/mysql/column_catalog.h"

namespace switchyard::planner {
namespace {

struct AlwaysSample final : Sampler {
  bool sample(double) override { return true; }
};

struct MysqlFixture {
  MysqlFixture() : catalog(rewrite::mysql::testing::column_catalog(config::Phase::kShadow)) {
    for (auto& m : catalog.migrations) m.spec.shadow.sample_percent = 100;
    prefilter = rewrite::Prefilter(catalog.relation_names(), catalog.truncate_names(), catalog.server_writer_names());
    facts = {&rewrite::mysql::dialect(), &catalog, &prefilter, config::DdlLint::kOff, true};
  }
  Decision plan(std::string_view sql, const rewrite::Lexical& lexical) {
    DirectRewrites rewrites(rewrite::mysql::dialect(), catalog);
    AlwaysSample sampler;
    return Planner(facts, rewrite::ReadRoute{}).plan({Statement::Kind::kQuery, sql, ""}, lexical, rewrites, sampler);
  }
  rewrite::Catalog catalog;
  rewrite::Prefilter prefilter;
  GenerationFacts facts;
};

// A MySQL session's settings as the server's defaults give them: backslashes escape.
rewrite::Lexical mysql_session() {
  rewrite::Lexical l;
  l.standard_strings = false;
  return l;
}

TEST(MysqlShadowPlan, ASampledReadCarriesBothTextsAndTheSessionsFlags) {
  MysqlFixture f;
  const Decision d = f.plan("SELECT full_name FROM users WHERE id = 1", mysql_session());
  ASSERT_TRUE(d.shadow.has_value());
  EXPECT_EQ(d.shadow->served_sql, "SELECT full_name FROM users WHERE id = 1");
  EXPECT_NE(d.shadow->other_sql.find("display_name"), std::string::npos) << d.shadow->other_sql;
  EXPECT_FALSE(d.shadow->served_is_new);
  EXPECT_FALSE(d.shadow->mysql_lexical.ansi_quotes);

  rewrite::Lexical ansi = mysql_session();
  ansi.mysql.ansi_quotes = true;
  const Decision q = f.plan("SELECT \"full_name\" FROM \"users\" WHERE id = 1", ansi);
  ASSERT_TRUE(q.shadow.has_value());
  EXPECT_TRUE(q.shadow->mysql_lexical.ansi_quotes);
  EXPECT_NE(q.shadow->other_sql.find("display_name"), std::string::npos) << q.shadow->other_sql;
}

TEST(MysqlShadowPlan, WhatTheShadowConnectionCannotReadAlikeIsNotShadowed) {
  MysqlFixture f;
  rewrite::Lexical gbk = mysql_session();
  gbk.mysql.charset = rewrite::mysql::ClientCharset::kGbk;
  EXPECT_FALSE(f.plan("SELECT full_name FROM users WHERE id = 1", gbk).shadow.has_value());
  // Writes are never shadowed.
  EXPECT_FALSE(f.plan("UPDATE users SET full_name = 'a' WHERE id = 1", mysql_session()).shadow.has_value());
}

TEST(MysqlShadowPlan, EachDialectSaysWhatAShadowConnectionReadsUnder) {
  rewrite::Lexical pg_off;
  pg_off.standard_strings = false;
  EXPECT_FALSE(rewrite::pg::dialect().shadow_lexical(pg_off).has_value());
  EXPECT_TRUE(rewrite::pg::dialect().shadow_lexical(rewrite::Lexical{}).has_value());
  rewrite::Lexical my = mysql_session();
  my.mysql.pipes_as_concat = true;
  const auto kept = rewrite::mysql::dialect().shadow_lexical(my);
  ASSERT_TRUE(kept.has_value());
  EXPECT_TRUE(kept->mysql.pipes_as_concat);
  my.unfollowed = "sql_mode ORACLE";
  EXPECT_FALSE(rewrite::mysql::dialect().shadow_lexical(my).has_value());
}

}  // namespace
}  // namespace switchyard::planner

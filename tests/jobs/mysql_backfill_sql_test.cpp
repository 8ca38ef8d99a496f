// The SQL the MySQL backfill (and verify) generate for the column kinds, pinned as text.
#include "jobs/mysql_backfill_sql.h"

#include <gtest/gtest.h>

#include "jobs/mysql_job_spec.h"
#include "tests/jobs/job_fixtures.h"

namespace switchyard::jobs {
namespace {

// users (id int(11) PK, full_name, display_name): rename_column full_name -> display_name, with
// the config's expressions in PostgreSQL's quotes as the config spells them.
rewrite::ResolvedMigration mysql_users() {
  rewrite::ResolvedMigration m = fixtures::users_display_name();
  m.spec.up = {{"display_name", "\"full_name\""}};
  m.spec.down = {{"full_name", "\"display_name\""}};
  for (auto& c : m.old_rel.columns) c.base_type = c.type = c.name == "id" ? "int(11)" : "varchar(100)";
  m.new_rel = m.old_rel;
  return m;
}

JobSpec spec_of(const rewrite::ResolvedMigration& m, Direction d = Direction::kForward) {
  auto r = make_mysql_job_spec(m, d, rewrite::mysql::LexicalSettings{});
  EXPECT_TRUE(r.spec) << r.error;
  return r.spec ? *r.spec : JobSpec{};
}

std::string quoted(const std::string& v) { return "'" + v + "'"; }

TEST(MysqlBackfillSql, RenameWritesTheBackquotedOtherColumnOverTheKeyRange) {
  const JobSpec s = spec_of(mysql_users());
  EXPECT_EQ(mysql_batch_update(s, {"10"}, {"20"}),
            "UPDATE `users` SET `display_name` = (`full_name`) WHERE `id` > 10 AND `id` <= 20");
  EXPECT_EQ(mysql_batch_update(s, {}, {"20"}), "UPDATE `users` SET `display_name` = (`full_name`) WHERE `id` <= 20");
}

TEST(MysqlBackfillSql, ReverseWritesTheOldColumnThroughDown) {
  const JobSpec s = spec_of(mysql_users(), Direction::kReverse);
  EXPECT_EQ(mysql_batch_update(s, {}, {"5"}), "UPDATE `users` SET `full_name` = (`display_name`) WHERE `id` <= 5");
}

TEST(MysqlBackfillSql, ChangeColumnKeepsTheMysqlExpressionParenthesised) {
  rewrite::ResolvedMigration m = fixtures::accounts_include_bool();
  m.spec.up = {{"include_bool", "IF(`include` = 'X', 1, 0)"}};
  m.old_rel.columns[0].base_type = "int(10) unsigned";
  const JobSpec s = spec_of(m);
  EXPECT_EQ(mysql_batch_update(s, {"1"}, {"9"}),
            "UPDATE `accounts` SET `include_bool` = (IF(`include` = 'X', 1, 0)) WHERE `aid` > 1 AND `aid` <= 9");
}

TEST(MysqlBackfillSql, ExpressionThatIsNotOneMysqlExpressionIsRefused) {
  rewrite::ResolvedMigration m = fixtures::accounts_include_bool();
  m.spec.up = {{"include_bool", "1); DROP TABLE accounts; SELECT (1"}};
  auto r = make_mysql_job_spec(m, Direction::kForward, rewrite::mysql::LexicalSettings{});
  EXPECT_FALSE(r.spec);
  EXPECT_NE(r.error.find("accounts-include-bool"), std::string::npos) << r.error;
}

TEST(MysqlBackfillSql, CompositeKeysExpandIntoRangesOnTheFirstColumn) {
  const std::vector<std::string> key = {"a", "b`c"};
  EXPECT_EQ(mysql_key_after(key, {"1", "'x'"}), "(`a` > 1 OR (`a` = 1 AND `b``c` > 'x'))");
  EXPECT_EQ(mysql_key_at_most(key, {"2", "'y'"}), "(`a` < 2 OR (`a` = 2 AND `b``c` <= 'y'))");
  EXPECT_EQ(mysql_key_range(key, {}, {}), "TRUE");
}

TEST(MysqlBackfillSql, OnlyIntegersOfIntegerColumnsGoBare) {
  const auto lits = mysql_key_literals({"int(11)", "bigint(20) unsigned", "varchar(10)", "int(11)", "integer_like"},
                                       {"-42", "18446744073709551615", "7", "1 OR 1=1", "5"}, quoted);
  EXPECT_EQ(lits, (Literals{"-42", "18446744073709551615", "'7'", "'1 OR 1=1'", "'5'"}));
}

TEST(MysqlBackfillSql, PageEndCountsThePageAndReturnsItsLastKey) {
  const JobSpec s = spec_of(mysql_users());
  EXPECT_EQ(mysql_page_end(s, {"3"}, 100),
            "SELECT COUNT(*) OVER (), page.`id` FROM (SELECT `id` FROM `users` WHERE `id` > 3 ORDER BY `id` LIMIT 100) "
            "page ORDER BY page.`id` DESC LIMIT 1");
}

TEST(MysqlBackfillSql, TablesOutsidePublicAreQualifiedByTheirDatabase) {
  EXPECT_EQ(mysql_table({"public", "t"}), "`t`");
  EXPECT_EQ(mysql_table({"shop", "or`ders"}), "`shop`.`or``ders`");
}

TEST(MysqlBackfillSql, CheckpointRowIsKeyedByMigrationAndJob) {
  EXPECT_EQ(mysql_checkpoint_update("'m'", "'backfill'", "'copy'", {"7", "'a'"}, 10, 4),
            "UPDATE `switchyard`.`checkpoints` SET stage = 'copy', last_key = JSON_ARRAY(7, 'a'), rows_done = 10, "
            "rows_changed = 4, updated_at = NOW(6) WHERE migration = 'm' AND job = 'backfill'");
  EXPECT_NE(mysql_checkpoint_update("'m'", "'backfill'", "'done'", {}, 1, 1).find("last_key = NULL"), std::string::npos);
  EXPECT_EQ(mysql_checkpoint_select("'m'", "'j'", 2),
            "SELECT stage, rows_done, rows_changed, COALESCE(host, ''), CAST(updated_at AS CHAR), "
            "JSON_UNQUOTE(JSON_EXTRACT(last_key, '$[0]')), JSON_UNQUOTE(JSON_EXTRACT(last_key, '$[1]')) FROM "
            "`switchyard`.`checkpoints` WHERE migration = 'm' AND job = 'j'");
}

TEST(MysqlBackfillSql, LockNamesFitMysqlsSixtyFourCharacters) {
  EXPECT_EQ(mysql_lock_name("backfill", "users-display-name"), "switchyard.backfill.users-display-name");
  const std::string a = mysql_lock_name("backfill", std::string(63, 'a'));
  const std::string b = mysql_lock_name("backfill", std::string(62, 'a') + "b");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
}

TEST(MysqlBackfillSql, VerifyComparesNullSafelyOverBothDirections) {
  const JobSpec up = spec_of(mysql_users());
  const JobSpec down = spec_of(mysql_users(), Direction::kReverse);
  std::vector<TargetColumn> checked = up.columns;
  checked.insert(checked.end(), down.columns.begin(), down.columns.end());
  EXPECT_EQ(mysql_differs(checked), "NOT (`display_name` <=> (`full_name`) AND `full_name` <=> (`display_name`))");
  EXPECT_EQ(mysql_verify_stats(up, up.columns, {}, {"9"}),
            "SELECT COUNT(*), COALESCE(SUM(NOT (`display_name` <=> (`full_name`))), 0), COALESCE(SUM(NOT (`display_name` "
            "<=> (`full_name`)) AND `display_name` IS NULL), 0) FROM `users` WHERE `id` <= 9");
}

}  // namespace
}  // namespace switchyard::jobs

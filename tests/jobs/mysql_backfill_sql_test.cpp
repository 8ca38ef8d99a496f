// The SQL the MySQL backfill (and verify) generate for the column kinds, pinned as text.
#include "jobs/mysql_backfill_sql.h"

#include <gtest/gtest.h>

#include "jobs/mysql_job_spec.h"
#include "jobs/mysql_replica_lag.h"
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
  EXPECT_EQ(mysql_batch_write(s, {"10"}, {"20"}),
            "UPDATE `users` SET `display_name` = (`full_name`) WHERE `id` > 10 AND `id` <= 20");
  EXPECT_EQ(mysql_batch_write(s, {}, {"20"}), "UPDATE `users` SET `display_name` = (`full_name`) WHERE `id` <= 20");
}

TEST(MysqlBackfillSql, ReverseWritesTheOldColumnThroughDown) {
  const JobSpec s = spec_of(mysql_users(), Direction::kReverse);
  EXPECT_EQ(mysql_batch_write(s, {}, {"5"}), "UPDATE `users` SET `full_name` = (`display_name`) WHERE `id` <= 5");
}

TEST(MysqlBackfillSql, ChangeColumnKeepsTheMysqlExpressionParenthesised) {
  rewrite::ResolvedMigration m = fixtures::accounts_include_bool();
  m.spec.up = {{"include_bool", "IF(`include` = 'X', 1, 0)"}};
  m.old_rel.columns[0].base_type = "int(10) unsigned";
  const JobSpec s = spec_of(m);
  EXPECT_EQ(mysql_batch_write(s, {"1"}, {"9"}),
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
  EXPECT_EQ(mysql_page_end(s, s.source, {"3"}, 100),
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

// legacy_accounts (id, name, accttype, note) copied into account (id, name, type, note): `note`
// is in both tables, mapped by neither list.
rewrite::ResolvedMigration mysql_account_split() {
  rewrite::ResolvedMigration m = fixtures::account_split();
  m.spec.up = {{"name", "name"}, {"type", "IF(accttype = 'CREDITLINE', 'LIABILITY', 'ASSET')"}};
  m.spec.down = {{"accttype", "IF(type = 'LIABILITY', 'CREDITLINE', 'CHECKING')"}, {"name", "name"}};
  for (auto* rel : {&m.old_rel, &m.new_rel}) {
    rel->columns.erase(rel->columns.begin() + 2);  // user_id
    rel->columns.push_back({"note", "varchar(20)", "varchar(20)", "", false});
    for (auto& c : rel->columns) c.base_type = c.type = c.name == "id" ? "int(11)" : "varchar(20)";
  }
  return m;
}

TEST(MysqlBackfillSql, TableKindsUpsertTheMappedRowsUnderSharedLocks) {
  const JobSpec s = spec_of(mysql_account_split());
  EXPECT_EQ(s.column_names(), (std::vector<std::string>{"id", "name", "type"}));
  EXPECT_EQ(mysql_batch_write(s, {"10"}, {"20"}),
            "INSERT INTO `account` (`id`, `name`, `type`) SELECT `id`, (name), (IF(accttype = 'CREDITLINE', "
            "'LIABILITY', 'ASSET')) FROM `legacy_accounts` WHERE `id` > 10 AND `id` <= 20 ORDER BY `id` LOCK IN SHARE MODE "
            "ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `type` = VALUES(`type`)");
  EXPECT_EQ(mysql_page_end(s, s.target, {}, 5),
            "SELECT COUNT(*) OVER (), page.`id` FROM (SELECT `id` FROM `account` ORDER BY `id` LIMIT 5) page ORDER BY "
            "page.`id` DESC LIMIT 1");
}

TEST(MysqlBackfillSql, TableKindsReverseFillsSameNamedColumnsTheDownListLeavesOut) {
  const JobSpec s = spec_of(mysql_account_split(), Direction::kReverse);
  EXPECT_EQ(s.source.name, "account");
  EXPECT_EQ(s.column_names(), (std::vector<std::string>{"id", "accttype", "name", "note"}));
}

TEST(MysqlBackfillSql, TableKindsSweepDeletesNewRowsWhoseOldRowIsGone) {
  const JobSpec s = spec_of(mysql_account_split());
  const std::string no_old_row = " AND NOT EXISTS (SELECT 1 FROM `legacy_accounts` WHERE `id` = `account`.`id`)";
  EXPECT_EQ(mysql_orphan_candidates(s, {"3"}, {}), "SELECT `id` FROM `account` WHERE `id` > 3" + no_old_row + " ORDER BY `id`");
  EXPECT_EQ(mysql_lock_old_keys(s, {{"4"}, {"9"}}),
            "SELECT `id` FROM `legacy_accounts` WHERE `id` IN (4, 9) ORDER BY `id` LOCK IN SHARE MODE");
  EXPECT_EQ(mysql_orphan_delete(s, {{"4"}, {"9"}}), "DELETE FROM `account` WHERE `id` IN (4, 9)" + no_old_row);
  // A computed key is not looked up (it would scan the old table); a composite one goes by rows.
  JobSpec computed = s;
  computed.columns[0].expr = "(`id` + 1000)";
  EXPECT_EQ(mysql_lock_old_keys(computed, {{"4"}}), "DO 0");
  JobSpec composite = s;
  composite.key = {"id", "name"};
  EXPECT_EQ(mysql_orphan_delete(composite, {{"4", "'a'"}}).substr(0, 63),
            "DELETE FROM `account` WHERE (`id`, `name`) IN ((4, 'a')) AND NO");
  EXPECT_EQ(mysql_older_transactions("'2026-12-04 01:02:03.000004'"),
            "SELECT COUNT(*), COALESCE(GROUP_CONCAT(trx_mysql_thread_id ORDER BY trx_mysql_thread_id SEPARATOR ', '), '') "
            "FROM information_schema.INNODB_TRX WHERE "
            "trx_started < '2026-12-04 01:02:03.000004' AND trx_mysql_thread_id <> CONNECTION_ID()");
}

TEST(MysqlBackfillSql, TableKindsVerifyJoinsTheMappedOldRowsToTheNewOnes) {
  const JobSpec s = spec_of(mysql_account_split());
  const std::string joined =
      "(SELECT `id` AS `id`, (name) AS `name`, (IF(accttype = 'CREDITLINE', 'LIABILITY', 'ASSET')) AS `type` FROM "
      "`legacy_accounts` WHERE `id` <= 9) s LEFT JOIN `account` t ON t.`id` = s.`id`";
  const std::string differs = "NOT (t.`id` <=> s.`id` AND t.`name` <=> s.`name` AND t.`type` <=> s.`type`)";
  EXPECT_EQ(mysql_verify_stats(s, s.columns, {}, {"9"}),
            "SELECT COUNT(*), COALESCE(SUM(" + differs + "), 0), COALESCE(SUM(t.`id` IS NULL), 0) FROM " + joined);
  EXPECT_EQ(mysql_verify_samples(s, s.columns, {}, {"9"}, 3),
            "SELECT CONCAT_WS(', ', QUOTE(s.`id`)), CONCAT_WS(', ', QUOTE(s.`id`), QUOTE(s.`name`), QUOTE(s.`type`)), "
            "IF(t.`id` IS NULL, 'no row', CONCAT_WS(', ', QUOTE(t.`id`), QUOTE(t.`name`), QUOTE(t.`type`))) FROM " +
                joined + " WHERE " + differs + " ORDER BY s.`id` LIMIT 3");
  EXPECT_EQ(mysql_verify_extra(s, {"9"}, {}),
            "SELECT COUNT(*) FROM `account` WHERE `id` > 9 AND NOT EXISTS (SELECT 1 FROM `legacy_accounts` WHERE `id` = "
            "`account`.`id`)");
}

TEST(MysqlBackfillSql, CopyChangedCountsInsertsAndChangedUpdatesOnce) {
  // 3 rows inserted (3 affected) and one existing row changed (2 affected); the rest already right.
  EXPECT_EQ(mysql_copy_changed(3, 5), 4);
  EXPECT_EQ(mysql_copy_changed(0, 0), 0);
  EXPECT_EQ(mysql_copy_changed(0, 4), 2);
  const JobSpec s = spec_of(mysql_account_split());
  EXPECT_EQ(mysql_count_range(s, s.target, {"1"}, {"9"}), "SELECT COUNT(*) FROM `account` WHERE `id` > 1 AND `id` <= 9");
  EXPECT_EQ(mysql_lock_source(s, {"1"}, {"9"}),
            "SELECT `id` FROM `legacy_accounts` WHERE `id` > 1 AND `id` <= 9 ORDER BY `id` LOCK IN SHARE MODE");
}

TEST(MysqlBackfillSql, VerifyCheckpointKeepsCountsSamplesAndTheLastKey) {
  EXPECT_EQ(mysql_verify_checkpoint_save("'m'", "'compare'", {"7", "'a'"}, {10, 7, 2, 1, 0}, {"'key 3: x'"}, "'h'"),
            "INSERT INTO `switchyard`.`verify_checkpoints` (migration, stage, last_key, rows_compared, matching, mismatched, "
            "missing, extra, samples, host, updated_at) VALUES ('m', 'compare', JSON_ARRAY(7, 'a'), 10, 7, 2, 1, 0, "
            "JSON_ARRAY('key 3: x'), 'h', NOW(6)) ON DUPLICATE KEY UPDATE stage = VALUES(stage), last_key = VALUES(last_key), "
            "rows_compared = VALUES(rows_compared), matching = VALUES(matching), mismatched = VALUES(mismatched), missing = "
            "VALUES(missing), extra = VALUES(extra), samples = VALUES(samples), host = VALUES(host), updated_at = "
            "VALUES(updated_at)");
  EXPECT_EQ(mysql_verify_checkpoint_load("'m'", 1, 2),
            "SELECT stage, rows_compared, matching, mismatched, missing, extra, JSON_UNQUOTE(JSON_EXTRACT(last_key, '$[0]')), "
            "JSON_UNQUOTE(JSON_EXTRACT(samples, '$[0]')), JSON_UNQUOTE(JSON_EXTRACT(samples, '$[1]')) FROM "
            "`switchyard`.`verify_checkpoints` WHERE migration = 'm'");
}

TEST(MysqlBackfillSql, HeartbeatRowIsNumberedAndStampedByThePrimary) {
  EXPECT_EQ(mysql_heartbeat_beat("'m'"),
            "INSERT INTO `switchyard`.`heartbeat` (migration, seq, beat) VALUES ('m', 1, NOW(6)) ON DUPLICATE KEY UPDATE "
            "seq = seq + 1, beat = VALUES(beat)");
  EXPECT_EQ(mysql_heartbeat_seen("'m'"),
            "SELECT seq, TIMESTAMPDIFF(MICROSECOND, beat, NOW(6)) FROM `switchyard`.`heartbeat` WHERE migration = 'm'");
  std::string host;
  unsigned port = 0;
  EXPECT_TRUE(parse_host_port("10.0.0.2:3307", host, port));
  EXPECT_EQ(host + " " + std::to_string(port), "10.0.0.2 3307");
  for (const char* bad : {"nowhere", ":3306", "h:", "h:0", "h:70000", "h:12x"}) EXPECT_FALSE(parse_host_port(bad, host, port)) << bad;
}

}  // namespace
}  // namespace switchyard::jobs

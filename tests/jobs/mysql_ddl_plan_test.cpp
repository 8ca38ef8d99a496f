// expand and contract plans under protocol: mysql, as the SQL text --dry-run prints: each kind,
// the online forms and their fallbacks, what a rerun checks, and names that need quoting.
#include "jobs/mysql_ddl_plan.h"

#include <gtest/gtest.h>

#include "tests/jobs/job_fixtures.h"

namespace switchyard::jobs {
namespace {

using fixtures::sql_of;

// As mysql_real_escape_string would for these names: ' and \ escaped.
std::string literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out + "'";
}

// users (id int PK, full_name varchar(100) utf8mb4_bin NOT NULL DEFAULT 'nobody', ...), before
// expand: display_name does not exist yet.
MysqlDdlFacts users_before_expand() {
  MysqlDdlFacts f;
  f.migration = fixtures::users_display_name();
  f.migration.old_rel.columns.pop_back();
  f.migration.new_rel = f.migration.old_rel;
  f.columns = {{"id", "int(11)", false, std::nullopt, "", "", ""},
               {"full_name", "varchar(100)", false, "'nobody'", "utf8mb4", "utf8mb4_bin", ""},
               {"updated", "timestamp", true, "current_timestamp()", "", "", "on update current_timestamp()"}};
  f.indexes = {{"PRIMARY", true, true, true, "BTREE", {"id"}},
               {"users_full_name_idx", false, false, true, "BTREE", {"full_name", "id"}},
               {"users_name_unique", true, false, true, "BTREE", {"full_name"}},
               {"users_name_prefix", false, false, false, "BTREE", {"full_name"}},
               {"users_name_text", false, false, false, "FULLTEXT", {"full_name"}}};
  return f;
}

TEST(MysqlDdlPlan, ExpandRenameColumnCopiesTheDefinitionAndTheIndexes) {
  const DdlPlan p = plan_mysql_expand(users_before_expand(), literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), (std::vector<std::string>{
                           "ALTER TABLE `users` ADD COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                           "utf8mb4_bin NULL, ALGORITHM=INSTANT",
                           "ALTER TABLE `users` ADD INDEX `users_display_name_idx` (`display_name`, `id`), "
                           "ALGORITHM=INPLACE, LOCK=NONE",
                           "ALTER TABLE `users` ADD UNIQUE INDEX `users_name_unique_display_name` (`display_name`), "
                           "ALGORITHM=INPLACE, LOCK=NONE"}));
  EXPECT_EQ(p.steps[0].fallbacks,
            std::vector<std::string>{"ALTER TABLE `users` ADD COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 "
                                     "COLLATE utf8mb4_bin NULL, ALGORITHM=INPLACE, LOCK=NONE"});
  EXPECT_EQ(p.steps[0].by_hand, "ALTER TABLE `users` ADD COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                                "utf8mb4_bin NULL");
  EXPECT_EQ(p.steps[0].done_if, "SELECT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                "AND TABLE_NAME = 'users' AND COLUMN_NAME = 'display_name')");
  EXPECT_TRUE(p.steps[1].fallbacks.empty());  // an index is never INSTANT: INPLACE or nothing
  EXPECT_EQ(p.steps[1].by_hand, "ALTER TABLE `users` ADD INDEX `users_display_name_idx` (`display_name`, `id`)");
  EXPECT_EQ(p.steps[1].done_if, "SELECT EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                                "AND TABLE_NAME = 'users' AND INDEX_NAME = 'users_display_name_idx')");
  ASSERT_EQ(p.notes.size(), 2u);
  EXPECT_NE(p.notes[0].find("users_name_prefix"), std::string::npos);
  EXPECT_NE(p.notes[1].find("users_name_text on full_name is not copied (a prefix, an expression or a FULLTEXT index)"),
            std::string::npos);
}

MysqlDdlFacts users_in_new_only();  // below

// The CHECKs over the old column, the column's own and a table one, as MariaDB prints them.
std::vector<MysqlCheckFact> users_checks() {
  return {{"full_name", "`full_name` <> ''", true},
          {"users_id_positive", "`id` > 0", false},
          {"users_name_not_x", "`full_name` <> 'x' or `id` > 100", false}};
}

TEST(MysqlDdlPlan, ExpandRenameColumnGivesTheNewColumnTheOldOnesChecksGuardedForNull) {
  MysqlDdlFacts f = users_before_expand();
  f.indexes.resize(1);
  f.checks = users_checks();
  const DdlPlan p = plan_mysql_expand(f, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  ASSERT_EQ(p.steps.size(), 1u) << ::testing::PrintToString(sql_of(p));
  EXPECT_EQ(p.steps[0].sql, "ALTER TABLE `users` ADD COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                            "utf8mb4_bin NULL CHECK (`display_name` IS NULL OR (((`display_name`) <> '') AND "
                            "((`display_name`) <> 'x' or `id` > 100))), ALGORITHM=INSTANT");
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_EQ(p.notes[0], "CHECK full_name, users_name_not_x over full_name now holds for display_name too, as "
                        "display_name's own CHECK, but not yet where display_name is NULL (rows the backfill has not "
                        "reached): contract makes it exact");
}

TEST(MysqlDdlPlan, ContractChecksTheRowsThenMakesTheRenamedColumnsCheckExactAndDropsTheOldTableChecks) {
  MysqlDdlFacts f = users_in_new_only();
  f.indexes.resize(1);
  f.checks = users_checks();
  f.checks.push_back({"display_name", "`display_name` is null or (`display_name` <> '') and (`display_name` <> 'x' or `id` > 100)", true});
  const DdlPlan p = plan_mysql_contract(f, false, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), (std::vector<std::string>{
                           "SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = 'rows of users break CHECK full_name, "
                           "users_name_not_x over display_name'",
                           "ALTER TABLE `users` MODIFY COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                           "utf8mb4_bin DEFAULT 'nobody' NOT NULL CHECK (((`display_name`) <> '') AND ((`display_name`) "
                           "<> 'x' or `id` > 100)), ALGORITHM=INSTANT",
                           "ALTER TABLE `users` DROP CONSTRAINT `users_name_not_x`, ALGORITHM=INSTANT",
                           "ALTER TABLE `users` DROP COLUMN `full_name`, ALGORITHM=INSTANT"}));
  EXPECT_EQ(p.steps[0].done_if, "SELECT NOT EXISTS (SELECT 1 FROM `users` WHERE NOT (((`display_name`) <> '') AND "
                                "((`display_name`) <> 'x' or `id` > 100)))");
  EXPECT_NE(p.steps[1].done_if.find(") AND NOT (SELECT EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS WHERE "
                                    "CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND CONSTRAINT_NAME = "
                                    "'display_name' AND CHECK_CLAUSE LIKE '`display_name` is null or %'))"),
            std::string::npos)
      << p.steps[1].done_if;
  EXPECT_EQ(p.steps[2].done_if, "SELECT NOT (SELECT EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS WHERE "
                                "CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND CONSTRAINT_NAME = "
                                "'users_name_not_x'))");

  // Once the CHECK is exact (a rerun after the MODIFY), neither step is planned again.
  f.checks.back().clause = "`display_name` <> '' and (`display_name` <> 'x' or `id` > 100)";
  f.columns[2].nullable = false;
  f.columns[2].default_sql = "'nobody'";
  const auto again = sql_of(plan_mysql_contract(f, false, literal));
  ASSERT_EQ(again.size(), 2u) << ::testing::PrintToString(again);
  EXPECT_EQ(again[0], "ALTER TABLE `users` DROP CONSTRAINT `users_name_not_x`, ALGORITHM=INSTANT");

  // A CHECK of the new column's own that expand did not put there (no guard) is the operator's:
  // a MODIFY for NOT NULL keeps it as it is, and no rows step is planned for it.
  f.columns[2].nullable = true;
  f.checks.back().clause = "`display_name` <> 'root'";
  const auto kept = sql_of(plan_mysql_contract(f, false, literal));
  ASSERT_EQ(kept.size(), 3u) << ::testing::PrintToString(kept);
  EXPECT_EQ(kept[0], "ALTER TABLE `users` MODIFY COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                     "utf8mb4_bin DEFAULT 'nobody' NOT NULL CHECK (`display_name` <> 'root'), ALGORITHM=INSTANT");
}

TEST(MysqlDdlPlan, ContractOfAChangeColumnKeepsTheNewColumnsOwnCheckAndDropsTheOldOnesWithANote) {
  MysqlDdlFacts f;
  f.migration = fixtures::accounts_include_bool();
  f.migration.spec.phase = config::Phase::kNewOnly;
  f.columns = {{"aid", "int(11)", false, std::nullopt, "", "", "auto_increment"},
               {"include", "char(1)", false, std::nullopt, "latin1", "latin1_swedish_ci", ""},
               {"include_bool", "tinyint(1)", true, std::nullopt, "", "", ""}};
  f.checks = {{"include", "`include` in ('X','')", true},
              {"include_bool", "`include_bool` in (0,1)", true},
              {"accounts_include_aid", "`include` = 'X' or `aid` < 1000", false}};
  const DdlPlan p = plan_mysql_contract(f, false, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), (std::vector<std::string>{
                           "ALTER TABLE `accounts` MODIFY COLUMN `include_bool` tinyint(1) NOT NULL CHECK "
                           "(`include_bool` in (0,1)), ALGORITHM=INSTANT",
                           "ALTER TABLE `accounts` DROP CONSTRAINT `accounts_include_aid`, ALGORITHM=INSTANT",
                           "ALTER TABLE `accounts` DROP COLUMN `include`, ALGORITHM=INSTANT"}));
  ASSERT_EQ(p.notes.size(), 1u) << ::testing::PrintToString(p.notes);
  EXPECT_EQ(p.notes[0], "CHECK accounts_include_aid (`include` = 'X' or `aid` < 1000) reads include and is dropped with "
                        "it; a change_column does not derive it over the new column: add one by hand if it should hold "
                        "there");
}

TEST(MysqlDdlPlan, ExpandRenameColumnCopiesItsForeignKeysThenChecksTheRowsTheyDidNotCheck) {
  MysqlDdlFacts f = users_before_expand();
  f.indexes.resize(1);
  MysqlForeignKeyFact fk;
  fk.name = "users_full_name_fk";
  fk.columns = {"full_name"};
  fk.references = {"public", "people"};
  fk.referenced_columns = {"name"};
  fk.delete_rule = "CASCADE";
  MysqlForeignKeyFact other = fk;  // over another column: not the migration's
  other.name = "users_id_fk";
  other.columns = {"id"};
  f.foreign_keys = {other, fk};
  const DdlPlan p = plan_mysql_expand(f, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  ASSERT_EQ(p.steps.size(), 3u) << ::testing::PrintToString(sql_of(p));
  EXPECT_EQ(p.steps[1].sql, "SET STATEMENT foreign_key_checks=0 FOR ALTER TABLE `users` ADD CONSTRAINT "
                            "`users_display_name_fk` FOREIGN KEY (`display_name`) REFERENCES `people` (`name`) ON "
                            "DELETE CASCADE, ALGORITHM=INPLACE, LOCK=NONE");
  EXPECT_TRUE(p.steps[1].fallbacks.empty());
  EXPECT_EQ(p.steps[1].by_hand, "ALTER TABLE `users` ADD CONSTRAINT `users_display_name_fk` FOREIGN KEY (`display_name`) "
                                "REFERENCES `people` (`name`) ON DELETE CASCADE");
  EXPECT_EQ(p.steps[1].done_if, "SELECT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = "
                                "DATABASE() AND TABLE_NAME = 'users' AND CONSTRAINT_TYPE = 'FOREIGN KEY' AND "
                                "CONSTRAINT_NAME = 'users_display_name_fk')");
  // After the key is in place: rows whose value the parent lacks fail expand; none, and the step is skipped.
  EXPECT_EQ(p.steps[2].sql, "SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = 'rows of users break foreign key users_display_name_fk'");
  EXPECT_EQ(p.steps[2].done_if, "SELECT NOT EXISTS (SELECT 1 FROM `users` AS c WHERE c.`display_name` IS NOT NULL AND NOT "
                                "EXISTS (SELECT 1 FROM `people` AS p WHERE p.`name` = c.`display_name`))");
}

TEST(MysqlDdlPlan, ColumnDefinitionKeepsOnUpdateButNotANullDefault) {
  const MysqlColumnFact updated{"u", "timestamp", true, "current_timestamp()", "", "", "on update current_timestamp()"};
  EXPECT_EQ(mysql_column_definition(updated, true), "timestamp DEFAULT current_timestamp() ON UPDATE current_timestamp()");
  EXPECT_EQ(mysql_column_definition(updated, false), "timestamp");
  EXPECT_EQ(mysql_column_definition({"n", "int(10) unsigned", true, "NULL", "", "", ""}, true), "int(10) unsigned");
}

TEST(MysqlDdlPlan, OddNamesAreBackquotedAndEscaped) {
  MysqlDdlFacts f;
  f.migration = fixtures::order_items_created_at();
  f.migration.spec.old_table = f.migration.spec.new_table = {"shop's", "Order `Items`"};
  f.migration.spec.up = {{"created at", "`createdAt`"}};
  f.migration.spec.down = {{"createdAt", "`created at`"}};
  f.migration.old_rel.columns.pop_back();
  f.columns = {{"id", "int(11)", false, std::nullopt, "", "", ""}, {"createdAt", "datetime(6)", false, std::nullopt, "", "", ""}};
  const DdlPlan p = plan_mysql_expand(f, literal);
  ASSERT_EQ(p.steps.size(), 1u) << p.error;
  EXPECT_EQ(p.steps[0].sql, "ALTER TABLE `shop's`.`Order ``Items``` ADD COLUMN `created at` datetime(6) NULL, ALGORITHM=INSTANT");
  EXPECT_EQ(p.steps[0].done_if, "SELECT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop\\'s' "
                                "AND TABLE_NAME = 'Order `Items`' AND COLUMN_NAME = 'created at')");
}

TEST(MysqlDdlPlan, ExpandChangeColumnTakesTheTypeItIsGiven) {
  MysqlDdlFacts f;
  f.migration = fixtures::accounts_include_bool();
  f.migration.old_rel.columns.pop_back();
  f.columns = {{"aid", "int(11)", false, std::nullopt, "", "", "auto_increment"},
               {"include", "char(1)", true, std::nullopt, "latin1", "latin1_swedish_ci", ""}};
  EXPECT_EQ(plan_mysql_expand(f, literal).error, "no type for new column include_bool: pass --type include_bool=TYPE");
  f.new_types["include_bool"] = "tinyint(1)";
  const DdlPlan p = plan_mysql_expand(f, literal);
  EXPECT_EQ(sql_of(p), std::vector<std::string>{"ALTER TABLE `accounts` ADD COLUMN `include_bool` tinyint(1) NULL, "
                                                "ALGORITHM=INSTANT"});
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("not derived for a change_column"), std::string::npos);
}

TEST(MysqlDdlPlan, ExpandCopyTableCreatesTheTableWithItsKey) {
  MysqlDdlFacts f;
  f.migration = fixtures::account_split();
  f.migration.new_rel = {};
  f.columns = {{"id", "int(11)", false, std::nullopt, "", "", "auto_increment"},
               {"name", "varchar(191)", false, "''", "utf8mb4", "utf8mb4_general_ci", ""},
               {"user_id", "int(11)", true, std::nullopt, "", "", ""},
               {"accttype", "varchar(20)", true, std::nullopt, "utf8mb4", "utf8mb4_general_ci", ""}};
  f.copied_from = {{"id", "id"}, {"name", "name"}, {"user_id", "user_id"}};
  EXPECT_EQ(plan_mysql_expand(f, literal).error, "no type for new column type: pass --type type=TYPE");
  f.new_types["type"] = "varchar(9) COLLATE utf8mb4_general_ci";
  const DdlPlan p = plan_mysql_expand(f, literal);
  EXPECT_EQ(sql_of(p), std::vector<std::string>{"CREATE TABLE `account` (\n"
                                                "  `id` int(11) NOT NULL,\n"
                                                "  `name` varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,\n"
                                                "  `user_id` int(11) NULL,\n"
                                                "  `type` varchar(9) COLLATE utf8mb4_general_ci NULL,\n"
                                                "  PRIMARY KEY (`id`))"});
  EXPECT_EQ(p.steps[0].done_if, "SELECT EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                                "TABLE_NAME = 'account')");
}

TEST(MysqlDdlPlan, ExpandRenameTableCopiesItsShape) {
  MysqlDdlFacts f;
  f.migration = fixtures::account_split();
  f.migration.spec.kind = config::MigrationKind::kRenameTable;
  f.migration.spec.new_table = {"archive", "account"};
  const DdlPlan p = plan_mysql_expand(f, literal);
  EXPECT_EQ(sql_of(p), std::vector<std::string>{"CREATE TABLE `archive`.`account` LIKE `legacy_accounts`"});
  EXPECT_NE(p.steps[0].done_if.find("TABLE_SCHEMA = 'archive' AND TABLE_NAME = 'account'"), std::string::npos);
}

TEST(MysqlDdlPlan, ExpandRenameTableCopiesItsForeignKeysButNotOneToItself) {
  MysqlDdlFacts f;
  f.migration = fixtures::account_split();
  f.migration.spec.kind = config::MigrationKind::kRenameTable;
  f.migration.spec.new_table = {"public", "accounts"};
  MysqlForeignKeyFact user;
  user.name = "legacy_accounts_ibfk_1";
  user.columns = {"user_id", "org"};
  user.references = {"crm", "users"};
  user.referenced_columns = {"id", "org"};
  user.update_rule = "NO ACTION";
  MysqlForeignKeyFact self = user;
  self.name = "legacy_accounts_parent";
  self.columns = {"parent_id"};
  self.references = f.migration.spec.old_table;
  self.referenced_columns = {"id"};
  f.foreign_keys = {user, self};
  const DdlPlan p = plan_mysql_expand(f, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  ASSERT_EQ(p.steps.size(), 3u) << ::testing::PrintToString(sql_of(p));
  EXPECT_EQ(p.steps[1].sql, "SET STATEMENT foreign_key_checks=0 FOR ALTER TABLE `accounts` ADD CONSTRAINT "
                            "`accounts_ibfk_1` FOREIGN KEY (`user_id`, `org`) REFERENCES `crm`.`users` (`id`, `org`) ON "
                            "UPDATE NO ACTION, ALGORITHM=INPLACE, LOCK=NONE");
  EXPECT_EQ(p.steps[2].done_if, "SELECT NOT EXISTS (SELECT 1 FROM `accounts` AS c WHERE c.`user_id` IS NOT NULL AND "
                                "c.`org` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `crm`.`users` AS p WHERE p.`id` = "
                                "c.`user_id` AND p.`org` = c.`org`))");
  ASSERT_EQ(p.notes.size(), 2u);
  EXPECT_NE(p.notes[0].find("legacy_accounts_parent references public.legacy_accounts itself: not copied"), std::string::npos)
      << p.notes[0];
  EXPECT_NE(p.notes[1].find("foreign keys of other tables that reference public.legacy_accounts are not moved"),
            std::string::npos);
}

MysqlDdlFacts users_in_new_only() {
  MysqlDdlFacts f;
  f.migration = fixtures::users_display_name();
  f.migration.spec.phase = config::Phase::kNewOnly;
  f.columns = {{"id", "int(11)", false, std::nullopt, "", "", ""},
               {"full_name", "varchar(100)", false, "'nobody'", "utf8mb4", "utf8mb4_bin", ""},
               {"display_name", "varchar(100)", true, std::nullopt, "utf8mb4", "utf8mb4_bin", ""}};
  f.indexes = {{"PRIMARY", true, true, true, "BTREE", {"id"}},
               {"users_full_name_idx", false, false, true, "BTREE", {"full_name", "id"}},
               {"users_display_name_idx", false, false, true, "BTREE", {"display_name", "id"}}};
  return f;
}

TEST(MysqlDdlPlan, ContractIsRefusedBeforeNewOnly) {
  MysqlDdlFacts f = users_in_new_only();
  f.migration.spec.phase = config::Phase::kReadNew;
  const DdlPlan p = plan_mysql_contract(f, false, literal);
  EXPECT_EQ(p.error, "contract is allowed only in phase new_only; the migration is in phase read_new (move it to "
                     "new_only first, and keep it there a while)");
  EXPECT_TRUE(p.steps.empty());
}

TEST(MysqlDdlPlan, ContractSetsNotNullThenDropsTheOldColumn) {
  const DdlPlan p = plan_mysql_contract(users_in_new_only(), true, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), (std::vector<std::string>{
                           "ALTER TABLE `users` MODIFY COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                           "utf8mb4_bin DEFAULT 'nobody' NOT NULL, ALGORITHM=INSTANT",
                           "CREATE DATABASE IF NOT EXISTS `switchyard`",
                           "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                           "CREATE TABLE IF NOT EXISTS `switchyard`.`users-display-name_backup` AS SELECT `id`, `full_name` "
                           "FROM `users`",
                           "ALTER TABLE `users` DROP INDEX `users_full_name_idx`, ALGORITHM=INSTANT",
                           "ALTER TABLE `users` DROP COLUMN `full_name`, ALGORITHM=INSTANT"}));
  EXPECT_NE(p.steps[4].done_if.find("SELECT NOT (SELECT EXISTS (SELECT 1 FROM information_schema.STATISTICS"),
            std::string::npos);
  EXPECT_EQ(p.steps[5].fallbacks,
            std::vector<std::string>{"ALTER TABLE `users` DROP COLUMN `full_name`, ALGORITHM=INPLACE, LOCK=NONE"});
  EXPECT_NE(p.steps[0].done_if.find("COLUMN_NAME = 'display_name' AND IS_NULLABLE = 'NO' AND COLUMN_DEFAULT = "
                                    "'\\'nobody\\'')"),
            std::string::npos)
      << p.steps[0].done_if;
  EXPECT_EQ(p.steps[5].done_if, "SELECT NOT (SELECT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                                "DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'full_name'))");
}

TEST(MysqlDdlPlan, ContractDropsTheForeignKeysOverTheOldColumnBeforeItsIndexes) {
  MysqlDdlFacts f = users_in_new_only();
  MysqlForeignKeyFact fk;
  fk.name = "users_full_name_fk";
  fk.columns = {"full_name"};
  fk.references = {"public", "people"};
  fk.referenced_columns = {"name"};
  MysqlForeignKeyFact kept = fk;
  kept.name = "users_display_name_fk";
  kept.columns = {"display_name"};
  f.foreign_keys = {kept, fk};
  const DdlPlan p = plan_mysql_contract(f, false, literal);
  ASSERT_TRUE(p.error.empty()) << p.error;
  const auto sql = sql_of(p);
  ASSERT_EQ(sql.size(), 4u) << ::testing::PrintToString(sql);
  EXPECT_EQ(sql[1], "ALTER TABLE `users` DROP FOREIGN KEY `users_full_name_fk`, ALGORITHM=INSTANT");
  EXPECT_EQ(p.steps[1].done_if, "SELECT NOT (SELECT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE "
                                "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND CONSTRAINT_TYPE = 'FOREIGN KEY' "
                                "AND CONSTRAINT_NAME = 'users_full_name_fk'))");
  EXPECT_EQ(sql[2], "ALTER TABLE `users` DROP INDEX `users_full_name_idx`, ALGORITHM=INSTANT");
  EXPECT_EQ(sql[3], "ALTER TABLE `users` DROP COLUMN `full_name`, ALGORITHM=INSTANT");
}

TEST(MysqlDdlPlan, ContractGivesARenamedNullableColumnItsDefault) {
  MysqlDdlFacts f = users_in_new_only();
  f.columns[1].nullable = true;
  f.columns[1].extra = "on update 'x'";
  const DdlPlan p = plan_mysql_contract(f, false, literal);
  ASSERT_EQ(p.steps.size(), 3u) << p.error;
  EXPECT_EQ(p.steps[0].sql, "ALTER TABLE `users` MODIFY COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE "
                            "utf8mb4_bin DEFAULT 'nobody' ON UPDATE 'x' NULL, ALGORITHM=INSTANT");
  EXPECT_EQ(p.steps[0].done_if, "SELECT EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                "AND TABLE_NAME = 'users' AND COLUMN_NAME = 'display_name' AND COLUMN_DEFAULT = "
                                "'\\'nobody\\'')");
  // A change_column's new column has its own type: no default of the old one.
  f.migration.spec.kind = config::MigrationKind::kChangeColumn;
  EXPECT_EQ(sql_of(plan_mysql_contract(f, false, literal)),
            (std::vector<std::string>{"ALTER TABLE `users` DROP INDEX `users_full_name_idx`, ALGORITHM=INSTANT",
                                      "ALTER TABLE `users` DROP COLUMN `full_name`, ALGORITHM=INSTANT"}));
}

TEST(MysqlDdlPlan, ContractAfterTheDropHasNothingLeft) {
  MysqlDdlFacts f = users_in_new_only();
  f.columns.erase(f.columns.begin() + 1);
  f.columns.back().nullable = false;
  f.columns.back().default_sql = "'nobody'";
  const DdlPlan p = plan_mysql_contract(f, false, literal);
  EXPECT_TRUE(p.steps.empty());
  EXPECT_EQ(p.notes, std::vector<std::string>{"no old column left to drop"});
}

TEST(MysqlDdlPlan, ContractRefusesToDropAPrimaryKeyColumn) {
  MysqlDdlFacts f = users_in_new_only();
  f.migration.old_rel.primary_key = {"full_name"};
  EXPECT_NE(plan_mysql_contract(f, false, literal).error.find("old column full_name is part of the primary key"),
            std::string::npos);
}

TEST(MysqlDdlPlan, ContractOfATableDropsItOrMovesItAside) {
  MysqlDdlFacts f;
  f.migration = fixtures::account_split();
  f.migration.spec.phase = config::Phase::kNewOnly;
  EXPECT_EQ(sql_of(plan_mysql_contract(f, false, literal)), std::vector<std::string>{"DROP TABLE `legacy_accounts`"});
  EXPECT_EQ(sql_of(plan_mysql_contract(f, true, literal)),
            (std::vector<std::string>{"CREATE DATABASE IF NOT EXISTS `switchyard`",
                                      "RENAME TABLE `legacy_accounts` TO `switchyard`.`account-split_backup`"}));
  f.migration.old_rel.exists = false;
  const DdlPlan gone = plan_mysql_contract(f, false, literal);
  EXPECT_TRUE(gone.steps.empty());
  EXPECT_EQ(gone.notes, std::vector<std::string>{"table public.legacy_accounts is already gone"});
}

TEST(MysqlDdlPlan, LockWaitTimeoutIsWholeSecondsRoundedUp) {
  EXPECT_EQ(mysql_lock_wait_seconds(1), 1);
  EXPECT_EQ(mysql_lock_wait_seconds(500), 1);
  EXPECT_EQ(mysql_lock_wait_seconds(1000), 1);
  EXPECT_EQ(mysql_lock_wait_seconds(1001), 2);
  EXPECT_EQ(mysql_session_setup(2500), "SET SESSION lock_wait_timeout = 3, SESSION sql_mode = TRIM(BOTH ',' FROM "
                                       "CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES'))");
}

}  // namespace
}  // namespace switchyard::jobs

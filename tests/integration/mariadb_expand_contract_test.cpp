// `switchyard expand` and `switchyard contract` under protocol: mysql against the shared MariaDB
// 10.11, run as the operator runs them (the real binary, a config file of its own). The oracle
// is the server's own catalog (information_schema, SHOW CREATE TABLE) and hand-written SQL:
//  - every kind expanded (the new column's definition, the indexes rebuilt, the new table's
//    shape) and contracted, each rerun doing nothing, contract refused before new_only;
//  - one seed lifecycle end to end: expand -> backfill -> verify -> contract of a rename_column;
//  - the online property: a writer on another connection keeps writing while expand and contract
//    run (contract's NOT NULL rebuild included); while a long transaction holds the table's
//    metadata lock, each attempt waits at most lock_wait_timeout and is retried, and the
//    writer's longest wait stays near that timeout;
//  - a step whose every online form the server refuses fails, names the statement to run by
//    hand, and changes nothing (no silent ALGORITHM=COPY);
//  - contract's proxy check (a proxy that cannot be asked blocks it; --force) and strict NOT NULL.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/integration/mariadb_job_config.h"
#include "tests/integration/mariadb_relay_fixture.h"
#include "tests/support/net.h"

namespace switchyard::test_support {
namespace {

using Clock = std::chrono::steady_clock;

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string rename_yaml(const std::string& name, const std::string& table, const std::string& phase) {
  return mysql_job_control_yaml() + rename_full_name_yaml(name, table, phase);
}

class MariaDbExpandContract : public MariaDbJobTest {
 protected:
  void run_sql(const std::vector<std::string>& statements) {
    std::string error;
    for (const auto& sql : statements) ASSERT_TRUE(mariadb_query(direct_.get(), sql, error)) << sql << ": " << error;
  }

  // name type NULL/NOT NULL collation default, one line a column, as information_schema says.
  std::string columns(const std::string& table) {
    std::string error;
    auto r = mariadb_query(direct_.get(),
                           "SELECT CONCAT_WS(' ', COLUMN_NAME, COLUMN_TYPE, IF(IS_NULLABLE = 'YES', 'NULL', 'NOT NULL'), "
                           "COALESCE(COLLATION_NAME, '-'), COALESCE(COLUMN_DEFAULT, '-')) FROM information_schema.COLUMNS "
                           "WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION",
                           error);
    if (!r) return "error: " + error;
    std::string out;
    for (const auto& row : *r) out += row[0] + "\n";
    return out;
  }

  // The index names over `table` and their columns: "idx(a,b) ...".
  std::string indexes(const std::string& table) {
    return value("SELECT GROUP_CONCAT(i ORDER BY i SEPARATOR ' ') FROM (SELECT CONCAT(INDEX_NAME, '(', "
                 "GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX), ')') AS i FROM information_schema.STATISTICS WHERE "
                 "TABLE_SCHEMA = 'app' AND TABLE_NAME = '" + table + "' GROUP BY INDEX_NAME) s");
  }

  std::string show_create(const std::string& table) {
    std::string error;
    auto r = mariadb_query(direct_.get(), "SHOW CREATE TABLE app." + table, error);
    return r && !r->empty() ? (*r)[0][1] : "error: " + error;
  }

  // ec_users (id, full_name utf8mb4_bin NOT NULL DEFAULT 'nobody', email) with `rows` rows, an
  // index over full_name and one over email.
  void make_users(const std::string& table, const std::string& migration, int rows) {
    run_sql({"DROP TABLE IF EXISTS " + table, "CREATE DATABASE IF NOT EXISTS switchyard",
             "CREATE TABLE " + table + " (id INT PRIMARY KEY, full_name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE "
                 "utf8mb4_bin NOT NULL DEFAULT 'nobody', email VARCHAR(100), KEY " + table + "_full_name_idx (full_name, id), "
                 "KEY " + table + "_email (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
             "INSERT INTO " + table + " SELECT seq, CONCAT('user ', seq), CONCAT('u', seq, '@example.com') FROM seq_1_to_" +
                 std::to_string(rows)});
    std::string error;  // none before the first backfill: nothing to delete
    (void)mariadb_query(direct_.get(), "DELETE FROM switchyard.checkpoints WHERE migration = '" + migration + "'", error);
  }
};

// The seed example (users.full_name -> display_name) from expand to contract.
TEST_F(MariaDbExpandContract, RenameColumnFromExpandThroughBackfillAndVerifyToContract) {
  make_users("ec_users", "ec-users", 3000);
  MysqlJobConfig config(rename_yaml("ec-users", "ec_users", "off"));
  const std::string before = columns("ec_users");

  const CommandResult dry = config.run("expand", "ec-users", {"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_EQ(dry.out,
            "-- switchyard expand ec-users (dry run: nothing is executed)\n"
            "SET SESSION lock_wait_timeout = 1, SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, "
            "',STRICT_ALL_TABLES'));\n"
            "ALTER TABLE `ec_users` ADD COLUMN `display_name` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin "
            "NULL, ALGORITHM=INSTANT;\n"
            "-- where the server refuses that form: ALTER TABLE `ec_users` ADD COLUMN `display_name` varchar(100) "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL, ALGORITHM=INPLACE, LOCK=NONE;\n"
            "ALTER TABLE `ec_users` ADD INDEX `ec_users_display_name_idx` (`display_name`, `id`), ALGORITHM=INPLACE, "
            "LOCK=NONE;\n")
      << dry.describe();
  EXPECT_EQ(columns("ec_users"), before);

  const CommandResult expand = config.run("expand", "ec-users");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_TRUE(contains(expand.out, "-- expand ec-users: 2 statement(s) run")) << expand.describe();
  EXPECT_EQ(columns("ec_users"), "id int(11) NOT NULL - -\n"
                                 "full_name varchar(100) NOT NULL utf8mb4_bin 'nobody'\n"
                                 "email varchar(100) NULL utf8mb4_general_ci NULL\n"
                                 "display_name varchar(100) NULL utf8mb4_bin NULL\n");
  EXPECT_EQ(indexes("ec_users"), "ec_users_display_name_idx(display_name,id) ec_users_email(email) "
                                 "ec_users_full_name_idx(full_name,id) PRIMARY(id)");
  const CommandResult again = config.run("expand", "ec-users");
  ASSERT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_TRUE(contains(again.out, "-- already done: ALTER TABLE `ec_users` ADD INDEX")) << again.describe();
  EXPECT_TRUE(contains(again.out, "-- expand ec-users: nothing to do, every step was already done")) << again.describe();

  // contract before new_only: refused in every earlier phase, the old column still there.
  for (const char* phase : {"off", "dual_write", "read_new"}) {
    ASSERT_TRUE(config.rewrite(rename_yaml("ec-users", "ec_users", phase)));
    const CommandResult refused = config.run("contract", "ec-users");
    EXPECT_EQ(refused.exit_code, 1) << refused.describe();
    EXPECT_TRUE(contains(refused.err, std::string("contract is allowed only in phase new_only; the migration is in phase ") +
                                          phase))
        << refused.describe();
  }
  EXPECT_TRUE(contains(columns("ec_users"), "full_name varchar(100) NOT NULL"));

  ASSERT_TRUE(config.rewrite(rename_yaml("ec-users", "ec_users", "dual_write")));
  const CommandResult backfill = config.run("backfill", "ec-users", {"--batch-rows", "700"});
  ASSERT_EQ(backfill.exit_code, 0) << backfill.describe();
  EXPECT_TRUE(contains(backfill.out, "3000 rows walked (3000 in this run), 3000 rows written")) << backfill.describe();
  const CommandResult verify = config.run("verify", "ec-users", {"--chunk-rows", "1000"});
  ASSERT_EQ(verify.exit_code, 0) << verify.describe();
  EXPECT_TRUE(contains(verify.out, "3000 rows compared: 3000 matching")) << verify.describe();

  ASSERT_TRUE(config.rewrite(rename_yaml("ec-users", "ec_users", "new_only")));
  const CommandResult dry_contract = config.run("contract", "ec-users", {"--dry-run", "--backup"});
  ASSERT_EQ(dry_contract.exit_code, 0) << dry_contract.describe();
  EXPECT_TRUE(contains(dry_contract.out, "ALTER TABLE `ec_users` MODIFY COLUMN `display_name` varchar(100) CHARACTER SET "
                                         "utf8mb4 COLLATE utf8mb4_bin DEFAULT 'nobody' NOT NULL, ALGORITHM=INSTANT;\n"))
      << dry_contract.describe();
  EXPECT_TRUE(contains(dry_contract.out, "ALTER TABLE `ec_users` DROP INDEX `ec_users_full_name_idx`, ALGORITHM=INSTANT;\n"
                                         "-- where the server refuses that form: ALTER TABLE `ec_users` DROP INDEX "
                                         "`ec_users_full_name_idx`, ALGORITHM=INPLACE, LOCK=NONE;\n"
                                         "ALTER TABLE `ec_users` DROP COLUMN `full_name`, ALGORITHM=INSTANT;\n"))
      << dry_contract.describe();
  EXPECT_TRUE(contains(columns("ec_users"), "full_name varchar(100) NOT NULL"));
  const CommandResult contract = config.run("contract", "ec-users", {"--backup"});
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_EQ(columns("ec_users"), "id int(11) NOT NULL - -\n"
                                 "email varchar(100) NULL utf8mb4_general_ci NULL\n"
                                 "display_name varchar(100) NOT NULL utf8mb4_bin 'nobody'\n");
  EXPECT_EQ(indexes("ec_users"), "ec_users_display_name_idx(display_name,id) ec_users_email(email) PRIMARY(id)");
  EXPECT_EQ(value("SELECT display_name FROM app.ec_users WHERE id = 2999"), "user 2999");
  EXPECT_EQ(value("SELECT full_name FROM switchyard.`ec-users_backup` WHERE id = 7"), "user 7");
  EXPECT_EQ(value("SELECT COUNT(*) FROM switchyard.`ec-users_backup`"), "3000");
  const CommandResult rerun = config.run("contract", "ec-users");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.describe();
  EXPECT_TRUE(contains(rerun.err, "note: no old column left to drop")) << rerun.describe();
  run_sql({"DROP TABLE IF EXISTS switchyard.`ec-users_backup`"});
}

TEST_F(MariaDbExpandContract, ChangeColumnAndAddColumnTakeTheServersTypeForUp) {
  run_sql({"DROP TABLE IF EXISTS ec_accounts",
           "CREATE TABLE ec_accounts (aid INT AUTO_INCREMENT PRIMARY KEY, include CHAR(1) NOT NULL, first VARCHAR(20) "
           "CHARACTER SET latin1 COLLATE latin1_general_cs, last VARCHAR(30) CHARACTER SET latin1 COLLATE latin1_general_cs) "
           "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
           "INSERT INTO ec_accounts (include, first, last) VALUES ('X', 'Ada', 'Lovelace'), ('', 'Alan', 'Turing')"});
  auto yaml = [](const std::string& phase) {
    return mysql_job_control_yaml() + "migrations:\n"
           "  - name: ec-include\n    table: ec_accounts\n    change_column: {from: include, to: include_bool, "
           "up: \"CASE WHEN include = 'X' THEN 1 ELSE 0 END\", down: \"IF(include_bool, 'X', '')\"}\n    phase: " + phase + "\n"
           "  - name: ec-full\n    table: ec_accounts\n    add_column: {name: full, up: \"CONCAT(first, ' ', last)\"}\n"
           "    phase: " + phase + "\n";
  };
  MysqlJobConfig config(yaml("off"));
  const CommandResult change = config.run("expand", "ec-include");
  ASSERT_EQ(change.exit_code, 0) << change.describe();
  const CommandResult add = config.run("expand", "ec-full");
  ASSERT_EQ(add.exit_code, 0) << add.describe();
  // Hand-written oracle: what MariaDB 10.11 gives CASE ... THEN 1 ELSE 0 END (int(2)) and CONCAT
  // of two latin1_general_cs columns (lengths added, the columns' collation).
  EXPECT_EQ(columns("ec_accounts"), "aid int(11) NOT NULL - -\n"
                                    "include char(1) NOT NULL utf8mb4_general_ci -\n"
                                    "first varchar(20) NULL latin1_general_cs NULL\n"
                                    "last varchar(30) NULL latin1_general_cs NULL\n"
                                    "include_bool int(2) NULL - NULL\n"
                                    "full varchar(51) NULL latin1_general_cs NULL\n");
  EXPECT_TRUE(contains(change.err, "note: indexes and constraints on the new column are not derived for a change_column"))
      << change.describe();
  EXPECT_EQ(value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'switchyard_type_probe'"), "0");

  // --type wins over the server's answer (on a fresh column).
  run_sql({"ALTER TABLE ec_accounts DROP COLUMN include_bool"});
  const CommandResult typed = config.run("expand", "ec-include", {"--type", "include_bool=TINYINT(1)"});
  ASSERT_EQ(typed.exit_code, 0) << typed.describe();
  EXPECT_TRUE(contains(columns("ec_accounts"), "include_bool tinyint(1) NULL - NULL\n"));

  // contract in new_only: the change's new column NOT NULL (the old one was), then the drop; an
  // add_column has nothing to drop.
  ASSERT_TRUE(config.rewrite(yaml("dual_write")));
  ASSERT_EQ(config.run("backfill", "ec-include").exit_code, 0);
  ASSERT_TRUE(config.rewrite(yaml("new_only")));
  const CommandResult contract = config.run("contract", "ec-include");
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_TRUE(contains(contract.err, "switchyard: the server refuses this form (ALGORITHM=INSTANT is not supported"))
      << contract.describe();
  EXPECT_TRUE(contains(contract.out, "MODIFY COLUMN `include_bool` tinyint(1) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;\n"))
      << contract.describe();
  EXPECT_EQ(columns("ec_accounts"), "aid int(11) NOT NULL - -\n"
                                    "first varchar(20) NULL latin1_general_cs NULL\n"
                                    "last varchar(30) NULL latin1_general_cs NULL\n"
                                    "full varchar(51) NULL latin1_general_cs NULL\n"
                                    "include_bool tinyint(1) NOT NULL - -\n");
  EXPECT_EQ(value("SELECT GROUP_CONCAT(include_bool ORDER BY aid) FROM app.ec_accounts"), "1,0");
  const CommandResult nothing = config.run("contract", "ec-full");
  ASSERT_EQ(nothing.exit_code, 0) << nothing.describe();
  EXPECT_TRUE(contains(nothing.err, "note: no old column left to drop")) << nothing.describe();
}

TEST_F(MariaDbExpandContract, NotNullOverARowLeftNullFailsInsteadOfStoringADefault) {
  make_users("ec_nulls", "ec-nulls", 50);
  MysqlJobConfig config(rename_yaml("ec-nulls", "ec_nulls", "off"));
  ASSERT_EQ(config.run("expand", "ec-nulls").exit_code, 0);
  // No backfill: display_name is NULL in every row, so NOT NULL must fail (strict mode), not store ''.
  run_sql({"UPDATE ec_nulls SET display_name = full_name WHERE id > 1", "UPDATE ec_nulls SET display_name = NULL WHERE id = 1"});
  ASSERT_TRUE(config.rewrite(rename_yaml("ec-nulls", "ec_nulls", "new_only")));
  const CommandResult contract = config.run("contract", "ec-nulls");
  EXPECT_EQ(contract.exit_code, 1) << contract.describe();
  EXPECT_TRUE(contains(contract.err, "switchyard: failed: ALTER TABLE `ec_nulls` MODIFY COLUMN `display_name`"))
      << contract.describe();
  EXPECT_TRUE(contains(columns("ec_nulls"), "full_name varchar(100) NOT NULL")) << "the old column was dropped";
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.ec_nulls WHERE display_name IS NULL"), "1");
}

TEST_F(MariaDbExpandContract, RenameTableAndCopyTableFromExpandToContract) {
  run_sql({"DROP TABLE IF EXISTS ec_inovices", "DROP TABLE IF EXISTS ec_invoices", "DROP TABLE IF EXISTS ec_legacy",
           "DROP TABLE IF EXISTS ec_account", "DROP TABLE IF EXISTS switchyard.`ec-invoices_backup`",
           "CREATE TABLE ec_inovices (id INT AUTO_INCREMENT PRIMARY KEY, amount DECIMAL(12,2) NOT NULL DEFAULT 0, "
           "note VARCHAR(50) COLLATE utf8mb4_bin, KEY ec_inovices_amount (amount), CONSTRAINT ec_inovices_amount_ok CHECK "
           "(amount >= 0)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
           "INSERT INTO ec_inovices (amount, note) SELECT seq / 100, CONCAT('n', seq) FROM seq_1_to_500",
           "CREATE TABLE ec_legacy (id INT PRIMARY KEY, name VARCHAR(191) NOT NULL, user_id INT NOT NULL, "
           "accttype VARCHAR(20)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"});
  auto yaml = [](const std::string& phase) {
    return mysql_job_control_yaml() + "migrations:\n"
           "  - name: ec-invoices\n    rename_table: {from: ec_inovices, to: ec_invoices}\n    phase: " + phase + "\n"
           "  - name: ec-account\n    copy_table:\n      from: ec_legacy\n      to: ec_account\n      key: [id]\n"
           "      columns: {id: id, name: name, user_id: user_id, type: \"CASE accttype WHEN 'CHECKING' THEN 'ASSET' "
           "ELSE 'LIABILITY' END\"}\n"
           "      down: {accttype: \"IF(type = 'ASSET', 'CHECKING', 'CREDITLINE')\"}\n    phase: " + phase + "\n";
  };
  MysqlJobConfig config(yaml("off"));
  const CommandResult rename = config.run("expand", "ec-invoices");
  ASSERT_EQ(rename.exit_code, 0) << rename.describe();
  std::string want = show_create("ec_inovices");
  want.replace(want.find("`ec_inovices`"), 13, "`ec_invoices`");
  const auto auto_inc = want.find(" AUTO_INCREMENT=");
  if (auto_inc != std::string::npos) want.erase(auto_inc, want.find(' ', auto_inc + 1) - auto_inc);  // the counter is not copied
  EXPECT_EQ(show_create("ec_invoices"), want);
  EXPECT_TRUE(contains(want, "CONSTRAINT `ec_inovices_amount_ok` CHECK (`amount` >= 0)")) << want;  // LIKE copies CHECKs
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.ec_invoices"), "0");

  const CommandResult copy = config.run("expand", "ec-account");
  ASSERT_EQ(copy.exit_code, 0) << copy.describe();
  EXPECT_EQ(columns("ec_account"), "id int(11) NOT NULL - -\n"
                                   "name varchar(191) NOT NULL utf8mb4_unicode_ci -\n"
                                   "user_id int(11) NOT NULL - -\n"
                                   "type varchar(9) NULL utf8mb4_general_ci NULL\n");
  EXPECT_EQ(indexes("ec_account"), "PRIMARY(id)");
  for (const char* m : {"ec-invoices", "ec-account"}) {
    const CommandResult again = config.run("expand", m);
    ASSERT_EQ(again.exit_code, 0) << again.describe();
    EXPECT_TRUE(contains(again.out, "nothing to do, every step was already done")) << again.describe();
  }
  // The proxy's schema check accepts both shapes in dual_write (row key on both sides).
  ASSERT_TRUE(config.rewrite(yaml("dual_write")));
  const CommandResult refused = config.run("contract", "ec-invoices");
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_TRUE(contains(refused.err, "contract is allowed only in phase new_only; the migration is in phase dual_write"))
      << refused.describe();
  EXPECT_EQ(value("SELECT COUNT(*) FROM app.ec_inovices"), "500");

  ASSERT_TRUE(config.rewrite(yaml("new_only")));
  const CommandResult moved = config.run("contract", "ec-invoices", {"--backup"});
  ASSERT_EQ(moved.exit_code, 0) << moved.describe();
  EXPECT_TRUE(contains(moved.out, "RENAME TABLE `ec_inovices` TO `switchyard`.`ec-invoices_backup`;\n")) << moved.describe();
  EXPECT_EQ(value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'ec_inovices'"),
            "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM switchyard.`ec-invoices_backup`"), "500");
  const CommandResult dropped = config.run("contract", "ec-account");
  ASSERT_EQ(dropped.exit_code, 0) << dropped.describe();
  EXPECT_TRUE(contains(dropped.out, "DROP TABLE `ec_legacy`;\n")) << dropped.describe();
  EXPECT_EQ(value("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'ec_legacy'"),
            "0");
  for (const char* m : {"ec-invoices", "ec-account"}) {
    const CommandResult again = config.run("contract", m);
    ASSERT_EQ(again.exit_code, 0) << again.describe();
    EXPECT_TRUE(contains(again.err, "is already gone")) << again.describe();
  }
  run_sql({"DROP TABLE IF EXISTS switchyard.`ec-invoices_backup`"});
}

// Foreign keys follow the migration: a renamed column's key is copied to the new column in place
// (foreign_key_checks off for that ALTER only, so no table copy), then the rows the server did
// not check are checked: a row let in past the key fails expand naming the key, and a rerun once
// it is fixed goes on. A renamed table gets the old table's keys; contract drops the old column's
// key before the column. The oracle: information_schema, and the server enforcing the keys.
TEST_F(MariaDbExpandContract, ForeignKeysFollowARenamedColumnAndATable) {
  run_sql({"DROP TABLE IF EXISTS ec_pets", "DROP TABLE IF EXISTS ec_collars", "DROP TABLE IF EXISTS ec_collars2",
           "DROP TABLE IF EXISTS ec_owners", "CREATE TABLE ec_owners (id INT PRIMARY KEY) ENGINE=InnoDB",
           "INSERT INTO ec_owners SELECT seq FROM seq_1_to_10",
           "CREATE TABLE ec_pets (id INT PRIMARY KEY, owner_id INT, CONSTRAINT ec_pets_owner_id_fk FOREIGN KEY (owner_id) "
           "REFERENCES ec_owners (id) ON DELETE CASCADE) ENGINE=InnoDB",
           "INSERT INTO ec_pets SELECT seq, 1 + seq % 10 FROM seq_1_to_200",
           "CREATE TABLE ec_collars (id INT PRIMARY KEY, owner INT, parent INT, CONSTRAINT ec_collars_ibfk_1 FOREIGN KEY "
           "(owner) REFERENCES ec_owners (id) ON UPDATE CASCADE, CONSTRAINT ec_collars_parent FOREIGN KEY (parent) "
           "REFERENCES ec_collars (id)) ENGINE=InnoDB",
           "INSERT INTO ec_collars SELECT seq, 1 + seq % 10, NULL FROM seq_1_to_50"});
  auto yaml = [](const std::string& phase) {
    return mysql_job_control_yaml() + "migrations:\n"
           "  - name: ec-pets\n    table: ec_pets\n    rename_column: {from: owner_id, to: owner}\n    phase: " + phase + "\n"
           "  - name: ec-collars\n    rename_table: {from: ec_collars, to: ec_collars2}\n    phase: " + phase + "\n";
  };
  // name(columns)->parent(columns) delete/update rules, every key of `table`.
  auto keys = [this](const std::string& table) {
    return value("SELECT GROUP_CONCAT(k ORDER BY k SEPARATOR ' ') FROM (SELECT CONCAT(c.CONSTRAINT_NAME, '(', "
                 "GROUP_CONCAT(c.COLUMN_NAME ORDER BY c.ORDINAL_POSITION), ')->', MAX(c.REFERENCED_TABLE_NAME), '(', "
                 "GROUP_CONCAT(c.REFERENCED_COLUMN_NAME ORDER BY c.ORDINAL_POSITION), ') ', MAX(r.DELETE_RULE), '/', "
                 "MAX(r.UPDATE_RULE)) AS k FROM information_schema.KEY_COLUMN_USAGE c JOIN "
                 "information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND "
                 "r.CONSTRAINT_NAME = c.CONSTRAINT_NAME WHERE c.TABLE_SCHEMA = 'app' AND c.TABLE_NAME = '" + table +
                 "' AND c.REFERENCED_TABLE_NAME IS NOT NULL GROUP BY c.CONSTRAINT_NAME) s");
  };
  MysqlJobConfig config(yaml("off"));
  const CommandResult expand = config.run("expand", "ec-pets");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_TRUE(contains(expand.out, "SET STATEMENT foreign_key_checks=0 FOR ALTER TABLE `ec_pets` ADD CONSTRAINT "
                                   "`ec_pets_owner_fk` FOREIGN KEY (`owner`) REFERENCES `ec_owners` (`id`) ON DELETE "
                                   "CASCADE, ALGORITHM=INPLACE, LOCK=NONE;"))
      << expand.describe();
  EXPECT_EQ(keys("ec_pets"), "ec_pets_owner_fk(owner)->ec_owners(id) CASCADE/RESTRICT "
                             "ec_pets_owner_id_fk(owner_id)->ec_owners(id) CASCADE/RESTRICT");
  std::string error;
  EXPECT_FALSE(mariadb_query(direct_.get(), "INSERT INTO ec_pets (id, owner) VALUES (1000, 99)", error));
  EXPECT_TRUE(contains(error, "foreign key constraint fails")) << error;

  // A row the key never checked: expand fails naming the key, and goes on once it is fixed.
  run_sql({"ALTER TABLE ec_pets DROP FOREIGN KEY ec_pets_owner_fk", "SET SESSION foreign_key_checks = 0",
           "UPDATE ec_pets SET owner = 77 WHERE id = 5", "SET SESSION foreign_key_checks = 1"});
  const CommandResult orphan = config.run("expand", "ec-pets");
  EXPECT_EQ(orphan.exit_code, 1) << orphan.describe();
  EXPECT_TRUE(contains(orphan.err, "rows of ec_pets break foreign key ec_pets_owner_fk")) << orphan.describe();
  EXPECT_TRUE(contains(keys("ec_pets"), "ec_pets_owner_fk(owner)->ec_owners(id)")) << "in place for every new write";
  run_sql({"UPDATE ec_pets SET owner = 7 WHERE id = 5"});
  const CommandResult fixed = config.run("expand", "ec-pets");
  ASSERT_EQ(fixed.exit_code, 0) << fixed.describe();

  // The renamed table: its key to ec_owners, renamed; the one to itself left to the operator.
  const CommandResult table = config.run("expand", "ec-collars");
  ASSERT_EQ(table.exit_code, 0) << table.describe();
  EXPECT_EQ(keys("ec_collars2"), "ec_collars2_ibfk_1(owner)->ec_owners(id) RESTRICT/CASCADE");
  EXPECT_TRUE(contains(table.err + table.out, "foreign key ec_collars_parent references public.ec_collars itself: not copied"))
      << table.describe();
  for (const char* m : {"ec-pets", "ec-collars"}) {
    const CommandResult again = config.run("expand", m);
    ASSERT_EQ(again.exit_code, 0) << again.describe();
    EXPECT_TRUE(contains(again.out, "nothing to do, every step was already done")) << again.describe();
  }

  ASSERT_TRUE(config.rewrite(yaml("dual_write")));
  const CommandResult backfill = config.run("backfill", "ec-pets");
  ASSERT_EQ(backfill.exit_code, 0) << backfill.describe();
  ASSERT_TRUE(config.rewrite(yaml("new_only")));
  const CommandResult contract = config.run("contract", "ec-pets");
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_TRUE(contains(contract.out, "ALTER TABLE `ec_pets` DROP FOREIGN KEY `ec_pets_owner_id_fk`")) << contract.describe();
  EXPECT_EQ(keys("ec_pets"), "ec_pets_owner_fk(owner)->ec_owners(id) CASCADE/RESTRICT");
  EXPECT_EQ(value("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = "
                  "'ec_pets' AND COLUMN_NAME = 'owner_id'"),
            "0");
  run_sql({"DELETE FROM ec_collars WHERE owner = 3", "DELETE FROM ec_owners WHERE id = 3"});  // the copied key's ON DELETE CASCADE
  EXPECT_EQ(value("SELECT COUNT(*) FROM ec_pets WHERE owner = 3"), "0");
  EXPECT_EQ(value("SELECT COUNT(*) FROM ec_pets"), "180");
  run_sql({"DROP TABLE ec_pets", "DROP TABLE ec_collars2", "DROP TABLE ec_collars", "DROP TABLE ec_owners"});
}

// CHECK constraints over a renamed column: expand gives the new column the old one's (its own
// and a table CHECK over it and another column) as its own CHECK, guarded for the rows the
// backfill has not reached; contract checks the rows, makes it exact, and drops the table CHECK
// that would make DROP COLUMN fail. The oracle: the server accepting and refusing writes.
TEST_F(MariaDbExpandContract, ChecksFollowARenamedColumnAndContractMakesThemExact) {
  run_sql({"DROP TABLE IF EXISTS ec_stock", "CREATE DATABASE IF NOT EXISTS switchyard",
           "CREATE TABLE ec_stock (id INT PRIMARY KEY, qty INT CHECK (qty >= 0), cap INT, "
           "CONSTRAINT ec_stock_qty_cap CHECK (qty <= cap OR cap IS NULL), "
           "CONSTRAINT ec_stock_qty_set CHECK (qty IS NOT NULL OR id > 1000)) ENGINE=InnoDB",
           "INSERT INTO ec_stock SELECT seq, seq % 7, 10 FROM seq_1_to_300"});
  std::string error;
  (void)mariadb_query(direct_.get(), "DELETE FROM switchyard.checkpoints WHERE migration = 'ec-stock'", error);
  auto yaml = [](const std::string& phase) {
    return mysql_job_control_yaml() + "migrations:\n  - name: ec-stock\n    table: ec_stock\n"
           "    rename_column: {from: qty, to: quantity}\n    phase: " + phase + "\n";
  };
  auto refused = [this](const std::string& sql) {
    std::string e;
    return !mariadb_query(direct_.get(), sql, e) && contains(e, "CONSTRAINT");
  };
  MysqlJobConfig config(yaml("off"));
  const CommandResult expand = config.run("expand", "ec-stock");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_TRUE(contains(expand.out, "ADD COLUMN `quantity` int(11) NULL CHECK (`quantity` IS NULL OR (")) << expand.describe();
  EXPECT_TRUE(contains(expand.err + expand.out, "CHECK ec_stock_qty_cap, ec_stock_qty_set, qty over qty now holds for quantity"))
      << expand.describe();
  // Rows the backfill has not reached (quantity NULL) still take the clients' updates ...
  run_sql({"UPDATE ec_stock SET cap = 20 WHERE id = 1"});
  // ... and a value the old column's CHECKs refuse is refused in the new one from now on.
  EXPECT_TRUE(refused("UPDATE ec_stock SET quantity = -1 WHERE id = 2"));
  EXPECT_TRUE(refused("UPDATE ec_stock SET quantity = 50 WHERE id = 2"));  // above cap
  run_sql({"UPDATE ec_stock SET quantity = 3 WHERE id = 2"});

  ASSERT_TRUE(config.rewrite(yaml("dual_write")));
  const CommandResult backfill = config.run("backfill", "ec-stock");
  ASSERT_EQ(backfill.exit_code, 0) << backfill.describe();
  ASSERT_TRUE(config.rewrite(yaml("new_only")));
  // A row the guard let through (NULL, which ec_stock_qty_set refuses): contract stops on it.
  run_sql({"UPDATE ec_stock SET quantity = NULL WHERE id = 5"});
  const CommandResult stopped = config.run("contract", "ec-stock");
  EXPECT_EQ(stopped.exit_code, 1) << stopped.describe();
  EXPECT_TRUE(contains(stopped.err, "rows of ec_stock break CHECK ec_stock_qty_cap, ec_stock_qty_set, qty over quantity"))
      << stopped.describe();
  EXPECT_EQ(value("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = "
                  "'ec_stock' AND COLUMN_NAME = 'qty'"),
            "1");
  run_sql({"UPDATE ec_stock SET quantity = qty WHERE id = 5"});
  const CommandResult contract = config.run("contract", "ec-stock");
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_TRUE(contains(contract.out, "DROP CONSTRAINT `ec_stock_qty_cap`")) << contract.describe();
  EXPECT_FALSE(contains(show_create("ec_stock"), "`qty`"));
  EXPECT_EQ(value("SELECT COUNT(*) FROM ec_stock WHERE quantity = id % 7"), "300");
  // The exact CHECK: every condition the old column had, NULL included.
  EXPECT_TRUE(refused("UPDATE ec_stock SET quantity = -1 WHERE id = 3"));
  EXPECT_TRUE(refused("UPDATE ec_stock SET quantity = 50 WHERE id = 3"));
  EXPECT_TRUE(refused("UPDATE ec_stock SET quantity = NULL WHERE id = 3"));
  run_sql({"UPDATE ec_stock SET quantity = 9 WHERE id = 3", "INSERT INTO ec_stock (id, quantity, cap) VALUES (2000, NULL, 1)"});
  const CommandResult again = config.run("contract", "ec-stock");
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  run_sql({"DROP TABLE ec_stock"});
}

// The proxy check before contract is the same as on PostgreSQL (jobs/proxy_check.h): a proxy in
// the config that cannot be asked blocks it, --force goes ahead.
TEST_F(MariaDbExpandContract, AProxyThatCannotBeAskedBlocksContractUnlessForced) {
  make_users("ec_asked", "ec-asked", 20);
  const int admin_port = pick_free_port();  // nothing listens there
  const std::string admin = "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n";
  MysqlJobConfig config(admin + rename_yaml("ec-asked", "ec_asked", "off"));
  ASSERT_EQ(config.run("expand", "ec-asked").exit_code, 0);
  run_sql({"UPDATE ec_asked SET display_name = full_name"});
  ASSERT_TRUE(config.rewrite(admin + rename_yaml("ec-asked", "ec_asked", "new_only")));
  const CommandResult refused = config.run("contract", "ec-asked");
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_TRUE(contains(refused.err, "cannot ask the proxy's admin API at 127.0.0.1:" + std::to_string(admin_port)))
      << refused.describe();
  EXPECT_TRUE(contains(columns("ec_asked"), "full_name varchar(100) NOT NULL"));
  const CommandResult forced = config.run("contract", "ec-asked", {"--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.describe();
  EXPECT_TRUE(contains(forced.err, "--force: going ahead although")) << forced.describe();
  EXPECT_FALSE(contains(columns("ec_asked"), "full_name"));
}

TEST_F(MariaDbExpandContract, EveryOnlineFormRefusedFailsAndNamesTheStatementToRunByHand) {
  // InnoDB rebuilds a table with a FULLTEXT index only under a lock: neither INSTANT nor
  // INPLACE, LOCK=NONE can add a column to it.
  run_sql({"DROP TABLE IF EXISTS ec_docs",
           "CREATE TABLE ec_docs (id INT PRIMARY KEY, body TEXT, FULLTEXT KEY ec_docs_body (body)) ENGINE=InnoDB",
           "INSERT INTO ec_docs VALUES (1, 'a b c')"});
  MysqlJobConfig config(mysql_job_control_yaml() + "migrations:\n  - name: ec-docs\n    table: ec_docs\n"
                        "    add_column: {name: size, up: \"LENGTH(body)\"}\n    phase: off\n");
  const CommandResult expand = config.run("expand", "ec-docs");
  EXPECT_EQ(expand.exit_code, 1) << expand.describe();
  EXPECT_TRUE(contains(expand.err, "the server refuses every online form of this step")) << expand.describe();
  EXPECT_TRUE(contains(expand.err, "ALGORITHM=INPLACE, LOCK=NONE: LOCK=NONE is not supported. Reason: Fulltext index "
                                   "creation requires a lock"))
      << expand.describe();
  EXPECT_TRUE(contains(expand.err, "run it by hand in a maintenance window (it may block writes while it copies the table):\n"
                                   "  ALTER TABLE `ec_docs` ADD COLUMN `size` int(10) NULL;\n"))
      << expand.describe();
  EXPECT_EQ(columns("ec_docs"), "id int(11) NOT NULL - -\nbody text NULL utf8mb4_general_ci NULL\n");
}

// The writer's statements through expand: how many, and the longest one.
struct WriterStats {
  long writes = 0, failures = 0;
  long max_wait_ms = 0;
};

class Writer {
 public:
  explicit Writer(const std::string& table) {
    thread_ = std::thread([this, table] {
      std::string error;
      MariaDbConn c = connect_mariadb(tcp_login(shared_mariadb(), kMariaDbNativeUser, kMariaDbNativePassword), error);
      if (!c || !mariadb_query(c.get(), "USE app", error)) {
        failures_ = 1;
        return;
      }
      for (long i = 0; !stop_; ++i) {
        const auto t0 = Clock::now();
        const bool ok = mariadb_query(c.get(), "UPDATE " + table + " SET email = CONCAT('w', " + std::to_string(i) +
                                                   ") WHERE id = " + std::to_string(1 + i % 1000), error).has_value();
        if (t0.time_since_epoch().count() < since_) continue;  // began before reset(): not counted
        const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
        max_wait_ms_ = std::max<long>(max_wait_ms_, ms);
        ok ? ++writes_ : ++failures_;
      }
    });
  }
  // Counts the statements that begin from now on only.
  void reset() {
    since_ = Clock::now().time_since_epoch().count();
    writes_ = 0;
    max_wait_ms_ = 0;
  }
  WriterStats snapshot() const { return {writes_.load(), failures_.load(), max_wait_ms_.load()}; }
  ~Writer() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> writes_{0}, failures_{0}, max_wait_ms_{0};
  std::atomic<Clock::rep> since_{0};
  std::thread thread_;
};

TEST_F(MariaDbExpandContract, WritersKeepWritingAndALongTransactionCostsThemOneLockWaitTimeout) {
  make_users("ec_online", "ec-online", 200000);
  MysqlJobConfig config(rename_yaml("ec-online", "ec_online", "off"));
  Writer writer("ec_online");
  ASSERT_TRUE(eventually([&] { return writer.snapshot().writes > 50; }, 20s));

  // 1. No long transaction: the writer keeps writing through the whole expand, the index build
  //    (INPLACE, LOCK=NONE over 200000 rows) included.
  writer.reset();
  const auto t0 = Clock::now();
  const CommandResult expand = config.run("expand", "ec-online");
  const long expand_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  const WriterStats free_run = writer.snapshot();
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_EQ(free_run.failures, 0);
  EXPECT_GT(free_run.writes, 20) << "the writer stood still during expand (" << expand_ms << " ms)";
  std::printf("expand of ec_online (200000 rows, one index) took %ld ms; the writer made %ld writes meanwhile, the "
              "longest %ld ms\n", expand_ms, free_run.writes, free_run.max_wait_ms);
  run_sql({"ALTER TABLE ec_online DROP COLUMN display_name, DROP INDEX ec_online_display_name_idx"});

  // 2. A long transaction holds the table's metadata lock for 3.5 s: every attempt of the ALTER
  //    waits lock_wait_timeout (1 s), gives up, and the writers queued behind it go on.
  std::string error;
  MariaDbConn holder = connect_mariadb(tcp_login(shared_mariadb(), kMariaDbNativeUser, kMariaDbNativePassword), error);
  ASSERT_TRUE(holder) << error;
  ASSERT_TRUE(mariadb_query(holder.get(), "BEGIN", error)) << error;
  ASSERT_TRUE(mariadb_query(holder.get(), "SELECT COUNT(*) FROM app.ec_online WHERE id < 10", error)) << error;
  std::thread release([&] {
    std::this_thread::sleep_for(3500ms);
    std::string e;
    mariadb_query(holder.get(), "COMMIT", e);
  });
  writer.reset();
  const auto t1 = Clock::now();
  const CommandResult waited = config.run("expand", "ec-online", {"--lock-timeout-ms", "1000", "--retries", "10"});
  const long waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t1).count();
  const WriterStats blocked = writer.snapshot();
  release.join();
  ASSERT_EQ(waited.exit_code, 0) << waited.describe();
  EXPECT_TRUE(contains(waited.err, "switchyard: lock_wait_timeout (1 s) on attempt 1: Lock wait timeout exceeded; try "
                                   "restarting transaction; retry 1 of 10 in"))
      << waited.describe();
  EXPECT_TRUE(contains(columns("ec_online"), "display_name varchar(100) NULL utf8mb4_bin NULL"));
  EXPECT_GE(waited_ms, 3000) << waited.describe();
  EXPECT_EQ(blocked.failures, 0);
  EXPECT_GT(blocked.writes, 20);
  // The writer queues behind a waiting ALTER for at most about one lock_wait_timeout.
  EXPECT_LT(blocked.max_wait_ms, 1800) << waited.describe();
  int timeouts = 0;
  for (auto at = waited.err.find("on attempt"); at != std::string::npos; at = waited.err.find("on attempt", at + 1)) ++timeouts;
  EXPECT_GE(timeouts, 2) << waited.describe();  // 3.5 s of a 1 s limit with backoff: at least two attempts gave up
  std::printf("with a 3.5 s transaction holding the metadata lock, expand took %ld ms (%d attempts timed out after "
              "lock_wait_timeout 1000 ms and were retried); the writer made %ld writes, its longest wait %ld ms\n",
              waited_ms, timeouts, blocked.writes, blocked.max_wait_ms);

  // 3. The retries run out: exit 1 with a clear message, nothing changed.
  run_sql({"ALTER TABLE ec_online DROP COLUMN display_name, DROP INDEX ec_online_display_name_idx"});
  ASSERT_TRUE(mariadb_query(holder.get(), "BEGIN", error)) << error;
  ASSERT_TRUE(mariadb_query(holder.get(), "SELECT COUNT(*) FROM app.ec_online WHERE id < 10", error)) << error;
  const CommandResult gave_up = config.run("expand", "ec-online", {"--lock-timeout-ms", "1000", "--retries", "1"});
  ASSERT_TRUE(mariadb_query(holder.get(), "COMMIT", error)) << error;
  EXPECT_EQ(gave_up.exit_code, 1) << gave_up.describe();
  EXPECT_TRUE(contains(gave_up.err, "gave up after 2 attempts: the lock this statement needs was not granted within "
                                    "lock_wait_timeout (1 s)"))
      << gave_up.describe();
  EXPECT_FALSE(contains(columns("ec_online"), "display_name"));

  // 4. contract: MODIFY ... NOT NULL rebuilds the table (INPLACE, LOCK=NONE: InnoDB refuses
  //    INSTANT, it must check every row), the old index goes, and DROP COLUMN is INSTANT, while
  //    the writer goes on.
  ASSERT_EQ(config.run("expand", "ec-online").exit_code, 0);
  run_sql({"UPDATE ec_online SET display_name = full_name"});  // as a backfill would
  ASSERT_TRUE(config.rewrite(rename_yaml("ec-online", "ec_online", "new_only")));
  writer.reset();
  const auto t2 = Clock::now();
  const CommandResult contract = config.run("contract", "ec-online");
  const long contract_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t2).count();
  const WriterStats rebuilt = writer.snapshot();
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_TRUE(contains(contract.out, "NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;\n")) << contract.describe();
  EXPECT_TRUE(contains(contract.out, "DROP COLUMN `full_name`, ALGORITHM=INSTANT;\n")) << contract.describe();
  EXPECT_EQ(columns("ec_online"), "id int(11) NOT NULL - -\n"
                                  "email varchar(100) NULL utf8mb4_general_ci NULL\n"
                                  "display_name varchar(100) NOT NULL utf8mb4_bin 'nobody'\n");
  EXPECT_EQ(rebuilt.failures, 0);
  EXPECT_GT(rebuilt.writes, 20) << "the writer stood still during contract (" << contract_ms << " ms)";
  // The rebuild holds the table exclusively only at its start and end, not for its length.
  EXPECT_LT(rebuilt.max_wait_ms, 1800) << contract.describe();
  std::printf("contract of ec_online (one online rebuild of 200000 rows, an instant drop) took %ld ms; the writer made "
              "%ld writes meanwhile, the longest %ld ms\n%s", contract_ms, rebuilt.writes, rebuilt.max_wait_ms,
              contract.out.c_str());
}

}  // namespace
}  // namespace switchyard::test_support

// The MySQL rewriter's two-table migrations (rewrite/mysql/table_writes.h): the scripts of writes
// in the dual phases, the keys condition, rename_table's reads and new_only retargeting, and
// what is refused. The scripts are run against a real server by
// tests/integration/mariadb_table_migration_test.cpp.
#include "rewrite/mysql/table_writes.h"

#include <gtest/gtest.h>

#include "rewrite/mysql/rewriter.h"
#include "tests/rewrite/mysql/table_catalog.h"

namespace switchyard::rewrite::mysql {
namespace {

using config::Phase;
using testing::column;
using testing::table_catalog;

RewriteResult rw(const std::string& sql, Phase phase = Phase::kDualWrite, ReadRoute route = {}) {
  static Catalog cats[6];
  Catalog& c = cats[static_cast<int>(phase)];
  c = table_catalog(phase);
  return rewrite_sql(sql, c, route, LexicalSettings{}, "app");
}

TEST(MysqlTableWrites, InsertWithGeneratedKeySyncsTheInsertIdsRows) {
  const RewriteResult r = rw("INSERT INTO inovices (total, note) VALUES (1.50, 'a'), (2, NOW())");
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRewritten) << r.reason;
  ASSERT_TRUE(r.script);
  const WriteScript& s = *r.script;
  EXPECT_EQ(s.migration, "invoices");
  EXPECT_TRUE(s.capture.empty());
  EXPECT_EQ(s.write.with("X"), "INSERT INTO inovices (total, note) VALUES (1.50, 'a'), (2, NOW())");
  EXPECT_EQ(s.generated_rows, 2u);
  EXPECT_TRUE(s.inserted_keys.empty());
  ASSERT_EQ(s.mirror.size(), 1u);
  EXPECT_EQ(s.mirror[0].with("K"),
            "INSERT INTO `app`.`invoices` (`id`, `total`, `note`) SELECT `id`, `total`, `note` FROM `app`.`inovices` WHERE K "
            "ON DUPLICATE KEY UPDATE `total` = VALUES(`total`), `note` = VALUES(`note`)");
  EXPECT_EQ(keys_condition(s, {}, 41, false), "(`id` BETWEEN 41 AND 41 + 1 * @@auto_increment_increment)");
  EXPECT_EQ(keys_condition(s, {}, 0, false), "FALSE");
}

TEST(MysqlTableWrites, InsertWithExplicitKeysSyncsThoseKeys) {
  const RewriteResult r = rw("INSERT IGNORE INTO inovices SET id = 7, total = 3");
  ASSERT_TRUE(r.script) << r.reason;
  EXPECT_EQ(r.script->inserted_keys, std::vector<std::string>{"(7)"});
  EXPECT_EQ(r.script->generated_rows, 0u);
  EXPECT_EQ(keys_condition(*r.script, {}, 0, false), "(`id` IN ((7)))");
}

TEST(MysqlTableWrites, UpdateCapturesItsRowsThenRunsLimitedToThem) {
  const RewriteResult r = rw("UPDATE inovices SET total = total * 2 WHERE note LIKE 'a%' ORDER BY id DESC LIMIT 3");
  ASSERT_TRUE(r.script) << r.reason;
  const WriteScript& s = *r.script;
  EXPECT_EQ(s.capture.with("K"), "SELECT `id` FROM inovices WHERE (note LIKE 'a%') ORDER BY id DESC LIMIT 3 FOR UPDATE");
  EXPECT_EQ(s.write.with("K"), "UPDATE inovices SET total = total * 2 WHERE (note LIKE 'a%') AND K ORDER BY id DESC LIMIT 3");
  ASSERT_EQ(s.mirror.size(), 1u);
  EXPECT_EQ(keys_condition(s, {{"3"}, {"9"}}, 0, false), "(`id` IN ((3), (9)))");
  // Without WHERE, the keys are its WHERE.
  const RewriteResult all = rw("UPDATE inovices SET note = NULL");
  ASSERT_TRUE(all.script);
  EXPECT_EQ(all.script->write.with("K"), "UPDATE inovices SET note = NULL WHERE K");
}

TEST(MysqlTableWrites, DeleteMirrorsByDeletingWhatIsGoneFromTheWrittenTable) {
  const RewriteResult r = rw("DELETE FROM inovices WHERE id = 4");
  ASSERT_TRUE(r.script) << r.reason;
  EXPECT_EQ(r.script->write.with("K"), "DELETE FROM inovices WHERE (id = 4) AND K");
  ASSERT_EQ(r.script->mirror.size(), 1u);
  EXPECT_EQ(r.script->mirror[0].with("K"),
            "DELETE FROM `app`.`invoices` WHERE K AND NOT EXISTS (SELECT 1 FROM `app`.`inovices` WHERE "
            "`app`.`inovices`.`id` = `app`.`invoices`.`id`)");
}

TEST(MysqlTableWrites, CopyTableMapsColumnsEachWayAndQuotesStringKeys) {
  const RewriteResult up = rw("UPDATE legacy_accounts SET accttype = 'S' WHERE code = 'x'");
  ASSERT_TRUE(up.script) << up.reason;
  EXPECT_EQ(up.script->mirror[0].with("K"),
            "INSERT INTO `app`.`accounts2` (`code`, `kind`, `name`) SELECT `code`, (CASE accttype WHEN 'S' THEN 'savings' ELSE "
            "'checking' END), (`name`) FROM `app`.`legacy_accounts` WHERE K ON DUPLICATE KEY UPDATE `kind` = VALUES(`kind`), "
            "`name` = VALUES(`name`)");
  EXPECT_EQ(keys_condition(*up.script, {{"it's\\"}}, 0, false), "(`code` IN (('it''s\\\\')))");
  EXPECT_EQ(keys_condition(*up.script, {{"it's\\"}}, 0, true), "(`code` IN (('it''s\\')))");
  EXPECT_EQ(keys_condition(*up.script, {{"12"}}, 0, false), "(`code` IN (('12')))");  // a string key stays a string
  const RewriteResult down = rw("INSERT INTO accounts2 (code, kind, name) VALUES ('y', 'savings', 'Y')");
  ASSERT_TRUE(down.script) << down.reason;
  EXPECT_EQ(down.script->mirror[0].with("K"),
            "INSERT INTO `app`.`legacy_accounts` (`code`, `accttype`, `name`) SELECT `code`, (CASE kind WHEN 'savings' THEN 'S' "
            "ELSE 'C' END), (`name`) FROM `app`.`accounts2` WHERE K ON DUPLICATE KEY UPDATE `accttype` = VALUES(`accttype`), "
            "`name` = VALUES(`name`)");
  EXPECT_EQ(keys_condition(*down.script, {}, 0, false), "(`code` IN (('y')))");
}

TEST(MysqlTableWrites, CopyTableDownAlsoFillsTheColumnsBothTablesNameAlike) {
  // As under PostgreSQL: the old table is written from down plus the same-named columns.
  Catalog c = table_catalog(Phase::kDualWrite);
  c.migrations[1].spec.down = {{"accttype", "CASE kind WHEN 'savings' THEN 'S' ELSE 'C' END"}};
  const RewriteResult down = rewrite_sql("UPDATE accounts2 SET kind = 'savings' WHERE code = 'y'", c, {}, LexicalSettings{}, "app");
  ASSERT_TRUE(down.script) << down.reason;
  EXPECT_EQ(down.script->mirror[0].with("K"),
            "INSERT INTO `app`.`legacy_accounts` (`code`, `accttype`, `name`) SELECT `code`, (CASE kind WHEN 'savings' THEN 'S' "
            "ELSE 'C' END), `name` FROM `app`.`accounts2` WHERE K ON DUPLICATE KEY UPDATE `accttype` = VALUES(`accttype`), "
            "`name` = VALUES(`name`)");
  // up is only what columns: names (and the key).
  c.migrations[1].spec.up = {{"kind", "CASE accttype WHEN 'S' THEN 'savings' ELSE 'checking' END"}};
  const RewriteResult up = rewrite_sql("UPDATE legacy_accounts SET accttype = 'S' WHERE code = 'x'", c, {}, LexicalSettings{}, "app");
  ASSERT_TRUE(up.script) << up.reason;
  EXPECT_EQ(up.script->mirror[0].with("K").rfind("INSERT INTO `app`.`accounts2` (`code`, `kind`) SELECT ", 0), 0u);
}

TEST(MysqlTableWrites, RefusesWhatCannotBeMirroredExactly) {
  const auto refused = [](const std::string& sql, const std::string& part) {
    const RewriteResult r = rw(sql);
    EXPECT_EQ(r.kind, RewriteResult::Kind::kRefused) << sql;
    EXPECT_NE(r.reason.find(part), std::string::npos) << sql << ": " << r.reason;
  };
  refused("INSERT INTO inovices (total) SELECT 1", "INSERT ... SELECT");
  refused("REPLACE INTO inovices (id, total) VALUES (1, 2)", "REPLACE");
  refused("INSERT INTO inovices (id, total) VALUES (1, 2) ON DUPLICATE KEY UPDATE total = 3", "ON DUPLICATE KEY UPDATE");
  refused("UPDATE inovices SET id = id + 1", "key column");
  refused("UPDATE inovices i JOIN other o ON o.id = i.id SET i.total = o.t", "multi-table UPDATE");
  refused("DELETE i FROM inovices i JOIN other o ON o.id = i.id", "multi-table DELETE");
  refused("INSERT INTO inovices (id, total) VALUES (RAND(), 1)", "volatile");
  refused("INSERT INTO inovices (id, total) VALUES (NULL, 1), (5, 2)", "multi-row INSERT");
  refused("TRUNCATE inovices", "TRUNCATE");
  refused("UPDATE inovices SET total = 1; SELECT 1", "among other statements");
  refused("INSERT INTO legacy_accounts (accttype) VALUES ('S')", "key column code takes its default");
}

TEST(MysqlTableWrites, RenameTableReadsFollowTheRouteAndNewOnlyRetargets) {
  // dual_write, old route: reads stay.
  EXPECT_EQ(rw("SELECT total FROM inovices WHERE id = 1").kind, RewriteResult::Kind::kUnchanged);
  ReadRoute to_new;
  to_new.new_mask = 1;
  const RewriteResult read = rw("SELECT app.inovices.total FROM app.inovices WHERE id = 1", Phase::kReadNew, to_new);
  ASSERT_EQ(read.kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(read.sql, "SELECT inovices.total FROM `app`.`invoices` AS inovices WHERE id = 1");
  EXPECT_EQ(read.reads_mask, 1u);
  const RewriteResult w = rw("UPDATE inovices i SET i.total = 2 WHERE i.id = 1", Phase::kNewOnly);
  ASSERT_EQ(w.kind, RewriteResult::Kind::kRewritten);
  EXPECT_FALSE(w.script);
  EXPECT_EQ(w.sql, "UPDATE `invoices` i SET i.total = 2 WHERE i.id = 1");
  EXPECT_EQ(rw("INSERT INTO inovices (total) VALUES (1)", Phase::kNewOnly).sql, "INSERT INTO `invoices` (total) VALUES (1)");
  // A single-table DELETE takes no alias (MariaDB 10.11), an INSERT's target none: their
  // columns qualified by the old name follow it to the new one.
  EXPECT_EQ(rw("DELETE FROM inovices WHERE inovices.id = 2 ORDER BY id LIMIT 1", Phase::kNewOnly).sql,
            "DELETE FROM `invoices` WHERE `invoices`.id = 2 ORDER BY id LIMIT 1");
  EXPECT_EQ(rw("DELETE FROM app.inovices WHERE app.inovices.id = 2", Phase::kNewOnly).sql,
            "DELETE FROM `app`.`invoices` WHERE app.`invoices`.id = 2");
  EXPECT_EQ(rw("DELETE FROM inovices d WHERE d.id = 2", Phase::kNewOnly).sql, "DELETE FROM `invoices` d WHERE d.id = 2");
  EXPECT_EQ(rw("INSERT INTO inovices (id, total) VALUES (1, 2) ON DUPLICATE KEY UPDATE total = inovices.total + 1", Phase::kNewOnly).sql,
            "INSERT INTO `invoices` (id, total) VALUES (1, 2) ON DUPLICATE KEY UPDATE total = `invoices`.total + 1");
  // copy_table in new_only: the old table's statements are refused.
  EXPECT_EQ(rw("SELECT * FROM legacy_accounts", Phase::kNewOnly).kind, RewriteResult::Kind::kRefused);
  EXPECT_EQ(rw("SELECT * FROM accounts2", Phase::kNewOnly).kind, RewriteResult::Kind::kUnchanged);
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

// The MySQL rewriter's contract around the rewrites themselves: what is never parsed, texts of
// several statements, refusals as the client sees them, on_unsupported: pass, and the read
// facts (reads_mask, ordered, single_read) the session's metrics and shadow reads use.
#include "rewrite/mysql/rewriter.h"

#include <gtest/gtest.h>

#include "tests/rewrite/mysql/column_catalog.h"

namespace switchyard::rewrite::mysql {
namespace {

using config::Phase;

TEST(MysqlRewriter, LeavesTextNamingNoMigratedTableUnparsed) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  // Not SQL at all, yet not even parsed: it names no migrated table.
  const RewriteResult r = rewrite_sql("SELEC broken FROM nowhere", c, {});
  EXPECT_EQ(r.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_TRUE(r.parsed);
  // The same mistake naming a migrated table is parsed, and left for the server to reject.
  const RewriteResult named = rewrite_sql("SELEC broken FROM users", c, {});
  EXPECT_EQ(named.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_FALSE(named.parsed);
}

TEST(MysqlRewriter, RewritesEachStatementOfAMultiStatementTextKeepingTheRest) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  const RewriteResult r =
      rewrite_sql("SET @a = 1; UPDATE users SET full_name = 'x' WHERE id = 1 ;\n/* note */ SELECT 1", c, {});
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(r.sql, "SET @a = 1; UPDATE users SET full_name = 'x', `display_name` = (`full_name`) WHERE id = 1 ;\n/* note */ SELECT 1");
  EXPECT_EQ(r.migration, "users_display_name");
}

TEST(MysqlRewriter, KeepsTheClientsCommentsAndSpellingOutsideTheEdits) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  const RewriteResult r = rewrite_sql("insert /* orm */ into `users` (`id`, `FULL_NAME`) values (?, ?)", c, {});
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(r.sql, "insert /* orm */ into `users` (`id`, `FULL_NAME`, `display_name`) values (?, ?, (`full_name`))");
}

TEST(MysqlRewriter, RefusesWithER_NOT_SUPPORTED_YETNamingTheMigration) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  const RewriteResult r = rewrite_sql("UPDATE users u, people p SET u.full_name = p.name WHERE p.id = u.id", c, {});
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRefused);
  EXPECT_EQ(r.code, RefusalReason::kUnsupportedForm);
  EXPECT_EQ(kRefusalErrno, 1235u);
  EXPECT_STREQ(kRefusalSqlState, "42000");
  EXPECT_EQ(refusal_message(r),
            "switchyard: migration users_display_name: a multi-table UPDATE that sets full_name cannot be mirrored: MySQL does "
            "not define the order of its assignments; update the table alone");
}

TEST(MysqlRewriter, RefusesAWriteOfAMigratedTableInAFormItDoesNotParse) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  const RewriteResult r = rewrite_sql("INSERT INTO users PARTITION (p0) (id, full_name) VALUES (1, 'a')", c, {});
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRefused);
  EXPECT_EQ(r.migration, "users_display_name");
  EXPECT_NE(r.reason.find("PARTITION"), std::string::npos) << r.reason;
}

TEST(MysqlRewriter, VolatileRefusalsAreCountedAsVolatile) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  EXPECT_EQ(rewrite_sql("INSERT INTO users (id, full_name) SELECT id, UUID() FROM people", c, {}).code, RefusalReason::kVolatile);
  EXPECT_EQ(rewrite_sql("INSERT INTO ledger (amount) VALUES (1)", c, {}).code, RefusalReason::kVolatile);
}

TEST(MysqlRewriter, OnUnsupportedPassRelaysTheStatementAsWrittenAndSaysSo) {
  Catalog c = testing::column_catalog(Phase::kDualWrite);
  c.migrations[0].spec.pass_unsupported = true;
  const RewriteResult r = rewrite_sql("UPDATE users u JOIN people p ON p.id = u.id SET u.full_name = p.name", c, {});
  EXPECT_EQ(r.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(r.passed_migration, "users_display_name");
  EXPECT_EQ(r.passed_code, RefusalReason::kUnsupportedForm);
}

TEST(MysqlRewriter, ExpressionsThatAreNotMySqlRefuseTheirTablesOnly) {
  Catalog c = testing::column_catalog(Phase::kDualWrite);
  c.migrations[1].spec.up[0].expr = "include = 'X' THEN";
  const RewriteResult r = rewrite_sql("UPDATE accounts SET include = 'X'", c, {});
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRefused);
  EXPECT_EQ(r.code, RefusalReason::kRewriteFailed);
  EXPECT_EQ(rewrite_sql("UPDATE users SET full_name = 'x'", c, {}).kind, RewriteResult::Kind::kRewritten);
}

TEST(MysqlRewriter, DeleteNeedsNoRewriteForColumnKindsBeforeNewOnly) {
  // One table holds both shapes: a deleted row leaves both at once.
  for (Phase p : {Phase::kDualWrite, Phase::kShadow, Phase::kCanary, Phase::kReadNew}) {
    const Catalog c = testing::column_catalog(p);
    for (const char* sql : {"DELETE FROM users WHERE full_name = 'a'", "DELETE FROM accounts WHERE include_bool ORDER BY aid LIMIT 2",
                            "DELETE FROM items", "DELETE i FROM items i JOIN users u ON u.id = i.sku WHERE u.display_name = 'x'"})
      EXPECT_EQ(rewrite_sql(sql, c, {}).kind, RewriteResult::Kind::kUnchanged) << sql;
  }
}

// A two-table migration whose row key is unknown (no primary key loaded, no key:) cannot be
// mirrored: every statement naming its tables is refused (table_writes_test.cpp has the rest).
TEST(MysqlRewriter, TwoTableKindWithoutARowKeyRefusesItsTables) {
  Catalog c = testing::column_catalog(Phase::kDualWrite);
  ResolvedMigration t;
  t.spec.name = "invoices";
  t.spec.kind = config::MigrationKind::kRenameTable;
  t.spec.old_table.name = "inovices";
  t.spec.new_table.name = "invoices";
  t.spec.phase = Phase::kDualWrite;
  c.migrations.push_back(t);
  const RewriteResult w = rewrite_sql("INSERT INTO inovices (id) VALUES (1)", c, {});
  EXPECT_EQ(w.kind, RewriteResult::Kind::kRefused);
  EXPECT_NE(w.reason.find("no row key"), std::string::npos) << w.reason;
  EXPECT_EQ(rewrite_sql("SELECT * FROM invoices", c, {}).kind, RewriteResult::Kind::kRefused);
  EXPECT_NE(rewrite_sql("SELECT * FROM users", c, {}).kind, RewriteResult::Kind::kRefused);
}

TEST(MysqlRewriter, ReportsWhatTheTextReadsForMetricsAndShadowReads) {
  const Catalog c = testing::column_catalog(Phase::kCanary);
  const RewriteResult ordered = rewrite_sql("SELECT id FROM users JOIN items ON sku = id ORDER BY id", c, {});
  EXPECT_EQ(ordered.reads_mask, (uint64_t{1} << 0) | (uint64_t{1} << 3));
  EXPECT_TRUE(ordered.ordered);
  EXPECT_TRUE(ordered.single_read);
  const RewriteResult locking = rewrite_sql("SELECT id FROM users WHERE id = 1 FOR UPDATE", c, {});
  EXPECT_FALSE(locking.single_read);
  EXPECT_FALSE(locking.ordered);
  const RewriteResult with = rewrite_sql("WITH x AS (SELECT id FROM users) SELECT id FROM x ORDER BY id", c, {});
  EXPECT_TRUE(with.ordered);
  EXPECT_TRUE(with.single_read);
  const RewriteResult union_lock =
      rewrite_sql("SELECT id FROM users UNION SELECT id FROM (SELECT id FROM items FOR UPDATE) i", c, {});
  EXPECT_FALSE(union_lock.single_read);
  EXPECT_FALSE(rewrite_sql("UPDATE users SET email = 'x'", c, {}).single_read);
  // A canary session with the bit set reads the new shape; one without, the old.
  EXPECT_EQ(rewrite_sql("SELECT full_name FROM users", c, ReadRoute{1}).kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(rewrite_sql("SELECT full_name FROM users", c, ReadRoute{0}).kind, RewriteResult::Kind::kUnchanged);
  // The written table of a write is not a read.
  EXPECT_EQ(rewrite_sql("UPDATE users SET email = 'x'", c, {}).reads_mask, 0u);
}

TEST(MysqlRewriter, IsPureTheSameTextGivesTheSameResult) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  const std::string sql = "INSERT INTO accounts (aid, include) VALUES (1, 'X') ON DUPLICATE KEY UPDATE include = VALUES(include)";
  const RewriteResult a = rewrite_sql(sql, c, {});
  const RewriteResult b = rewrite_sql(sql, c, {});
  EXPECT_EQ(a.sql, b.sql);
  EXPECT_EQ(a.kind, b.kind);
}

TEST(MysqlRewriter, FollowsAnsiQuotesAndWritesBackquotesThatReadAlikeUnderIt) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  LexicalSettings ansi;
  ansi.ansi_quotes = true;
  const RewriteResult r = rewrite_sql(R"(INSERT INTO "users" ("id", "full_name") VALUES (1, 'a'))", c, {}, ansi);
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(r.sql, R"(INSERT INTO "users" ("id", "full_name", `display_name`) VALUES (1, 'a', (`full_name`)))");
  // Without ANSI_QUOTES "full_name" is a string: the statement sets no migrated column by name,
  // and does not parse as an INSERT column list.
  EXPECT_NE(rewrite_sql(R"(INSERT INTO "users" ("id", "full_name") VALUES (1, 'a'))", c, {}).sql, r.sql);
}

TEST(MysqlRewriter, ComposesTwoMigrationsOfOneTableInConfigOrder) {
  Catalog c = testing::column_catalog(Phase::kDualWrite);
  ResolvedMigration lower = c.migrations[0];
  lower.spec.name = "users_email_lower";
  lower.spec.kind = config::MigrationKind::kAddColumn;
  lower.spec.up = {{"email_lower", "LOWER(email)"}};
  lower.spec.down = {};
  lower.old_rel.columns.push_back(testing::column("email_lower", "varchar(100)", "NULL"));
  lower.new_rel = lower.old_rel;
  c.migrations[0].old_rel = c.migrations[0].new_rel = lower.old_rel;
  c.migrations.push_back(lower);
  const RewriteResult r = rewrite_sql("INSERT INTO users (id, full_name, email) VALUES (1, 'a', 'A@X')", c, {});
  ASSERT_EQ(r.kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(r.sql,
            "INSERT INTO users (id, full_name, email, `display_name`, `email_lower`) VALUES (1, 'a', 'A@X', (`full_name`), "
            "(LOWER(email)))");
  EXPECT_EQ(rewrite_sql("UPDATE users SET email = 'b', full_name = 'c'", c, {}).sql,
            "UPDATE users SET email = 'b', full_name = 'c', `display_name` = (`full_name`), `email_lower` = (LOWER(email))");
}

TEST(MysqlRewriter, NeverRepeatsOrDropsAPlaceholderOrAVolatileValue) {
  // An up that reads the old column twice cannot take a ? (or UUID()) in its place in new_only.
  Catalog c = testing::column_catalog(Phase::kNewOnly, true);
  c.migrations[1].spec.up[0].expr = "CASE WHEN include = 'X' OR include = 'Y' THEN 1 ELSE 0 END";
  const RewriteResult p = rewrite_sql("INSERT INTO accounts (aid, include) VALUES (?, ?)", c, {});
  ASSERT_EQ(p.kind, RewriteResult::Kind::kRefused);
  EXPECT_NE(p.reason.find("placeholder"), std::string::npos) << p.reason;
  const RewriteResult v = rewrite_sql("UPDATE accounts SET include = IF(RAND() < 0.5, 'X', 'Y')", c, {});
  ASSERT_EQ(v.kind, RewriteResult::Kind::kRefused);
  EXPECT_EQ(v.code, RefusalReason::kVolatile);
  // A literal may be repeated.
  EXPECT_EQ(rewrite_sql("INSERT INTO accounts (aid, include) VALUES (1, 'Y')", c, {}).sql,
            "INSERT INTO accounts (aid, `include_bool`) VALUES (1, (CASE WHEN ('Y') = 'X' OR ('Y') = 'Y' THEN 1 ELSE 0 END))");
}

TEST(MysqlRewriter, UnderSimultaneousAssignmentASetThatNeedsAMirrorIsRefused) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);
  LexicalSettings s;
  s.simultaneous_assignment = true;
  // The SET reads the row as it was: a mirror could read only the value as written, not as stored.
  for (const char* sql : {"UPDATE users SET full_name = CONCAT(full_name, '!') WHERE id = 1",
                          "INSERT INTO users (id, full_name) VALUES (1, 'a') ON DUPLICATE KEY UPDATE full_name = VALUES(full_name)",
                          "UPDATE users SET full_name = 'a', display_name = full_name"}) {
    const RewriteResult r = rewrite_sql(sql, c, {}, s);
    EXPECT_EQ(r.kind, RewriteResult::Kind::kRefused) << sql;
    EXPECT_EQ(rewrite_sql(sql, c, {}).kind == RewriteResult::Kind::kRefused, false) << sql;
  }
  EXPECT_NE(rewrite_sql("UPDATE users SET full_name = 'x'", c, {}, s).reason.find("SIMULTANEOUS_ASSIGNMENT"), std::string::npos);
  // What needs no mirror, and an INSERT's row (not a SET), are as without the mode.
  EXPECT_EQ(rewrite_sql("UPDATE users SET email = 'x'", c, {}, s).kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(rewrite_sql("INSERT INTO users (id, full_name) VALUES (1, UUID())", c, {}, s).sql,
            "INSERT INTO users (id, full_name, `display_name`) VALUES (1, UUID(), (`full_name`))");
  // new_only translates in place: the value as written, with or without the mode.
  const Catalog n = testing::column_catalog(Phase::kNewOnly, true);
  EXPECT_EQ(rewrite_sql("UPDATE users SET full_name = 'x'", n, {}, s).sql, "UPDATE users SET `display_name` = ('x')");
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

namespace switchyard::rewrite::mysql {
namespace {

// Server code that writes a migrated table (found by the schema loader) is out of the proxy's
// sight: a statement that runs it is refused [server_side_code], unless on_unsupported: pass.
TEST(MysqlRewriter, StatementsThatRunServerCodeWritingAMigratedTableAreRefused) {
  Catalog c = testing::column_catalog(Phase::kDualWrite);
  auto& users = c.migrations[0];
  users.server_writers = {
      {ServerWriter::Kind::kFunction, {"app", "touch_user"}, "function app.touch_user", "app.users"},
      {ServerWriter::Kind::kProcedure, {"app", "rename_all"}, "procedure app.rename_all", "app.users"},
      {ServerWriter::Kind::kTrigger, {"app", "orders"}, "trigger orders_ai on app.orders", "app.users"},
  };
  for (const char* sql : {"SELECT touch_user(1)", "CALL rename_all()", "call `rename_all`('x')",
                          "INSERT INTO orders (id) VALUES (1)", "UPDATE orders SET n = 1", "DELETE FROM orders",
                          "SELECT 1; DO touch_user(2)"}) {
    const RewriteResult r = rewrite_sql(sql, c, {});
    ASSERT_EQ(r.kind, RewriteResult::Kind::kRefused) << sql;
    EXPECT_EQ(r.code, RefusalReason::kServerSideCode) << sql;
    EXPECT_EQ(r.migration, "users_display_name");
    EXPECT_NE(r.reason.find("writes app.users inside the server"), std::string::npos) << r.reason;
  }
  // Reading the trigger's table runs nothing; another routine's name is not the writer's.
  for (const char* sql : {"SELECT * FROM orders", "SELECT touch_other(1)", "CALL rename_some()"})
    EXPECT_NE(rewrite_sql(sql, c, {}).kind, RewriteResult::Kind::kRefused) << sql;
  users.spec.pass_unsupported = true;
  EXPECT_NE(rewrite_sql("CALL rename_all()", c, {}).kind, RewriteResult::Kind::kRefused);
  users.spec.pass_unsupported = false;
  users.spec.phase = Phase::kOff;
  EXPECT_NE(rewrite_sql("CALL rename_all()", c, {}).kind, RewriteResult::Kind::kRefused);
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

namespace switchyard::rewrite::mysql {
namespace {

// A migration's table is the one in its database: an unqualified name is the session's current
// database's, so a table of the same name in another database is left alone.
TEST(MysqlRewriter, AnUnqualifiedTableIsTheCurrentDatabasesOne) {
  const Catalog c = testing::column_catalog(Phase::kDualWrite);  // schema "app"
  const char* write = "UPDATE users SET full_name = 'x' WHERE id = 1";
  EXPECT_EQ(rewrite_sql(write, c, {}, {}, "app").kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(rewrite_sql(write, c, {}, {}, "APP").kind, RewriteResult::Kind::kRewritten);  // names fold
  EXPECT_EQ(rewrite_sql(write, c, {}, {}, "other").kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(rewrite_sql(write, c, {}, {}, "").kind, RewriteResult::Kind::kRewritten);  // not known: any
  // Qualified names say it themselves, whatever the current database.
  EXPECT_EQ(rewrite_sql("UPDATE app.users SET full_name = 'x'", c, {}, {}, "other").kind, RewriteResult::Kind::kRewritten);
  EXPECT_EQ(rewrite_sql("UPDATE other.users SET full_name = 'x'", c, {}, {}, "app").kind, RewriteResult::Kind::kUnchanged);
  // Reads too.
  const ReadRoute all{~uint64_t{0}};
  EXPECT_EQ(rewrite_sql("SELECT full_name FROM users", c, all, {}, "other").kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(rewrite_sql("SELECT full_name FROM users", c, all, {}, "app").kind, RewriteResult::Kind::kRewritten);
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

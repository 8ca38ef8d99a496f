// expand and contract against a real PostgreSQL: --dry-run prints the SQL and changes nothing,
// real runs build the new shape (indexes CONCURRENTLY, constraints NOT VALID then VALIDATE),
// contract is refused before new_only, and DDL waits for its lock only lock_timeout at a time,
// retrying with backoff until the lock is free, or giving up with a clear message. Also the
// two table kinds end to end: rename_table inovices -> invoices and copy_table legacy_accounts
// -> account (expand, backfill, verify, contract). And all five kinds with names that need
// quoting (camelCase, mixed case, keywords, spaces, a quote) through every job and the proxy.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/integration/jobs_helpers.h"
#include "tests/support/integration_environment.h"
#include "tests/support/job_command.h"
#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {
namespace {

using jobs_helpers::contains;

constexpr char kUsers[] =
    "CREATE TABLE names (n text PRIMARY KEY);"
    "INSERT INTO names SELECT 'user ' || g FROM generate_series(1, 2000) g;"
    "CREATE TABLE users (id int PRIMARY KEY, full_name text NOT NULL REFERENCES names(n), email text);"
    "CREATE INDEX users_full_name_idx ON users (full_name);"
    "INSERT INTO users SELECT g, 'user ' || g, NULL FROM generate_series(1, 2000) g;";
constexpr char kRename[] = R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: PHASE
)";

std::string with_phase(std::string yaml, const std::string& phase) {
  yaml.replace(yaml.find("PHASE"), 5, phase);
  return yaml;
}

class JobsDdl : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    integration_env().create_fresh_database(db_);
    ASSERT_TRUE(run_direct(db_, kUsers, error)) << error;
    config_ = JobConfig::create(db_, with_phase(kRename, "dual_write"), error);
    ASSERT_TRUE(config_) << error;
    direct_ = connect(integration_env().direct().conninfo(db_, kSuperuser));
  }
  std::string columns() {
    return query_value(direct_.get(), "SELECT string_agg(attname || CASE WHEN attnotnull THEN '!' ELSE '' END, ',' "
                                      "ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 "
                                      "AND NOT attisdropped");
  }
  const std::string db_ = "jobs_ddl";
  std::unique_ptr<JobConfig> config_;
  PgConn direct_;
};

TEST_F(JobsDdl, DryRunPrintsTheSqlAndChangesNothing) {
  const CommandResult dry = config_->run("expand", "users-display-name", {"--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_EQ(dry.out,
            "-- switchyard expand users-display-name (dry run: nothing is executed)\n"
            "SET lock_timeout = '500ms';\n"
            "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"display_name\" text;\n"
            "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_display_name_idx\";\n"
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_display_name_idx\" ON \"public\".\"users\" USING btree "
            "(\"display_name\");\n"
            "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_display_name_fkey\" FOREIGN KEY (\"display_name\") "
            "REFERENCES names(n) NOT VALID;\n"
            "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_display_name_fkey\";\n");
  EXPECT_EQ(columns(), "id!,full_name!,email");
}

TEST_F(JobsDdl, ExpandBackfillContractOfARenameColumn) {
  const CommandResult expand = config_->run("expand", "users-display-name");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_EQ(columns(), "id!,full_name!,email,display_name");
  EXPECT_EQ(query_value(direct_.get(), "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_display_name_idx'::regclass"),
            "t");
  EXPECT_EQ(query_value(direct_.get(), "SELECT convalidated FROM pg_constraint WHERE conname = 'users_display_name_fkey'"),
            "t");
  // A second expand finds everything done.
  const CommandResult again = config_->run("expand", "users-display-name", {"--dry-run"});
  EXPECT_TRUE(contains(again.out, "-- already done: CREATE INDEX CONCURRENTLY")) << again.describe();
  EXPECT_FALSE(contains(again.out, "\nALTER")) << again.describe();

  ASSERT_EQ(config_->run("backfill", "users-display-name").exit_code, 0);
  const CommandResult refused = config_->run("contract", "users-display-name");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "contract is allowed only in phase new_only; the migration is in phase dual_write"))
      << refused.describe();
  EXPECT_EQ(columns(), "id!,full_name!,email,display_name");

  std::string error;
  ASSERT_TRUE(config_->rewrite(with_phase(kRename, "new_only"), error)) << error;
  const CommandResult dry = config_->run("contract", "users-display-name", {"--dry-run", "--backup"});
  ASSERT_EQ(dry.exit_code, 0) << dry.describe();
  EXPECT_TRUE(contains(dry.out, "CHECK (\"display_name\" IS NOT NULL) NOT VALID;\n")) << dry.out;
  EXPECT_EQ(columns(), "id!,full_name!,email,display_name");
  const CommandResult contract = config_->run("contract", "users-display-name", {"--backup"});
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_EQ(columns(), "id!,email,display_name!");
  EXPECT_EQ(query_value(direct_.get(), "SELECT count(*) FROM pg_constraint WHERE conname = 'users_display_name_not_null'"), "0");
  EXPECT_EQ(query_value(direct_.get(), "SELECT full_name FROM switchyard.\"users-display-name_backup\" WHERE id = 7"), "user 7");
}

// CHECK constraints over a renamed column: expand copies them over the new one, guarded for
// NULL (PostgreSQL checks every CHECK on every updated row, so an unguarded `display_name IS NOT
// NULL OR ...` would refuse the clients' updates of rows the backfill has not reached); contract
// adds them exact, validates them, drops the guarded ones. The oracle: the server's answers.
TEST_F(JobsDdl, ChecksFollowARenamedColumnAndContractMakesThemExact) {
  std::string error;
  ASSERT_TRUE(run_direct(db_, "ALTER TABLE users ADD CONSTRAINT users_full_name_check CHECK (length(full_name) > 0), "
                              "ADD CONSTRAINT users_name_set CHECK (full_name IS NOT NULL OR id > 5000)",
                         error))
      << error;
  const CommandResult expand = config_->run("expand", "users-display-name");
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_TRUE(contains(expand.out, "ADD CONSTRAINT \"users_display_name_check_null_ok\" CHECK (\"display_name\" IS NULL OR "
                                   "(length(display_name) > 0)) NOT VALID;"))
      << expand.describe();
  EXPECT_TRUE(run_direct(db_, "UPDATE users SET email = 'e' WHERE id = 1", error)) << error;  // display_name still NULL
  EXPECT_FALSE(run_direct(db_, "UPDATE users SET display_name = '' WHERE id = 2", error));
  EXPECT_TRUE(contains(error, "users_display_name_check_null_ok")) << error;

  ASSERT_EQ(config_->run("backfill", "users-display-name").exit_code, 0);
  ASSERT_TRUE(config_->rewrite(with_phase(kRename, "new_only"), error)) << error;
  const CommandResult contract = config_->run("contract", "users-display-name");
  ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  EXPECT_EQ(columns(), "id!,email,display_name!");
  EXPECT_EQ(query_value(direct_.get(), "SELECT string_agg(conname || ':' || convalidated || ':' || pg_get_constraintdef(oid), "
                                       "' | ' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'users'::regclass AND "
                                       "contype = 'c'"),
            "users_display_name_check:true:CHECK ((length(display_name) > 0)) | "
            "users_name_set_display_name:true:CHECK (((display_name IS NOT NULL) OR (id > 5000)))");
  EXPECT_FALSE(run_direct(db_, "UPDATE users SET display_name = '' WHERE id = 3", error));
  EXPECT_TRUE(contains(error, "users_display_name_check")) << error;
}

TEST_F(JobsDdl, LockTimeoutIsRetriedUntilTheLockIsFree) {
  PgConn holder = connect(integration_env().direct().conninfo(db_, kSuperuser));
  exec(holder.get(), "BEGIN; LOCK TABLE users IN ACCESS SHARE MODE");
  // The holder lets go after 1.5 s, while expand is retrying.
  ASSERT_EQ(PQsendQuery(holder.get(), "SELECT pg_sleep(1.5); COMMIT"), 1);
  const CommandResult expand = config_->run("expand", "users-display-name", {"--retries", "10"});
  ASSERT_EQ(expand.exit_code, 0) << expand.describe();
  EXPECT_TRUE(contains(expand.err, "switchyard: lock_timeout (500 ms) on attempt 1: canceling statement due to lock "
                                   "timeout; retry 1 of 10 in"))
      << expand.describe();
  EXPECT_EQ(columns(), "id!,full_name!,email,display_name");
  await_result(holder.get(), true, "the holder's commit");
}

TEST_F(JobsDdl, LockTimeoutGivesUpWithAClearMessage) {
  PgConn holder = connect(integration_env().direct().conninfo(db_, kSuperuser));
  exec(holder.get(), "BEGIN; LOCK TABLE users IN ACCESS SHARE MODE");
  const CommandResult expand =
      config_->run("expand", "users-display-name", {"--retries", "2", "--lock-timeout-ms", "100"});
  EXPECT_EQ(expand.exit_code, 1) << expand.describe();
  EXPECT_TRUE(contains(expand.err, "gave up after 3 attempts: the lock this statement needs was not granted within "
                                   "lock_timeout (100 ms)"))
      << expand.describe();
  exec(holder.get(), "ROLLBACK");
  EXPECT_EQ(columns(), "id!,full_name!,email");
}

constexpr char kTables[] =
    "CREATE TABLE inovices (id serial PRIMARY KEY, amount numeric(12,2) NOT NULL CHECK (amount >= 0), note text);"
    "INSERT INTO inovices (amount, note) SELECT g / 100.0, 'n' || g FROM generate_series(1, 3000) g;"
    "CREATE TABLE legacy_accounts (id int PRIMARY KEY, name varchar(191) NOT NULL, user_id int NOT NULL, accttype text);"
    "INSERT INTO legacy_accounts SELECT g, 'acct ' || g, g % 50, (ARRAY['CHECKING','SAVINGS','CREDITLINE'])[1 + g % 3] "
    "FROM generate_series(1, 3000) g;";
constexpr char kTableMigrations[] = R"(migrations:
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: PHASE
  - name: account-split
    copy_table:
      from: legacy_accounts
      to: account
      key: [id]
      columns: {id: id, name: name, user_id: user_id,
                type: "CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END"}
      down: {accttype: "CASE type WHEN 'LIABILITY' THEN 'CREDITLINE' ELSE 'CHECKING' END"}
    phase: PHASE
)";

std::string all_phases(std::string yaml, const std::string& phase) {
  for (auto at = yaml.find("PHASE"); at != std::string::npos; at = yaml.find("PHASE")) yaml.replace(at, 5, phase);
  return yaml;
}

TEST(JobsTables, RenameTableAndCopyTableFromExpandToContract) {
  std::string error;
  const std::string db = "jobs_tables";
  integration_env().create_fresh_database(db);
  ASSERT_TRUE(run_direct(db, kTables, error)) << error;
  auto config = JobConfig::create(db, all_phases(kTableMigrations, "off"), error);
  ASSERT_TRUE(config) << error;
  PgConn direct = connect(integration_env().direct().conninfo(db, kSuperuser));

  const CommandResult copy_expand = config->run("expand", "account-split");
  ASSERT_EQ(copy_expand.exit_code, 0) << copy_expand.describe();
  EXPECT_TRUE(contains(copy_expand.out, "CREATE TABLE IF NOT EXISTS \"public\".\"account\" (\n  \"id\" integer NOT NULL,\n"
                                        "  \"name\" character varying(191) NOT NULL,\n  \"user_id\" integer NOT NULL,\n"
                                        "  \"type\" text,\n  PRIMARY KEY (\"id\"));"))
      << copy_expand.describe();
  ASSERT_EQ(config->run("expand", "invoices").exit_code, 0);
  ASSERT_TRUE(config->rewrite(all_phases(kTableMigrations, "dual_write"), error)) << error;

  for (const char* m : {"invoices", "account-split"}) {
    const CommandResult backfill = config->run("backfill", m, {"--batch-rows", "700"});
    ASSERT_EQ(backfill.exit_code, 0) << backfill.describe();
    EXPECT_TRUE(contains(backfill.out, "3000 rows walked (3000 in this run), 3000 rows written")) << backfill.describe();
    const CommandResult verify = config->run("verify", m, {"--chunk-rows", "500"});
    EXPECT_EQ(verify.exit_code, 0) << verify.describe();
  }
  EXPECT_EQ(query_value(direct.get(), "SELECT type FROM account WHERE id = 2"), "LIABILITY");

  // Divergences in the copy are found by key: changed, missing and extra rows.
  exec(direct.get(), "UPDATE account SET name = 'changed' WHERE id = 1001; DELETE FROM account WHERE id = 1002;"
                     "INSERT INTO account VALUES (9999, 'extra', 1, 'ASSET')");
  const CommandResult found = config->run("verify", "account-split", {"--chunk-rows", "500", "--samples", "2"});
  EXPECT_EQ(found.exit_code, 1) << found.describe();
  EXPECT_TRUE(contains(found.out, "2998 matching, 1 mismatched, 1 missing in new, 1 extra in new")) << found.describe();
  EXPECT_TRUE(contains(found.out, "key (1001) (mismatched): expected (1001,\"acct 1001\",1,LIABILITY), new "
                                  "(1001,changed,1,LIABILITY)"))
      << found.describe();
  EXPECT_TRUE(contains(found.out, "key (1002) (missing in new)")) << found.describe();
  ASSERT_EQ(config->run("backfill", "account-split").exit_code, 0);
  EXPECT_EQ(config->run("verify", "account-split").exit_code, 0);

  // verify --reverse: the old table against down(new row), as a rollback would leave it. down
  // maps ASSET back to CHECKING, so the 1000 SAVINGS accounts would not come back as they were;
  // an old row gone and one the new table lacks are found too.
  exec(direct.get(), "DELETE FROM legacy_accounts WHERE id = 3; INSERT INTO legacy_accounts VALUES (9998, 'old only', 1, 'CHECKING')");
  const CommandResult reverse = config->run("verify", "account-split", {"--reverse", "--chunk-rows", "700", "--samples", "3"});
  EXPECT_EQ(reverse.exit_code, 1) << reverse.describe();
  EXPECT_TRUE(contains(reverse.out, "verify --reverse account-split: 3000 rows compared: 1999 matching, 1000 mismatched, "
                                    "1 missing in old, 1 extra in old"))
      << reverse.describe();
  EXPECT_TRUE(contains(reverse.out, "key (1) (mismatched): expected (1,CHECKING,\"acct 1\",1), old (1,SAVINGS,\"acct 1\",1)"))
      << reverse.describe();
  // The forward verify keeps its own checkpoint: still clean but for the two planted old rows.
  const CommandResult forward = config->run("verify", "account-split");
  EXPECT_TRUE(contains(forward.out, "2999 matching, 0 mismatched, 1 missing in new, 1 extra in new")) << forward.describe();
  exec(direct.get(), "DELETE FROM legacy_accounts WHERE id = 9998; INSERT INTO legacy_accounts VALUES (3, 'acct 3', 3, 'CHECKING')");
  EXPECT_EQ(config->run("verify", "account-split").exit_code, 0);

  // contract: the old tables go; the serial's sequence now belongs to invoices.
  ASSERT_TRUE(config->rewrite(all_phases(kTableMigrations, "new_only"), error)) << error;
  for (const char* m : {"invoices", "account-split"}) {
    const CommandResult contract = config->run("contract", m);
    ASSERT_EQ(contract.exit_code, 0) << contract.describe();
  }
  EXPECT_EQ(query_value(direct.get(), "SELECT to_regclass('inovices') IS NULL AND to_regclass('legacy_accounts') IS NULL"), "t");
  EXPECT_EQ(query_value(direct.get(), "INSERT INTO invoices (amount) VALUES (1) RETURNING id"), "3001");
}

// The old shapes of tests/rewrite/pg/read_route_catalog.h's quoted catalog, with rows.
constexpr char kQuotedTables[] = R"(
  CREATE TABLE "Order Items" (id int PRIMARY KEY, "createdAt" timestamptz NOT NULL, "order" text, "qtyOrdered" int);
  INSERT INTO "Order Items" SELECT g, '2020-01-01'::timestamptz + g * interval '1 day', g::text, g
    FROM generate_series(1, 600) g;
  CREATE TABLE "user" (id int PRIMARY KEY, src text);
  INSERT INTO "user" SELECT g, 'u' || g FROM generate_series(1, 600) g;
  CREATE TABLE "Legacy Invoices" ("invoiceId" serial PRIMARY KEY, "amountDue" numeric(10,2), "order" text);
  INSERT INTO "Legacy Invoices" ("amountDue", "order") SELECT g, 'o' || g FROM generate_series(1, 600) g;
  CREATE TABLE "Old Accounts" ("accountId" int PRIMARY KEY, "firstName" text, "lastName" text, "order" text);
  INSERT INTO "Old Accounts" SELECT g, 'first' || g, 'last' || g, 'x' || g FROM generate_series(1, 600) g;
)";
constexpr char kQuotedMigrations[] = R"(migrations:
  - name: order-items-created-at
    table: Order Items
    rename_column: {from: createdAt, to: created_at}
    phase: PHASE
  - name: order-items-order-no
    table: Order Items
    change_column: {from: order, to: 'order"no', up: '"order"::int4', down: '"order""no"::text'}
    phase: PHASE
  - name: order-items-total
    table: Order Items
    add_column: {name: Total Cents, up: '"qtyOrdered" * 100'}
    phase: PHASE
  - name: user-plain-new
    table: user
    rename_column: {from: src, to: plainNew}
    phase: PHASE
  - name: legacy-invoices
    rename_table: {from: Legacy Invoices, to: AppInvoices}
    phase: PHASE
  - name: old-accounts
    copy_table:
      from: Old Accounts
      to: NewAccounts
      key: [accountId]
      columns: {accountId: '"accountId"', Display Name: '"firstName" || '' '' || "lastName"', order: '"order"'}
      down: {firstName: 'split_part("Display Name", '' '', 1)', lastName: 'split_part("Display Name", '' '', 2)'}
    phase: PHASE
)";
constexpr const char* kQuotedNames[] = {"order-items-created-at", "order-items-order-no", "order-items-total",
                                        "user-plain-new", "legacy-invoices", "old-accounts"};

TEST(JobsQuotedNames, EveryKindAndEveryJobWithNamesThatNeedQuoting) {
  std::string error;
  const std::string db = "jobs_quoted";
  integration_env().create_fresh_database(db);
  ASSERT_TRUE(run_direct(db, kQuotedTables, error)) << error;
  auto config = JobConfig::create(db, all_phases(kQuotedMigrations, "off"), error);
  ASSERT_TRUE(config) << error;
  PgConn direct = connect(integration_env().direct().conninfo(db, kSuperuser));
  for (const char* m : kQuotedNames) {
    const CommandResult expand = config->run("expand", m);
    ASSERT_EQ(expand.exit_code, 0) << m << ": " << expand.describe();
  }
  EXPECT_EQ(query_value(direct.get(), "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY "
                                      "attnum) FROM pg_attribute WHERE attrelid = '\"Order Items\"'::regclass AND attnum > 0"),
            "id integer, createdAt timestamp with time zone, order text, qtyOrdered integer, created_at timestamp with "
            "time zone, order\"no integer, Total Cents integer");

  // dual_write through the proxy: writes of either shape reach both.
  ASSERT_TRUE(config->rewrite(all_phases(kQuotedMigrations, "dual_write"), error)) << error;
  {
    auto proxy = MigrationProxy::attach(db, all_phases(kQuotedMigrations, "dual_write"), error);
    ASSERT_TRUE(proxy) << error;
    PgConn c = proxy->connect_proxied();
    for (const char* sql : {
             "INSERT INTO \"Order Items\" (id, \"createdAt\", \"order\", \"qtyOrdered\") VALUES (1001, '2030-01-01Z', '42', 3)",
             "UPDATE \"Order Items\" SET \"order\" = '7', \"qtyOrdered\" = 5 WHERE id = 1",
             "INSERT INTO \"user\" (id, \"plainNew\") VALUES (1001, 'new')",
             "INSERT INTO \"Legacy Invoices\" (\"amountDue\", \"order\") VALUES (9.5, 'proxied')",
             "INSERT INTO \"Old Accounts\" VALUES (1001, 'Ada', 'Lovelace', 'y')",
             "UPDATE \"NewAccounts\" SET \"Display Name\" = 'Grace Hopper' WHERE \"accountId\" = 1001"}) {
      PgResult r = exec(c.get(), sql);
      ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << sql << ": " << PQerrorMessage(c.get()) << proxy->log_tail();
    }
    EXPECT_EQ(query_value(direct.get(), "SELECT created_at = \"createdAt\" AND \"order\"\"no\" = 42 AND \"Total Cents\" = 300 "
                                        "FROM \"Order Items\" WHERE id = 1001"),
              "t");
    EXPECT_EQ(query_value(direct.get(), "SELECT \"order\"\"no\" || ' ' || \"Total Cents\" FROM \"Order Items\" WHERE id = 1"),
              "7 500");
    EXPECT_EQ(query_value(direct.get(), "SELECT src FROM \"user\" WHERE id = 1001"), "new");
    EXPECT_EQ(query_value(direct.get(), "SELECT \"order\" FROM \"AppInvoices\" WHERE \"invoiceId\" = 601"), "proxied");
    EXPECT_EQ(query_value(direct.get(), "SELECT \"firstName\" || ' ' || \"lastName\" FROM \"Old Accounts\" WHERE \"accountId\" = 1001"),
              "Grace Hopper");
  }

  for (const char* m : kQuotedNames) {
    const CommandResult backfill = config->run("backfill", m, {"--batch-rows", "250"});
    ASSERT_EQ(backfill.exit_code, 0) << m << ": " << backfill.describe();
    const CommandResult verify = config->run("verify", m, {"--chunk-rows", "200"});
    EXPECT_EQ(verify.exit_code, 0) << m << ": " << verify.describe();
  }
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM \"Order Items\" WHERE created_at IS DISTINCT FROM \"createdAt\" "
                                      "OR \"order\"\"no\" IS DISTINCT FROM \"order\"::int OR \"Total Cents\" <> \"qtyOrdered\" * 100"),
            "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM \"NewAccounts\""), "601");

  // read_new through the proxy: reads of the old names are served by the new shape.
  exec(direct.get(), "UPDATE \"Order Items\" SET created_at = '1999-12-31Z' WHERE id = 5;"
                     "UPDATE \"user\" SET \"plainNew\" = 'only new' WHERE id = 5;"
                     "INSERT INTO \"AppInvoices\" VALUES (9999, 1, 'only new');");
  ASSERT_TRUE(config->rewrite(all_phases(kQuotedMigrations, "read_new"), error)) << error;
  {
    auto proxy = MigrationProxy::attach(db, all_phases(kQuotedMigrations, "read_new"), error);
    ASSERT_TRUE(proxy) << error;
    PgConn c = proxy->connect_proxied();
    EXPECT_EQ(query_value(c.get(), "SELECT extract(year FROM \"createdAt\" AT TIME ZONE 'UTC') FROM \"Order Items\" WHERE id = 5"),
              "1999");
    EXPECT_EQ(query_value(c.get(), "SELECT src FROM \"user\" WHERE id = 5"), "only new");
    EXPECT_EQ(query_value(c.get(), "SELECT \"order\" FROM \"Legacy Invoices\" WHERE \"invoiceId\" = 9999"), "only new");
    EXPECT_EQ(query_value(c.get(), "SELECT \"lastName\" FROM \"Old Accounts\" WHERE \"accountId\" = 1001"), "Hopper");
  }

  ASSERT_TRUE(config->rewrite(all_phases(kQuotedMigrations, "new_only"), error)) << error;
  for (const char* m : kQuotedNames) {
    const CommandResult contract = config->run("contract", m);
    ASSERT_EQ(contract.exit_code, 0) << m << ": " << contract.describe();
  }
  EXPECT_EQ(query_value(direct.get(), "SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = "
                                      "'\"Order Items\"'::regclass AND attnum > 0 AND NOT attisdropped"),
            "id, qtyOrdered, created_at, order\"no, Total Cents");
  EXPECT_EQ(query_value(direct.get(), "SELECT to_regclass('\"Legacy Invoices\"') IS NULL AND to_regclass('\"Old Accounts\"') IS NULL"),
            "t");
}

}  // namespace
}  // namespace switchyard::test_support

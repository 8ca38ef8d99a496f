// A scripted psql session prints exactly the same through switchyard as straight to PostgreSQL:
// DDL, inserts, a multi-statement string, \copy both ways, a rolled-back transaction, errors
// and recovery, notices, prepared statements and \gexec.
#include <gtest/gtest.h>

#include <memory>

#include "tests/support/integration_environment.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text_assertions.h"

namespace switchyard::test_support {
namespace {

constexpr char kScript[] = R"psql(\echo == ddl
CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2));
CREATE INDEX items_name ON items (name);
\echo == inserts
INSERT INTO items VALUES (1, 'apple', 1.25), (2, 'pear', 2.50);
INSERT INTO items VALUES (3, 'plum', NULL) RETURNING *;
\echo == multi-statement string
SELECT 'one' AS first \; SELECT 'two' AS second \; UPDATE items SET price = 3.00 WHERE id = 2;
\echo == copy in
\copy items FROM stdin WITH (FORMAT csv)
4,fig,0.75
5,"kiwi, gold",1.10
\.
\echo == copy out
\copy (SELECT * FROM items ORDER BY id) TO stdout WITH (FORMAT csv, HEADER)
\echo == rollback
BEGIN;
DELETE FROM items;
SELECT count(*) AS inside_transaction FROM items;
ROLLBACK;
SELECT count(*) AS after_rollback FROM items;
\echo == errors and recovery
\set ON_ERROR_STOP 0
SELECT 1 / 0;
INSERT INTO items VALUES (1, 'duplicate', 0);
BEGIN;
SELECT * FROM no_such_table;
SELECT 'ignored: the transaction is aborted';
ROLLBACK;
\set ON_ERROR_STOP 1
SELECT 'recovered' AS status;
\echo == notices
DO $$ BEGIN RAISE NOTICE 'hello from %', 'plpgsql'; END $$;
\echo == prepared statements and gexec
PREPARE by_id(int) AS SELECT name FROM items WHERE id = $1;
EXECUTE by_id(5);
SELECT format('SELECT %L AS generated', name) FROM items WHERE id < 3 ORDER BY id \gexec
\echo == final state
SELECT * FROM items ORDER BY id;
\d items
DROP TABLE items;
)psql";

CommandResult run_psql(const Endpoint& endpoint, const std::string& db, const std::string& script_path) {
  return run_command({pg_program("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-f", script_path, "-d",
                      endpoint.conninfo(db, kSuperuser)},
                     60s);
}

TEST(PsqlSession, PrintsTheSameThroughTheProxyAsDirectly) {
  IntegrationEnvironment& env = integration_env();
  std::string error;
  std::unique_ptr<TempDir> dir = TempDir::create("switchyard-psql-", error);
  ASSERT_TRUE(dir) << error;
  ASSERT_TRUE(write_file(dir->file("session.sql"), kScript, error)) << error;
  env.create_fresh_database("psql_direct");
  env.create_fresh_database("psql_proxied");

  const CommandResult direct = run_psql(env.direct(), "psql_direct", dir->file("session.sql"));
  const CommandResult proxied = run_psql(env.proxied(), "psql_proxied", dir->file("session.sql"));

  ASSERT_TRUE(direct.succeeded()) << direct.describe();
  EXPECT_TRUE(Contains(direct.out, "recovered"));
  EXPECT_TRUE(Contains(direct.err, "division by zero"));
  EXPECT_TRUE(Contains(direct.err, "hello from plpgsql"));
  EXPECT_TRUE(proxied.succeeded()) << proxied.describe();
  EXPECT_EQ(proxied.out, direct.out);
  EXPECT_EQ(proxied.err, direct.err);
}

}  // namespace
}  // namespace switchyard::test_support

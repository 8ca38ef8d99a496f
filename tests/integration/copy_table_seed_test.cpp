// The seeds' "table migration with data copy" end to end through switchyard: legacy_accounts
// (accttype CHECKING / SAVINGS / CREDITLINE) copied into account (type ASSET / LIABILITY) in
// dual_write. An unchanged application writes legacy_accounts, an updated one writes account;
// every write lands in both tables through the mapping, clients see their own tags and rows,
// and afterwards the seeds' transform of legacy_accounts equals account row for row.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {
namespace {

constexpr char kSetup[] = R"(
CREATE TYPE account_type AS ENUM ('ASSET', 'LIABILITY', 'INCOME', 'EXPENSE', 'EQUITY');
CREATE TABLE legacy_accounts (id serial PRIMARY KEY, name varchar(191) NOT NULL, user_id int NOT NULL,
                              accttype text NOT NULL CHECK (accttype IN ('CHECKING', 'SAVINGS', 'CREDITLINE')));
CREATE TABLE account (id int PRIMARY KEY, name varchar(191) NOT NULL, user_id int NOT NULL, type account_type);
INSERT INTO legacy_accounts (name, user_id, accttype) VALUES ('a', 1, 'CHECKING'), ('b', 2, 'SAVINGS'), ('c', 3, 'CREDITLINE');
INSERT INTO account (id, name, user_id, type)
SELECT id, name, user_id,
       (CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END)::account_type
FROM legacy_accounts;
)";

constexpr char kMigration[] = R"(migrations:
  - name: account-split
    copy_table:
      from: legacy_accounts
      to: account
      key: [id]
      columns: {id: id, name: name, user_id: user_id,
                type: "CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END"}
      down: {accttype: "CASE type WHEN 'LIABILITY' THEN 'CREDITLINE' ELSE 'CHECKING' END"}
    phase: dual_write
)";

// The seeds' transform of legacy_accounts next to account, rows that differ only.
constexpr char kDiffer[] = R"(
SELECT count(*) FROM (
  (SELECT id, name, user_id, (CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET'
                                            WHEN 'CREDITLINE' THEN 'LIABILITY' END)::account_type AS type
     FROM legacy_accounts
   EXCEPT SELECT id, name, user_id, type FROM account)
  UNION ALL
  (SELECT id, name, user_id, type FROM account
   EXCEPT SELECT id, name, user_id, (CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET'
                                                   WHEN 'CREDITLINE' THEN 'LIABILITY' END)::account_type
     FROM legacy_accounts)) d
)";

TEST(CopyTableSeed, BothApplicationsWriteBothTables) {
  std::string error;
  auto proxy = MigrationProxy::start("copy_table_seed", kSetup, kMigration, error);
  ASSERT_TRUE(proxy) << error;
  PgConn c = proxy->connect_proxied();
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK);
  const auto tag = [&](const std::string& sql) {
    PgResult r = exec(c.get(), sql);
    EXPECT_TRUE(r && (PQresultStatus(r.get()) == PGRES_COMMAND_OK || PQresultStatus(r.get()) == PGRES_TUPLES_OK))
        << sql << ": " << describe(r.get()) << "\n" << proxy->log_tail();
    return r ? std::string(PQcmdStatus(r.get())) + " " + std::to_string(PQntuples(r.get())) : std::string("no result");
  };

  // The unchanged application: the serial id is drawn once and lands in both tables.
  EXPECT_EQ(tag("INSERT INTO legacy_accounts (name, user_id, accttype) VALUES ('d', 4, 'SAVINGS'), ('e', 5, 'CREDITLINE')"),
            "INSERT 0 2 0");
  EXPECT_EQ(tag("UPDATE legacy_accounts SET accttype = 'CREDITLINE' WHERE id = 1"), "UPDATE 1 0");
  EXPECT_EQ(tag("UPDATE legacy_accounts SET name = upper(name) WHERE user_id <= 3 RETURNING id, name"), "UPDATE 3 3");
  EXPECT_EQ(tag("DELETE FROM legacy_accounts WHERE id = 2"), "DELETE 1 0");
  // The updated application: its writes reach legacy_accounts through down.
  EXPECT_EQ(tag("INSERT INTO account (id, name, user_id, type) VALUES (100, 'f', 6, 'LIABILITY'), (101, 'g', 7, 'ASSET')"),
            "INSERT 0 2 0");
  EXPECT_EQ(tag("UPDATE account SET type = 'ASSET' WHERE id = 3"), "UPDATE 1 0");
  EXPECT_EQ(tag("DELETE FROM account WHERE id = 101 RETURNING name"), "DELETE 1 1");

  PgConn direct = proxy->connect_direct();
  EXPECT_EQ(query_value(direct.get(), kDiffer), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT string_agg(id || ':' || name || ':' || accttype, ',' ORDER BY id) FROM legacy_accounts"),
            "1:A:CREDITLINE,3:C:CHECKING,4:d:SAVINGS,5:e:CREDITLINE,100:f:CREDITLINE");
  EXPECT_EQ(query_value(direct.get(), "SELECT string_agg(id || ':' || type, ',' ORDER BY id) FROM account"),
            "1:LIABILITY,3:ASSET,4:ASSET,5:LIABILITY,100:LIABILITY");
}

}  // namespace
}  // namespace switchyard::test_support

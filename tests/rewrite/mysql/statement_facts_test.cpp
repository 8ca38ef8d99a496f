// Tables named and written, and volatility, for MySQL statements: (statement, tables as
// "schema.name" with * when written, volatile reason or "").
#include "rewrite/mysql/statement_facts.h"

#include <gtest/gtest.h>

#include "rewrite/mysql/parser.h"

namespace switchyard::rewrite::mysql {
namespace {

struct FactsCase {
  const char* sql;
  const char* tables;
  const char* volatile_reason;
};

void PrintTo(const FactsCase& c, std::ostream* os) { *os << c.sql; }

std::string tables_of(const StatementFacts& f) {
  std::string s;
  for (const auto& t : f.tables) {
    if (!s.empty()) s += ' ';
    if (!t.schema.empty()) s += t.schema + ".";
    s += t.name;
    if (t.written) s += '*';
  }
  return s;
}

class MysqlStatementFacts : public ::testing::TestWithParam<FactsCase> {};

TEST_P(MysqlStatementFacts, NamesTablesAndVolatility) {
  const Parsed p = parse(GetParam().sql, {});
  ASSERT_TRUE(p) << p.error().message;
  const StatementFacts f = statement_facts(p.tree());
  EXPECT_EQ(tables_of(f), GetParam().tables);
  EXPECT_EQ(f.volatile_reason, GetParam().volatile_reason);
  EXPECT_EQ(f.is_volatile, *GetParam().volatile_reason != '\0');
}

const FactsCase kFacts[] = {
    {"SELECT * FROM a JOIN db.b ON a.x = b.x WHERE EXISTS (SELECT 1 FROM c)", "a db.b c", ""},
    {"INSERT INTO `t``q` (a) SELECT a FROM u", "t`q* u", ""},
    {"INSERT INTO t VALUES (NOW(6), UUID())", "t*", "NOW()"},
    {"UPDATE t SET a = RAND() WHERE id = 1", "t*", "RAND()"},
    {"UPDATE t SET a = LAST_INSERT_ID(a + 1)", "t*", "LAST_INSERT_ID()"},
    {"UPDATE t SET a = CURRENT_TIMESTAMP", "t*", "CURRENT_TIMESTAMP"},
    {"UPDATE t SET a = UNIX_TIMESTAMP()", "t*", "UNIX_TIMESTAMP()"},
    {"UPDATE t SET a = UNIX_TIMESTAMP('2020-01-01')", "t*", ""},
    {"UPDATE t SET a = CONCAT(LOWER(b), COALESCE(c, ''), CASE WHEN d THEN 1 END)", "t*", ""},
    {"UPDATE t SET a = my_func(b)", "t*", "my_func()"},
    {"UPDATE t SET a = db.f(b)", "t*", "f()"},
    {"INSERT INTO t VALUES (NEXT VALUE FOR s)", "t*", "NEXT VALUE FOR"},
    {"SELECT @n := @n + 1 FROM t", "t", ":="},
    {"SELECT SYSDATE(), CONNECTION_ID()", "", "SYSDATE()"},
    {"UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = t2.b", "t1* t2", ""},
    {"UPDATE t1 AS x JOIN t2 AS y ON x.id = y.id SET y.a = x.b", "t1 t2*", ""},
    {"UPDATE t1, t2 SET a = 1", "t1* t2*", ""},
    {"DELETE FROM t WHERE id IN (SELECT id FROM u)", "t* u", ""},
    {"DELETE x FROM t1 AS x JOIN t2 ON x.a = t2.a", "t1* t2", ""},
    {"DELETE FROM t1, t2 USING t1 JOIN t2 JOIN t3", "t1* t2* t3", ""},
    {"TRUNCATE TABLE db.t", "db.t*", ""},
    {"WITH c AS (SELECT a FROM base) SELECT * FROM c JOIN other", "base other", ""},
    {"REPLACE INTO t SET a = 1", "t*", ""},
};

INSTANTIATE_TEST_SUITE_P(Mysql, MysqlStatementFacts, ::testing::ValuesIn(kFacts));

TEST(MysqlStatementFacts, NamePositionsPointAtTheText) {
  const std::string sql = "UPDATE  `db`.`users`  SET a = 1";
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p);
  const StatementFacts f = statement_facts(p.tree());
  ASSERT_EQ(f.tables.size(), 1u);
  EXPECT_EQ(sql.substr(f.tables[0].begin, f.tables[0].end - f.tables[0].begin), "`db`.`users`");
  EXPECT_EQ(f.statement, Kind::kUpdate);
}

TEST(MysqlIdentifierValue, Unquotes) {
  EXPECT_EQ(identifier_value("`a``b`"), "a`b");
  EXPECT_EQ(identifier_value("\"a\"\"b\""), "a\"b");
  EXPECT_EQ(identifier_value("plain"), "plain");
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

// The two-table kinds under protocol: mysql, end to end on a real MariaDB 10.11: the seeds'
// rename_table inovices -> invoices and copy_table legacy_accounts -> accounts (accttype's one
// letter mapped to an ENUM and back). switchyard runs each write to either table as a script
// (proxy/mysql_scripts.cpp): its own transaction or savepoint, the keys captured, the write,
// the mirror into the other table, and the write's own OK packet to the client.
//
// The oracle is a reference database where AFTER INSERT / UPDATE / DELETE triggers do the same
// mirroring inside the server (the way a trigger-based tool would), each statement run there as
// the client wrote it, beside tk_rw where the same statement goes through the proxy. Each case
// (one statement, or a few on one session: a transaction committed or rolled back, autocommit
// off) starts from the same rows in both; after each statement both must agree on what the
// client sees (error number, affected rows, last insert id, info string, warning count, the
// status flags' transaction bits, a read's columns and rows), and afterwards on every table, row
// by row, and within each database on the two tables (a mirror that lands elsewhere than its
// source is a divergence even where the reference has it too). One proxy and one long-lived
// client session go through dual_write, shadow, canary at 0% and 100% and read_new by SIGHUP.
// Then: new_only (rename_table retargeted to the new table, against a reference where the old
// name is an updatable view of it; copy_table's old table refused), a mirror that fails (a CHECK
// constraint of the new table) rolls back the write and reports the server's error, prepared
// writes and pipelined commands are refused, and the comparison fails when the proxy does not
// mirror (phase off).
#include <mysql.h>

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/mysql/response.h"
#include "tests/integration/mariadb_codec_session.h"
#include "tests/integration/mariadb_relay_fixture.h"

namespace switchyard::test_support {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string must(MYSQL* c, const std::string& sql) {
  std::string error;
  return mariadb_query(c, sql, error) ? "" : sql + ": " + error;
}

// What a client sees of one statement.
struct Outcome {
  unsigned error = 0;
  unsigned long long affected = 0;
  unsigned long long insert_id = 0;
  std::string info;
  unsigned warnings = 0;
  unsigned in_trans = 0;  // SERVER_STATUS_IN_TRANS | SERVER_STATUS_AUTOCOMMIT bits
  std::vector<std::string> columns;
  Rows rows;
  std::string message;
  bool operator==(const Outcome& o) const {
    return error == o.error && affected == o.affected && insert_id == o.insert_id && info == o.info && warnings == o.warnings &&
           in_trans == o.in_trans && columns == o.columns && rows == o.rows;
  }
  std::string describe() const {
    std::ostringstream os;
    os << "error " << error << " (" << message << "), affected " << affected << ", insert id " << insert_id << ", info '" << info
       << "', " << warnings << " warnings, status " << in_trans << ", " << rows.size() << " rows:";
    for (const auto& r : rows) {
      os << " (";
      for (size_t i = 0; i < r.size(); ++i) os << (i ? ", " : "") << r[i];
      os << ")";
    }
    return os.str();
  }
};

Outcome execute(MYSQL* c, const std::string& sql) {
  Outcome o;
  if (mysql_real_query(c, sql.data(), sql.size()) != 0) {
    o.error = mysql_errno(c);
    o.message = mysql_error(c);
  } else if (MYSQL_RES* res = mysql_store_result(c)) {
    const unsigned n = mysql_num_fields(res);
    MYSQL_FIELD* fields = mysql_fetch_fields(res);
    for (unsigned i = 0; i < n; ++i) o.columns.emplace_back(fields[i].name);
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      o.rows.emplace_back();
      for (unsigned i = 0; i < n; ++i) o.rows.back().emplace_back(row[i] ? row[i] : "NULL");
    }
    mysql_free_result(res);
  }
  if (o.error == 0) {
    o.affected = mysql_affected_rows(c);
    o.insert_id = mysql_insert_id(c);
    o.info = mysql_info(c) ? mysql_info(c) : "";
    o.warnings = mysql_warning_count(c);
  }
  unsigned status = 0;
  mariadb_get_infov(c, MARIADB_CONNECTION_SERVER_STATUS, &status);
  o.in_trans = status & (SERVER_STATUS_IN_TRANS | SERVER_STATUS_AUTOCOMMIT);
  return o;
}

// A case: statements run in order on one session, after `side` says which table the
// reference's triggers mirror from ("old", "new").
struct Case {
  std::vector<std::string> sql;
  const char* side = "old";
  bool volatile_ = false;  // rows compared within each database only
};

const Case kCases[] = {
    // rename_table, writes to the old table
    {{"INSERT INTO inovices (total, note) VALUES (1.50, 'a')"}},
    {{"INSERT INTO inovices (total, note) VALUES (1, 'x'), (2, 'y'), (3, 'z')"}},
    {{"INSERT INTO inovices VALUES (NULL, 4.25, 'positional')"}},
    {{"INSERT INTO inovices (id, total) VALUES (10, 5)"}},
    {{"INSERT INTO inovices (id, total, note) VALUES (11, 1, 'p'), (12, 2, 'q')"}},
    {{"INSERT INTO inovices SET id = 13, total = 6, note = 'set form'"}},
    {{"INSERT INTO inovices (total, note) VALUES (1, NOW(6))"}, "old", true},
    {{"INSERT IGNORE INTO inovices (id, total) VALUES (1, 99)"}},
    {{"INSERT IGNORE INTO inovices (id, total) VALUES (1, 99), (20, 1)"}},
    {{"INSERT INTO inovices (id, total) VALUES (1, 99)"}},
    {{"INSERT INTO inovices (id, total) VALUES (30, 'not a number')"}},
    {{"UPDATE inovices SET total = total * 2 WHERE id <= 2"}},
    {{"UPDATE inovices SET note = 'n' ORDER BY id DESC LIMIT 2"}},
    {{"UPDATE inovices SET note = note WHERE id = 1"}},
    {{"UPDATE inovices SET note = CONCAT(note, '!'), total = total + 1"}},
    {{"UPDATE inovices SET total = 1 WHERE id = 999"}},
    {{"UPDATE inovices SET total = 'abc' WHERE id = 1"}},
    {{"UPDATE inovices SET note = UUID() WHERE id = 2"}, "old", true},
    {{"UPDATE inovices i SET i.note = 'alias' WHERE i.id = 3"}},
    {{"DELETE FROM inovices WHERE id = 2"}},
    {{"DELETE FROM inovices WHERE note IS NULL ORDER BY id LIMIT 1"}},
    {{"DELETE FROM inovices"}},
    {{"DELETE FROM inovices WHERE id = 999"}},
    // rename_table, writes to the new table
    {{"INSERT INTO invoices (total, note) VALUES (7, 'new')"}, "new"},
    {{"INSERT INTO invoices (id, total, note) VALUES (40, 7, 'new')"}, "new"},
    {{"UPDATE invoices SET note = 'from new' WHERE id = 3"}, "new"},
    {{"DELETE FROM invoices WHERE id = 1"}, "new"},
    // reads
    {{"SELECT id, total, note FROM inovices ORDER BY id"}},
    {{"SELECT i.note, i.id FROM inovices AS i WHERE i.id = 1"}},
    {{"SELECT COUNT(*) FROM inovices JOIN legacy_accounts ON legacy_accounts.code = inovices.note"}},
    {{"SELECT * FROM invoices ORDER BY id DESC"}, "new"},
    // copy_table, the old table
    {{"INSERT INTO legacy_accounts (code, accttype, name) VALUES ('c1', 'S', 'one'), ('c2', 'C', 'two')"}},
    {{"INSERT INTO legacy_accounts (code, accttype, name) VALUES ('it''s', 'S', 'quote\\\\d')"}},
    {{"INSERT INTO legacy_accounts (code, name) VALUES ('d1', 'no type')"}},
    {{"UPDATE legacy_accounts SET accttype = 'S' WHERE code = 'a'"}},
    {{"UPDATE legacy_accounts SET name = CONCAT(name, '!')"}},
    {{"DELETE FROM legacy_accounts WHERE code = 'b'"}},
    {{"INSERT INTO legacy_accounts (code, accttype, name) VALUES ('z', 'S', 'boom')"}},
    {{"UPDATE legacy_accounts SET name = 'boom' WHERE code = 'a'"}},
    // copy_table, the new table
    {{"INSERT INTO accounts (code, kind, name) VALUES ('n1', 'savings', 'N')"}, "new"},
    {{"UPDATE accounts SET kind = 'checking' WHERE code = 'a'"}, "new"},
    {{"DELETE FROM accounts WHERE code = 'a'"}, "new"},
    {{"SELECT code, kind, name FROM accounts ORDER BY code"}, "new"},
    // on one session: transactions, savepoints inside them, autocommit off
    {{"START TRANSACTION", "INSERT INTO inovices (total, note) VALUES (9, 't')",
      "UPDATE inovices SET note = 't2' WHERE id = 1", "SELECT id, note FROM inovices ORDER BY id", "COMMIT"}},
    {{"BEGIN", "UPDATE inovices SET note = 'gone' WHERE id = 1", "DELETE FROM inovices WHERE id = 2", "ROLLBACK"}},
    {{"START TRANSACTION", "INSERT INTO legacy_accounts (code, accttype, name) VALUES ('y', 'S', 'fine')",
      "INSERT INTO legacy_accounts (code, accttype, name) VALUES ('z', 'S', 'boom')", "UPDATE legacy_accounts SET name = 'after' WHERE code = 'a'",
      "COMMIT"}},
    {{"SET autocommit = 0", "UPDATE inovices SET total = 0 WHERE id = 3", "INSERT INTO inovices (total) VALUES (8)", "COMMIT",
      "UPDATE inovices SET total = 100", "ROLLBACK", "SET autocommit = 1"}},
    {{"BEGIN", "SAVEPOINT mine", "UPDATE inovices SET note = 'in savepoint' WHERE id = 1", "ROLLBACK TO SAVEPOINT mine",
      "UPDATE inovices SET note = 'kept' WHERE id = 2", "COMMIT"}},
    {{"INSERT INTO inovices (total) VALUES (1)", "SELECT LAST_INSERT_ID()"}},
};

// The tables (in every database alike), the CHECK that makes a mirror fail, and the rows each
// case starts from.
const char* const kSchema[] = {
    "CREATE TABLE inovices (id INT PRIMARY KEY AUTO_INCREMENT, total DECIMAL(10,2) NULL, note VARCHAR(40) NULL)",
    "CREATE TABLE invoices (id INT PRIMARY KEY AUTO_INCREMENT, total DECIMAL(10,2) NULL, note VARCHAR(40) NULL)",
    "CREATE TABLE legacy_accounts (code VARCHAR(10) PRIMARY KEY, accttype CHAR(1) NULL, name VARCHAR(40) NULL)",
    "CREATE TABLE accounts (code VARCHAR(10) PRIMARY KEY, kind ENUM('savings','checking') NULL, name VARCHAR(40) NULL, "
    "CONSTRAINT no_boom CHECK (name IS NULL OR name <> 'boom'))",
};
const char* const kSeed[] = {
    "SET @sy_side = NULL",
    "TRUNCATE inovices",
    "TRUNCATE invoices",
    "DELETE FROM legacy_accounts",
    "DELETE FROM accounts",
    "INSERT INTO inovices (id, total, note) VALUES (1, 10.00, 'a'), (2, 20.50, NULL), (3, 3.33, 'c')",
    "INSERT INTO invoices (id, total, note) VALUES (1, 10.00, 'a'), (2, 20.50, NULL), (3, 3.33, 'c')",
    "INSERT INTO legacy_accounts VALUES ('a', 'C', 'Ann'), ('b', 'S', 'Bob'), ('c', NULL, 'Cy')",
    "INSERT INTO accounts VALUES ('a', 'checking', 'Ann'), ('b', 'savings', 'Bob'), ('c', 'checking', 'Cy')",
};

constexpr char kUp[] = "CASE accttype WHEN 'S' THEN 'savings' ELSE 'checking' END";
constexpr char kDown[] = "CASE kind WHEN 'savings' THEN 'S' ELSE 'C' END";

// The reference's mirroring, one trigger per table and event, each firing only for the side the
// case writes (so the mirror's own write does not mirror back).
std::vector<std::string> triggers() {
  struct Pair {
    const char* table;
    const char* other;
    const char* side;
    const char* key;
    std::string columns, values;  // of the other table, from NEW
  };
  const std::string up = std::string(kUp), down = std::string(kDown);
  const auto from_new = [](std::string e, const char* col) {
    for (size_t at = e.find(col); at != std::string::npos; at = e.find(col, at + 4 + std::strlen(col)))
      e.replace(at, std::strlen(col), std::string("NEW.") + col);
    return e;
  };
  const Pair pairs[] = {
      {"inovices", "invoices", "old", "id", "id, total, note", "NEW.id, NEW.total, NEW.note"},
      {"invoices", "inovices", "new", "id", "id, total, note", "NEW.id, NEW.total, NEW.note"},
      {"legacy_accounts", "accounts", "old", "code", "code, kind, name", "NEW.code, " + from_new(up, "accttype") + ", NEW.name"},
      {"accounts", "legacy_accounts", "new", "code", "code, accttype, name", "NEW.code, " + from_new(down, "kind") + ", NEW.name"},
  };
  std::vector<std::string> out;
  for (const Pair& p : pairs) {
    const std::string guard = std::string("IF @sy_side = '") + p.side + "' THEN ";
    std::string updates;
    std::string cols = p.columns;
    for (size_t start = 0; start < cols.size();) {
      size_t end = cols.find(", ", start);
      const std::string c = cols.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (c != p.key) updates += (updates.empty() ? "" : ", ") + c + " = VALUES(" + c + ")";
      if (end == std::string::npos) break;
      start = end + 2;
    }
    const std::string upsert = std::string("INSERT INTO ") + p.other + " (" + p.columns + ") VALUES (" + p.values +
                               ") ON DUPLICATE KEY UPDATE " + updates;
    for (const char* when : {"INSERT", "UPDATE"})
      out.push_back(std::string("CREATE TRIGGER ") + p.table + "_" + when + " AFTER " + when + " ON " + p.table +
                    " FOR EACH ROW BEGIN " + guard + upsert + "; END IF; END");
    out.push_back(std::string("CREATE TRIGGER ") + p.table + "_DELETE AFTER DELETE ON " + p.table + " FOR EACH ROW BEGIN " + guard +
                  "DELETE FROM " + p.other + " WHERE " + p.key + " = OLD." + p.key + "; END IF; END");
  }
  return out;
}

// The two tables of each migration as one database holds them: equal row by row (in the
// mapping's terms for copy_table) when mirroring kept them in step.
const char* const kInStep[] = {
    "SELECT o.id, o.total, o.note, n.id, n.total, n.note FROM inovices o LEFT JOIN invoices n ON n.id = o.id "
    "WHERE NOT (o.total <=> n.total AND o.note <=> n.note) UNION ALL SELECT n.id, 0, 0, 0, 0, 0 FROM invoices n "
    "WHERE NOT EXISTS (SELECT 1 FROM inovices o WHERE o.id = n.id)",
    "SELECT o.code, o.accttype, o.name, n.kind, n.name FROM legacy_accounts o LEFT JOIN accounts n ON n.code = o.code "
    "WHERE NOT ((CASE o.accttype WHEN 'S' THEN 'savings' ELSE 'checking' END) <=> n.kind AND o.name <=> n.name) "
    "UNION ALL SELECT n.code, 0, 0, 0, 0 FROM accounts n WHERE NOT EXISTS (SELECT 1 FROM legacy_accounts o WHERE o.code = n.code)",
};
const char* const kTables[] = {"SELECT * FROM inovices ORDER BY id", "SELECT * FROM invoices ORDER BY id",
                               "SELECT * FROM legacy_accounts ORDER BY code", "SELECT * FROM accounts ORDER BY code"};

std::string flatten(const Rows& rows) {
  std::string s;
  for (const auto& r : rows) {
    s += "(";
    for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + r[i];
    s += ") ";
  }
  return s;
}

std::string migrations_yaml(const std::string& phase, int percent = 0) {
  const std::string canary = phase == "canary" ? "    canary: {percent: " + std::to_string(percent) + "}\n" : "";
  return mariadb_control_yaml("tk_rw_db") + "log:\n  level: debug\nmigrations:\n"
         "  - name: invoices\n    rename_table: {from: inovices, to: invoices}\n    phase: " + phase + "\n" + canary +
         "  - name: accounts\n    copy_table:\n      from: legacy_accounts\n      to: accounts\n"
         "      columns: {code: code, kind: \"" + kUp + "\", name: name}\n"
         "      down: {code: code, accttype: \"" + kDown + "\", name: name}\n    phase: " + phase + "\n" + canary;
}

class Oracle {
 public:
  // tk_ref_db (the triggers) and tk_rw_db; `new_only`: the reference's inovices is a view of
  // invoices, as the rename leaves it.
  std::string open(bool new_only) {
    new_only_ = new_only;
    MariaDbServer& s = shared_mariadb();
    std::string error;
    for (auto* conn : {&ref_, &rw_}) {
      *conn = connect_mariadb(tcp_login(s, kMariaDbNativeUser, kMariaDbNativePassword), error);
      if (!*conn) return error;
    }
    for (const bool reference : {true, false}) {
      MYSQL* c = reference ? ref_.get() : rw_.get();
      const std::string db = reference ? "tk_ref_db" : "tk_rw_db";
      for (const std::string& sql : {"DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db, "USE " + db})
        if (auto e = must(c, sql); !e.empty()) return e;
      for (const char* sql : kSchema) {
        if (reference && new_only && std::string(sql).find("TABLE inovices") != std::string::npos) continue;
        if (auto e = must(c, sql); !e.empty()) return e;
      }
      if (reference && new_only)
        if (auto e = must(c, "CREATE VIEW inovices AS SELECT * FROM invoices"); !e.empty()) return e;
      if (reference && !new_only)
        for (const std::string& sql : triggers())
          if (auto e = must(c, sql); !e.empty()) return e;
    }
    return "";
  }

  std::string run_through(const MariaDbLogin& login) {
    std::string error;
    via_ = connect_mariadb(login, error);
    if (!via_) return error;
    return must(via_.get(), "USE tk_rw_db");
  }
  MYSQL* via() { return via_.get(); }
  MYSQL* direct() { return rw_.get(); }

  // Runs the case both ways; "" when they agree.
  std::string compare(const Case& k) {
    for (const bool reference : {true, false}) {
      MYSQL* c = reference ? ref_.get() : rw_.get();
      for (const char* sql : kSeed) {
        if (reference && new_only_ && std::string(sql).find("inovices") != std::string::npos) continue;
        if (auto e = must(c, sql); !e.empty()) return e;
      }
    }
    if (auto e = must(ref_.get(), std::string("SET @sy_side = '") + k.side + "'"); !e.empty()) return e;
    std::string diff;
    for (const std::string& sql : k.sql) {
      Outcome a = execute(ref_.get(), sql);
      Outcome b = execute(via_.get(), sql);
      if (k.volatile_) a.rows = b.rows = {};
      if (!(a == b)) diff += "\n  " + sql + "\n    reference: " + a.describe() + "\n    proxied:   " + b.describe();
    }
    for (const char* q : kTables) {
      if (new_only_ && std::string(q).find("inovices") != std::string::npos) continue;
      std::string error;
      const auto ra = mariadb_query(ref_.get(), q, error);
      const auto rb = mariadb_query(rw_.get(), q, error);
      if (!ra || !rb) return diff + "\n  " + q + ": " + error;
      if (!k.volatile_ && *ra != *rb) diff += "\n  rows differ: " + std::string(q) + "\n    reference: " + flatten(*ra) + "\n    proxied:   " + flatten(*rb);
    }
    if (!new_only_)
      for (const char* q : kInStep)
        for (MYSQL* c : {ref_.get(), rw_.get()}) {
          std::string error;
          const auto r = mariadb_query(c, q, error);
          if (!r) return diff + "\n  " + q + ": " + error;
          if (!r->empty()) diff += std::string("\n  the two tables differ in ") + (c == ref_.get() ? "the reference" : "tk_rw_db") + ": " + flatten(*r);
        }
    return diff;
  }

 private:
  MariaDbConn ref_, rw_, via_;
  bool new_only_ = false;
};

struct PhaseStep {
  const char* phase;
  int percent;
  const char* label;
};
const PhaseStep kSteps[] = {{"dual_write", 0, "dual_write"},
                            {"shadow", 0, "shadow"},
                            {"canary", 0, "canary 0% (old route)"},
                            {"canary", 100, "canary 100% (new route)"},
                            {"read_new", 0, "read_new"}};

::testing::AssertionResult reload(ProxyProcess& proxy, const std::string& phase, int percent, int g) {
  const std::string config = read_file(proxy.config_path());
  const size_t control = config.find("control:");
  if (control == std::string::npos) return ::testing::AssertionFailure() << "no control: in\n" << config;
  return reload_with(proxy, config.substr(0, control) + migrations_yaml(phase, percent), g);
}

TEST(MariaDbTableMigration, EveryCaseAgreesWithTheTriggerReferenceInEveryDualPhase) {
  Oracle oracle;
  ASSERT_EQ(oracle.open(false), "");
  std::string error;
  auto proxy = start_mysql_proxy(migrations_yaml("off"), error);
  ASSERT_NE(proxy, nullptr) << error;
  // One session for every phase, as a pool holds it.
  ASSERT_EQ(oracle.run_through(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword)), "");
  int generation = 1, statements = 0;
  for (const PhaseStep& step : kSteps) {
    ASSERT_TRUE(reload(*proxy, step.phase, step.percent, ++generation)) << step.label;
    for (const Case& k : kCases) {
      statements += static_cast<int>(k.sql.size());
      EXPECT_EQ(oracle.compare(k), "") << step.label << ": " << k.sql.front();
    }
  }
  const std::string log = proxy->log();
  EXPECT_NE(log.find("rewrote:"), std::string::npos) << "nothing was rewritten";
  std::cout << statements << " statements through switchyard in " << std::size(kSteps) << " phases\n";
}

// rename_table in new_only: every statement naming inovices runs on invoices, as against a
// database where inovices is a view of invoices; copy_table's old table is refused.
TEST(MariaDbTableMigration, NewOnlyRetargetsTheRenamedTableAndRefusesTheCopiedOne) {
  Oracle oracle;
  ASSERT_EQ(oracle.open(true), "");
  std::string error;
  auto proxy = start_mysql_proxy(migrations_yaml("new_only"), error);
  ASSERT_NE(proxy, nullptr) << error;
  ASSERT_EQ(oracle.run_through(login_to(target_of(*proxy), kMariaDbNativeUser, kMariaDbNativePassword)), "");
  int runs = 0;
  for (const Case& k : kCases) {
    bool legacy = false;
    for (const std::string& sql : k.sql) legacy = legacy || sql.find("legacy_accounts") != std::string::npos;
    if (legacy) continue;
    ++runs;
    EXPECT_EQ(oracle.compare(k), "") << "new_only: " << k.sql.front();
  }
  EXPECT_GT(runs, 30);
  const Outcome refused = execute(oracle.via(), "UPDATE legacy_accounts SET name = 'x'");
  EXPECT_EQ(refused.error, 1235u) << refused.describe();
  EXPECT_NE(refused.message.find("accounts"), std::string::npos) << refused.message;
}

class MariaDbTableMigrationSession : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(oracle_.open(false), "");
    std::string error;
    proxy_ = start_mysql_proxy(migrations_yaml("dual_write"), error);
    ASSERT_NE(proxy_, nullptr) << error;
    ASSERT_EQ(oracle_.run_through(login_to(target_of(*proxy_), kMariaDbNativeUser, kMariaDbNativePassword)), "");
    for (const char* sql : kSeed) ASSERT_EQ(must(oracle_.direct(), sql), "");
  }
  std::string rows(const char* q) {
    std::string error;
    const auto r = mariadb_query(oracle_.direct(), q, error);
    return r ? flatten(*r) : error;
  }
  Oracle oracle_;
  std::unique_ptr<ProxyProcess> proxy_;
};

// A mirror the new table's CHECK refuses: the client gets the server's error (4025) with
// switchyard's prefix, and neither table changed; inside a transaction only that write is undone.
TEST_F(MariaDbTableMigrationSession, AFailedMirrorRollsTheWriteBack) {
  const std::string before = rows("SELECT * FROM legacy_accounts ORDER BY code");
  const Outcome o = execute(oracle_.via(), "UPDATE legacy_accounts SET name = 'boom' WHERE code = 'a'");
  EXPECT_EQ(o.error, 4025u) << o.describe();
  EXPECT_NE(o.message.find("the write was rolled back: mirroring it into the other table failed"), std::string::npos) << o.message;
  EXPECT_EQ(rows("SELECT * FROM legacy_accounts ORDER BY code"), before);
  EXPECT_EQ(execute(oracle_.via(), "BEGIN").error, 0u);
  EXPECT_EQ(execute(oracle_.via(), "UPDATE legacy_accounts SET name = 'kept' WHERE code = 'b'").error, 0u);
  EXPECT_EQ(execute(oracle_.via(), "INSERT INTO legacy_accounts VALUES ('q', 'S', 'boom')").error, 4025u);
  const Outcome status = execute(oracle_.via(), "SELECT name FROM legacy_accounts WHERE code = 'b'");
  EXPECT_TRUE(status.in_trans & SERVER_STATUS_IN_TRANS) << "the client's transaction ended: " << status.describe();
  EXPECT_EQ(execute(oracle_.via(), "COMMIT").error, 0u);
  EXPECT_EQ(rows("SELECT code, name FROM legacy_accounts ORDER BY code"), "(a, Ann) (b, kept) (c, Cy) ");
  EXPECT_EQ(rows("SELECT code, kind, name FROM accounts ORDER BY code"), "(a, checking, Ann) (b, savings, kept) (c, checking, Cy) ");
}

// A prepared write to either table is refused at prepare (ERR 1235, naming the migration);
// a prepared read runs.
TEST_F(MariaDbTableMigrationSession, PreparedWritesAreRefusedAndPreparedReadsRun) {
  for (const char* sql : {"UPDATE inovices SET total = ? WHERE id = ?", "INSERT INTO accounts (code, kind) VALUES ('p', ?)",
                          "DELETE FROM invoices WHERE id = ?"}) {
    MYSQL_STMT* stmt = mysql_stmt_init(oracle_.via());
    ASSERT_NE(stmt, nullptr);
    EXPECT_NE(mysql_stmt_prepare(stmt, sql, std::strlen(sql)), 0) << sql;
    EXPECT_EQ(mysql_stmt_errno(stmt), 1235u) << sql;
    EXPECT_NE(std::string(mysql_stmt_error(stmt)).find("switchyard: migration "), std::string::npos) << mysql_stmt_error(stmt);
    mysql_stmt_close(stmt);
  }
  MYSQL_STMT* stmt = mysql_stmt_init(oracle_.via());
  const char* read = "SELECT note FROM inovices WHERE id = 1";
  ASSERT_EQ(mysql_stmt_prepare(stmt, read, std::strlen(read)), 0) << mysql_stmt_error(stmt);
  EXPECT_EQ(mysql_stmt_execute(stmt), 0) << mysql_stmt_error(stmt);
  mysql_stmt_close(stmt);
  EXPECT_EQ(execute(oracle_.via(), "SELECT 1").error, 0u);  // the session goes on
}

// A command pipelined behind a scripted write (sent before its reply) ends the session with an
// ERR that says why; the write itself completed and was mirrored.
TEST_F(MariaDbTableMigrationSession, ACommandPipelinedBehindAScriptedWriteEndsTheSession) {
  std::optional<MysqlPacket> last;
  CodecSession raw = open_session(true, kMariaDbNativePassword, last, proxy_->endpoint().host, proxy_->endpoint().port);
  ASSERT_TRUE(last) << raw.client->error();
  ASSERT_EQ(mysql::classify_auth_reply(last->payload), mysql::AuthReply::kOk);
  const auto query = [](const std::string& sql) { return std::string(1, '\x03') + sql; };
  std::string both;
  mysql::encode_packet(both, 0, query("UPDATE tk_rw_db.inovices SET note = 'piped' WHERE id = 1"));
  mysql::encode_packet(both, 0, query("SELECT 1"));
  ASSERT_TRUE(raw.client->send_bytes(both));
  bool ended_with_why = false;
  for (int i = 0; i < 4; ++i) {
    const auto p = raw.client->read(5s);
    if (!p) break;
    if (mysql::is_err_packet(p->payload)) {
      const auto err = mysql::decode_err(p->payload, raw.capabilities);
      ended_with_why = err && std::string(err->message).find("pipelined") != std::string::npos;
    }
  }
  EXPECT_TRUE(ended_with_why);
  EXPECT_TRUE(eventually([&] { return rows("SELECT note FROM invoices WHERE id = 1") == rows("SELECT note FROM inovices WHERE id = 1"); }, 5s));
  EXPECT_EQ(execute(oracle_.via(), "SELECT 1").error, 0u);  // other sessions go on
}

// The comparison is not blind: in phase off the proxy mirrors nothing, and it says so.
TEST_F(MariaDbTableMigrationSession, TheComparisonFailsWhenTheProxyDoesNotMirror) {
  ASSERT_TRUE(reload(*proxy_, "off", 0, 2));
  EXPECT_NE(oracle_.compare({{"UPDATE inovices SET note = 'unmirrored' WHERE id = 1"}}), "");
  EXPECT_NE(oracle_.compare({{"INSERT INTO accounts (code, kind, name) VALUES ('n', 'savings', 'N')"}, "new"}), "");
  EXPECT_NE(oracle_.compare({{"DELETE FROM inovices WHERE id = 3"}}), "");
  ASSERT_TRUE(reload(*proxy_, "dual_write", 0, 3));
  EXPECT_EQ(oracle_.compare({{"UPDATE inovices SET note = 'mirrored' WHERE id = 1"}}), "");
}

}  // namespace
}  // namespace switchyard::test_support

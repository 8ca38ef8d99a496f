// COPY ... FROM into migrated tables through switchyard (rewrite/pg/copy_from.h): each COPY runs
// through the proxy on one database and as written on a reference database whose trigger does
// the dual write by hand; the client sees the same (CopyInResponse's column count and format,
// the "COPY n" tag, errors by SQLSTATE) and both databases end with the same rows in both
// shapes. Also: 100,000 rows, an error in row 5000 (nothing lands), COPY in a transaction and a
// savepoint rolled back, CopyFail, a transaction already in error, the extended protocol
// (PQexecParams, and a statement prepared once and executed across phase flips), psql's \copy,
// and a rename_table migration's two tables.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/admin_probe.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/child_process.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {
namespace {

// serial ids and a default fill what COPY leaves out; the check fails on a bad email.
constexpr char kUsers[] =
    "CREATE TABLE users (id serial PRIMARY KEY, full_name text, email text CHECK (email IS NULL OR email LIKE '%@%'),"
    " joined text NOT NULL DEFAULT 'today', display_name text);";
// The reference's dual write, as a trigger-based tool does it.
constexpr char kReferenceTrigger[] = R"(
CREATE FUNCTION users_dual() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.display_name IS NULL THEN NEW.display_name := NEW.full_name;
  ELSIF NEW.full_name IS NULL THEN NEW.full_name := NEW.display_name; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_dual BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_dual();)";
constexpr char kMigration[] = R"(migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
)";
// In id order, without the ids: a COPY that fails on bad input or a CopyFail has used no
// sequence values through switchyard, where PostgreSQL alone used one per row read before the
// failure (docs/migrations.md, "COPY FROM"), so later ids may differ by such gaps.
constexpr char kRows[] =
    "SELECT coalesce(string_agg(concat_ws('|', CASE WHEN id >= 100 THEN id END, full_name, email, joined, display_name), ','"
    " ORDER BY id), '') FROM users";

struct Copy {
  std::string sql;
  std::string data;     // sent as CopyData, in two messages
  bool fail = false;    // end with CopyFail instead of CopyDone
  // How it is sent: a simple Query; PQsendQueryParams's unnamed Parse, Bind, Describe, Execute
  // and Sync; or an Execute of the named statement `sql` prepared by PQprepare.
  enum class Send { kQuery, kParams, kPrepared } send = Send::kQuery;
};

// What the client sees of one COPY: the CopyInResponse's shape, then the tag or the SQLSTATE.
std::string copy_view(PGconn* conn, const Copy& c) {
  const int sent = c.send == Copy::Send::kQuery    ? PQsendQuery(conn, c.sql.c_str())
                   : c.send == Copy::Send::kParams ? PQsendQueryParams(conn, c.sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)
                                                   : PQsendQueryPrepared(conn, c.sql.c_str(), 0, nullptr, nullptr, nullptr, 0);
  if (sent != 1) return std::string("send: ") + PQerrorMessage(conn);
  std::string view;
  while (PGresult* raw = PQgetResult(conn)) {
    PgResult r(raw);
    if (PQresultStatus(r.get()) == PGRES_COPY_IN) {
      view += "copy in " + std::to_string(PQnfields(r.get())) + " cols, format " + std::to_string(PQbinaryTuples(r.get())) + "; ";
      const size_t half = c.data.size() / 2;
      PQputCopyData(conn, c.data.data(), static_cast<int>(half));
      PQputCopyData(conn, c.data.data() + half, static_cast<int>(c.data.size() - half));
      PQputCopyEnd(conn, c.fail ? "client gave up" : nullptr);
      continue;
    }
    if (PQresultStatus(r.get()) == PGRES_FATAL_ERROR) view += "error " + sqlstate(r.get()) + "; ";
    else view += std::string(PQcmdStatus(r.get())) + "; ";
  }
  return view;
}

class CopyFromMigrated : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));  // database names
    std::string error;
    admin_port_ = pick_free_port();
    proxy_ = MigrationProxy::start("copy_from_" + name, kUsers,
                                   std::string(kMigration) + "admin: {listen: 127.0.0.1:" + std::to_string(admin_port_) + "}\n", error);
    ASSERT_TRUE(proxy_) << error;
    reference_ = MigrationProxy::start("copy_from_ref_" + name, std::string(kUsers) + kReferenceTrigger, "", error);
    ASSERT_TRUE(reference_) << error;
    through_ = proxy_->connect_proxied();
    ref_ = reference_->connect_direct();
  }
  void TearDown() override {
    if (HasFailure() && proxy_) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy_->log_tail().c_str());
  }
  // Runs `c` both ways and expects the same view; returns the proxy's.
  std::string both(const Copy& c) {
    const std::string got = copy_view(through_.get(), c);
    EXPECT_EQ(got, copy_view(ref_.get(), c)) << c.sql;
    return got;
  }
  void expect_same_rows() {
    PgConn direct = proxy_->connect_direct();
    EXPECT_EQ(query_value(direct.get(), kRows), query_value(ref_.get(), kRows));
    EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM display_name"), "0");
  }
  std::unique_ptr<MigrationProxy> proxy_, reference_;
  PgConn through_, ref_;
  int admin_port_ = 0;
};

TEST_F(CopyFromMigrated, ClientsSeeWhatADirectCopyGives) {
  const std::vector<Copy> copies = {
      {"COPY users (full_name, email) FROM STDIN", "Ada\tada@x\nBob\t\\N\n"},
      {"COPY users (id, full_name, email) FROM STDIN WITH (FORMAT csv, HEADER true)", "id,full_name,email\n100,Carl,c@x\n101,\"Di, Anne\",\n"},
      {"COPY public.users (email, full_name) FROM STDIN WITH (DELIMITER ';', NULL 'none')", "e@x;Eve\nnone;none\n"},
      {"COPY users (display_name) FROM STDIN", "Fay\nGus\n"},
      {"COPY users (full_name, display_name) FROM STDIN CSV", "Hal,Hal\n"},
      {"COPY users (full_name, email) FROM STDIN", "Ivy\tno-at-sign\n"},  // check violation: 23514
      {"COPY users (id, full_name) FROM STDIN", "100\tdup\n"},           // unique violation: 23505
      {"COPY users (id, full_name) FROM STDIN", "x\ty\n"},               // bad input: 22P02
      {"COPY users (full_name) FROM STDIN", "Jo\n", true},               // CopyFail: 57014
      {"COPY users (full_name) FROM STDIN; SELECT 1", "Kim\n"},
      {"COPY users (full_name) FROM STDIN WITH (FORMAT csv); COPY users (full_name) FROM STDIN", "Lou\n"},
  };
  for (const Copy& c : copies) both(c);
  EXPECT_EQ(both(copies[0]), "copy in 2 cols, format 0; COPY 2; ");
  EXPECT_EQ(copy_view(through_.get(), {"COPY users (id, full_name) FROM STDIN WITH (FREEZE)", "300\tMo\n"}), "error 0A000; ");
  // A column the catalog does not know is refused, as an INSERT of it is (PostgreSQL: 42703).
  EXPECT_EQ(copy_view(through_.get(), {"COPY users (nosuch) FROM STDIN", "1\n"}), "error 0A000; ");
  expect_same_rows();
  // Every temporary table went with its COPY.
  EXPECT_EQ(query_value(through_.get(), "SELECT count(*) FROM pg_class WHERE relname LIKE '\\_switchyard\\_copy%'"), "0");
}

TEST_F(CopyFromMigrated, BinaryFormat) {
  // The rows in binary, as the reference's own COPY TO gives them.
  ASSERT_EQ(PQresultStatus(exec(ref_.get(), "CREATE TEMP TABLE src (full_name text, email text); "
                                            "INSERT INTO src VALUES ('Bin', 'b@x'), (NULL, NULL), ('Ary', 'a@x')").get()),
            PGRES_COMMAND_OK);
  PgResult out = exec(ref_.get(), "COPY src TO STDOUT WITH (FORMAT binary)");
  ASSERT_EQ(PQresultStatus(out.get()), PGRES_COPY_OUT);
  std::string data;
  char* buf = nullptr;
  for (int n; (n = PQgetCopyData(ref_.get(), &buf, 0)) > 0; PQfreemem(buf)) data.append(buf, static_cast<size_t>(n));
  while (PGresult* r = PQgetResult(ref_.get())) PQclear(r);
  EXPECT_EQ(both({"COPY users (full_name, email) FROM STDIN WITH (FORMAT binary)", data}), "copy in 2 cols, format 1; COPY 3; ");
  expect_same_rows();
}

// Ids from the sequence in COPY's row order; an error in row 5000 leaves nothing of the COPY.
TEST_F(CopyFromMigrated, HundredThousandRowsAndAnErrorInRow5000) {
  std::string rows, bad;
  for (int i = 1; i <= 100000; ++i) rows += "name " + std::to_string(i) + "\tu" + std::to_string(i) + "@x\n";
  for (int i = 1; i <= 10000; ++i) bad += "late " + std::to_string(i) + (i == 5000 ? "\tbroken\n" : "\tok@x\n");
  EXPECT_EQ(both({"COPY users (full_name, email) FROM STDIN", rows}), "copy in 2 cols, format 0; COPY 100000; ");
  EXPECT_EQ(both({"COPY users (full_name, email) FROM STDIN", bad}), "copy in 2 cols, format 0; error 23514; ");
  PgConn direct = proxy_->connect_direct();
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE full_name <> 'name ' || id"), "0");
  EXPECT_EQ(query_value(direct.get(), "SELECT count(*) FROM users WHERE full_name LIKE 'late%' OR display_name LIKE 'late%'"), "0");
  expect_same_rows();
}

TEST_F(CopyFromMigrated, TransactionsSavepointsAndAnAbortedTransaction) {
  for (PGconn* c : {through_.get(), ref_.get()}) {
    ASSERT_EQ(PQresultStatus(exec(c, "BEGIN").get()), PGRES_COMMAND_OK);
  }
  both({"COPY users (full_name) FROM STDIN", "rolled back\n"});
  for (PGconn* c : {through_.get(), ref_.get()}) {
    ASSERT_EQ(PQresultStatus(exec(c, "ROLLBACK").get()), PGRES_COMMAND_OK);
    ASSERT_EQ(PQresultStatus(exec(c, "BEGIN; SAVEPOINT s").get()), PGRES_COMMAND_OK);
  }
  both({"COPY users (full_name) FROM STDIN", "to savepoint\n"});
  for (PGconn* c : {through_.get(), ref_.get()}) {
    ASSERT_EQ(PQresultStatus(exec(c, "ROLLBACK TO SAVEPOINT s").get()), PGRES_COMMAND_OK);
  }
  both({"COPY users (full_name) FROM STDIN", "kept\n"});
  // A transaction already in error refuses the COPY before any data, as PostgreSQL does.
  for (PGconn* c : {through_.get(), ref_.get()}) exec(c, "SELECT 1/0");
  EXPECT_EQ(both({"COPY users (full_name) FROM STDIN", "never\n"}), "error 25P02; ");
  for (PGconn* c : {through_.get(), ref_.get()}) {
    ASSERT_EQ(PQresultStatus(exec(c, "ROLLBACK").get()), PGRES_COMMAND_OK);
  }
  both({"BEGIN; COPY users (full_name) FROM STDIN; COMMIT", "committed\n"});
  EXPECT_EQ(query_value(through_.get(), "SELECT string_agg(full_name, ',') FROM users"), "committed");
  expect_same_rows();
}

// The extended protocol (libpq's PQexecParams, Rust's tokio-postgres): a Parse holds one
// statement, so the proxy runs the temporary table, the mirror and the DROP around the client's
// Execute and CopyDone (proxy/pg_copy.cpp). The client sees what a direct COPY gives, errors of
// each kind included, and a failed mirror is an error, never "COPY n".
TEST_F(CopyFromMigrated, ExtendedProtocolGivesWhatADirectCopyGives) {
  using Send = Copy::Send;
  const std::vector<Copy> copies = {
      {"COPY users (full_name, email) FROM STDIN", "Ada\tada@x\nBob\t\\N\n", false, Send::kParams},
      {"COPY users (id, full_name, email) FROM STDIN WITH (FORMAT csv, HEADER true)", "id,full_name,email\n100,Carl,c@x\n", false,
       Send::kParams},
      {"COPY public.users (email, full_name) FROM STDIN WITH (DELIMITER ';', NULL 'none')", "e@x;Eve\nnone;none\n", false, Send::kParams},
      {"COPY users (display_name) FROM STDIN", "Fay\nGus\n", false, Send::kParams},
      {"COPY users (full_name, email) FROM STDIN", "Ivy\tno-at-sign\n", false, Send::kParams},  // the mirror fails: 23514
      {"COPY users (id, full_name) FROM STDIN", "100\tdup\n", false, Send::kParams},           // 23505, in the mirror
      {"COPY users (id, full_name) FROM STDIN", "x\ty\n", false, Send::kParams},               // bad input: 22P02
      {"COPY users (full_name) FROM STDIN", "Jo\n", true, Send::kParams},                       // CopyFail: 57014
      {"COPY users (full_name) FROM STDIN", "After\n", false, Send::kParams},
  };
  for (const Copy& c : copies) both(c);
  EXPECT_EQ(both(copies[0]), "copy in 2 cols, format 0; COPY 2; ");
  EXPECT_EQ(both(copies[4]), "copy in 2 cols, format 0; error 23514; ");
  // In the client's transactions: rolled back with it, kept with it.
  for (const char* end : {"ROLLBACK", "COMMIT"}) {
    for (PGconn* c : {through_.get(), ref_.get()}) ASSERT_EQ(PQresultStatus(exec(c, "BEGIN").get()), PGRES_COMMAND_OK);
    EXPECT_EQ(both({"COPY users (full_name) FROM STDIN", std::string(end) + "\n", false, Send::kParams}), "copy in 1 cols, format 0; COPY 1; ");
    EXPECT_EQ(both({"COPY users (full_name) FROM STDIN", "second\n", false, Send::kParams}), "copy in 1 cols, format 0; COPY 1; ");
    for (PGconn* c : {through_.get(), ref_.get()}) ASSERT_EQ(PQresultStatus(exec(c, end).get()), PGRES_COMMAND_OK);
  }
  // COPY TO and unmigrated tables pass in every protocol.
  PgResult to(PQexecParams(through_.get(), "COPY users TO STDOUT", 0, nullptr, nullptr, nullptr, nullptr, 0));
  ASSERT_EQ(PQresultStatus(to.get()), PGRES_COPY_OUT);
  char* buf = nullptr;
  int copied = 0;
  for (int n; (n = PQgetCopyData(through_.get(), &buf, 0)) > 0; PQfreemem(buf)) ++copied;
  while (PGresult* r = PQgetResult(through_.get())) PQclear(r);
  EXPECT_GT(copied, 5);
  expect_same_rows();
  EXPECT_EQ(query_value(through_.get(), "SELECT count(*) FROM pg_class WHERE relname LIKE '\\_switchyard\\_copy%'"), "0");
  // The session goes on as ever: its unnamed statement and later writes are its own.
  EXPECT_EQ(query_value(through_.get(), "SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM display_name"), "0");
}

// A named statement prepared once and executed again and again, as a pool's driver keeps it,
// also across a reload that moves the migration to another phase and back.
TEST_F(CopyFromMigrated, APreparedCopyRunsEachTimeAndFollowsPhaseFlips) {
  for (PGconn* c : {through_.get(), ref_.get()}) {
    PgResult p(PQprepare(c, "copy_users", "COPY users (full_name, email) FROM STDIN", 0, nullptr));
    ASSERT_EQ(PQresultStatus(p.get()), PGRES_COMMAND_OK) << PQresultErrorMessage(p.get());
  }
  const auto run = [&](const std::string& data) { return both({"copy_users", data, false, Copy::Send::kPrepared}); };
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(run("Run " + std::to_string(i) + "\tr@x\nTwo\t\\N\n"), "copy in 2 cols, format 0; COPY 2; ");
  EXPECT_EQ(run("Bad\tbad\n"), "copy in 2 cols, format 0; error 23514; ");
  ASSERT_EQ(reload_phase(proxy_->process(), admin_port_, "    phase: off\n"), "");
  // In phase off the COPY is relayed as written (the reference has no trigger to follow it).
  EXPECT_EQ(copy_view(through_.get(), {"copy_users", "Off\to@x\n", false, Copy::Send::kPrepared}), "copy in 2 cols, format 0; COPY 1; ");
  ASSERT_EQ(reload_phase(proxy_->process(), admin_port_, "    phase: dual_write\n"), "");
  exec(ref_.get(), "INSERT INTO users (full_name, email) VALUES ('Off', 'o@x')");
  PgConn direct = proxy_->connect_direct();
  exec(direct.get(), "UPDATE users SET display_name = full_name WHERE full_name = 'Off'");  // as a backfill would
  EXPECT_EQ(run("Back\tb@x\n"), "copy in 2 cols, format 0; COPY 1; ");
  expect_same_rows();
}

TEST_F(CopyFromMigrated, PsqlCopyFromAFile) {
  std::string error;
  auto dir = TempDir::create("switchyard-copy-from-", error);
  ASSERT_TRUE(dir) << error;
  std::ofstream(dir->file("users.csv")) << "full_name,email\nPat,p@x\n\"Quinn, Q\",q@x\n";
  const std::string cmd = "\\copy users (full_name, email) from '" + dir->file("users.csv") + "' with (format csv, header)";
  const auto psql = [&](const std::string& conninfo) {
    return run_command({pg_program("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-c", cmd, "-d", conninfo}, 60s);
  };
  const CommandResult got = psql(proxy_->proxied_conninfo());
  const CommandResult want = psql(reference_->direct_conninfo());
  ASSERT_TRUE(got.succeeded()) << got.describe();
  ASSERT_TRUE(want.succeeded()) << want.describe();
  EXPECT_EQ(got.out, want.out);
  EXPECT_EQ(got.out, "COPY 2\n");
  expect_same_rows();
}

// psycopg 3's cursor.copy, write_row in text and binary (drivers/psycopg3_copy.py).
TEST_F(CopyFromMigrated, Psycopg3CopyWriteRow) {
  const char* script = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers/psycopg3_copy.py";
  const CommandResult got = run_command({"/usr/bin/python3", script, proxy_->proxied_conninfo()}, 120s);
  const CommandResult want = run_command({"/usr/bin/python3", script, reference_->direct_conninfo()}, 120s);
  ASSERT_TRUE(got.succeeded()) << got.describe();
  ASSERT_TRUE(want.succeeded()) << want.describe();
  EXPECT_EQ(got.out, want.out);
  expect_same_rows();
}

// rename_table: the COPY into the old table lands in both tables; into the new one, too.
TEST(CopyFromMigratedTable, RenameTableWritesBothTables) {
  constexpr char kSetup[] =
      "CREATE TABLE inovices (id serial PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) DEFAULT 0);"
      "CREATE TABLE invoices (id int PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) DEFAULT 0);";
  std::string error;
  auto proxy = MigrationProxy::start("copy_from_rename_table", kSetup, R"(migrations:
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
)",
                                     error);
  ASSERT_TRUE(proxy) << error;
  PgConn c = proxy->connect_proxied();
  EXPECT_EQ(copy_view(c.get(), {"COPY inovices (customer, amount) FROM STDIN", "a\t1.234\nb\t\\N\nc\t3\n"}),
            "copy in 2 cols, format 0; COPY 3; ");
  EXPECT_EQ(copy_view(c.get(), {"COPY invoices (id, customer) FROM STDIN CSV", "50,new\n"}), "copy in 2 cols, format 0; COPY 1; ");
  EXPECT_EQ(copy_view(c.get(), {"COPY inovices (customer) FROM STDIN", "ok\n\\N\n"}), "copy in 1 cols, format 0; error 23502; ");
  // The extended protocol: the same, the mirror's tag restored (the failed COPY above used ids 4 and 5).
  EXPECT_EQ(copy_view(c.get(), {"COPY inovices (customer, amount) FROM STDIN", "d\t4\n", false, Copy::Send::kParams}),
            "copy in 2 cols, format 0; COPY 1; ");
  EXPECT_EQ(copy_view(c.get(), {"COPY invoices (id, customer) FROM STDIN", "51\tnewer\n", false, Copy::Send::kParams}),
            "copy in 2 cols, format 0; COPY 1; ");
  EXPECT_EQ(copy_view(c.get(), {"COPY inovices (customer) FROM STDIN", "\\N\n", false, Copy::Send::kParams}),
            "copy in 1 cols, format 0; error 23502; ");
  PgConn direct = proxy->connect_direct();
  const char* rows = "SELECT string_agg(id || ':' || customer || ':' || coalesce(amount::text, '-'), ',' ORDER BY id) FROM ";
  EXPECT_EQ(query_value(direct.get(), std::string(rows) + "inovices"), "1:a:1.23,2:b:-,3:c:3.00,6:d:4.00,50:new:0.00,51:newer:0.00");
  EXPECT_EQ(query_value(direct.get(), std::string(rows) + "invoices"), query_value(direct.get(), std::string(rows) + "inovices"));
}

}  // namespace
}  // namespace switchyard::test_support

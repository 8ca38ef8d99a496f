// The MySQL front end against a real MariaDB 10.11: every corpus statement
// (tests/rewrite/mysql/corpus/) and the text switchyard would print for it are prepared on the
// server (COM_STMT_PREPARE: parsed and resolved against tests/rewrite/mysql/corpus/schema.sql,
// nothing executed), and the server must accept both or refuse both with the same error. The
// same under sql_mode ANSI_QUOTES for statements spelled that way.
#include <mysql.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/printer.h"
#include "tests/rewrite/mysql/corpus.h"
#include "tests/support/mariadb_connection.h"
#include "tests/support/mariadb_environment.h"

namespace switchyard::test_support {
namespace {

namespace my = rewrite::mysql;

const std::string kCorpusDir = std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus";

// 0 when the server prepares `sql`, else its error number (message in `error`).
unsigned prepare_errno(MYSQL* conn, const std::string& sql, std::string& error) {
  MYSQL_STMT* stmt = mysql_stmt_init(conn);
  if (stmt == nullptr) return 2008;  // CR_OUT_OF_MEMORY
  const int rc = mysql_stmt_prepare(stmt, sql.data(), sql.size());
  const unsigned code = rc == 0 ? 0 : mysql_stmt_errno(stmt);
  error = rc == 0 ? "" : mysql_stmt_error(stmt);
  mysql_stmt_close(stmt);
  return code;
}

MariaDbConn corpus_connection(const std::string& database) {
  MariaDbServer& s = shared_mariadb();
  std::string error;
  MariaDbConn conn = connect_mariadb(tcp_login(s, kMariaDbNativeUser, kMariaDbNativePassword), error);
  EXPECT_TRUE(conn) << error;
  if (!conn) return conn;
  EXPECT_TRUE(mariadb_query(conn.get(), "CREATE DATABASE IF NOT EXISTS " + database, error)) << error;
  EXPECT_TRUE(mariadb_query(conn.get(), "USE " + database, error)) << error;
  std::ifstream in(kCorpusDir + "/schema.sql");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    EXPECT_TRUE(mariadb_query(conn.get(), line, error)) << line << ": " << error;
  }
  return conn;
}

TEST(MariaDbParserCorpus, ThePrintedFormIsAcceptedExactlyWhenTheOriginalIs) {
  MariaDbConn conn = corpus_connection("parser_corpus");
  ASSERT_TRUE(conn);
  const auto corpus = rewrite::mysql::testing::read_corpus(kCorpusDir);
  ASSERT_GE(corpus.size(), 100u);
  int accepted = 0;
  for (const auto& s : corpus) {
    const my::Parsed parsed = my::parse(s.sql, {});
    ASSERT_TRUE(parsed) << s.file << ":" << s.line << ": " << parsed.error().message;
    const std::string printed = my::print(parsed.tree());
    std::string original_error, printed_error;
    const unsigned original = prepare_errno(conn.get(), s.sql, original_error);
    const unsigned again = prepare_errno(conn.get(), printed, printed_error);
    EXPECT_EQ(original, again) << s.file << ":" << s.line << "\n  original: " << s.sql << "\n    " << original_error
                               << "\n  printed:  " << printed << "\n    " << printed_error;
    if (original == 0) ++accepted;
  }
  // The corpus is meant to be valid MariaDB: all of it but MySQL-only forms is accepted.
  EXPECT_GE(accepted, static_cast<int>(corpus.size()) - 2) << accepted << " of " << corpus.size();
}

TEST(MariaDbParserCorpus, AnsiQuotesStatementsToo) {
  MariaDbConn conn = corpus_connection("parser_corpus_ansi");
  ASSERT_TRUE(conn);
  std::string error;
  ASSERT_TRUE(mariadb_query(conn.get(), "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,PIPES_AS_CONCAT')", error))
      << error;
  my::LexicalSettings settings;
  settings.ansi_quotes = true;
  settings.pipes_as_concat = true;
  const char* const statements[] = {
      "SELECT \"t1\".\"a\", 'x' || \"b\" FROM \"t1\" WHERE \"b\" = 'q'",
      "UPDATE \"users\" SET \"name\" = 'a' || 'b' WHERE \"id\" = 1",
      "INSERT INTO \"t1\" (\"a\", \"b\") VALUES (1, 'x' 'y') ON DUPLICATE KEY UPDATE \"b\" = VALUES(\"b\")",
      "SELECT \"nope\" FROM \"t1\"",  // refused by the server both ways: no such column
  };
  for (const char* sql : statements) {
    const my::Parsed parsed = my::parse(sql, settings);
    ASSERT_TRUE(parsed) << sql << ": " << parsed.error().message;
    const std::string printed = my::print(parsed.tree());
    std::string e1, e2;
    EXPECT_EQ(prepare_errno(conn.get(), sql, e1), prepare_errno(conn.get(), printed, e2))
        << sql << " (" << e1 << ")\n" << printed << " (" << e2 << ")";
  }
}

}  // namespace
}  // namespace switchyard::test_support

// The MariaDB column-rewrite oracle's machinery (mariadb_column_rewrite_test.cpp): the phases
// it runs, two databases on the shared MariaDB (oracle_ref with the reference triggers, oracle_rw
// without, and in new_only without the old columns), their rows reset before each statement,
// and the comparison of one statement run both ways. Uses the server from shared_mariadb().
#pragma once

#include <mysql.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "config/migration.h"
#include "rewrite/rewrite_result.h"
#include "tests/integration/mariadb_column_rewrite_cases.h"
#include "tests/support/mariadb_connection.h"
#include "tests/support/mariadb_environment.h"

namespace switchyard::test_support::column_oracle {

using config::Phase;
using Rows = std::vector<std::vector<std::string>>;

struct PhaseRun {
  Phase phase;
  rewrite::ReadRoute route;
  const char* label;
};
inline constexpr uint64_t kAll = ~uint64_t{0};
inline const PhaseRun kRuns[] = {{Phase::kDualWrite, {0}, "dual_write"}, {Phase::kShadow, {0}, "shadow"},
                     {Phase::kCanary, {0}, "canary (old route)"}, {Phase::kCanary, {kAll}, "canary (new route)"},
                     {Phase::kReadNew, {kAll}, "read_new"}, {Phase::kNewOnly, {kAll}, "new_only"}};

// What a client sees of one statement.
struct Outcome {
  unsigned error = 0;
  unsigned long long affected = 0;
  std::string info;
  std::string warnings;  // codes, in order
  std::vector<std::string> columns;
  Rows rows;
  std::string describe() const {
    std::ostringstream os;
    os << "error " << error << ", affected " << affected << ", info '" << info << "', warnings [" << warnings << "], "
       << rows.size() << " rows";
    return os.str();
  }
};

inline Outcome execute(MYSQL* c, const std::string& sql) {
  Outcome o;
  if (mysql_real_query(c, sql.data(), sql.size()) != 0) {
    o.error = mysql_errno(c);
    return o;
  }
  if (MYSQL_RES* res = mysql_store_result(c)) {
    const unsigned n = mysql_num_fields(res);
    MYSQL_FIELD* fields = mysql_fetch_fields(res);
    for (unsigned i = 0; i < n; ++i) o.columns.emplace_back(fields[i].name);
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      o.rows.emplace_back();
      for (unsigned i = 0; i < n; ++i) o.rows.back().emplace_back(row[i] ? row[i] : "NULL");
    }
    mysql_free_result(res);
  }
  o.affected = mysql_affected_rows(c);
  o.info = mysql_info(c) ? mysql_info(c) : "";
  if (mysql_warning_count(c) > 0) {
    std::string error;
    if (auto w = mariadb_query(c, "SHOW WARNINGS", error))
      for (const auto& row : *w) o.warnings += (o.warnings.empty() ? "" : " ") + row[1];
  }
  return o;
}

// The same through COM_STMT_PREPARE / COM_STMT_EXECUTE, every parameter bound as a string.
inline Outcome execute_prepared(MYSQL* c, const std::string& sql, const std::vector<std::string>& params) {
  Outcome o;
  MYSQL_STMT* stmt = mysql_stmt_init(c);
  if (stmt == nullptr) {
    o.error = 2008;  // CR_OUT_OF_MEMORY
    return o;
  }
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<unsigned long> lengths(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    binds[i] = MYSQL_BIND{};
    binds[i].buffer_type = MYSQL_TYPE_STRING;
    binds[i].buffer = const_cast<char*>(params[i].data());
    lengths[i] = params[i].size();
    binds[i].buffer_length = lengths[i];
    binds[i].length = &lengths[i];
  }
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
    o.error = mysql_stmt_errno(stmt);
  } else if (mysql_stmt_param_count(stmt) != params.size()) {
    o.error = 2031;  // CR_PARAMS_NOT_BOUND: the rewrite changed the parameters
  } else if ((!binds.empty() && mysql_stmt_bind_param(stmt, binds.data())) || mysql_stmt_execute(stmt) != 0) {
    o.error = mysql_stmt_errno(stmt);
  } else {
    o.affected = mysql_stmt_affected_rows(stmt);
    o.warnings = std::to_string(mysql_warning_count(c));
  }
  mysql_stmt_close(stmt);
  return o;
}

inline std::string must(MYSQL* c, const std::string& sql) {
  std::string error;
  return mariadb_query(c, sql, error) ? "" : sql + ": " + error;
}

// The tables, as each database has them (new_only: the old columns dropped in the rewritten one).
inline std::vector<std::string> schema(bool reference, bool new_only) {
  const bool old = reference || !new_only;
  return {
      std::string("CREATE TABLE users (id INT PRIMARY KEY") + (old ? ", full_name VARCHAR(100) NULL" : "") +
          ", email VARCHAR(100) NULL, display_name VARCHAR(100) NULL)",
      std::string("CREATE TABLE accounts (aid INT PRIMARY KEY") + (old ? ", include CHAR(1) NOT NULL DEFAULT ''" : "") +
          ", name VARCHAR(40) NULL, include_bool TINYINT(1) NULL)",
      std::string("CREATE TABLE items (sku INT PRIMARY KEY") + (old ? ", price DECIMAL(10,2) NULL" : "") +
          ", note VARCHAR(40) NULL, price_cents INT NULL)",
      "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(100), mail VARCHAR(100))",
  };
}

// The reference's dual write: @sy_ins / @sy_upd say which shape the statement wrote.
inline std::vector<std::string> triggers() {
  struct T {
    const char* table;
    const char* old_to_new;
    const char* new_to_old;
  };
  const T ts[] = {{"users", "SET NEW.display_name = NEW.full_name", "SET NEW.full_name = NEW.display_name"},
                  {"accounts", "SET NEW.include_bool = CASE WHEN NEW.include = 'X' THEN 1 ELSE 0 END",
                   "SET NEW.include = CASE WHEN NEW.include_bool THEN 'X' ELSE '' END"},
                  {"items", "SET NEW.price_cents = ROUND(NEW.price * 100)", "SET NEW.price = CAST(NEW.price_cents / 100 AS DECIMAL(10,2))"}};
  std::vector<std::string> out;
  for (const T& t : ts)
    for (const char* when : {"INSERT", "UPDATE"}) {
      const std::string var = std::string(when) == "INSERT" ? "@sy_ins" : "@sy_upd";
      out.push_back(std::string("CREATE TRIGGER ") + t.table + "_" + when + " BEFORE " + when + " ON " + t.table +
                    " FOR EACH ROW BEGIN IF " + var + " = 'old' THEN " + t.old_to_new + "; ELSEIF " + var + " = 'new' THEN " +
                    t.new_to_old + "; END IF; END");
    }
  return out;
}

inline std::vector<std::string> seed(bool full) {
  return {
      "DELETE FROM users", "DELETE FROM accounts", "DELETE FROM items", "DELETE FROM people",
      full ? "INSERT INTO users (id, full_name, email, display_name) VALUES (1, 'Ada', 'ada@x', 'Ada'), (2, 'Grace', 'g@x', "
             "'Grace'), (3, NULL, 'n@x', NULL), (4, 'Linus', 'l@x', 'Linus')"
           : "INSERT INTO users (id, email, display_name) VALUES (1, 'ada@x', 'Ada'), (2, 'g@x', 'Grace'), (3, 'n@x', NULL), "
             "(4, 'l@x', 'Linus')",
      full ? "INSERT INTO accounts (aid, include, name, include_bool) VALUES (1, 'X', 'a', 1), (2, '', 'b', 0), (3, 'X', 'c', 1)"
           : "INSERT INTO accounts (aid, name, include_bool) VALUES (1, 'a', 1), (2, 'b', 0), (3, 'c', 1)",
      full ? "INSERT INTO items (sku, price, note, price_cents) VALUES (1, 2.50, 'a', 250), (2, 10.00, 'b', 1000), (3, 0.99, "
             "'c', 99)"
           : "INSERT INTO items (sku, note, price_cents) VALUES (1, 'a', 250), (2, 'b', 1000), (3, 'c', 99)",
      "INSERT INTO people (id, name, mail) VALUES (1, 'Ada L', 'ada@l'), (2, 'Grace H', 'g@h'), (5, 'Ken', 'k@t'), (6, "
      "'Dennis', 'd@r')",
  };
}

// What is compared of each table: its new shape, plus the old one where it exists; through
// consistency checks for volatile cases.
inline std::vector<std::string> table_queries(bool new_only, bool volatile_) {
  if (new_only)
    return {volatile_ ? "SELECT id, email, CHAR_LENGTH(display_name) FROM users ORDER BY id"
                      : "SELECT id, email, display_name FROM users ORDER BY id",
            volatile_ ? "SELECT aid, name, include_bool IS NULL FROM accounts ORDER BY aid"
                      : "SELECT aid, name, include_bool FROM accounts ORDER BY aid",
            volatile_ ? "SELECT sku, note, price_cents IS NULL FROM items ORDER BY sku"
                      : "SELECT sku, note, price_cents FROM items ORDER BY sku",
            "SELECT * FROM people ORDER BY id"};
  if (volatile_)
    return {"SELECT id, email, full_name <=> display_name, CHAR_LENGTH(display_name) FROM users ORDER BY id",
            "SELECT aid, name, include_bool <=> (include = 'X') FROM accounts ORDER BY aid",
            "SELECT sku, note, price_cents <=> ROUND(price * 100) FROM items ORDER BY sku", "SELECT * FROM people ORDER BY id"};
  return {"SELECT * FROM users ORDER BY id", "SELECT * FROM accounts ORDER BY aid", "SELECT * FROM items ORDER BY sku",
          "SELECT * FROM people ORDER BY id"};
}

class Oracle {
 public:
  // Both databases, with `new_only`'s layout.
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
      const std::string db = reference ? "oracle_ref" : "oracle_rw";
      for (const std::string& sql : {"DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db, "USE " + db})
        if (auto e = must(c, sql); !e.empty()) return e;
      for (const std::string& sql : schema(reference, new_only))
        if (auto e = must(c, sql); !e.empty()) return e;
      if (reference)
        for (const std::string& sql : triggers())
          if (auto e = must(c, sql); !e.empty()) return e;
    }
    return "";
  }

  // From now on the rewritten side's statements run over `login` (switchyard in front of
  // oracle_rw, which rewrites them itself: compare's `rewritten` is then the client's text);
  // its rows are still reset and read over the direct connection.
  std::string run_rewritten_through(const MariaDbLogin& login) {
    std::string error;
    via_ = connect_mariadb(login, error);
    if (!via_) return error;
    return must(via_.get(), "USE oracle_rw");
  }
  MYSQL* rewritten_session() { return via_ ? via_.get() : rw_.get(); }
  // Reads compared column by column by name, not position: once contract dropped an old column,
  // its place in the table is gone, and switchyard gives it last in a SELECT *.
  void compare_columns_by_name() { columns_by_name_ = true; }

  // Both sessions' sql_mode gains `flags` (",ANSI_QUOTES").
  std::string add_sql_mode(const std::string& flags) {
    for (MYSQL* c : {ref_.get(), rw_.get(), via_.get()})
      if (c != nullptr)
        if (auto e = must(c, "SET SESSION sql_mode = CONCAT(@@sql_mode, '" + flags + "')"); !e.empty()) return e;
    return "";
  }

  // Runs the case both ways (the rewritten database runs `rewritten`) and says how they differ
  // ("" if they do not).
  // With `params`, both run as prepared statements with those parameters.
  std::string compare(const OracleCase& k, const std::string& rewritten, const std::vector<std::string>* params = nullptr) {
    for (const bool reference : {true, false}) {
      MYSQL* c = reference ? ref_.get() : rw_.get();
      if (auto e = must(c, "SET @sy_ins = NULL, @sy_upd = NULL"); !e.empty()) return e;
      for (const std::string& sql : seed(reference || !new_only_))
        if (auto e = must(c, sql); !e.empty()) return e;
    }
    const std::string shape = k.shape;
    const auto slash = shape.find('/');
    const std::string ins = shape.substr(0, slash), upd = slash == std::string::npos ? shape : shape.substr(slash + 1);
    if (auto e = must(ref_.get(), "SET @sy_ins = '" + ins + "', @sy_upd = '" + upd + "'"); !e.empty()) return e;
    const Outcome a = params ? execute_prepared(ref_.get(), k.sql, *params) : execute(ref_.get(), k.sql);
    MYSQL* rw = rewritten_session();
    const Outcome b = params ? execute_prepared(rw, rewritten, *params) : execute(rw, rewritten);
    std::string diff;
    const bool counts = !k.random_count;
    const bool warnings = !(new_only_ && k.old_type_warns);
    if (a.error != b.error || (counts && a.affected != b.affected) || (counts && warnings && a.info != b.info) ||
        (warnings && a.warnings != b.warnings))
      diff += "\n  reference: " + a.describe() + "\n  rewritten: " + b.describe();
    if (!k.volatile_ && (columns_by_name_ ? by_name(a) != by_name(b) : (a.columns != b.columns || a.rows != b.rows)))
      diff += "\n  the read's columns or rows differ:\n    reference: " + flatten({a.columns}) + flatten(a.rows) +
              "\n    rewritten: " + flatten({b.columns}) + flatten(b.rows);
    const auto refq = table_queries(new_only_, k.volatile_);
    for (const std::string& q : refq) {
      std::string error;
      const auto ra = mariadb_query(ref_.get(), q, error);
      const auto rb = mariadb_query(rw_.get(), q, error);
      if (!ra || !rb) return diff + "\n  " + q + ": " + error;
      if (*ra != *rb) diff += "\n  rows differ: " + q + "\n    reference: " + flatten(*ra) + "\n    rewritten: " + flatten(*rb);
    }
    return diff;
  }

 private:
  // Each row as (column, value) pairs sorted by column.
  static std::vector<std::vector<std::pair<std::string, std::string>>> by_name(const Outcome& o) {
    std::vector<std::vector<std::pair<std::string, std::string>>> out;
    for (const auto& row : o.rows) {
      out.emplace_back();
      for (size_t i = 0; i < row.size() && i < o.columns.size(); ++i) out.back().emplace_back(o.columns[i], row[i]);
      std::sort(out.back().begin(), out.back().end());
    }
    return out;
  }
  static std::string flatten(const Rows& rows) {
    std::string s;
    for (const auto& r : rows) {
      s += "(";
      for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + r[i];
      s += ") ";
    }
    return s;
  }

  MariaDbConn ref_, rw_;
  MariaDbConn via_;  // run_rewritten_through's session, if any
  bool columns_by_name_ = false;
  bool new_only_ = false;
};

}  // namespace switchyard::test_support::column_oracle

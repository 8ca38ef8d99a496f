// A database holding both shapes of the seeds' migrations with consistent data, a catalog
// read from it as the proxy reads one, and result sets to compare: what read_routing_test.cpp
// runs each read against, as written and as routed to the other shape.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/read_route_catalog.h"
#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pg_connection.h"

namespace switchyard::test_support {

// Both shapes, equal: full_name = display_name, include_bool = (include = 'X'), id = aid,
// inovices = invoices, account.type = up(legacy_accounts.accttype) for values down maps back.
inline constexpr char kReadRoutingSchema[] = R"(
CREATE TYPE account_type AS ENUM ('ASSET', 'LIABILITY', 'INCOME', 'EXPENSE', 'EQUITY');
CREATE TABLE users (id int PRIMARY KEY, full_name text, email text, display_name text);
CREATE INDEX users_display_name ON users (display_name);
CREATE TABLE accounts (aid serial PRIMARY KEY, include char(1), name text DEFAULT 'unnamed', include_bool boolean, id int);
CREATE TABLE inovices (id int PRIMARY KEY, customer text, amount numeric(12,2));
CREATE TABLE invoices (id int PRIMARY KEY, customer text, amount numeric(12,2));
CREATE TABLE legacy_accounts (id int PRIMARY KEY, name varchar(191), user_id int, accttype text);
CREATE TABLE account (id int PRIMARY KEY, name varchar(191), user_id int, type account_type,
                      created_at timestamptz DEFAULT now());
CREATE TABLE people (id int PRIMARY KEY, name text);
INSERT INTO users VALUES (1, 'Ada', 'ada@example.com', 'Ada'), (2, 'Alan', 'alan@example.com', 'Alan'),
                         (3, 'Grace', NULL, 'Grace'), (4, NULL, 'anon@example.com', NULL), (5, 'Ada', 'ada2@example.com', 'Ada');
INSERT INTO accounts (aid, include, name, include_bool, id) VALUES (1, 'X', 'Ada', true, 1), (2, '', 'Alan', false, 2),
                                                                   (3, 'X', 'Bob', true, 3);
INSERT INTO inovices VALUES (1, 'Ada', 10.50), (2, 'Alan', 20.00), (3, 'Grace', NULL);
INSERT INTO invoices SELECT * FROM inovices;
INSERT INTO legacy_accounts VALUES (1, 'checking', 1, 'CHECKING'), (2, 'credit', 2, 'CREDITLINE'), (3, 'unknown', 5, NULL);
INSERT INTO account (id, name, user_id, type) VALUES (1, 'checking', 1, 'ASSET'), (2, 'credit', 2, 'LIABILITY'),
                                                     (3, 'unknown', 5, NULL);
INSERT INTO people VALUES (1, 'Ada'), (2, 'Bob'), (5, 'Ada');
)";

// One result: column names, type OIDs and rows (NULL as nullopt), or the error.
struct ResultSet {
  std::string error;
  std::vector<std::string> names;
  std::vector<Oid> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

inline ResultSet fetch(PGconn* conn, const std::string& sql) {
  ResultSet out;
  PgResult r = exec(conn, sql);
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    out.error = describe(r.get());
    return out;
  }
  for (int c = 0; c < PQnfields(r.get()); ++c) {
    out.names.push_back(PQfname(r.get(), c));
    out.types.push_back(PQftype(r.get(), c));
  }
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    auto& row = out.rows.emplace_back();
    for (int c = 0; c < PQnfields(r.get()); ++c)
      row.push_back(PQgetisnull(r.get(), i, c) ? std::nullopt : std::optional<std::string>(PQgetvalue(r.get(), i, c)));
  }
  return out;
}

inline std::string show(const ResultSet& r) {
  if (!r.error.empty()) return "error: " + r.error;
  std::string s;
  for (size_t c = 0; c < r.names.size(); ++c) s += r.names[c] + ":" + std::to_string(r.types[c]) + " ";
  for (const auto& row : r.rows) {
    s += "\n  ";
    for (const auto& v : row) s += (v ? *v : "NULL") + " | ";
  }
  return s;
}

// The relation as the schema loader reads it: format_type with modifier, base type by name.
inline rewrite::RelationInfo load_relation(PGconn* conn, const config::TableName& t) {
  rewrite::RelationInfo rel{t, false, {}, {}, {}, {}};
  PgResult r = exec(conn,
                    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                    "CASE WHEN n.nspname = 'pg_catalog' THEN ty.typname ELSE n.nspname || '.' || ty.typname END, "
                    "coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attnotnull "
                    "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_namespace n ON n.oid = ty.typnamespace "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    "WHERE a.attrelid = '" + t.to_string() + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << describe(r.get());
  for (int i = 0; r && i < PQntuples(r.get()); ++i) {
    rel.exists = true;
    rel.columns.push_back({PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1), PQgetvalue(r.get(), i, 2),
                           PQgetvalue(r.get(), i, 3), PQgetvalue(r.get(), i, 4)[0] == 't', false});
  }
  return rel;
}

class ReadRoutingTest : public ::testing::Test {
 protected:
  static constexpr char kDatabase[] = "read_routing";

  void SetUp() override {
    integration_env().create_fresh_database(kDatabase);
    ASSERT_FALSE(HasFatalFailure());
    std::string error;
    ASSERT_TRUE(run_direct(kDatabase, kReadRoutingSchema, error)) << error;
    conn_ = connect(integration_env().direct().conninfo(kDatabase, kSuperuser));
    ASSERT_EQ(PQstatus(conn_.get()), CONNECTION_OK) << PQerrorMessage(conn_.get());
  }

  // The seeds' migrations in `phase`, over the live schema.
  rewrite::Catalog catalog(config::Phase phase) {
    rewrite::Catalog c = rewrite::testing::read_route_catalog(phase);
    for (auto& m : c.migrations) {
      m.old_rel = load_relation(conn_.get(), m.spec.old_table);
      m.new_rel = load_relation(conn_.get(), m.spec.new_table);
    }
    return c;
  }

  // `sql` served from the new shape (new = true: every migration in read_new) or from the old
  // one (dual_write, no session routed). The rewrite must change it, or the test proves nothing.
  std::string routed(const std::string& sql, bool to_new) {
    const auto r = rewrite::pg::rewrite_sql(
        sql, catalog(to_new ? config::Phase::kReadNew : config::Phase::kDualWrite), {to_new ? ~uint64_t{0} : 0});
    EXPECT_EQ(r.kind, rewrite::RewriteResult::Kind::kRewritten) << sql << "\n" << r.reason;
    return r.kind == rewrite::RewriteResult::Kind::kRewritten ? r.sql : sql;
  }

  // Runs `sql` as written and as routed; both must give the same columns, types and rows (in
  // the same order when `ordered`, else as multisets).
  void expect_same(const std::string& sql, bool to_new, bool ordered = false) {
    const std::string other = routed(sql, to_new);
    ResultSet a = fetch(conn_.get(), sql);
    ResultSet b = fetch(conn_.get(), other);
    ASSERT_TRUE(a.error.empty()) << sql << ": " << a.error;
    ASSERT_TRUE(b.error.empty()) << other << ": " << b.error;
    if (!ordered) {
      std::sort(a.rows.begin(), a.rows.end());
      std::sort(b.rows.begin(), b.rows.end());
    }
    EXPECT_FALSE(a.rows.empty()) << sql << ": a read of nothing compares nothing";
    EXPECT_EQ(a.names, b.names) << sql << "\n=> " << other;
    EXPECT_EQ(a.types, b.types) << sql << "\n=> " << other;
    EXPECT_EQ(a.rows, b.rows) << sql << "\n=> " << other << "\nas written:" << show(a) << "\nrouted:" << show(b);
    ++compared_;
  }

  // A write with RETURNING, run as written and as routed, each in a transaction rolled back.
  void expect_same_write(const std::string& sql, bool to_new) {
    ASSERT_EQ(PQresultStatus(exec(conn_.get(), "BEGIN").get()), PGRES_COMMAND_OK);
    ResultSet a = fetch(conn_.get(), sql);
    exec(conn_.get(), "ROLLBACK");
    const std::string other = routed(sql, to_new);
    ASSERT_EQ(PQresultStatus(exec(conn_.get(), "BEGIN").get()), PGRES_COMMAND_OK);
    ResultSet b = fetch(conn_.get(), other);
    exec(conn_.get(), "ROLLBACK");
    ASSERT_TRUE(a.error.empty() && b.error.empty()) << sql << ": " << a.error << "\n" << other << ": " << b.error;
    std::sort(a.rows.begin(), a.rows.end());
    std::sort(b.rows.begin(), b.rows.end());
    EXPECT_FALSE(a.rows.empty()) << sql;
    EXPECT_EQ(a.names, b.names) << other;
    EXPECT_EQ(a.rows, b.rows) << other << "\nas written:" << show(a) << "\nrouted:" << show(b);
    ++compared_;
  }

  std::string value(const std::string& sql) { return query_value(conn_.get(), sql); }
  void run(const std::string& sql) {
    PgResult r = exec(conn_.get(), sql);
    ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << sql << ": " << describe(r.get());
  }

  PgConn conn_;
  int compared_ = 0;
};

}  // namespace switchyard::test_support

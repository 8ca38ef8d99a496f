// The libpq client of prepared_clients.h: PQprepare once per statement at connection time, then
// only PQexecPrepared, on one connection, old-shaped and new-shaped statements side by side.
#include "tests/support/pg_connection.h"
#include "tests/support/prepared_clients.h"

namespace switchyard::test_support {
namespace {

constexpr const char* kKinds[] = {"insert", "update", "read", "read_all"};

class LibpqClient : public PreparedClient {
 public:
  LibpqClient(const PreparedClientSpec& spec, PgConn conn)
      : conn_(std::move(conn)), next_id_(spec.first_id), apps_{spec.old_app, spec.new_app} {}

  std::string name() const override { return "libpq"; }

  std::string prepare_all() {
    for (int a = 0; a < 2; ++a) {
      const char* sql[] = {apps_[a].insert, apps_[a].update, apps_[a].read, apps_[a].read_all};
      for (int k = 0; k < 4; ++k) {
        PgResult r(PQprepare(conn_.get(), statement(a, k).c_str(), sql[k], 0, nullptr));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return "libpq PQprepare " + statement(a, k) + ": " + describe(r.get());
      }
    }
    return "";
  }

  std::string round() override {
    ++rounds_;
    // Now and then the read is closed by SQL and prepared again under its name by protocol (libpq
    // 15 has no PQclosePrepared): the session's statements change under both.
    if (rounds_ % 20 == 10) {
      if (auto e = simple("DEALLOCATE old_read"); !e.empty()) return e;
      PgResult r(PQprepare(conn_.get(), "old_read", apps_[0].read, 0, nullptr));
      if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return "libpq PQprepare old_read again: " + describe(r.get());
    }
    if (auto e = simple("BEGIN"); !e.empty()) return e;
    for (int a = 0; a < 2; ++a) {
      const int ids[] = {next_id_, next_id_ + 1};
      next_id_ += 2;
      for (int id : ids) {
        PgResult r;
        if (auto e = run(a, 0, id, "r" + std::to_string(rounds_) + "-" + std::to_string(id), r); !e.empty()) return e;
        if (auto e = run(a, 1, id, value(id), r); !e.empty()) return e;
      }
      for (int id : ids) {
        PgResult r;
        if (auto e = run(a, 2, id, "", r); !e.empty()) return e;
        if (PQntuples(r.get()) != 1 || value(id) != PQgetvalue(r.get(), 0, 0))
          return fail("libpq read of " + std::to_string(id) + " after writing " + value(id) + ": " + first_value(r));
        if (auto e = run(a, 3, id, "", r); !e.empty()) return e;
        if (PQntuples(r.get()) != 1) return fail("libpq whole read of " + std::to_string(id) + " is not one row");
      }
    }
    return simple("COMMIT");
  }

  std::string read(int id, std::string& old_value, std::string& new_value) override {
    std::string* out[] = {&old_value, &new_value};
    for (int a = 0; a < 2; ++a) {
      PgResult r;
      if (auto e = run(a, 2, id, "", r); !e.empty()) return e;
      if (PQntuples(r.get()) != 1) return "libpq read of " + std::to_string(id) + ": not one row";
      *out[a] = first_value(r);
    }
    return "";
  }

 private:
  static std::string statement(int app, int kind) { return std::string(app == 0 ? "old_" : "new_") + kKinds[kind]; }
  std::string value(int id) const { return "u" + std::to_string(rounds_) + "-" + std::to_string(id); }
  static std::string first_value(const PgResult& r) {
    if (PQntuples(r.get()) < 1) return "(no row)";
    return PQgetisnull(r.get(), 0, 0) ? "NULL" : PQgetvalue(r.get(), 0, 0);
  }

  // Executes statement (app, kind) with $1 = id and, for writes, $2 = v.
  std::string run(int app, int kind, int id, const std::string& v, PgResult& r) {
    const std::string ids = std::to_string(id);
    const char* params[] = {ids.c_str(), v.c_str()};
    r.reset(PQexecPrepared(conn_.get(), statement(app, kind).c_str(), kind <= 1 ? 2 : 1, params, nullptr, nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
    return fail("libpq " + statement(app, kind) + " [" + ids + "]: " + describe(r.get()));
  }
  std::string simple(const char* sql) {
    PgResult r(PQexec(conn_.get(), sql));
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return "";
    return fail(std::string("libpq ") + sql + ": " + describe(r.get()));
  }
  // Ends an open transaction so the next command starts clean, and returns `what`.
  std::string fail(const std::string& what) {
    if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) PQclear(PQexec(conn_.get(), "ROLLBACK"));
    return what;
  }

  PgConn conn_;
  int next_id_;
  int rounds_ = 0;
  AppSql apps_[2];
};

}  // namespace

std::unique_ptr<PreparedClient> start_libpq_client(const PreparedClientSpec& spec, std::string& error) {
  PgConn conn = connect(spec.proxy.conninfo(spec.database, spec.user));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    error = std::string("libpq: ") + PQerrorMessage(conn.get());
    return nullptr;
  }
  auto client = std::make_unique<LibpqClient>(spec, std::move(conn));
  error = client->prepare_all();
  if (!error.empty()) return nullptr;
  return client;
}

}  // namespace switchyard::test_support

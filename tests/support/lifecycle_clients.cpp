// Lifecycle test clients; see lifecycle_clients.h.
#include "tests/support/lifecycle_clients.h"

#include <chrono>
#include <map>
#include <random>

#include "tests/support/child_process.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pg_connection.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

namespace {

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kPythonClient[] = SWITCHYARD_SOURCE_DIR "/tests/integration/drivers/psycopg2_lifecycle.py";

void note_error(FleetReport& r, const std::string& what) {
  ++r.errors;
  if (r.first_errors.size() < 2000) r.first_errors += what + "\n";
}

}  // namespace

ClientFleet::ClientFleet(MigrationProxy& proxy, ClientSql old_app, ClientSql new_app, std::string pgbench_script)
    : proxy_(proxy), old_app_(old_app), new_app_(new_app), pgbench_script_(std::move(pgbench_script)) {}

ClientFleet::~ClientFleet() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void ClientFleet::libpq_client(const ClientSql& sql, int first_id, FleetReport& report) {
  PgConn conn = proxy_.connect_proxied();
  if (PQstatus(conn.get()) != CONNECTION_OK) return note_error(report, PQerrorMessage(conn.get()));
  std::map<int, std::string> expected;
  std::mt19937 rng(first_id);
  int next_id = first_id;
  for (uint64_t i = 0; !stop_; ++i) {
    const int op = expected.empty() ? 0 : static_cast<int>(rng() % 4);
    const int id = op == 0 ? next_id++ : std::next(expected.begin(), rng() % expected.size())->first;
    const std::string ids = std::to_string(id);
    const std::string value = "v" + std::to_string(i) + "-" + ids;
    const char* text = op == 0 ? sql.insert : op == 1 ? sql.update : op == 2 ? sql.read : sql.read_all;
    const char* params[2] = {ids.c_str(), value.c_str()};
    const int nparams = op <= 1 ? 2 : 1;
    PgResult r(PQexecParams(conn.get(), text, nparams, nullptr, params, nullptr, nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      note_error(report, std::string(text) + " [" + ids + "]: " + describe(r.get()));
      if (PQstatus(conn.get()) != CONNECTION_OK) return;
      continue;
    }
    if (op <= 1) {
      ++report.writes;
      expected[id] = value;
    } else {
      ++report.reads;
      if (PQntuples(r.get()) != 1) {
        ++report.wrong_reads;
        note_error(report, std::string(text) + " [" + ids + "]: " + std::to_string(PQntuples(r.get())) + " rows");
      } else if (op == 2 && expected[id] != PQgetvalue(r.get(), 0, 0)) {
        ++report.wrong_reads;
        note_error(report, std::string(text) + " [" + ids + "]: got '" + PQgetvalue(r.get(), 0, 0) + "', wrote '" +
                               expected[id] + "'");
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void ClientFleet::start() {
  threads_.emplace_back([this] { libpq_client(old_app_, 100001, old_report_); });
  threads_.emplace_back([this] { libpq_client(new_app_, 200001, new_report_); });
  threads_.emplace_back([this] {
    std::string error;
    const auto dir = TempDir::create("lifecycle-pgbench", error);
    if (!dir) return note_error(pgbench_report_, error);
    const std::string script = dir->file("script.sql");
    if (!write_file(script, pgbench_script_, error)) return note_error(pgbench_report_, error);
    const auto at = proxy_.process().endpoint();
    const CommandResult run = run_command(
        {pg_program("pgbench"), "-h", at.host, "-p", std::to_string(at.port), "-U", kSuperuser, "-n", "-c", "2", "-j",
         "1", "-T", std::to_string(kExternalSeconds), "-M", "extended", "-f", script, proxy_.database()},
        std::chrono::seconds(kExternalSeconds + 60));
    pgbench_report_.pgbench_output = run.describe();
    pgbench_report_.pgbench_ok =
        run.succeeded() && run.out.find("number of failed transactions: 0 ") != std::string::npos;
  });
  threads_.emplace_back([this] {
    const CommandResult run =
        run_command({kPython, kPythonClient, proxy_.proxied_conninfo(), std::to_string(kExternalSeconds), old_app_.insert,
                     old_app_.update, old_app_.read},
                    std::chrono::seconds(kExternalSeconds + 60));
    if (!run.succeeded()) note_error(python_report_, "psycopg2 client: " + run.describe());
    unsigned long reads = 0, writes = 0;
    if (std::sscanf(run.out.c_str(), "reads=%lu writes=%lu", &reads, &writes) == 2) {
      python_report_.reads = reads;
      python_report_.writes = writes;
    }
  });
}

FleetReport ClientFleet::stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
  FleetReport total;
  for (const FleetReport* r : {&old_report_, &new_report_, &pgbench_report_, &python_report_}) {
    total.reads += r->reads;
    total.writes += r->writes;
    total.errors += r->errors;
    total.wrong_reads += r->wrong_reads;
    total.first_errors += r->first_errors;
  }
  total.pgbench_ok = pgbench_report_.pgbench_ok;
  total.pgbench_output = pgbench_report_.pgbench_output;
  return total;
}

}  // namespace switchyard::test_support

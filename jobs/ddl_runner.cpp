// Running expand and contract on either dialect; see ddl_runner.h.
#include "jobs/ddl_runner.h"

#include "jobs/ddl_facts.h"
#include "jobs/job_context.h"
#include "jobs/mysql_ddl_runner.h"
#include "jobs/pg.h"

namespace switchyard::jobs {
namespace {

enum class Which { kExpand, kContract };

class PgDdlConnection : public DdlConnection {
 public:
  explicit PgDdlConnection(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  Db& db() { return *db_; }

  StepResult exec(const std::string& sql) override {
    QueryResult r = db_->exec(sql);
    return {r.ok(), !r.ok() && is_retryable(r.sqlstate()), false, r.error(), "SQLSTATE " + r.sqlstate()};
  }
  bool test(const std::string& query, bool& done, std::string& error) override {
    QueryResult r = db_->exec(query);
    if (!r.ok()) {
      error = r.error();
      return false;
    }
    done = r.value(0, 0) == "t";
    return true;
  }
  // A failed CREATE INDEX CONCURRENTLY leaves an invalid index behind.
  void after_failure(const DdlStep& step) override {
    if (!step.concurrent_index.empty()) db_->exec("DROP INDEX CONCURRENTLY IF EXISTS " + step.concurrent_index);
  }

 private:
  std::unique_ptr<Db> db_;
};

bool prepare_pg(const config::Config& config, const rewrite::ResolvedMigration& m, Which which, const DdlOptions& o,
                DdlPrepared& out, std::string& error) {
  const char* verb = which == Which::kExpand ? "expand" : "contract";
  auto db = Db::connect(config.control, std::string("switchyard ") + verb + " " + m.spec.name, error);
  if (!db) return false;
  DdlFacts facts;
  if (!read_ddl_facts(*db, m, o.types, facts, error)) return false;
  out.plan = which == Which::kExpand ? plan_expand(facts) : plan_contract(facts, o.backup);
  out.dialect = {"SET lock_timeout = '" + std::to_string(o.lock_timeout_ms) + "ms'",
                 "lock_timeout (" + std::to_string(o.lock_timeout_ms) + " ms)", "pg_stat_activity and pg_locks"};
  out.connection = std::make_unique<PgDdlConnection>(std::move(db));
  return true;
}

int run(Which which, const config::Config& config, const std::string& name, const DdlOptions& o, FILE* out, FILE* err) {
  const char* verb = which == Which::kExpand ? "expand" : "contract";
  if (which == Which::kContract && !contract_may_run(config, name, o, err)) return 1;
  rewrite::ResolvedMigration m;
  std::string error;
  DdlPrepared prepared;
  // expand resolves as before the new shape exists: that is what it is about to create.
  const bool ok = resolve_migration(config, name, which == Which::kExpand, m, error) &&
                  (config.protocol == config::Protocol::kMysql
                       ? prepare_mysql_ddl(config, m, which == Which::kExpand, o, prepared, error)
                       : prepare_pg(config, m, which, o, prepared, error));
  if (!ok) {
    std::fprintf(err, "switchyard %s %s: %s\n", verb, name.c_str(), error.c_str());
    return 1;
  }
  return run_ddl_plan(verb, name, prepared.plan, prepared.dialect, *prepared.connection, o, out, err);
}

}  // namespace

int run_expand(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* out, FILE* err) {
  return run(Which::kExpand, config, migration, options, out, err);
}

int run_contract(const config::Config& config, const std::string& migration, const DdlOptions& options, FILE* out,
                 FILE* err) {
  return run(Which::kContract, config, migration, options, out, err);
}

}  // namespace switchyard::jobs

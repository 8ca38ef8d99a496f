// Running expand and contract under lock_timeout with retries; see ddl_runner.h.
#include "jobs/ddl_runner.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "jobs/ddl_facts.h"
#include "jobs/job_context.h"
#include "jobs/pg.h"
#include "jobs/proxy_check.h"

namespace switchyard::jobs {
namespace {

enum class Which { kExpand, kContract };

int backoff_ms(const DdlOptions& o, int attempt) {
  static std::mt19937 rng{std::random_device{}()};
  const double base = std::min(10000.0, o.backoff_ms * static_cast<double>(1 << std::min(attempt - 1, 16)));
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return static_cast<int>(base * jitter(rng));
}

// Runs one step, retrying lock timeouts. False (with the reason on `err`) when it failed.
bool run_step(Db& db, const DdlStep& step, const DdlOptions& o, FILE* out, FILE* err) {
  for (int attempt = 1;; ++attempt) {
    const auto t0 = std::chrono::steady_clock::now();
    QueryResult r = db.exec(step.sql);
    if (r.ok()) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(out, "%s;\n-- done in %lld ms\n", step.sql.c_str(), static_cast<long long>(ms));
      std::fflush(out);
      return true;
    }
    const bool lock = is_retryable(r.sqlstate());
    if (!step.concurrent_index.empty()) db.exec("DROP INDEX CONCURRENTLY IF EXISTS " + step.concurrent_index);
    if (!lock || attempt > o.retries) {
      std::fprintf(err, "switchyard: failed: %s\n  %s (SQLSTATE %s)\n", step.sql.c_str(), r.error().c_str(),
                   r.sqlstate().c_str());
      if (lock)
        std::fprintf(err,
                     "  gave up after %d attempts: the lock this statement needs was not granted within lock_timeout "
                     "(%d ms); a long-running transaction probably holds a lock on the table (see pg_stat_activity "
                     "and pg_locks), retry when it is gone or raise --retries / --lock-timeout-ms\n",
                     attempt, o.lock_timeout_ms);
      return false;
    }
    const int wait = backoff_ms(o, attempt);
    std::fprintf(err, "switchyard: lock_timeout (%d ms) on attempt %d: %s; retry %d of %d in %d ms\n", o.lock_timeout_ms,
                 attempt, r.error().c_str(), attempt, o.retries, wait);
    std::fflush(err);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

int run(Which which, const config::Config& config, const std::string& name, const DdlOptions& o, FILE* out, FILE* err) {
  const char* verb = which == Which::kExpand ? "expand" : "contract";
  auto fail = [&](const std::string& message) {
    std::fprintf(err, "switchyard %s %s: %s\n", verb, name.c_str(), message.c_str());
    return 1;
  };
  if (which == Which::kContract) {
    for (const auto& m : config.migrations)
      if (m.name == name && m.phase != config::Phase::kNewOnly)
        return fail("contract is allowed only in phase new_only; the migration is in phase " +
                    std::string(config::to_string(m.phase)) + " (move it to new_only first, and keep it there a while)");
    const ProxyCheck check = check_proxies(config, name);
    if (!check.checked)
      std::fprintf(err, "switchyard contract %s: note: the config has no admin server, so no proxy was asked whether "
                        "sessions still run an older phase\n", name.c_str());
    for (const auto& p : check.proxies)
      if (p.reached && p.error.empty())
        std::fprintf(err, "switchyard contract %s: proxy %s: phase %s, %lld session(s) behind, %lld statement(s) "
                          "planned under an older phase (prepared again before their next use)\n",
                     name.c_str(), p.proxy.c_str(), p.phase.c_str(), p.sessions_behind, p.statements_old_shape);
    if (!check.blocking.empty()) {
      if (!o.force) return fail("not safe yet:\n  " + check.blocking + "  (--force contracts anyway)");
      std::fprintf(err, "switchyard contract %s: --force: going ahead although:\n  %s", name.c_str(), check.blocking.c_str());
    }
  }
  rewrite::ResolvedMigration m;
  std::string error;
  // expand resolves as before the new shape exists: that is what it is about to create.
  if (!resolve_migration(config, name, which == Which::kExpand, m, error)) return fail(error);
  auto db = Db::connect(config.control, std::string("switchyard ") + verb + " " + name, error);
  if (!db) return fail(error);
  DdlFacts facts;
  if (!read_ddl_facts(*db, m, o.types, facts, error)) return fail(error);
  const DdlPlan plan = which == Which::kExpand ? plan_expand(facts) : plan_contract(facts, o.backup);
  if (!plan.error.empty()) return fail(plan.error);
  for (const auto& n : plan.notes) std::fprintf(err, "switchyard %s %s: note: %s\n", verb, name.c_str(), n.c_str());

  std::fprintf(out, "-- switchyard %s %s%s\n", verb, name.c_str(), o.dry_run ? " (dry run: nothing is executed)" : "");
  const std::string set_timeout = "SET lock_timeout = '" + std::to_string(o.lock_timeout_ms) + "ms'";
  if (o.dry_run) {
    std::fprintf(out, "%s;\n", set_timeout.c_str());
  } else {
    QueryResult r = db->exec(set_timeout);
    if (!r.ok()) return fail(r.error());
    std::fprintf(out, "%s;\n", set_timeout.c_str());
  }
  int ran = 0;
  for (const auto& step : plan.steps) {
    if (!step.done_if.empty()) {
      QueryResult done = db->exec(step.done_if);
      if (!done.ok()) return fail("cannot check whether a step is done: " + done.error());
      if (done.value(0, 0) == "t") {
        std::fprintf(out, "-- already done: %s;\n", step.sql.c_str());
        continue;
      }
    }
    if (o.dry_run) {
      std::fprintf(out, "%s;\n", step.sql.c_str());
      continue;
    }
    if (!run_step(*db, step, o, out, err)) return 1;
    ++ran;
  }
  if (!o.dry_run) std::fprintf(out, "-- %s %s: %d statement(s) run\n", verb, name.c_str(), ran);
  return 0;
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

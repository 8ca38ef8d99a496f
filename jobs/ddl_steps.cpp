// The DDL step loop and contract's checks; see ddl_steps.h.
#include "jobs/ddl_steps.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "jobs/proxy_check.h"

namespace switchyard::jobs {
namespace {

int backoff_ms(const DdlOptions& o, int attempt) {
  static std::mt19937 rng{std::random_device{}()};
  const double base = std::min(10000.0, o.backoff_ms * static_cast<double>(1 << std::min(attempt - 1, 16)));
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return static_cast<int>(base * jitter(rng));
}

class StepRunner {
 public:
  StepRunner(const DdlDialect& d, DdlConnection& db, const DdlOptions& o, FILE* out, FILE* err)
      : d_(d), db_(db), o_(o), out_(out), err_(err) {}

  // Runs one step: each online form in turn while the server refuses the one before, each
  // retried on lock timeouts. False (with the reason on `err`) when it failed.
  bool run(const DdlStep& step) {
    std::vector<std::string> forms = {step.sql};
    forms.insert(forms.end(), step.fallbacks.begin(), step.fallbacks.end());
    std::vector<std::string> refusals;
    for (size_t f = 0; f < forms.size(); ++f) {
      const StepResult r = run_form(step, forms[f]);
      if (r.ok) return true;
      if (!r.form_refused) return false;
      refusals.push_back(forms[f] + ": " + r.error + " (" + r.code + ")");
      if (f + 1 < forms.size())
        std::fprintf(err_, "switchyard: the server refuses this form (%s); trying %s\n", r.error.c_str(), forms[f + 1].c_str());
    }
    std::fprintf(err_, "switchyard: failed: the server refuses every online form of this step, and switchyard never "
                       "runs one that copies the table behind your back:\n");
    for (const auto& line : refusals) std::fprintf(err_, "  %s\n", line.c_str());
    std::fprintf(err_, "  run it by hand in a maintenance window (it may block writes while it copies the table):\n  %s;\n",
                 (step.by_hand.empty() ? step.sql : step.by_hand).c_str());
    return false;
  }

 private:
  StepResult run_form(const DdlStep& step, const std::string& sql) {
    for (int attempt = 1;; ++attempt) {
      const auto t0 = std::chrono::steady_clock::now();
      StepResult r = db_.exec(sql);
      if (r.ok) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(out_, "%s;\n-- done in %lld ms\n", sql.c_str(), static_cast<long long>(ms));
        std::fflush(out_);
        return r;
      }
      db_.after_failure(step);
      if (r.form_refused) return r;
      if (!r.lock_timeout || attempt > o_.retries) {
        std::fprintf(err_, "switchyard: failed: %s\n  %s (%s)\n", sql.c_str(), r.error.c_str(), r.code.c_str());
        if (r.lock_timeout)
          std::fprintf(err_,
                       "  gave up after %d attempts: the lock this statement needs was not granted within %s; a "
                       "long-running transaction probably holds a lock on the table (see %s), retry when it is gone "
                       "or raise --retries / --lock-timeout-ms\n",
                       attempt, d_.limit_text.c_str(), d_.holders.c_str());
        return r;
      }
      const int wait = backoff_ms(o_, attempt);
      std::fprintf(err_, "switchyard: %s on attempt %d: %s; retry %d of %d in %d ms\n", d_.limit_text.c_str(), attempt,
                   r.error.c_str(), attempt, o_.retries, wait);
      std::fflush(err_);
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
  }

  const DdlDialect& d_;
  DdlConnection& db_;
  const DdlOptions& o_;
  FILE* out_;
  FILE* err_;
};

}  // namespace

int run_ddl_plan(const char* verb, const std::string& name, const DdlPlan& plan, const DdlDialect& dialect,
                 DdlConnection& db, const DdlOptions& o, FILE* out, FILE* err) {
  auto fail = [&](const std::string& message) {
    std::fprintf(err, "switchyard %s %s: %s\n", verb, name.c_str(), message.c_str());
    return 1;
  };
  if (!plan.error.empty()) return fail(plan.error);
  for (const auto& n : plan.notes) std::fprintf(err, "switchyard %s %s: note: %s\n", verb, name.c_str(), n.c_str());

  std::fprintf(out, "-- switchyard %s %s%s\n", verb, name.c_str(), o.dry_run ? " (dry run: nothing is executed)" : "");
  if (!o.dry_run) {
    const StepResult r = db.exec(dialect.set_limit);
    if (!r.ok) return fail(r.error);
  }
  std::fprintf(out, "%s;\n", dialect.set_limit.c_str());
  StepRunner runner(dialect, db, o, out, err);
  int ran = 0, done = 0;
  for (const auto& step : plan.steps) {
    if (!step.done_if.empty()) {
      bool already = false;
      std::string error;
      if (!db.test(step.done_if, already, error)) return fail("cannot check whether a step is done: " + error);
      if (already) {
        std::fprintf(out, "-- already done: %s;\n", step.sql.c_str());
        ++done;
        continue;
      }
    }
    if (o.dry_run) {
      std::fprintf(out, "%s;\n", step.sql.c_str());
      for (const auto& f : step.fallbacks) std::fprintf(out, "-- where the server refuses that form: %s;\n", f.c_str());
      continue;
    }
    if (!runner.run(step)) return 1;
    ++ran;
  }
  if (o.dry_run) return 0;
  if (ran == 0 && done > 0)
    std::fprintf(out, "-- %s %s: nothing to do, every step was already done\n", verb, name.c_str());
  else
    std::fprintf(out, "-- %s %s: %d statement(s) run\n", verb, name.c_str(), ran);
  return 0;
}

bool contract_may_run(const config::Config& config, const std::string& name, const DdlOptions& o, FILE* err) {
  auto refuse = [&](const std::string& message) {
    std::fprintf(err, "switchyard contract %s: %s\n", name.c_str(), message.c_str());
    return false;
  };
  for (const auto& m : config.migrations)
    if (m.name == name)
      if (const std::string problem = contract_phase_problem(m); !problem.empty()) return refuse(problem);
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
    if (!o.force) return refuse("not safe yet:\n  " + check.blocking + "  (--force contracts anyway)");
    std::fprintf(err, "switchyard contract %s: --force: going ahead although:\n  %s", name.c_str(), check.blocking.c_str());
  }
  return true;
}

}  // namespace switchyard::jobs

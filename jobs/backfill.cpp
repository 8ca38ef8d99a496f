// The backfill runner: batches, checkpoint, throttling, the orphan sweep; see backfill.h.
#include "jobs/backfill.h"

#include <chrono>
#include <memory>
#include <thread>

#include "jobs/backfill_sql.h"
#include "jobs/sweep.h"
#include "jobs/job_context.h"
#include "jobs/mysql_backfill.h"
#include "jobs/sql_text.h"
#include "jobs/throttle.h"

namespace switchyard::jobs {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxAttempts = 10;

std::vector<Param> as_params(const std::vector<std::string>& values) { return {values.begin(), values.end()}; }

class Backfiller {
 public:
  Backfiller(const BackfillOptions& o, BackfillProgress& p, std::atomic<bool>& stop)
      : o_(o), progress_(p), stop_(stop), throttle_({o.max_latency_ms, o.max_lag_ms}), sizer_(o.batch_rows, o.batch_seconds) {}

  BackfillResult run(const config::Config& config, const std::string& name) {
    snap_.job = std::string(o_.direction == Direction::kForward ? "backfill " : "backfill --reverse ") + name;
    if (!setup(config, name) || !copy() || (!spec_.same_table() && !sweep())) return fail();
    if (stopped()) return result_;
    if (!save("done", lo_)) return fail();
    publish("done");
    result_.ok = true;
    return result_;
  }

 private:
  bool setup(const config::Config& config, const std::string& name) {
    if (!o_.replicas.empty())
      return set_error("--replica is for protocol: mysql; PostgreSQL's replicas are found in pg_stat_replication");
    rewrite::ResolvedMigration m;
    if (!resolve_migration(config, name, false, m, error_)) return false;
    if (o_.direction == Direction::kForward && m.spec.phase == config::Phase::kNewOnly)
      return set_error("migration " + name + " is in phase new_only: the new shape is the source of truth, and a forward "
                       "backfill would overwrite it from the old one (use --reverse to fill the old shape for a rollback)");
    if (m.spec.phase == config::Phase::kOff)
      note("warning: migration " + name + " is in phase off, so writes are not mirrored and rows written from now on "
           "will differ; move it to dual_write before relying on this backfill");
    auto spec = make_job_spec(m, o_.direction);
    if (!spec.spec) return set_error(spec.error);
    spec_ = *spec.spec;
    job_ = job_name(o_.direction);
    db_ = Db::connect(config.control, "switchyard " + snap_.job, error_);
    if (!db_ || !ensure_checkpoint_table(*db_, name, error_) || !try_job_lock(*db_, "backfill", name, "backfill", error_))
      return false;
    Checkpoint cp;
    if (!read_checkpoint(*db_, name, job_, cp, error_)) return false;
    if (cp.exists && cp.stage != "done" && !o_.restart) {
      stage_ = cp.stage;
      lo_ = cp.last_key;
      result_.rows_done = cp.rows_done;
      result_.rows_changed = cp.rows_changed;
      result_.resumed = true;
      result_.resumed_after = lo_;
      note("resuming " + snap_.job + " from its checkpoint: stage " + stage_ + ", " + std::to_string(cp.rows_done) +
           " rows done, after key " + (lo_.empty() ? std::string("(start)") : text_array_literal(lo_)) + " (last run on " +
           cp.host + " at " + cp.updated_at + ")");
    } else {
      QueryResult r = db_->exec(checkpoint_start(name), {job_, host_name()});
      if (!r.ok()) return set_error("cannot write the checkpoint: " + r.error());
      stage_ = "copy";
    }
    estimate_total();
    started_ = Clock::now();
    return true;
  }

  void estimate_total() {
    QueryResult est = db_->exec(estimated_rows(), {qualified(spec_.source)});
    snap_.rows_total = est.ok() && est.rows() ? est.number(0, 0) : -1;
    if (snap_.rows_total < 0) {
      QueryResult exact = db_->exec(exact_rows(spec_.source));
      snap_.rows_total = exact.ok() ? exact.number(0, 0) : 0;
    }
  }

  // The copy stage: batch after batch until a page comes back short.
  bool copy() {
    if (stage_ != "copy") return true;
    publish("copy");
    while (!stopped()) {
      if (!wait_while_throttled()) return true;  // stopped
      const int64_t n = sizer_.rows();
      const auto t0 = Clock::now();
      int64_t rows = 0;
      if (!batch(spec_.source, false, n, rows)) return false;
      sizer_.observe(rows, std::chrono::duration<double>(Clock::now() - t0).count());
      publish("copy");
      if (rows < n) break;
      pause();
    }
    if (stopped()) return true;
    if (spec_.same_table()) return true;
    stage_ = "sweep";
    lo_.clear();
    return save("sweep", lo_);
  }

  // The sweep of the table kinds: once every transaction that started before the copy ended has
  // ended too (one of them may have deleted a source row it could not yet see in the target),
  // delete target rows whose source row is gone.
  bool sweep() {
    if (stage_ != "sweep" || stopped()) return true;
    QueryResult since = db_->exec("SELECT now()::text");
    if (!since.ok()) return set_error(since.error());
    SweepHooks hooks;
    hooks.stopped = [&] { return stopped(); };
    hooks.older = [&] {
      QueryResult older = db_->exec(older_transactions(), {since.value(0, 0)});
      OlderTransactions out;
      out.ok = older.ok();
      out.error = older.ok() ? "" : older.error();
      if (out.ok) {
        out.count = older.number(0, 0);
        out.ids = older.value(0, 1);
      }
      return out;
    };
    hooks.ids_are = "pids";
    hooks.publish = [&](const std::string& waiting) {
      snap_.throttle = waiting;
      publish("sweep");
    };
    hooks.batch_rows = [&] { return sizer_.rows(); };
    hooks.batch = [&](int64_t n, int64_t& rows) { return batch(spec_.target, true, n, rows); };
    std::string error;
    if (run_sweep(hooks, error)) return true;
    if (!error.empty()) set_error(error);
    return false;
  }

  // One batch in one transaction: the page's end, the write, and the checkpoint. Retried on a
  // deadlock or serialization failure (a concurrent writer took row locks in the other order).
  bool batch(const config::TableName& page_of, bool sweep_stage, int64_t n, int64_t& rows) {
    for (int attempt = 1;; ++attempt) {
      std::string err, state;
      if (try_batch(page_of, sweep_stage, n, rows, err, state)) return true;
      db_->exec("ROLLBACK");
      if (!is_retryable(state) || attempt == kMaxAttempts) return set_error(err);
      note("batch after key " + (lo_.empty() ? std::string("(start)") : text_array_literal(lo_)) + " failed (" + err +
           "), retrying");
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt, 6)));
    }
  }

  bool try_batch(const config::TableName& page_of, bool sweep_stage, int64_t n, int64_t& rows, std::string& err,
                 std::string& state) {
    auto failed = [&](const QueryResult& r, const std::string& what) {
      err = what + ": " + r.error();
      state = r.sqlstate();
      return false;
    };
    QueryResult begin = db_->exec("BEGIN");
    if (!begin.ok()) return failed(begin, "BEGIN");
    std::vector<Param> params = as_params(lo_);
    params.push_back(std::to_string(n));
    QueryResult end = db_->exec(page_end(spec_, page_of, !lo_.empty()), params);
    if (!end.ok()) return failed(end, "reading the next page of " + page_of.to_string());
    rows = end.rows() ? end.number(0, 0) : 0;
    std::vector<std::string> hi;
    for (int c = 1; rows > 0 && c < end.columns(); ++c) hi.push_back(end.value(0, c));
    int64_t changed = 0;
    if (rows > 0) {
      params = as_params(lo_);
      for (const auto& v : hi) params.push_back(v);
      QueryResult w = db_->exec(sweep_stage ? orphan_sweep(spec_, !lo_.empty()) : batch_write(spec_, !lo_.empty()), params);
      if (!w.ok()) {
        if (w.error().find("ON CONFLICT") != std::string::npos)
          return failed(w, "writing the batch (the target table needs a primary key or unique index on the key; expand "
                           "creates one)");
        return failed(w, "writing the batch");
      }
      changed = w.affected();
    }
    const std::vector<std::string> next = rows > 0 ? hi : lo_;
    QueryResult cp = db_->exec(checkpoint_update(spec_.migration),
                               {job_, stage_, next.empty() ? Param() : Param(text_array_literal(next)),
                                std::to_string(result_.rows_done + (sweep_stage ? 0 : rows)),
                                std::to_string(result_.rows_changed + changed)});
    if (!cp.ok()) return failed(cp, "updating the checkpoint");
    QueryResult commit = db_->exec("COMMIT");
    if (!commit.ok()) return failed(commit, "COMMIT");
    lo_ = next;
    if (!sweep_stage) {
      result_.rows_done += rows;
      result_.rows_this_run += rows;
    }
    result_.rows_changed += changed;
    return true;
  }

  // False when stopped while waiting, or on an error.
  bool wait_while_throttled() {
    while (!stopped()) {
      std::string warning;
      const std::string reason = throttle_.check(*db_, warning);
      if (!warning.empty()) note("warning: " + warning);
      if (reason.empty()) {
        snap_.throttle.clear();
        return true;
      }
      if (snap_.throttle.empty()) note(snap_.job + ": throttling: " + reason);
      snap_.throttle = reason;
      publish(stage_);
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
  }

  void pause() {
    if (o_.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o_.pause_ms));
  }

  bool save(const std::string& stage, const std::vector<std::string>& key) {
    QueryResult r = db_->exec(checkpoint_update(spec_.migration),
                              {job_, stage, key.empty() ? Param() : Param(text_array_literal(key)),
                               std::to_string(result_.rows_done), std::to_string(result_.rows_changed)});
    if (!r.ok()) return set_error("cannot write the checkpoint: " + r.error());
    return true;
  }

  bool stopped() {
    if (!stop_.load()) return false;
    if (!result_.stopped) {
      result_.stopped = true;
      note(snap_.job + ": stopped; the checkpoint keeps its place");
      publish("stopped");
    }
    return true;
  }

  void publish(const std::string& stage) {
    snap_.update(stage, result_.rows_done, result_.rows_changed, result_.rows_this_run,
                 std::chrono::duration<double>(Clock::now() - started_).count());
    progress_.publish(snap_);
    if (o_.on_progress) o_.on_progress(snap_);
  }

  void note(const std::string& line) {
    if (o_.on_note) o_.on_note(line);
  }

  bool set_error(const std::string& e) {
    error_ = e;
    return false;
  }

  BackfillResult fail() {
    result_.ok = false;
    result_.error = error_.empty() ? "backfill failed" : error_;
    snap_.error = result_.error;
    publish("failed");
    return result_;
  }

  const BackfillOptions& o_;
  BackfillProgress& progress_;
  std::atomic<bool>& stop_;
  Throttle throttle_;
  BatchSizer sizer_;
  JobSpec spec_;
  std::unique_ptr<Db> db_;
  std::string job_, stage_, error_;
  std::vector<std::string> lo_;
  BackfillResult result_;
  ProgressSnapshot snap_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

BackfillResult run_backfill(const config::Config& config, const std::string& migration, const BackfillOptions& options,
                            BackfillProgress& progress, std::atomic<bool>& stop) {
  if (config.protocol == config::Protocol::kMysql) return run_mysql_backfill(config, migration, options, progress, stop);
  Backfiller b(options, progress, stop);
  return b.run(config, migration);
}

}  // namespace switchyard::jobs

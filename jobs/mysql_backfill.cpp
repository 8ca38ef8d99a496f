// The MySQL backfill runner: batches, checkpoint, throttling; see mysql_backfill.h.
#include "jobs/mysql_backfill.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "jobs/backfill_sql.h"
#include "jobs/job_context.h"
#include "jobs/mysql_backfill_sql.h"
#include "jobs/mysql_job_context.h"
#include "jobs/mysql_replica_lag.h"
#include "jobs/sweep.h"
#include "jobs/throttle.h"

namespace switchyard::jobs {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxAttempts = 10;

long long as_number(const std::optional<std::string>& v) { return v ? std::atoll(v->c_str()) : 0; }

std::string key_text(const std::vector<std::string>& key) {
  if (key.empty()) return "(start)";
  std::string out = "(";
  for (size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + key[i];
  return out + ")";
}

class MysqlBackfiller {
 public:
  MysqlBackfiller(const BackfillOptions& o, BackfillProgress& p, std::atomic<bool>& stop)
      : o_(o), progress_(p), stop_(stop), throttle_({o.max_latency_ms, 0}), sizer_(o.batch_rows, o.batch_seconds) {}

  BackfillResult run(const config::Config& config, const std::string& name) {
    snap_.job = std::string(o_.direction == Direction::kForward ? "backfill " : "backfill --reverse ") + name;
    if (!setup(config, name) || !copy() || (!job_.spec.same_table() && !sweep())) return fail();
    if (stopped()) return result_;
    if (!save("'done'", lo_)) return fail();
    publish("done");
    result_.ok = true;
    return result_;
  }

 private:
  bool setup(const config::Config& config, const std::string& name) {
    if (!o_.replicas.empty() && o_.max_lag_ms <= 0) return set_error("--replica needs --max-lag-ms");
    if (!open_mysql_job(config, name, o_.direction, "backfill", "backfill", job_, error_)) return false;
    if (o_.max_lag_ms > 0) {
      auto control = catalog::parse_mysql_control(config.control, error_);
      std::string lag_note;
      if (!control || !lag_.open(job_, *control, o_.replicas, lag_note, error_)) return false;
      note(lag_note);
    }
    const config::Phase phase = job_.migration.spec.phase;
    if (o_.direction == Direction::kForward && phase == config::Phase::kNewOnly)
      return set_error("migration " + name + " is in phase new_only: the new shape is the source of truth, and a forward "
                       "backfill would overwrite it from the old one (use --reverse to fill the old shape for a rollback)");
    if (phase == config::Phase::kOff)
      note("warning: migration " + name + " is in phase off, so writes are not mirrored and rows written from now on "
           "will differ; move it to dual_write before relying on this backfill");
    mig_ = job_.literal(name);
    job_name_ = job_.literal(job_name(o_.direction));
    catalog::MysqlResult cp = job_.exec(mysql_checkpoint_select(mig_, job_name_, job_.spec.key.size()));
    if (!cp.ok) return set_error("cannot read the checkpoint: " + cp.error);
    if (!cp.rows.empty() && cp.rows[0][0].value_or("") != "done" && !o_.restart) {
      const auto& row = cp.rows[0];
      stage_ = row[0].value_or("copy");
      for (size_t i = 5; i < row.size() && row[i]; ++i) lo_.push_back(*row[i]);
      if (lo_.size() != job_.spec.key.size()) lo_.clear();
      result_.rows_done = as_number(row[1]);
      result_.rows_changed = as_number(row[2]);
      result_.resumed = true;
      result_.resumed_after = lo_;
      note("resuming " + snap_.job + " from its checkpoint: stage " + stage_ + ", " + std::to_string(result_.rows_done) +
           " rows done, after key " +
           key_text(lo_) + " (last run on " + row[3].value_or("") + " at " + row[4].value_or("") + ")");
    } else {
      catalog::MysqlResult r = job_.exec(mysql_checkpoint_start(mig_, job_name_, job_.literal(host_name())));
      if (!r.ok) return set_error("cannot write the checkpoint: " + r.error);
    }
    const config::TableName& t = job_.spec.source;
    const std::string schema = t.schema.empty() || t.schema == "public" ? "DATABASE()" : job_.literal(t.schema);
    catalog::MysqlResult est = job_.exec(mysql_estimated_rows(schema, job_.literal(t.name)));
    snap_.rows_total = est.ok && !est.rows.empty() ? as_number(est.rows[0][0]) : 0;
    started_ = Clock::now();
    return true;
  }

  bool copy() {
    if (stage_ != "copy") return true;
    publish("copy");
    while (!stopped()) {
      if (!wait_while_throttled()) return true;  // stopped
      const int64_t n = sizer_.rows();
      const auto t0 = Clock::now();
      int64_t rows = 0;
      if (!batch(false, n, rows)) return false;
      sizer_.observe(rows, std::chrono::duration<double>(Clock::now() - t0).count());
      publish("copy");
      if (rows < n) break;
      if (o_.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o_.pause_ms));
    }
    if (stopped() || job_.spec.same_table()) return true;
    stage_ = "sweep";
    lo_.clear();
    return save("'sweep'", lo_);
  }

  // The sweep of the table kinds: once every transaction that started before the copy ended has
  // ended too (one may have deleted an old row whose new row the copy had not yet written, and
  // its mirror found nothing to delete), delete new rows whose old row is gone.
  bool sweep() {
    if (stage_ != "sweep" || stopped()) return true;
    catalog::MysqlResult since = job_.exec("SELECT NOW(6)");
    if (!since.ok || since.rows.empty()) return set_error("cannot read the server's clock: " + since.error);
    const std::string since_literal = job_.literal(since.rows[0][0].value_or(""));
    SweepHooks hooks;
    hooks.stopped = [&] { return stopped(); };
    hooks.older = [&] {
      catalog::MysqlResult older = job_.exec(mysql_older_transactions(since_literal));
      OlderTransactions out;
      out.ok = older.ok && !older.rows.empty();
      out.error = "information_schema.INNODB_TRX needs the PROCESS privilege: " + older.error;
      if (out.ok) {
        out.count = as_number(older.rows[0][0]);
        out.ids = older.rows[0][1].value_or("");
      }
      return out;
    };
    hooks.ids_are = "connection ids";
    hooks.publish = [&](const std::string& waiting) {
      snap_.throttle = waiting;
      publish("sweep");
    };
    hooks.batch_rows = [&] { return sizer_.rows(); };
    hooks.batch = [&](int64_t n, int64_t& rows) { return batch(true, n, rows); };
    std::string error;
    if (run_sweep(hooks, error)) return true;
    if (!error.empty()) set_error(error);
    return false;
  }

  // One batch, retried on a deadlock or lock wait timeout (a writer took row locks first).
  bool batch(bool sweep_stage, int64_t n, int64_t& rows) {
    for (int attempt = 1;; ++attempt) {
      std::string err;
      unsigned code = 0;
      if (try_batch(sweep_stage, n, rows, err, code)) return true;
      job_.exec("ROLLBACK");
      if (!is_mysql_retryable(code) || attempt == kMaxAttempts) return set_error(err);
      note("batch after key " + key_text(lo_) + " failed (" + err + "), retrying");
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt, 6)));
    }
  }

  // The page's end, the write (or the sweep's delete) and the checkpoint in one transaction.
  bool try_batch(bool sweep_stage, int64_t n, int64_t& rows, std::string& err, unsigned& code) {
    Step step{job_, err, code};
    auto escape = [&](const std::string& v) { return job_.literal(v); };
    // The sweep's gap locks need REPEATABLE READ (for its transaction only; the session stays
    // READ COMMITTED).
    if (sweep_stage && !step.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", "SET TRANSACTION")) return false;
    if (!step.run("START TRANSACTION", "START TRANSACTION")) return false;
    const Literals lo = mysql_key_literals(job_.spec.key_types, lo_, escape);
    const config::TableName& page_of = sweep_stage ? job_.spec.target : job_.spec.source;
    catalog::MysqlResult end;
    if (!step.run(mysql_page_end(job_.spec, page_of, lo, n), "reading the next page of " + page_of.to_string(), &end))
      return false;
    rows = end.rows.empty() ? 0 : as_number(end.rows[0][0]);
    std::vector<std::string> hi;
    for (size_t c = 1; rows > 0 && c < end.rows[0].size(); ++c) hi.push_back(end.rows[0][c].value_or(""));
    int64_t changed = 0;
    if (rows > 0) {
      const Literals hi_lits = mysql_key_literals(job_.spec.key_types, hi, escape);
      const bool ok = sweep_stage              ? sweep_rows(step, lo, hi_lits, changed)
                      : job_.spec.same_table() ? update_rows(step, lo, hi_lits, changed)
                                               : copy_rows(step, lo, hi_lits, changed);
      if (!ok) return false;
    }
    const std::vector<std::string> next = rows > 0 ? hi : lo_;
    const int64_t walked = sweep_stage ? 0 : rows;
    if (!step.run(mysql_checkpoint_update(mig_, job_name_, job_.literal(stage_), mysql_key_literals({}, next, escape),
                                          result_.rows_done + walked, result_.rows_changed + changed),
                  "updating the checkpoint") ||
        !step.run("COMMIT", "COMMIT"))
      return false;
    lo_ = next;
    result_.rows_done += walked;
    result_.rows_this_run += walked;
    result_.rows_changed += changed;
    return true;
  }

  // One statement of a batch; a failure leaves its message and code for batch()'s retry.
  struct Step {
    MysqlJob& job;
    std::string& err;
    unsigned& code;
    bool run(const std::string& sql, const std::string& what, catalog::MysqlResult* out = nullptr) {
      catalog::MysqlResult r = job.exec(sql);
      if (!r.ok) {
        err = what + ": " + r.error;
        code = r.code;
        return false;
      }
      if (out) *out = std::move(r);
      return true;
    }
  };

  // The column kinds: one UPDATE; InnoDB counts only rows really changed.
  bool update_rows(Step& step, const Literals& lo, const Literals& hi, int64_t& changed) {
    catalog::MysqlResult w;
    if (!step.run(mysql_batch_write(job_.spec, lo, hi), "writing the batch", &w)) return false;
    changed = static_cast<int64_t>(w.affected);
    return true;
  }

  // The table kinds: the old rows locked first (mysql_lock_source), then the upsert, with the new
  // table's rows in the range counted before and after it to tell inserts from updates.
  bool copy_rows(Step& step, const Literals& lo, const Literals& hi, int64_t& changed) {
    const std::string count = mysql_count_range(job_.spec, job_.spec.target, lo, hi);
    catalog::MysqlResult before, w, after;
    if (!step.run(mysql_lock_source(job_.spec, lo, hi), "locking the batch's rows of " + job_.spec.source.to_string()) ||
        !step.run(count, "counting the rows of " + job_.spec.target.to_string(), &before) ||
        !step.run(mysql_batch_write(job_.spec, lo, hi), "writing the batch", &w) ||
        !step.run(count, "counting the rows of " + job_.spec.target.to_string(), &after))
      return false;
    const auto n = [](const catalog::MysqlResult& r) { return r.rows.empty() ? 0 : as_number(r.rows[0][0]); };
    changed = mysql_copy_changed(n(after) - n(before), w.affected);
    return true;
  }

  // The sweep over (lo, hi] of the new table, in REPEATABLE READ: the new rows with no old row
  // (read without locks), then their old keys locked in share mode (gap locks where no row is,
  // so no writer can insert one until the batch ends; a writer's script locks the old row before
  // the new one, and so does this), then those of them still without an old row deleted.
  bool sweep_rows(Step& step, const Literals& lo, const Literals& hi, int64_t& changed) {
    catalog::MysqlResult candidates;
    if (!step.run(mysql_orphan_candidates(job_.spec, lo, hi), "looking for rows whose old row is gone", &candidates))
      return false;
    if (candidates.rows.empty()) return true;
    auto escape = [&](const std::string& v) { return job_.literal(v); };
    std::vector<Literals> keys;
    for (const auto& row : candidates.rows) {
      std::vector<std::string> key;
      for (const auto& v : row) key.push_back(v.value_or(""));
      keys.push_back(mysql_key_literals(job_.spec.key_types, key, escape));
    }
    catalog::MysqlResult w;
    if (!step.run(mysql_lock_old_keys(job_.spec, keys), "locking the old rows' keys") ||
        !step.run(mysql_orphan_delete(job_.spec, keys), "deleting rows whose old row is gone", &w))
      return false;
    changed = static_cast<int64_t>(w.affected);
    return true;
  }

  bool wait_while_throttled() {
    while (!stopped()) {
      std::string reason = throttle_.check_latency([&] { return job_.exec("SELECT 1").ok; });
      if (reason.empty()) reason = lag_.check(job_, o_.max_lag_ms);
      if (reason.empty()) {
        snap_.throttle.clear();
        return true;
      }
      if (snap_.throttle.empty()) note(snap_.job + ": throttling: " + reason);
      snap_.throttle = reason;
      publish("copy");
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
  }

  bool save(const std::string& stage, const std::vector<std::string>& key) {
    auto escape = [&](const std::string& v) { return job_.literal(v); };
    catalog::MysqlResult r = job_.exec(mysql_checkpoint_update(mig_, job_name_, stage, mysql_key_literals({}, key, escape),
                                                               result_.rows_done, result_.rows_changed));
    if (!r.ok) return set_error("cannot write the checkpoint: " + r.error);
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
  MysqlJob job_;
  MysqlReplicaLag lag_;
  std::string mig_, job_name_, error_;  // mig_ and job_name_ as literals
  std::string stage_ = "copy";  // copy, then (the table kinds) sweep
  std::vector<std::string> lo_;
  BackfillResult result_;
  ProgressSnapshot snap_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

BackfillResult run_mysql_backfill(const config::Config& config, const std::string& migration,
                                  const BackfillOptions& options, BackfillProgress& progress, std::atomic<bool>& stop) {
  MysqlBackfiller b(options, progress, stop);
  return b.run(config, migration);
}

}  // namespace switchyard::jobs

// The MySQL backfill runner: batches, checkpoint, throttling; see mysql_backfill.h.
#include "jobs/mysql_backfill.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "jobs/backfill_sql.h"
#include "jobs/job_context.h"
#include "jobs/mysql_backfill_sql.h"
#include "jobs/mysql_job_context.h"
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
    if (!setup(config, name) || !copy()) return fail();
    if (stopped()) return result_;
    if (!save("'done'", lo_)) return fail();
    publish("done");
    result_.ok = true;
    return result_;
  }

 private:
  bool setup(const config::Config& config, const std::string& name) {
    if (o_.max_lag_ms > 0)
      return set_error("--max-lag-ms is not supported under protocol: mysql yet (no replica lag check); use "
                       "--max-latency-ms or --pause-ms");
    if (!open_mysql_job(config, name, o_.direction, "backfill", "backfill", job_, error_)) return false;
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
      for (size_t i = 5; i < row.size() && row[i]; ++i) lo_.push_back(*row[i]);
      if (lo_.size() != job_.spec.key.size()) lo_.clear();
      result_.rows_done = as_number(row[1]);
      result_.rows_changed = as_number(row[2]);
      result_.resumed = true;
      result_.resumed_after = lo_;
      note("resuming " + snap_.job + " from its checkpoint: " + std::to_string(result_.rows_done) + " rows done, after key " +
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
    publish("copy");
    while (!stopped()) {
      if (!wait_while_throttled()) return true;  // stopped
      const int64_t n = sizer_.rows();
      const auto t0 = Clock::now();
      int64_t rows = 0;
      if (!batch(n, rows)) return false;
      sizer_.observe(rows, std::chrono::duration<double>(Clock::now() - t0).count());
      publish("copy");
      if (rows < n) break;
      if (o_.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o_.pause_ms));
    }
    return true;
  }

  // One batch, retried on a deadlock or lock wait timeout (a writer took row locks first).
  bool batch(int64_t n, int64_t& rows) {
    for (int attempt = 1;; ++attempt) {
      std::string err;
      unsigned code = 0;
      if (try_batch(n, rows, err, code)) return true;
      job_.exec("ROLLBACK");
      if (!is_mysql_retryable(code) || attempt == kMaxAttempts) return set_error(err);
      note("batch after key " + key_text(lo_) + " failed (" + err + "), retrying");
      std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt, 6)));
    }
  }

  // The page's end, the write and the checkpoint in one transaction.
  bool try_batch(int64_t n, int64_t& rows, std::string& err, unsigned& code) {
    auto failed = [&](const catalog::MysqlResult& r, const std::string& what) {
      err = what + ": " + r.error;
      code = r.code;
      return false;
    };
    auto escape = [&](const std::string& v) { return job_.literal(v); };
    catalog::MysqlResult begin = job_.exec("START TRANSACTION");
    if (!begin.ok) return failed(begin, "START TRANSACTION");
    const Literals lo = mysql_key_literals(job_.spec.key_types, lo_, escape);
    catalog::MysqlResult end = job_.exec(mysql_page_end(job_.spec, lo, n));
    if (!end.ok) return failed(end, "reading the next page of " + job_.spec.source.to_string());
    rows = end.rows.empty() ? 0 : as_number(end.rows[0][0]);
    std::vector<std::string> hi;
    for (size_t c = 1; rows > 0 && c < end.rows[0].size(); ++c) hi.push_back(end.rows[0][c].value_or(""));
    int64_t changed = 0;
    if (rows > 0) {
      catalog::MysqlResult w = job_.exec(mysql_batch_update(job_.spec, lo, mysql_key_literals(job_.spec.key_types, hi, escape)));
      if (!w.ok) return failed(w, "writing the batch");
      changed = static_cast<int64_t>(w.affected);
    }
    const std::vector<std::string> next = rows > 0 ? hi : lo_;
    catalog::MysqlResult cp = job_.exec(mysql_checkpoint_update(mig_, job_name_, "'copy'",
                                                                mysql_key_literals({}, next, escape),
                                                                result_.rows_done + rows, result_.rows_changed + changed));
    if (!cp.ok) return failed(cp, "updating the checkpoint");
    catalog::MysqlResult commit = job_.exec("COMMIT");
    if (!commit.ok) return failed(commit, "COMMIT");
    lo_ = next;
    result_.rows_done += rows;
    result_.rows_this_run += rows;
    result_.rows_changed += changed;
    return true;
  }

  bool wait_while_throttled() {
    while (!stopped()) {
      const std::string reason = throttle_.check_latency([&] { return job_.exec("SELECT 1").ok; });
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
  std::string mig_, job_name_, error_;  // mig_ and job_name_ as literals
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

// The verify runner: chunks, checksums, drill-down, checkpoint; see verify.h.
#include "jobs/verify.h"

#include "jobs/mysql_verify.h"

#include <chrono>
#include <memory>

#include "jobs/backfill_sql.h"
#include "jobs/job_context.h"
#include "jobs/job_spec.h"
#include "jobs/sql_text.h"
#include "jobs/verify_sql.h"

namespace switchyard::jobs {
namespace {

using Clock = std::chrono::steady_clock;
// The shape checked against the mapping of the other: "new" forward, "old" in reverse.
const char* checked_shape(Direction d) { return d == Direction::kReverse ? "old" : "new"; }

class Verifier {
 public:
  Verifier(const VerifyOptions& o, ProgressBoard& p, std::atomic<bool>& stop)
      : o_(o), progress_(p), stop_(stop), job_(verify_job(o.direction)), shape_(checked_shape(o.direction)) {}

  VerifyReport run(const config::Config& config, const std::string& name) {
    r_.reverse = o_.direction == Direction::kReverse;
    snap_.job = verify_command(o_.direction) + " " + name;
    snap_.changed_label = "differing";
    if (!setup(config, name)) return fail();
    bool last = false;
    while (!last) {
      if (stop_.load()) {
        note(snap_.job + ": stopped; the checkpoint keeps its place");
        publish("stopped");
        return r_;
      }
      if (!chunk(last) || !save(last ? "done" : "compare")) return fail();
      publish(last ? "done" : "compare");
    }
    r_.completed = true;
    return r_;
  }

 private:
  bool setup(const config::Config& config, const std::string& name) {
    rewrite::ResolvedMigration m;
    if (!resolve_migration(config, name, false, m, r_.error)) return false;
    auto spec = make_job_spec(m, o_.direction);
    if (!spec.spec) return set_error(spec.error);
    spec_ = *spec.spec;
    db_ = Db::connect(config.control, "switchyard " + snap_.job, r_.error);
    if (!db_ || !ensure_checkpoint_table(*db_, name, r_.error) || !try_job_lock(*db_, job_, name, "verify", r_.error))
      return false;
    Checkpoint cp;
    if (!read_checkpoint(*db_, name, job_, cp, r_.error)) return false;
    if (cp.exists && cp.stage == "compare" && !o_.restart) {
      lo_ = cp.last_key;
      r_.rows = cp.rows_done;
      r_.matching = cp.matching;
      r_.mismatched = cp.mismatched;
      r_.missing = cp.missing;
      r_.extra = cp.extra;
      r_.samples = cp.samples;
      note("resuming " + snap_.job + " from its checkpoint: " + std::to_string(cp.rows_done) + " rows compared, after key " +
           text_array_literal(lo_));
    } else {
      QueryResult r = db_->exec(checkpoint_start(name), {job_, host_name()});
      if (!r.ok()) return set_error("cannot write the checkpoint: " + r.error());
      QueryResult stage = db_->exec("UPDATE " + checkpoint_table(name) + " SET stage = 'compare' WHERE job = $1", {job_});
      if (!stage.ok()) return set_error("cannot write the checkpoint: " + stage.error());
    }
    QueryResult est = db_->exec(estimated_rows(), {qualified(spec_.source)});
    snap_.rows_total = est.ok() && est.rows() ? est.number(0, 0) : 0;
    if (snap_.rows_total < 0) {
      QueryResult exact = db_->exec(exact_rows(spec_.source));
      snap_.rows_total = exact.ok() ? exact.number(0, 0) : 0;
    }
    rows_at_start_ = r_.rows;
    started_ = Clock::now();
    return true;
  }

  // Compares the next chunk; `last` when it was the final one (no upper bound).
  bool chunk(bool& last) {
    std::vector<Param> params(lo_.begin(), lo_.end());
    params.push_back(std::to_string(o_.chunk_rows));
    QueryResult end = db_->exec(page_end(spec_, spec_.source, !lo_.empty()), params);
    if (!end.ok()) return set_error("reading the next chunk: " + end.error());
    const int64_t n = end.rows() ? end.number(0, 0) : 0;
    last = n < o_.chunk_rows;
    std::vector<std::string> hi;
    for (int c = 1; !last && c < end.columns(); ++c) hi.push_back(end.value(0, c));
    params.assign(lo_.begin(), lo_.end());
    for (const auto& v : hi) params.push_back(v);
    const bool ok = spec_.same_table() ? same_table(params, !last) : two_tables(params, !last);
    if (!ok) return false;
    if (!last) lo_ = hi;
    return true;
  }

  bool same_table(std::vector<Param> params, bool has_hi) {
    QueryResult s = db_->exec(same_table_chunk_stats(spec_, !lo_.empty(), has_hi), params);
    if (!s.ok()) return set_error("comparing a chunk: " + s.error());
    const int64_t rows = s.number(0, 0), differ = s.number(0, 1), missing = s.number(0, 2);
    r_.rows += rows;
    r_.matching += rows - differ;
    r_.mismatched += differ - missing;
    r_.missing += missing;
    const int room = o_.samples - static_cast<int>(r_.samples.size());
    if (differ == 0 || room <= 0) return true;
    params.push_back(std::to_string(room));
    QueryResult rows_differing = db_->exec(same_table_chunk_samples(spec_, !lo_.empty(), has_hi), params);
    if (!rows_differing.ok()) return set_error("reading differing rows: " + rows_differing.error());
    for (int i = 0; i < rows_differing.rows(); ++i)
      r_.samples.push_back("key " + rows_differing.value(i, 0) + ": expected " + rows_differing.value(i, 1) + ", " + shape_ + " " +
                           (rows_differing.is_null(i, 2) ? "NULL" : rows_differing.value(i, 2)));
    return true;
  }

  bool two_tables(const std::vector<Param>& params, bool has_hi) {
    QueryResult c = db_->exec(two_table_chunk_checksums(spec_, !lo_.empty(), has_hi), params);
    if (!c.ok()) return set_error("checksumming a chunk: " + c.error());
    const int64_t source_rows = std::stoll(c.value(0, 0));
    r_.rows += source_rows;
    if (c.value(0, 0) == c.value(0, 1)) {
      r_.matching += source_rows;
      return true;
    }
    // The checksums differ: find the rows (one statement again, so one snapshot).
    QueryResult d = db_->exec(two_table_chunk_diff(spec_, !lo_.empty(), has_hi), params);
    if (!d.ok()) return set_error("finding the differing rows: " + d.error());
    int64_t bad_source_rows = 0;
    for (int i = 0; i < d.rows(); ++i) {
      const bool in_old = !d.is_null(i, 1), in_new = !d.is_null(i, 2);
      std::string what;
      if (in_old && in_new) ++r_.mismatched, what = "mismatched";
      else if (in_old) ++r_.missing, what = "missing in " + shape_;
      else ++r_.extra, what = "extra in " + shape_;
      bad_source_rows += in_old ? 1 : 0;
      if (static_cast<int>(r_.samples.size()) < o_.samples)
        r_.samples.push_back("key " + d.value(i, 0) + " (" + what + "): expected " + (in_old ? d.value(i, 1) : "no row") +
                             ", " + shape_ + " " + (in_new ? d.value(i, 2) : "no row"));
    }
    r_.matching += source_rows - bad_source_rows;
    return true;
  }

  bool save(const std::string& stage) {
    QueryResult r = db_->exec(checkpoint_update_verify(spec_.migration),
                              {job_, stage, lo_.empty() ? Param() : Param(text_array_literal(lo_)), std::to_string(r_.rows),
                               std::to_string(r_.matching), std::to_string(r_.mismatched), std::to_string(r_.missing),
                               std::to_string(r_.extra), text_array_literal(r_.samples)});
    if (!r.ok()) return set_error("cannot write the checkpoint: " + r.error());
    return true;
  }

  void publish(const std::string& stage) {
    snap_.update(stage, r_.rows, r_.mismatched + r_.missing + r_.extra, r_.rows - rows_at_start_,
                 std::chrono::duration<double>(Clock::now() - started_).count());
    progress_.publish(snap_);
    if (o_.on_progress) o_.on_progress(snap_);
  }

  void note(const std::string& line) {
    if (o_.on_note) o_.on_note(line);
  }
  bool set_error(const std::string& e) {
    r_.error = e;
    return false;
  }
  VerifyReport fail() {
    r_.completed = false;
    if (r_.error.empty()) r_.error = "verify failed";
    snap_.error = r_.error;
    publish("failed");
    return r_;
  }

  const VerifyOptions& o_;
  ProgressBoard& progress_;
  std::atomic<bool>& stop_;
  JobSpec spec_;
  std::unique_ptr<Db> db_;
  std::vector<std::string> lo_;
  VerifyReport r_;
  ProgressSnapshot snap_;
  Clock::time_point started_ = Clock::now();
  int64_t rows_at_start_ = 0;
  const std::string job_;    // the checkpoint's and the lock's job: "verify" or "verify_reverse"
  const std::string shape_;  // the shape checked: "new", or "old" in reverse
};

}  // namespace

VerifyReport run_verify(const config::Config& config, const std::string& migration, const VerifyOptions& options,
                        ProgressBoard& progress, std::atomic<bool>& stop) {
  if (config.protocol == config::Protocol::kMysql) return run_mysql_verify(config, migration, options, progress, stop);
  Verifier v(options, progress, stop);
  return v.run(config, migration);
}

std::string verify_job(Direction d) { return d == Direction::kReverse ? "verify_reverse" : "verify"; }
std::string verify_command(Direction d) { return d == Direction::kReverse ? "verify --reverse" : "verify"; }

std::string describe(const VerifyReport& r, const std::string& migration) {
  const Direction d = r.reverse ? Direction::kReverse : Direction::kForward;
  const std::string shape = checked_shape(d);
  std::string out = verify_command(d) + " " + migration + ": " + std::to_string(r.rows) +
                    " rows compared: " + std::to_string(r.matching) + " matching, " + std::to_string(r.mismatched) +
                    " mismatched, " + std::to_string(r.missing) + " missing in " + shape + ", " + std::to_string(r.extra) +
                    " extra in " + shape + "\n";
  for (const auto& s : r.samples) out += "  " + s + "\n";
  if (!r.completed) out += "verify did not complete" + (r.error.empty() ? std::string() : ": " + r.error) + "\n";
  else out += r.clean() ? "OK: the shapes match\n" : "DIFFERENT: the shapes do not match\n";
  return out;
}

}  // namespace switchyard::jobs

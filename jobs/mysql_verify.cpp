// The MySQL verify runner; see mysql_verify.h.
#include "jobs/mysql_verify.h"

#include <chrono>
#include <cstdlib>

#include "jobs/job_context.h"
#include "jobs/mysql_backfill_sql.h"
#include "jobs/mysql_job_context.h"

namespace switchyard::jobs {
namespace {

using Clock = std::chrono::steady_clock;

int64_t as_number(const std::optional<std::string>& v) { return v ? std::atoll(v->c_str()) : 0; }

std::string join_key(const std::vector<std::string>& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + key[i];
  return out;
}

}  // namespace

VerifyReport run_mysql_verify(const config::Config& config, const std::string& migration, const VerifyOptions& o,
                              ProgressBoard& progress, std::atomic<bool>& stop) {
  VerifyReport r;
  r.reverse = o.direction == Direction::kReverse;
  // In reverse the job walks the new table and checks the old one against down(new row); it has
  // a lock and a checkpoint of its own.
  ProgressSnapshot snap;
  snap.job = verify_command(o.direction) + " " + migration;
  snap.changed_label = "differing";
  const auto started = Clock::now();
  auto publish = [&](const std::string& stage) {
    snap.update(stage, r.rows, r.mismatched + r.missing, r.rows,
                std::chrono::duration<double>(Clock::now() - started).count());
    progress.publish(snap);
    if (o.on_progress) o.on_progress(snap);
  };
  auto fail = [&](const std::string& error) {
    r.error = error;
    snap.error = error;
    publish("failed");
    return r;
  };
  MysqlJob job;
  std::string error;
  if (!open_mysql_job(config, migration, o.direction, verify_job(o.direction), "verify", job, error)) return fail(error);
  // Column kinds: both lists, over the one row, whichever the direction. Table kinds: the
  // target's row against the mapping of the source's (new against up(old), or in reverse old
  // against down(new)), and then target rows with no source row.
  const bool two_tables = !job.spec.same_table();
  std::vector<TargetColumn> checked = job.spec.columns;
  if (job.has_reverse && !two_tables)
    checked.insert(checked.end(), job.reverse.columns.begin(), job.reverse.columns.end());
  auto escape = [&](const std::string& v) { return job.literal(v); };
  std::vector<std::string> lo;
  // The checkpoint: an unfinished verify goes on after its last compared chunk.
  for (const std::string& ddl : mysql_verify_checkpoint_ddl())
    if (catalog::MysqlResult c = job.exec(ddl); !c.ok) return fail(std::string("cannot create the checkpoint table ") +
                                                                   kMysqlVerifyCheckpointTable + ": " + c.error);
  const std::string mig = job.literal(r.reverse ? migration + ":reverse" : migration), host = job.literal(host_name());
  catalog::MysqlResult cp = job.exec(mysql_verify_checkpoint_load(mig, job.spec.key.size(), o.samples));
  if (!cp.ok) return fail("cannot read the checkpoint: " + cp.error);
  if (!cp.rows.empty() && cp.rows[0][0].value_or("") == "compare" && !o.restart) {
    const auto& row = cp.rows[0];
    r.rows = as_number(row[1]);
    r.matching = as_number(row[2]);
    r.mismatched = as_number(row[3]);
    r.missing = as_number(row[4]);
    r.extra = as_number(row[5]);
    const size_t key_at = 6, samples_at = key_at + job.spec.key.size();
    for (size_t i = key_at; i < samples_at && row[i]; ++i) lo.push_back(*row[i]);
    if (lo.size() != job.spec.key.size()) lo.clear();
    for (size_t i = samples_at; i < row.size() && row[i]; ++i) r.samples.push_back(*row[i]);
    if (o.on_note)
      o.on_note("resuming verify " + migration + " from its checkpoint: " + std::to_string(r.rows) + " rows compared, after key (" +
                join_key(lo) + ")");
  }
  auto save = [&](const std::string& stage) {
    Literals samples;
    for (const auto& sample : r.samples) samples.push_back(job.literal(sample));
    const VerifyCounts counts{r.rows, r.matching, r.mismatched, r.missing, r.extra};
    return job.exec(mysql_verify_checkpoint_save(mig, stage, mysql_key_literals({}, lo, escape), counts, samples, host));
  };
  while (!stop.load()) {
    const Literals lo_lits = mysql_key_literals(job.spec.key_types, lo, escape);
    catalog::MysqlResult end = job.exec(mysql_page_end(job.spec, job.spec.source, lo_lits, o.chunk_rows));
    if (!end.ok) return fail("reading the next chunk: " + end.error);
    const int64_t rows = end.rows.empty() ? 0 : as_number(end.rows[0][0]);
    std::vector<std::string> hi;
    for (size_t c = 1; rows > 0 && c < end.rows[0].size(); ++c) hi.push_back(end.rows[0][c].value_or(""));
    const bool last = rows < o.chunk_rows;
    if (rows == 0 && !two_tables) break;
    // The last chunk has no upper bound: rows inserted past its key are compared too.
    const Literals hi_lits = last ? Literals{} : mysql_key_literals(job.spec.key_types, hi, escape);
    if (two_tables) {
      // The same bounds over the new table's key: every chunk's, the first and last open, cover it.
      catalog::MysqlResult x = job.exec(mysql_verify_extra(job.spec, lo_lits, hi_lits));
      if (!x.ok || x.rows.empty()) return fail("looking for rows only in the new table: " + x.error);
      const int64_t extra = as_number(x.rows[0][0]);
      r.extra += extra;
      if (extra > 0 && static_cast<int>(r.samples.size()) < o.samples)
        r.samples.push_back(std::to_string(extra) + " row(s) in " + job.spec.target.to_string() + " after key (" +
                            (lo.empty() ? std::string("start") : join_key(lo)) + ") have no row in " +
                            job.spec.source.to_string());
      if (rows == 0) break;
    }
    catalog::MysqlResult s = job.exec(mysql_verify_stats(job.spec, checked, lo_lits, hi_lits));
    if (!s.ok || s.rows.empty()) return fail("comparing a chunk: " + s.error);
    const int64_t n = as_number(s.rows[0][0]), differ = as_number(s.rows[0][1]), missing = as_number(s.rows[0][2]);
    r.rows += n;
    r.matching += n - differ;
    r.mismatched += differ - missing;
    r.missing += missing;
    const int room = o.samples - static_cast<int>(r.samples.size());
    if (differ > 0 && room > 0) {
      catalog::MysqlResult d = job.exec(mysql_verify_samples(job.spec, checked, lo_lits, hi_lits, room));
      if (!d.ok) return fail("reading differing rows: " + d.error);
      for (const auto& row : d.rows)
        r.samples.push_back("key " + row[0].value_or("") + ": expected " + row[1].value_or("") + ", found " +
                            row[2].value_or(""));
    }
    publish("compare");
    if (last) break;
    lo = hi;
    if (catalog::MysqlResult saved = save("'compare'"); !saved.ok) return fail("cannot write the checkpoint: " + saved.error);
  }
  if (stop.load()) {
    publish("stopped");
    return r;
  }
  if (catalog::MysqlResult saved = save("'done'"); !saved.ok) return fail("cannot write the checkpoint: " + saved.error);
  r.completed = true;
  publish("done");
  return r;
}

}  // namespace switchyard::jobs

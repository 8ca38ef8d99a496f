// Verify: compares a migration's two shapes for every row and reports matching, mismatched,
// missing-in-new and extra-in-new counts with sample keys and values from both sides. It walks
// the old shape in key-range chunks; each chunk is compared in one statement (one snapshot),
// by a checksum per side for the table kinds with a drill-down into chunks that differ, and row
// by row in SQL for the column kinds (where "old vs new" means: the new columns equal up(old
// row)). Resumable: the counts so far and the last chunk's key live in the checkpoint table
// (job "verify"); a finished verify starts over when run again. See docs/backfill.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "jobs/job_spec.h"
#include "jobs/progress.h"

namespace switchyard::jobs {

struct VerifyOptions {
  // kForward: the new shape against up(old row), walking the old shape. kReverse (--reverse,
  // before a rollback from new_only, after backfill --reverse): the old shape against
  // down(new row), walking the new shape; "missing" and "extra" then mean in the old shape.
  Direction direction = Direction::kForward;
  int64_t chunk_rows = 10000;
  int samples = 10;      // at most this many differing rows are described
  bool restart = false;  // ignore an unfinished checkpoint
  std::function<void(const ProgressSnapshot&)> on_progress;
  std::function<void(const std::string&)> on_note;
};

struct VerifyReport {
  bool completed = false;  // every chunk was compared (false on error or stop)
  std::string error;
  bool reverse = false;    // compared the old shape against down(new row)
  int64_t rows = 0;        // rows of the shape walked (the old one; the new one when reverse)
  int64_t matching = 0, mismatched = 0, missing = 0, extra = 0;
  std::vector<std::string> samples;  // "key (7): expected (...) new (...)"
  bool clean() const { return completed && mismatched == 0 && missing == 0 && extra == 0; }
};

VerifyReport run_verify(const config::Config& config, const std::string& migration, const VerifyOptions& options,
                        ProgressBoard& progress, std::atomic<bool>& stop);

// Names shared by both dialects' verify: the checkpoint's and the lock's job ("verify",
// "verify_reverse") and the command as reports and progress lines name it ("verify",
// "verify --reverse").
std::string verify_job(Direction d);
std::string verify_command(Direction d);

// The report as the CLI prints it (several lines).
std::string describe(const VerifyReport& r, const std::string& migration);

}  // namespace switchyard::jobs

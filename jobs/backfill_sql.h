// The SQL a backfill runs, generated from a JobSpec with no I/O (so it is unit-tested as text):
// the checkpoint table, the advisory lock key, the keyset page bounds, the batch write for each
// kind, the orphan sweep of the table kinds, and the total-row estimate.
//
// A batch is a key range (lo, hi] of the source, hi being the last key of the next `n` rows.
// Its write is race-free against concurrent dual writes:
//  - same table: UPDATE ... WHERE key in range AND target IS DISTINCT FROM expr. A row a
//    concurrent writer holds is waited for, then re-checked and recomputed from its newest
//    version (READ COMMITTED's EvalPlanQual), so the batch never writes a value older than the
//    writer's;
//  - two tables: INSERT INTO target SELECT expr FROM source WHERE key in range FOR SHARE ON
//    CONFLICT (key) DO UPDATE ... WHERE target row IS DISTINCT FROM the new one. FOR SHARE makes
//    a writer of a source row either commit first (and the locking read returns its version)
//    or wait for the batch to commit (and then its own mirror upsert overwrites the batch's).
// Rows already right are never rewritten (no dead tuples, no WAL, no trigger for them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jobs/job_spec.h"

namespace switchyard::jobs {

// The checkpoint table of a migration: switchyard."<migration name>" (names are at most 63
// characters of a-z 0-9 _ -, so the name is the migration's own). One row per job.
std::string checkpoint_table(const std::string& migration);
// CREATE SCHEMA/TABLE IF NOT EXISTS, serialised by a transaction-level advisory lock so two
// hosts creating it at once do not collide. Run as one script.
std::string checkpoint_ddl(const std::string& migration);
// Jobs of one migration that must not run at once share a lock: "backfill" (both directions)
// or "verify". pg_try_advisory_lock($1::int4, $2::int4) with these two numbers.
struct AdvisoryKey {
  int32_t classid;
  int32_t objid;
};
AdvisoryKey advisory_key(const std::string& family, const std::string& migration);

// Job names in the checkpoint table.
std::string job_name(Direction d);  // "backfill" or "backfill_reverse"

// The checkpoint row: SELECT stage, rows_done, rows_changed, host, updated_at WHERE job = $1,
// and its key as rows (SELECT k ... ORDER BY ordinality).
std::string checkpoint_select(const std::string& migration);
std::string checkpoint_key_select(const std::string& migration);
// Starts a job afresh: $1 job, $2 host.
std::string checkpoint_start(const std::string& migration);
// Records progress: $1 job, $2 stage, $3 last key (text[] literal or NULL), $4 rows_done,
// $5 rows_changed.
std::string checkpoint_update(const std::string& migration);
// Verify's progress: $1 job, $2 stage, $3 last key, $4 rows_done, $5 matching, $6 mismatched,
// $7 missing, $8 extra, $9 samples (text[] literal).
std::string checkpoint_update_verify(const std::string& migration);
// A text[] literal for the checkpoint: {"1","a b"} with quotes and backslashes escaped.
std::string text_array_literal(const std::vector<std::string>& values);

// The end of the next page of `table` after the lower bound: one row (rows_in_page, k1::text,
// k2::text, ...) or no row when nothing is left. Parameters: the lower bound's key values
// (when `has_lo`), then the page size.
std::string page_end(const JobSpec& spec, const config::TableName& table, bool has_lo);

// `key in (lo, hi]` with lo's values from $1 (when has_lo) and hi's after them (when has_hi).
std::string key_range(const JobSpec& spec, bool has_lo, bool has_hi, const std::string& qualifier = "");

// The batch write over (lo, hi], parameters as key_range(has_lo, true).
std::string batch_write(const JobSpec& spec, bool has_lo);
// Two tables: deletes target rows in (lo, hi] whose source row no longer exists.
std::string orphan_sweep(const JobSpec& spec, bool has_lo);
// Client transactions that started before $1 (a timestamptz) and still run: count, pids.
std::string older_transactions();

// The row estimate of $1 (a regclass text: qualified(table), quoted): reltuples, or -1 when never analysed.
std::string estimated_rows();
std::string exact_rows(const config::TableName& table);

// "the target columns differ from the expressions over this row", as text comparisons so that
// types without an equality operator (json) compare too. Used by verify as well.
std::string differs(const JobSpec& spec);
// CAST((expr) AS type) of a target column: the expression as the column would store it.
std::string as_stored(const TargetColumn& c);

}  // namespace switchyard::jobs

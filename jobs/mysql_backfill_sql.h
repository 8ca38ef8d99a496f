// The SQL the MySQL / MariaDB data jobs run (backfill, verify), generated from a JobSpec whose
// expressions are MySQL text (mysql_job_spec.h), with no I/O, so it is unit-tested as text.
// Identifiers are backquoted (` doubled). Values never arrive raw: every builder takes them
// as SQL literals the caller made with the connection's mysql_real_escape_string
// (mysql_key_literals below, catalog::mysql_literal), so no configured or stored text is concatenated
// unescaped.
//
// A batch is the key range (lo, hi] of the table, hi being the last key of the next `n` rows, and
// its write is `UPDATE t SET new = (up) WHERE key in (lo, hi]`. That is race-free against dual
// writes through the proxy: InnoDB's UPDATE is a locking read, so it waits for a row a writer
// holds and then computes `up` from the row's newest committed version (never from the batch's
// snapshot), and a writer that comes after the batch waits for its commit and writes both
// columns itself. No `WHERE new <=> up` filter: `<=>` follows the column's collation ('A' = 'a'),
// while InnoDB skips a row whose bytes would not change on its own (affected rows count only
// rows really changed).
//
// The table kinds (rename_table, copy_table): `INSERT INTO new (cols) SELECT up FROM old WHERE key
// in (lo, hi] ORDER BY key LOCK IN SHARE MODE ON DUPLICATE KEY UPDATE c = VALUES(c), ...`. The
// shared locks make a writer's script (which locks the old rows FOR UPDATE before writing and
// mirroring, proxy/mysql_scripts.cpp) either commit first, when the locking read returns its
// version, or wait for the batch and overwrite its mirror itself. Then the sweep pages through
// the new table deleting rows whose old row is gone (`NOT EXISTS`), once every transaction older
// than the copy's end has ended.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jobs/job_spec.h"

namespace switchyard::jobs {

// SQL literals, in key order: what the builders take for a key's values.
using Literals = std::vector<std::string>;

// `name` or `schema`.`name`; schema "public" is the control connection's database (the
// connection's default, as mysql_schema_loader.h reads it).
std::string mysql_table(const config::TableName& table);
// `a`, `b`: names as a backquoted column list.
std::string mysql_columns(const std::vector<std::string>& names);

// The checkpoint: one InnoDB table `switchyard`.`checkpoints`, a row per (migration, job),
// created by these statements in order (each idempotent).
inline constexpr char kMysqlCheckpointTable[] = "`switchyard`.`checkpoints`";
std::vector<std::string> mysql_checkpoint_ddl();
// One row: stage, rows_done, rows_changed, host, updated_at, then the last key's values (NULL
// before the first batch), `key_size` of them. `migration` and `job` are literals.
std::string mysql_checkpoint_select(const std::string& migration, const std::string& job, size_t key_size);
// Starts (or restarts) the job's row at stage copy with no key: literals migration, job, host.
std::string mysql_checkpoint_start(const std::string& migration, const std::string& job, const std::string& host);
// Records progress; `key` empty stores NULL. `stage` is a literal.
std::string mysql_checkpoint_update(const std::string& migration, const std::string& job, const std::string& stage,
                                    const Literals& key, int64_t rows_done, int64_t rows_changed);

// Verify's checkpoint: one row per migration in `switchyard`.`verify_checkpoints`, created by
// these statements (idempotent): the stage ('compare', 'done'), the last chunk's key (a JSON
// array), the counts so far and the samples so far (a JSON array of strings). `save` writes it
// after each chunk (`host`: where the job runs); `load` reads stage, rows, matching, mismatched, missing, extra, then the key's
// `key_size` values, then up to `samples` samples (NULL past the last). Literals in.
inline constexpr char kMysqlVerifyCheckpointTable[] = "`switchyard`.`verify_checkpoints`";
std::vector<std::string> mysql_verify_checkpoint_ddl();
struct VerifyCounts {
  int64_t rows = 0, matching = 0, mismatched = 0, missing = 0, extra = 0;
};
std::string mysql_verify_checkpoint_save(const std::string& migration, const std::string& stage, const Literals& key,
                                         const VerifyCounts& counts, const Literals& samples, const std::string& host);
std::string mysql_verify_checkpoint_load(const std::string& migration, size_t key_size, int samples);

// The replica-lag heartbeat (mysql_replica_lag.h): one row per migration in
// `switchyard`.`heartbeat`, created by these statements (idempotent); `beat` increments its
// sequence number and stamps it with the primary's NOW(6); `seq` reads the number back (on the
// primary); `seen` reads, on a replica, the number it has applied and that beat's age in
// microseconds by the replica's clock. `migration` is a literal.
inline constexpr char kMysqlHeartbeatTable[] = "`switchyard`.`heartbeat`";
std::vector<std::string> mysql_heartbeat_ddl();
std::string mysql_heartbeat_beat(const std::string& migration);
std::string mysql_heartbeat_seq(const std::string& migration);
std::string mysql_heartbeat_seen(const std::string& migration);

// The GET_LOCK name of a job family ("backfill", "verify") of a migration:
// switchyard.backfill.<migration>, cut and suffixed with a hash past MySQL's 64 characters.
std::string mysql_lock_name(const std::string& family, const std::string& migration);

// Each key value as a literal: integers of an integer column bare (checked: digits with an
// optional minus, so MySQL compares exactly, not as doubles), everything else through `escape`
// (which returns a quoted literal).
Literals mysql_key_literals(const std::vector<std::string>& key_types, const std::vector<std::string>& values,
                            const std::function<std::string(const std::string&)>& escape);

// `key > lo` and `key <= hi` over a (possibly composite) key, expanded so the optimiser sees a
// range on the first column: (a > 1 OR (a = 1 AND b > 2)).
std::string mysql_key_after(const std::vector<std::string>& key, const Literals& lo);
std::string mysql_key_at_most(const std::vector<std::string>& key, const Literals& hi);
// (lo, hi]: either bound empty means unbounded on that side; "TRUE" when both are.
std::string mysql_key_range(const std::vector<std::string>& key, const Literals& lo, const Literals& hi);

// The end of the next page of `table` (the spec's source or target) after `lo`: one row (rows in
// the page, k1, k2, ...) or none when nothing is left.
std::string mysql_page_end(const JobSpec& spec, const config::TableName& table, const Literals& lo, int64_t n);
// The batch write over (lo, hi]: the UPDATE of the column kinds, the upsert of the table kinds.
std::string mysql_batch_write(const JobSpec& spec, const Literals& lo, const Literals& hi);
// The rows a batch write of the table kinds really changed (inserted, or updated to other
// values), from its affected rows (1 per insert, 2 per changed update, 0 per row already right)
// and the rows it inserted (the target's rows in the range after it less before it: MariaDB's
// "Duplicates:" counts no row an ON DUPLICATE KEY UPDATE updated).
int64_t mysql_copy_changed(int64_t inserted, uint64_t affected);
// The table kinds' first statement of a batch: shared locks on every source row of (lo, hi], in
// key order, before the batch writes any target row. A writer's script locks its old row and
// then its new one; were the batch to lock old rows while already holding new ones (as the
// upsert's own locking read does row by row), the two could deadlock, and InnoDB would roll
// back the writer, the smaller transaction.
std::string mysql_lock_source(const JobSpec& spec, const Literals& lo, const Literals& hi);
// One row: the rows of `table` in (lo, hi].
std::string mysql_count_range(const JobSpec& spec, const config::TableName& table, const Literals& lo, const Literals& hi);
// The table kinds' sweep over (lo, hi] of the target, in three statements: the keys of its rows
// whose source row is gone (a plain read); the source rows of those keys locked in share mode,
// which under REPEATABLE READ also locks the gap where there is none (nothing is read when the
// key is computed by an expression: locking it would scan the source); and the delete of those
// keys' rows still without a source row. `keys`: each key as literals, at least one.
std::string mysql_orphan_candidates(const JobSpec& spec, const Literals& lo, const Literals& hi);
std::string mysql_lock_old_keys(const JobSpec& spec, const std::vector<Literals>& keys);
std::string mysql_orphan_delete(const JobSpec& spec, const std::vector<Literals>& keys);
// Transactions that started before `since` (a DATETIME literal), this connection's left out: one
// row (count, their connection ids). Needs the PROCESS privilege (information_schema.INNODB_TRX).
std::string mysql_older_transactions(const std::string& since);
// The estimated rows of a table (information_schema.TABLES.TABLE_ROWS); `schema` is a literal
// or DATABASE(), `name` a literal.
std::string mysql_estimated_rows(const std::string& schema, const std::string& name);

// Verify. "Differs": some column is not NULL-safe equal (<=>, the column's collation) to its
// expression over the row. Both lists are checked: up's (the new columns) and down's (the old
// columns, when the migration has down); either may be empty, not both.
std::string mysql_differs(const std::vector<TargetColumn>& columns);
// One row: source rows in the range, rows that differ, and of those the "missing" ones: every
// target column NULL (never filled) for the column kinds, no target row at all for the table
// kinds (whose source rows are compared with the target row of the same key, in one statement).
std::string mysql_verify_stats(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                               const Literals& hi);
// Rows (key, expected, actual) that differ, in key order, at most `limit`; values QUOTE()d; the
// actual side of a missing target row is "no row".
std::string mysql_verify_samples(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                                 const Literals& hi, int limit);
// The table kinds: one row, the target rows in (lo, hi] (bounds over the target's key) with no
// source row ("extra").
std::string mysql_verify_extra(const JobSpec& spec, const Literals& lo, const Literals& hi);

}  // namespace switchyard::jobs

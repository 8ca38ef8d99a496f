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

// The end of the next page after `lo`: one row (rows in the page, k1, k2, ...) or none when
// nothing is left.
std::string mysql_page_end(const JobSpec& spec, const Literals& lo, int64_t n);
// The batch write over (lo, hi].
std::string mysql_batch_update(const JobSpec& spec, const Literals& lo, const Literals& hi);
// The estimated rows of a table (information_schema.TABLES.TABLE_ROWS); `schema` is a literal
// or DATABASE(), `name` a literal.
std::string mysql_estimated_rows(const std::string& schema, const std::string& name);

// Verify. "Differs": some column is not NULL-safe equal (<=>, the column's collation) to its
// expression over the row. Both lists are checked: up's (the new columns) and down's (the old
// columns, when the migration has down); either may be empty, not both.
std::string mysql_differs(const std::vector<TargetColumn>& columns);
// One row: rows in the range, rows that differ, rows that differ with every target column NULL
// (never filled: "missing").
std::string mysql_verify_stats(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                               const Literals& hi);
// Rows (key, expected, actual) that differ, in key order, at most `limit`; values QUOTE()d.
std::string mysql_verify_samples(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                                 const Literals& hi, int limit);

}  // namespace switchyard::jobs

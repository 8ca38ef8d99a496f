// The SQL verify runs, generated from a JobSpec with no I/O. Verify walks the source in key
// ranges (lo, hi] (the last range has no upper bound, so target rows past the last source key
// are seen) and, for each range, in ONE statement (so one snapshot sees both shapes, which
// dual writes keep equal statement by statement):
//  - same table: counts rows whose target columns differ from the expressions over the row
//    ("missing" when the target columns are all NULL, i.e. never filled);
//  - two tables: a count and an md5 of the ordered row texts on each side (the source through
//    the expressions, cast to the target's types), and only when they differ, the rows that
//    differ, by a full join on the key.
// Parameters are the range bounds as in backfill_sql.h's key_range.
#pragma once

#include <string>

#include "jobs/job_spec.h"

namespace switchyard::jobs {

// One row: rows, differing rows, differing rows never filled.
std::string same_table_chunk_stats(const JobSpec& spec, bool has_lo, bool has_hi);
// Rows (key, expected, actual) that differ, in key order, at most $N (N after the bounds).
std::string same_table_chunk_samples(const JobSpec& spec, bool has_lo, bool has_hi);
// One row: source rows, source checksum, target rows, target checksum.
std::string two_table_chunk_checksums(const JobSpec& spec, bool has_lo, bool has_hi);
// Rows (key, expected or NULL when missing in target, actual or NULL when extra in target).
std::string two_table_chunk_diff(const JobSpec& spec, bool has_lo, bool has_hi);

}  // namespace switchyard::jobs

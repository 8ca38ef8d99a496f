// The facts of a migration that several parts derive from its config and the live schema,
// decided here once: the row key that pairs a row of the old shape with its row in the new one,
// and which shapes each phase needs and writes. The rewriter (rewrite/pg/table_writes.cpp,
// table_truncate.cpp), the schema check (catalog/schema_loader.cpp), the data jobs
// (jobs/job_spec.cpp) and the DDL planner (jobs/ddl_plan.cpp) ask here instead of deciding
// for themselves, so they cannot drift apart. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "config/migration.h"
#include "rewrite/catalog.h"

namespace switchyard::rewrite {

struct RowKey {
  enum class Source {
    kExplicit,        // the migration's key: (copy_table)
    kOldPrimaryKey,   // the old table's primary key
    kNewPrimaryKey,   // the new table's, when the old one is gone (new_only, after contract)
    kNone,
  };
  std::vector<std::string> columns;  // in key order; empty for kNone
  Source source = Source::kNone;
};

// The row key of a migration, the same in both shapes, in both directions and in every phase:
// `key:` when the migration names one, else the old table's primary key (none when it has
// none: the old table is where rows are paged and matched from), else, when the old table is
// gone, the new table's. A unique index is never taken as the key by itself: name its columns
// with key:, and the schema check requires a unique index on exactly those columns in both
// tables for the dual phases of the table kinds (writes are mirrored with ON CONFLICT (key)).
RowKey row_key(const config::Migration& spec, const RelationInfo& old_rel, const RelationInfo& new_rel);
inline RowKey row_key(const ResolvedMigration& m) { return row_key(m.spec, m.old_rel, m.new_rel); }

// Which shapes a phase needs and writes. Before dual_write the new shape may not have been
// added yet; in new_only the old one may already be gone. `dual`: writes reach both shapes
// (dual_write, shadow, canary, read_new); otherwise only the old (off) or the new (new_only).
struct PhaseShapes {
  bool needs_old = true;
  bool needs_new = false;
  bool dual = false;
};
PhaseShapes phase_shapes(config::Phase phase);

// rename_table and copy_table: the old and the new shape are two tables.
bool is_two_table(const config::Migration& spec);

}  // namespace switchyard::rewrite

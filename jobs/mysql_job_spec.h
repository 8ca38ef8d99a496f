// The JobSpec of a MySQL column migration (rename_column, change_column, add_column): as
// make_job_spec (job_spec.h) derives it, with each expression the MySQL text the rewriter splices
// (rewrite/mysql/column_mapping.h: parsed by the MySQL parser, parenthesised; a rename's the
// other column, backquoted). Pure.
#pragma once

#include "jobs/job_spec.h"
#include "rewrite/mysql/lexical.h"

namespace switchyard::jobs {

// REQUIRES: `m` was resolved by catalog::load_mysql_schema. `settings` are the job connection's
// (sql_mode, character set), so the expressions read as that session will read them.
JobSpecResult make_mysql_job_spec(const rewrite::ResolvedMigration& m, Direction direction,
                                  const rewrite::mysql::LexicalSettings& settings);

}  // namespace switchyard::jobs

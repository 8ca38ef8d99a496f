// Reads from the live catalog what expand and contract plan from (ddl_plan.h): the old
// relation's indexes, foreign keys and owned sequences, and the type of each new column.
// A new column's type is `--type COLUMN=TYPE` when given, else PostgreSQL's own answer for its
// `up` expression: the statement `SELECT (up) FROM old` is prepared (never executed) and the
// result column's type and modifier are read from its description, then spelt by format_type().
#pragma once

#include <map>
#include <string>

#include "jobs/ddl_plan.h"
#include "jobs/pg.h"

namespace switchyard::jobs {

bool read_ddl_facts(Db& db, const rewrite::ResolvedMigration& m, const std::map<std::string, std::string>& types,
                    DdlFacts& out, std::string& error);

}  // namespace switchyard::jobs

// One finding of a dialect's DDL lint (rewrite/pg/ddl_lint.h, rewrite/mysql/ddl_lint.h): a schema
// change that locks or rewrites a busy table, or breaks clients or a running migration, and the
// safe way to make it. Plain data.
#pragma once

#include <string>

namespace switchyard::rewrite {

struct DdlFinding {
  std::string rule;         // e.g. "rename_column"
  std::string message;      // what the statement does and why it is risky, naming the objects
  std::string alternative;  // the safe way to make the change
  bool operator==(const DdlFinding&) const = default;
};

}  // namespace switchyard::rewrite

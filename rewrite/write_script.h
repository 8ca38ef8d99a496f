// A write that no single statement can mirror: the two-table migrations (rename_table,
// copy_table) on MySQL / MariaDB, which has no data-modifying CTE to run a write and its mirror
// as one statement (PostgreSQL's table_writes.h). The rewriter plans the statements; the session
// (proxy/mysql_scripts.cpp) runs them in one transaction of its own, or under a savepoint inside
// the client's, and answers the client with the write's own reply:
//
//   START TRANSACTION | SAVEPOINT          (the session's choice, by the server's status flags)
//   capture: SELECT key FROM t WHERE ... FOR UPDATE   (UPDATE / DELETE: the rows it will change)
//   write:   the client's statement, limited to those keys
//   mirror:  the statements that make the other table's rows for those keys match
//   COMMIT | RELEASE SAVEPOINT             (any failure: ROLLBACK [TO SAVEPOINT], the error)
//
// The keys condition is built by the session once the keys are known (the captured rows, or the
// INSERT's own keys and the AUTO_INCREMENT values its OK reports) and put in between the parts of
// a statement. Dialect-neutral plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace switchyard::rewrite {

struct ScriptStatement {
  std::vector<std::string> parts;  // the text, with the keys condition between each two; empty: none
  bool empty() const { return parts.empty(); }
  std::string with(const std::string& keys) const {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : keys) + parts[i];
    return out;
  }
  bool operator==(const ScriptStatement&) const = default;
};

struct WriteScript {
  std::string migration;
  ScriptStatement capture;               // empty: none (INSERT)
  ScriptStatement write;                 // the client's statement (its reply is the client's)
  std::vector<ScriptStatement> mirror;   // run after it, in order
  std::vector<std::string> key_columns;  // quoted, unqualified: what the keys condition compares
  std::vector<bool> key_numeric;         // per key column: its values are numbers (written bare)
  std::vector<std::string> inserted_keys;  // INSERT: each explicit row key, as SQL "(v1, v2)"
  uint32_t generated_rows = 0;           // INSERT: rows whose key is the AUTO_INCREMENT value
  bool operator==(const WriteScript&) const = default;
};

}  // namespace switchyard::rewrite

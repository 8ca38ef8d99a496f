// Which MySQL triggers and stored routines write a migrated table (rewrite::ServerWriter), from
// what information_schema.TRIGGERS and ROUTINES hold; mysql_schema_loader.cpp reads them. Pure.
//
// A BEFORE trigger on the table writes it (it may set NEW.col in the shape it knows; an AFTER
// trigger cannot change its own table's row, MySQL refuses that with error 1442). A
// routine writes it when its body names the table as a whole word (any letter case) and holds a
// write keyword (INSERT, UPDATE, DELETE, REPLACE, ...), or names a routine that does
// (transitively); a trigger on another table writes it when its body does the same. A body that
// is NULL (the reader lacks the privilege to see it) names nothing; dynamic SQL whose text names
// the table only at run time is not seen. Errs wide: a name in a comment or a string counts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rewrite/catalog.h"

namespace switchyard::catalog {

struct MysqlTrigger {
  std::string name;
  std::string table_schema;  // EVENT_OBJECT_SCHEMA
  std::string table;         // EVENT_OBJECT_TABLE
  std::string body;          // ACTION_STATEMENT
  bool before = true;        // ACTION_TIMING BEFORE: it may set NEW.col of its own table's row
};

struct MysqlRoutine {
  std::string schema;
  std::string name;
  bool procedure = false;           // ROUTINE_TYPE PROCEDURE, else FUNCTION
  std::optional<std::string> body;  // ROUTINE_DEFINITION; nullopt when the server hides it
};

// The writers of `table` (as configured: ServerWriter::object of its own triggers), which lives
// in database `db`.
std::vector<rewrite::ServerWriter> mysql_server_writers(const config::TableName& table, const std::string& db,
                                                        const std::vector<MysqlRoutine>& routines,
                                                        const std::vector<MysqlTrigger>& triggers);

}  // namespace switchyard::catalog

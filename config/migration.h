// The migration model: every kind of migration (rename a column or table, change a column's
// type or format, add a derived column, copy a table into a new shape) is sugar over one shape:
// an old relation, a new relation, and column mappings `up` (each new column as an expression
// over the old row) and `down` (each old column as an expression over the new row), as pgroll's
// operations carry up/down expressions. Writes, reads, backfill and verification all work from
// this one shape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchyard::config {

// Phases, in the order an operator moves through them.
enum class Phase { kOff, kDualWrite, kShadow, kCanary, kReadNew, kNewOnly };
std::string_view to_string(Phase p);
bool parse_phase(std::string_view text, Phase& out);

enum class MigrationKind { kRenameColumn, kChangeColumn, kAddColumn, kRenameTable, kCopyTable };
std::string_view to_string(MigrationKind k);

// A relation name as stored in the catalog: exact and case-sensitive, "Order Items" as much as
// orders. SQL spells it with quote_table (config/identifier.h).
struct TableName {
  std::string schema = "public";
  std::string name;
  std::string to_string() const { return schema + "." + name; }
  bool operator==(const TableName&) const = default;
};
// "users" -> public.users; "app.users" -> app.users. False if empty or with more than one dot.
bool parse_table_name(std::string_view text, TableName& out);

// `column` (an exact column name, as in the catalog) gets the value of the SQL expression
// `expr`, which names columns as SQL does: `"createdAt"` is the column createdAt, an unquoted
// createdAt is createdat. Before anything uses `expr`, rewrite::pg::parse_expressions checks it
// is exactly one expression and replaces it by its parse tree deparsed (rewrite/pg/config_check.h).
struct ColumnMap {
  std::string column;
  std::string expr;
  // Where the expression was written, for errors: its line (0: not from a file) and dotted key,
  // e.g. "migrations[1].change_column.up". Not part of the mapping's value.
  int line = 0;
  std::string key{};
  bool operator==(const ColumnMap& o) const { return column == o.column && expr == o.expr; }
};

// Which sessions read the new shape in phase canary: `percent` of them, chosen by a
// deterministic hash of `key` so that several proxies route one client alike.
enum class CanaryKey { kSession, kUser, kApplicationName, kClientAddress };
std::string_view to_string(CanaryKey k);

struct ShadowSpec {
  double sample_percent = 0;   // of eligible reads in shadow and canary (and read_new if in_read_new)
  double float_tolerance = 0;  // relative tolerance when both values parse as numbers; 0: text equality
  bool in_read_new = false;
  bool redact_parameters = true;  // mismatch log shows $n placeholders, not the values
};

struct Migration {
  std::string name;
  int line = 0;  // where it starts in the config file, for messages
  MigrationKind kind = MigrationKind::kRenameColumn;
  TableName old_table;
  TableName new_table;          // equal to old_table for the column kinds
  std::vector<ColumnMap> up;    // new-shape columns over the old row
  std::vector<ColumnMap> down;  // old-shape columns over the new row
  bool all_columns = false;     // rename_table: every column maps to itself (known from the schema)
  std::vector<std::string> key; // copy_table: the row key; empty means the primary key
  Phase phase = Phase::kOff;
  unsigned canary_percent = 0;
  CanaryKey canary_key = CanaryKey::kSession;
  ShadowSpec shadow;
  bool pass_unsupported = false;  // on_unsupported: pass (default: refuse)

  bool same_table() const { return old_table == new_table; }
};

}  // namespace switchyard::config

// Column definitions of MySQL DDL as the DDL lint (ddl_lint.h) compares them: what an ADD /
// MODIFY / CHANGE spells after the column name, and whether changing a column the catalog knows
// to it is a change MariaDB 10.11 makes in place (no table copy). Internal to rewrite/mysql.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/mysql/lexer.h"

namespace switchyard::rewrite::mysql::ddl {

struct ColumnType {
  std::string name;               // lower case, aliases resolved (integer -> int, numeric -> decimal)
  std::vector<std::string> args;  // the parenthesised arguments as spelled ("20", "'a'"); a display
                                  // width of an integer type dropped, decimal's defaults filled in
  bool is_unsigned = false;       // UNSIGNED or ZEROFILL
  bool zerofill = false;
  bool operator==(const ColumnType&) const = default;
};

struct ColumnDef {
  std::optional<ColumnType> type;  // nullopt if it does not start with a type
  bool collation = false;          // CHARACTER SET, CHARSET or COLLATE
  bool auto_increment = false;
  bool generated = false;  // AS (...) / GENERATED ALWAYS AS (...)
  bool stored = false;     // ... STORED or PERSISTENT
};

// The definition in tokens [begin, end) of `sql`.
ColumnDef read_column_def(std::string_view sql, const std::vector<Token>& tokens, size_t begin, size_t end);

// `column_type` as information_schema.COLUMNS.COLUMN_TYPE spells it ("int(11) unsigned").
std::optional<ColumnType> parse_column_type(const std::string& column_type);

// True if changing `from` to `to` is known to leave the table in place: the column's collation
// is its table's default and `to` names none, neither is generated, `to` adds no AUTO_INCREMENT
// (taking one away is done in place), and the type is the same, a VARCHAR made longer, or an ENUM with members added at its end
// (at most 255). Anything else may copy the table (ALGORITHM=COPY).
bool in_place_change(const ColumnInfo& from, const ColumnDef& to);

}  // namespace switchyard::rewrite::mysql::ddl

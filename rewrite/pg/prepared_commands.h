// SQL-level prepared statements in a simple Query: PREPARE, EXECUTE, DEALLOCATE [ALL] and
// DISCARD ALL (PostgreSQL docs, "SQL Commands"). The session keeps its own record of every
// statement a client prepares, so that a statement prepared under one phase is prepared again
// under the next (proxy/prepared_statements.h); these are the SQL forms of Parse and Close.
//
// Pure: no I/O. A Query that names none of the four keywords is never parsed (mentions()).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::rewrite::pg {

struct PreparedCommand {
  enum class Kind { kPrepare, kExecute, kDeallocate, kDeallocateAll, kDiscardAll };
  Kind kind = Kind::kExecute;
  std::string name;   // the statement's name as the server folds it (not for the ALL forms)
  std::string query;  // kPrepare: the prepared statement's text, as the client wrote it
  std::string types;  // kPrepare: the parenthesised parameter type list as written, or empty
  std::vector<std::string> args;  // kExecute: each argument expression, deparsed
};

struct PreparedCommands {
  std::vector<PreparedCommand> commands;  // in statement order
  size_t statements = 0;                  // top-level statements in the text
};

// Without a parse: whether `sql` may hold one of the commands (errs wide).
bool mentions_prepared_commands(std::string_view sql);

// The commands among the top-level statements of `sql`; nullopt if it does not parse (the
// server will say why, and nothing is prepared).
std::optional<PreparedCommands> prepared_commands(std::string_view sql);

// The text of a SQL PREPARE for `name` (quoted as needed) with parameter `types` (as
// PreparedCommand::types) and statement `query`.
std::string prepare_statement(std::string_view name, std::string_view types, std::string_view query);
// `text` (a prepared statement's text) with each parameter $1.. replaced by the parenthesised
// argument of an EXECUTE, as one plain statement; nullopt if a parameter has no argument.
std::optional<std::string> with_arguments(std::string_view text, const std::vector<std::string>& args);
// DEALLOCATE of `name`, quoted as needed.
std::string deallocate_statement(std::string_view name);

}  // namespace switchyard::rewrite::pg

// A parsed SQL string: libpg_query's PostgreSQL 15 parse tree as protobuf-c structs that callers
// may edit in place, and deparse back to SQL.
//
// !!! MEMORY CONTRACT — read before editing a tree !!!
// The tree is freed with pg_query__parse_result__free_unpacked(result, nullptr), which calls
// free() on every message, string and array reachable from it. Therefore:
//   * every node, string or array put into a tree must come from malloc/calloc/realloc/strdup
//     (never new, std::string::data(), a literal, a stack object or another tree's memory);
//     the helpers in node_builder.h and tree_edit.h do this for you;
//   * every object must be reachable from exactly one place: to reuse a subtree, copy it
//     (copy_node) or move it out (take_node / remove_node leave the old slot empty);
//   * a repeated field (n_xxx + xxx) must never hold a null entry; singular fields may be null.
// A violation is a double free or a crash at deparse/destruction time, not an error value.
//
// Thread safety: a ParseTree is a plain value; libpg_query itself is thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "rewrite/pg/outcome.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

class ParseTree;
using ParseOutcome = Outcome<ParseTree>;
using DeparseOutcome = Outcome<std::string>;

class ParseTree {
 public:
  // Parses `sql` (any number of ';'-separated statements; none for "" or a lone comment).
  // A syntax error gives libpg_query's message and 1-based cursor position.
  static ParseOutcome parse(std::string_view sql);

  ParseTree(ParseTree&& other) noexcept;
  ParseTree& operator=(ParseTree&& other) noexcept;
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;
  ~ParseTree();

  // A moved-from tree is empty: size() == 0, get() == nullptr, deparse() gives "".
  std::size_t size() const { return result_ == nullptr ? 0 : result_->n_stmts; }
  // Statement i: its `stmt` node, and where its text lies in the parsed string. REQUIRES i < size().
  PgQuery__RawStmt* statement(std::size_t i) { return result_->stmts[i]; }
  const PgQuery__RawStmt* statement(std::size_t i) const { return result_->stmts[i]; }
  std::span<PgQuery__RawStmt*> statements() {
    return result_ == nullptr ? std::span<PgQuery__RawStmt*>() : std::span(result_->stmts, result_->n_stmts);
  }

  // The whole tree, for the walker or for edits beyond the statements (rarely needed).
  PgQuery__ParseResult* get() { return result_; }
  const PgQuery__ParseResult* get() const { return result_; }

  // SQL for the whole tree, statements joined by "; ". Fails if the tree is malformed (a null in
  // a list) or libpg_query cannot deparse a node.
  DeparseOutcome deparse() const;
  // SQL for statement i alone. REQUIRES i < size().
  DeparseOutcome deparse_statement(std::size_t i) const;

  // The original text of statement i, without its ';' but with any whitespace and comments that
  // precede it, so untouched statements can be relayed verbatim. REQUIRES `sql` is the string this
  // tree was parsed from and i < size() (if not, the view is clamped to `sql`, never out of bounds).
  std::string_view statement_text(std::string_view sql, std::size_t i) const;

 private:
  explicit ParseTree(PgQuery__ParseResult* result) : result_(result) {}

  PgQuery__ParseResult* result_;  // owned; null only once moved from
};

// SQL for one statement node (e.g. an InsertStmt) that need not belong to any tree.
DeparseOutcome deparse_statement(const PgQuery__Node* stmt);
// SQL for one expression node (e.g. "CASE WHEN include = 'X' THEN true ELSE false END"), deparsed
// as the target of a SELECT with the "SELECT " cut off.
DeparseOutcome deparse_expression(const PgQuery__Node* expr);

}  // namespace switchyard::rewrite::pg

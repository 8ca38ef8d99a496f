// The MySQL/MariaDB DML parser: one statement's text into a Tree (ast.h), or an error that says
// whether the text is malformed or uses something this front end does not handle (the caller
// refuses a write with ERR 1235 naming that reason). Pure: no I/O, no exceptions (only
// std::bad_alloc), no logging.
//
// Statements: SELECT (joins, subqueries, derived tables, UNION / EXCEPT / INTERSECT, WITH, ORDER
// BY, LIMIT, FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE), INSERT and REPLACE (VALUES / VALUE
// rows, SET, SELECT; ON DUPLICATE KEY UPDATE with VALUES(col) and the row alias; RETURNING),
// single- and multi-table UPDATE and DELETE (ORDER BY / LIMIT, USING, RETURNING), TRUNCATE.
// Expressions follow MySQL's precedence (docs: "Operator Precedence"). One statement; a trailing
// ';' is allowed. Use split_statements (lexer.h) for multi-statement texts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rewrite/mysql/ast.h"
#include "rewrite/mysql/lexer.h"
#include "rewrite/mysql/lexical.h"

namespace switchyard::rewrite::mysql {

struct ParseError {
  enum class Kind : uint8_t {
    kSyntax,       // the text is not SQL MySQL reads (as far as this parser knows)
    kUnsupported,  // valid, but outside what this front end handles: refuse, do not guess
  };
  Kind kind = Kind::kSyntax;
  std::string message;  // "unsupported: PARTITION clause", "syntax error near 'FORM'"
  uint32_t offset = 0;  // byte offset in the text
};

class Parsed {
 public:
  Parsed(Tree tree) : v_(std::in_place_index<0>, std::move(tree)) {}          // NOLINT: implicit on purpose
  Parsed(ParseError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // REQUIRES ok().
  Tree& tree() { return std::get<0>(v_); }
  const Tree& tree() const { return std::get<0>(v_); }
  // REQUIRES !ok().
  const ParseError& error() const { return std::get<1>(v_); }

 private:
  std::variant<Tree, ParseError> v_;
};

// REQUIRES: `sql` outlives the returned tree (nodes view into it).
Parsed parse(std::string_view sql, const LexicalSettings& settings);

// parse() for a call site that parses statement after statement (a session, a test corpus): it
// keeps one Tree and one token buffer and reuses their memory, so once they have grown to the
// largest statement seen a parse allocates nothing. Same trees and errors as parse().
class StatementParser {
 public:
  // The tree of `sql`, or nullptr with error() saying why. The tree is valid until the next
  // parse() (which reuses it) and views into `sql`, which must outlive that use.
  Tree* parse(std::string_view sql, const LexicalSettings& settings);
  // REQUIRES: the last parse() returned nullptr.
  const ParseError& error() const { return error_; }

 private:
  Tree tree_;
  std::vector<Token> tokens_;
  ParseError error_;
};

}  // namespace switchyard::rewrite::mysql

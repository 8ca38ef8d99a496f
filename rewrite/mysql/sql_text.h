// Small tools the MySQL rewriter builds its output with: a list of byte-range edits over the
// statement's own text (so what a rewrite does not touch, comments included, is relayed as the
// client wrote it), identifier quoting and folding, the column references of an expression and
// whether an expression may give another value when evaluated again. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/mysql/ast.h"

namespace switchyard::rewrite::mysql {

// Byte-range replacements over one text. Edits never overlap: replace() drops the edits inside
// its range, whose effect the caller has already folded into `text` (see text()).
class TextEdits {
 public:
  void replace(uint32_t begin, uint32_t end, std::string text);
  void insert(uint32_t at, std::string text) { replace(at, at, std::move(text)); }
  // source[begin, end) with the edits inside that range applied. An insert at either end belongs
  // to the text around the range (it is not in the range's text) unless `ends` says otherwise.
  std::string text(std::string_view source, uint32_t begin, uint32_t end, bool ends = false) const;
  std::string apply(std::string_view source) const { return text(source, 0, static_cast<uint32_t>(source.size()), true); }
  bool empty() const { return edits_.empty(); }
  size_t size() const { return edits_.size(); }

 private:
  struct Edit {
    uint32_t begin;
    uint32_t end;
    std::string text;
  };
  std::vector<Edit> edits_;  // in insertion order; text() applies them in position order
};

// A column or table name as a MySQL identifier: `name`, with ` doubled (read alike under
// ANSI_QUOTES).
std::string quote_identifier(std::string_view name);
// ASCII upper case: MySQL compares column names (and, here, table names) without case.
std::string fold(std::string_view name);
std::string fold(std::string&& name);  // in place: fold(identifier_value(x)) makes one string
inline std::string fold(const char* name) { return fold(std::string_view(name)); }

// The byte range of an expression node in the statement's text. A kSubquery's own range starts
// after its '(' (the parser's), so it is given as its query's, to be parenthesised.
struct Range {
  uint32_t begin = 0;
  uint32_t end = 0;
};
Range expression_range(const Tree& tree, NodeId id);
// The expression's text with `edits` applied, in parentheses: safe at any precedence.
std::string parenthesised(const Tree& tree, NodeId id, const TextEdits& edits);

// A column reference: its qualifier (the part before the column, folded; "" when bare) and its
// column (folded); `node` is the kName.
struct ColumnRef {
  NodeId node = kNoNode;
  std::string qualifier;
  std::string column;
  size_t parts = 1;  // 1: c, 2: t.c, 3: db.t.c
};

// Every column reference in the expression at `id`: kName nodes in value position, not function
// qualifiers, star qualifiers, table names or assignment targets. `in_subqueries`: also those
// inside subqueries (which may name other tables); `found_subquery` (if given) says one was seen.
// VALUES(c) in ON DUPLICATE KEY UPDATE is reported too (its argument is a kName).
std::vector<ColumnRef> column_refs(const Tree& tree, NodeId id, bool in_subqueries, bool* found_subquery = nullptr);
// The column reference `name` is.
ColumnRef column_ref(const Tree& tree, NodeId name);

// True if evaluating the expression twice might give two values (a volatile built-in, a user
// function, NEXT VALUE FOR, an assignment to a variable), with the first such in `why`.
bool may_be_volatile(const Tree& tree, NodeId id, std::string* why = nullptr);

// The present children of `id` (none for kNoNode), in order.
std::vector<NodeId> children(const Tree& tree, NodeId id);

// True if the expression holds a ? placeholder: copying it, or dropping it, would change the
// statement's parameters (their count and order), which a prepared statement and the shape
// cache (literals put back by position) rely on.
bool has_placeholder(const Tree& tree, NodeId id);

// A statement's kSelect leaves: the SELECT blocks whose outputs make up its rows (through WITH,
// parentheses and UNION / EXCEPT / INTERSECT).
std::vector<NodeId> select_leaves(const Tree& tree, NodeId query);

}  // namespace switchyard::rewrite::mysql

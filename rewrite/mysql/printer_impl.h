// The printer's internals (printer.h), shared by print_expr.cpp (expressions, by precedence) and
// print_query.cpp (statements, queries, table references). Internal to rewrite/mysql/.
#pragma once

#include <string>
#include <string_view>

#include "rewrite/mysql/ast.h"

namespace switchyard::rewrite::mysql::detail {

// Binding strength, loosest first, as the parser's levels (parse_expr.cpp).
enum Prec : int {
  kPrecAny = 0, kPrecAssign = 1, kPrecOr = 2, kPrecXor = 3, kPrecAnd = 4, kPrecNot = 5, kPrecIsTruth = 6,
  kPrecCompare = 7, kPrecPredicate = 8, kPrecBitOr = 9, kPrecBitAnd = 10, kPrecShift = 11, kPrecAdd = 12,
  kPrecMul = 13, kPrecXorBits = 14, kPrecConcat = 15, kPrecUnary = 16, kPrecPrimary = 17,
};

class Printer {
 public:
  explicit Printer(const Tree& tree) : t_(tree) {}
  std::string take() { return std::move(out_); }

  // Any node: expressions with parentheses when their precedence is below `required`.
  void node(NodeId id, int required = kPrecAny);
  void expr(NodeId id, int required);                 // print_expr.cpp
  void query_or_clause(NodeId id);                    // print_query.cpp
  void list(NodeId id, std::string_view separator, int required = kPrecAny);
  void children_from(NodeId first, std::string_view separator, int required = kPrecAny);
  bool empty(NodeId id) const { return id == kNoNode; }  // an absent optional part
  NodeId child(NodeId id, size_t i) const { return t_.child(id, i); }
  const Node& n(NodeId id) const { return t_.node(id); }
  void put(std::string_view s) { out_.append(s); }

 private:
  const Tree& t_;
  std::string out_;
};

int precedence(const Tree& tree, NodeId id);
bool is_expression(Kind kind);

}  // namespace switchyard::rewrite::mysql::detail

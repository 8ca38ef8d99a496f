// The MySQL printer (deparser): a Tree (ast.h) back to SQL text that MySQL/MariaDB parse to the
// same tree (same_tree), under the LexicalSettings the tree was parsed with: identifiers and
// literals print as they were spelled, keywords and operators canonically, with single spaces and
// the parentheses precedence needs (never more nodes: parentheses are not in the tree).
// Comments (optimizer hints included) are not kept. Pure.
#pragma once

#include <string>

#include "rewrite/mysql/ast.h"

namespace switchyard::rewrite::mysql {

// The subtree at `id` (a statement, query, expression or table reference) as text.
std::string print(const Tree& tree, NodeId id);
inline std::string print(const Tree& tree) { return print(tree, tree.root()); }

// The tree's shape for tests and error messages: (kind "text" flags children...), an absent child before a present one as _.
std::string debug_string(const Tree& tree, NodeId id);

}  // namespace switchyard::rewrite::mysql

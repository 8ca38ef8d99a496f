// Parentheses the deparser would leave out. libpg_query 15-4.0.0 prints an expression's operands
// without parentheses except in a few hand-picked cases (an A_Expr under an operator, AND/OR under
// AND/OR, ...), so `(NOT a)::text` prints as `NOT a::text` and `(a = b) IS NULL` as `a = b IS NULL`,
// which PostgreSQL reads as other expressions.
//
// The fix-up is done on the tree: every operand that binds less tightly than its place in its
// parent requires (PostgreSQL's operator precedence, gram.y) is wrapped in a one-element RowExpr
// of implicit form, which the deparser always prints as "(operand)" and which PostgreSQL parses
// back as the operand alone: the text gains parentheses and nothing else, so it parses back to
// the tree as it was before the fix-up (same meaning, same result column names).
//
// Only for printing: a tree so marked is not a parse tree any more (a RowExpr of one implicit
// element is not something the parser makes). Apply it to a copy just before deparse.
#pragma once

#include <cstddef>

#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// Wraps every operand below `root` that needs parentheses; returns how many it wrapped.
std::size_t add_needed_parentheses(ProtobufCMessage* root);

}  // namespace switchyard::rewrite::pg

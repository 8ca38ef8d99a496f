// The volatility of one parse-tree node by itself, its children aside: a function call, an
// operator, a cast. What a raw parse tree says about each is looked up by name in the catalog
// (rewrite/volatility.h); expr.h's may_be_volatile walks a whole expression with it.
#pragma once

#include <string_view>

#include "rewrite/pg/pg_query_c.h"
#include "rewrite/volatility.h"

namespace switchyard::rewrite::pg {

// FuncCall (also the SQL-standard forms the parser turns into pg_catalog calls: EXTRACT,
// OVERLAY, POSITION, SUBSTRING, TRIM, AT TIME ZONE, the ESCAPE of LIKE and SIMILAR TO):
// pg_proc by name and argument count. A_Expr: pg_operator by name and operand count (BETWEEN
// by <= and >=). TypeCast: the cast into the named type. Every other node (constants, column
// references, parameters, CASE, COALESCE, subscripts, ...) is immutable by itself.
Volatility own_volatility(const PgQuery__Node* node, const VolatilityCatalog& catalog);

// A dotted name as the parser gives it (FuncCall.funcname, A_Expr.name, TypeName.names): the
// schema (empty when unqualified) and the name, viewing the tree's strings. False for anything
// else (a catalog-qualified name, a part that is not a string).
bool dotted_name(PgQuery__Node* const* parts, size_t n, std::string_view& schema, std::string_view& name);

}  // namespace switchyard::rewrite::pg

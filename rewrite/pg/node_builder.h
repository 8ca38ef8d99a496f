// Constructors for the parse-tree nodes that rewrites add: column references, constants,
// parameters, casts, SET / INSERT / SELECT targets, and expressions or type names parsed from
// text (e.g. a migration's `CASE WHEN include = 'X' THEN true ELSE false END`).
//
// Every result is a fresh malloc'd tree owned by the returned pointer (see the memory contract in
// parse_tree.h), ready to be put into a tree with append_node / replace_node (tree_edit.h). Names
// are identifiers as PostgreSQL stores them, i.e. already case-folded: column_ref("Users")
// deparses as "Users" (quoted), column_ref("users") as users. Builders set every `location` to -1
// (unknown). Names and string values must not contain NUL bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/outcome.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {

// A String node: the element type of ColumnRef.fields, TypeName.names, FuncCall.funcname, ...
NodePtr string_node(std::string_view value);

// ColumnRef `name` or `qualifier.name`.
NodePtr column_ref(std::string_view name);
NodePtr column_ref(std::string_view qualifier, std::string_view name);

// Constants (A_Const): 'value', an integer, NULL, true / false.
NodePtr string_const(std::string_view value);
NodePtr integer_const(std::int32_t value);
NodePtr null_const();
NodePtr bool_const(bool value);

// ParamRef $number. REQUIRES number >= 1.
NodePtr param_ref(int number);

// A TypeName from its dotted name, e.g. {"pg_catalog", "int4"} or {"text"}; no modifiers.
TypeNamePtr type_name(std::initializer_list<std::string_view> names);
// A TypeName from SQL type text: "character(1)", "timestamp with time zone", "numeric(12,2)",
// "text[]", "public.my_enum". Fails on anything that is not exactly one type name.
Outcome<TypeNamePtr> parse_type_name(std::string_view text);

// TypeCast `arg::type`. The text form consumes `arg` even when the type text fails to parse.
NodePtr type_cast(NodePtr arg, TypeNamePtr type);
Outcome<NodePtr> type_cast(NodePtr arg, std::string_view type_text);

// ResTarget: an INSERT column (`val` null), an UPDATE SET target (`name` = `val`), or a SELECT /
// RETURNING target (`val` AS `name`; "" for no alias).
NodePtr res_target(std::string_view name, NodePtr val);

// The expression that `text` is, e.g. "lower(full_name)" or "CASE WHEN include = 'X' THEN true
// ELSE false END". Parsed as "SELECT <text>"; fails unless that is a single plain SELECT of one
// unnamed target (so "1 FROM t", "a, b", "1; DROP TABLE t" and "x AS y" are refused). Error cursor
// positions count from the start of `text`. Column references come out as ColumnRef nodes, ready
// to be rewritten with walk() (walk.h).
Outcome<NodePtr> parse_expression(std::string_view text);

}  // namespace switchyard::rewrite::pg

// Migration expressions (`up`, `down`) instantiated for one written row, and the volatility
// test that decides whether a written value may be evaluated twice. What an expression is, as
// text, is in expression_text.h.
#pragma once

#include <map>
#include <string>

#include "rewrite/catalog.h"
#include "rewrite/pg/expression_text.h"
#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/outcome.h"

namespace switchyard::rewrite::pg {

// What a statement writes into each column of one row: column -> the value's expression (owned
// by the statement; copied on use). A null entry means DEFAULT.
using RowValues = std::map<std::string, const PgQuery__Node*>;

// How a column the expression reads, but the row does not write, is filled in.
enum class Unwritten {
  kColumnDefault,  // INSERT: the column's default, or NULL (the row does not exist yet)
  kCurrentValue,   // UPDATE: the column itself, i.e. the row's value before the update
};

// Parses `expr_text` (a migration's up or down expression over `rel`) and replaces each
// unqualified reference to a column of `rel`: by CAST(value AS the column's base type) when
// `row` writes that column (the cast without typmod keeps PostgreSQL's parameter-type inference
// and length checks exactly as in the original statement), otherwise as `unwritten` says.
// `qualifier`, if not empty, qualifies the column references that stay (kCurrentValue).
Outcome<NodePtr> instantiate(const std::string& expr_text, const RelationInfo& rel, const RowValues& row,
                             Unwritten unwritten, const std::string& qualifier = "");

// True if evaluating `node` twice could give two different values: it calls a volatile function
// (random(), nextval(), clock_timestamp(), gen_random_uuid(), a user function declared VOLATILE,
// which is the default), applies a volatile operator or cast, or names a function, operator or
// type `volatility` does not know, anywhere in it, sub-selects included; in a sub-select also a
// TABLESAMPLE without REPEATABLE, or FOR UPDATE / SHARE. A sub-select without any of these sees
// the statement's one snapshot, so it gives the same value each time it is evaluated in the
// statement. Stable functions (now(), to_char(), ...) count as safe: every caller evaluates both
// copies within one statement, where PostgreSQL guarantees a stable function the same result for
// the same arguments (docs/migrations.md, "Volatile values"). A caller that would evaluate the
// copies in two statements must not use this test.
bool may_be_volatile(const PgQuery__Node* node, const VolatilityCatalog& volatility);

// True if a default expression text (pg_get_expr) may be volatile, e.g. nextval('seq'::regclass).
bool default_may_be_volatile(const std::string& default_expr, const VolatilityCatalog& volatility);

}  // namespace switchyard::rewrite::pg

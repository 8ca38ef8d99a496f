// Migration expressions (`up`, `down`) as text: whether a text is exactly one SQL expression
// (and its canonical spelling, deparsed from the parse tree), whether it is a bare column, and
// which columns it reads. Text in, text out, so proxy/ and jobs/ use it without the parser's
// headers. Pure; thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "rewrite/pg/outcome.h"

namespace switchyard::rewrite::pg {

// `text` parsed as exactly one SQL expression (parse_expression in node_builder.h: one SELECT
// target, no clause, no second statement) and deparsed from its tree, e.g. `lower( "fullName" )`
// -> `lower("fullName")`. SQL built around the result, as `(result)`, holds that one expression
// and nothing else, whatever the text was: "a) FROM t; --" or "a) , (1" fail here instead.
Outcome<std::string> canonical_expression(std::string_view text);

// The column an expression is when it is exactly one unqualified column reference (`id`,
// `"createdAt"`, `"we""ird"`, with the name as the parser folds it: `createdAt` is createdat);
// nullopt for anything else.
std::optional<std::string> bare_column(std::string_view expr_text);

// Names of the unqualified column references in an expression (empty if it does not parse).
std::set<std::string> columns_read(std::string_view expr_text);

// The expression with every unqualified reference to column `from` made one to `to` (names as
// PostgreSQL stores them), deparsed: `(qty >= 0)` with qty -> quantity is `quantity >= 0`.
// An error if the text is not exactly one expression.
Outcome<std::string> with_column_renamed(std::string_view expr_text, const std::string& from, const std::string& to);

}  // namespace switchyard::rewrite::pg

// Expressions whose printed form needs parentheses when they sit under a cast or an operator: one
// of each kind the deparser could get wrong (BoolExpr, A_Expr of every kind, NullTest,
// BooleanTest, AT TIME ZONE, COLLATE, IN lists, BETWEEN, LIKE/ILIKE/SIMILAR, ANY/ALL, subscripts,
// field selection, row constructors, unary minus, precedence mixes). Each is valid on its own in
// PostgreSQL 15 and names only the column `id`, which every test table has, so that
// `(<expression>)::text` can be written into any text column. Used by the rewriter's unit tests
// (tests/rewrite/pg/parentheses_test.cpp) and against a real server
// (tests/integration/deparse_fidelity_test.cpp).
#pragma once

#include <string>
#include <vector>

namespace switchyard::rewrite::testing {

inline const std::vector<std::string>& paren_expressions() {
  static const std::vector<std::string> kExpressions = {
      // BoolExpr
      "NOT true = false", "true AND false", "false OR true", "NOT (true AND false)", "(true OR false) AND false",
      // NullTest, BooleanTest
      "id IS NULL", "id IS NOT NULL", "(id = 1) IS NULL", "(NOT true) IS NULL", "(true AND false) IS NOT NULL",
      "true IS TRUE", "NULL::boolean IS NOT UNKNOWN", "(1 = 1) IS NOT FALSE", "(id IS NULL) IS FALSE",
      "1 = 1 IS TRUE", "true = (id IS NULL)",
      // IS [NOT] DISTINCT FROM
      "1 IS DISTINCT FROM 2", "NULL IS NOT DISTINCT FROM NULL", "(id IS NULL) IS DISTINCT FROM true",
      "true IS NOT DISTINCT FROM (id IS NOT NULL)",
      // AT TIME ZONE, COLLATE
      "timestamp '2020-01-01 12:00' AT TIME ZONE 'UTC'", "(timestamp '2020-01-01' + interval '1 hour') AT TIME ZONE 'UTC'",
      "timestamptz '2020-01-01 12:00+00' AT TIME ZONE ('Europe/' || 'Paris')", "'b' COLLATE \"C\"",
      "('a' || 'b') COLLATE \"C\"", "('x' COLLATE \"C\") < 'y'",
      // IN lists and sub-selects, ANY / ALL
      "1 IN (1, 2)", "id NOT IN (3, 4)", "(1 = 1) IN (true)", "1 IN (SELECT 1)", "(1 IN (SELECT 2)) = false",
      "1 = ANY (ARRAY[1, 2])", "1 < ALL (ARRAY[2, 3])", "(1 = 1) = ANY (ARRAY[true])", "2 = ANY (SELECT 2)",
      "(true AND true) = ALL (SELECT true)",
      // BETWEEN
      "2 BETWEEN 1 AND 3", "2 NOT BETWEEN SYMMETRIC 3 AND 1", "(2 BETWEEN 1 AND 3) AND true",
      "2 BETWEEN (1 + 0) AND (3 * 1)", "(1 = 1) BETWEEN false AND true",
      // LIKE / ILIKE / SIMILAR
      "'abc' LIKE 'a%'", "'abc' NOT ILIKE 'A%'", "'abc' SIMILAR TO 'a%'", "'a%c' SIMILAR TO 'a#%c' ESCAPE '#'",
      "'a%c' LIKE 'a!%c' ESCAPE '!'", "('a' || 'b') LIKE 'ab'", "('a' LIKE 'a') = true",
      // subscripts, field selection, row constructors
      "(ARRAY[1, 2, 3])[2]", "(ARRAY[1, 2, 3])[1:2]", "(ARRAY[true, false])[1] IS TRUE",
      "(CASE WHEN true THEN ARRAY[7] END)[1]", "('{4,5}'::int[])[2]", "(NULL::pg_catalog.pg_am).amname",
      "ROW(1, 'a')", "ROW(1, 2) = ROW(1, 2)", "(1, 2) < (1, 3)", "ROW(1, NULL) IS NULL",
      // unary minus and other prefix operators
      "-(1 + 2)", "- 2 ^ 2", "-(2 ^ 2)", "(-2)::text", "- id", "-(id IS NULL)::int", "(~ 5) & 3", "~ (5 & 3)",
      "|/ 16.0",
      // operator precedence mixes
      "(1 + 2) * 3", "1 - (2 - 3)", "2 ^ (3 ^ 2)", "(2 ^ 3) ^ 2", "(1 = 1) = (2 = 2)", "(1 < 2) IS TRUE",
      "('1' || '2')::int + 1", "'a' || (1 = 1)::text", "(NOT false)::int", "(1 = ANY (ARRAY[1])) = true",
      "EXISTS (SELECT 1) = true", "'abc' IS NORMALIZED", "('abc' IS NORMALIZED) = true", "COALESCE(NULL, 1) + 1",
      "NULLIF(1, 2) * 2", "(id)::text || 'x'", "id::text::int", "(id + 1)::text",
      // casts the deparser prints in another form
      "'t'::boolean", "'f'::boolean AND true", "point '(1,2)'", "'a'::char",
  };
  return kExpressions;
}

// `text` with every "(E)" replaced by "(<e>)", and every "(K," by "(<k>," (a number for a key).
inline std::string with_expression(std::string text, const std::string& e, int k = 0) {
  const auto replace_all = [&](const std::string& hole, const std::string& with) {
    for (size_t at = text.find(hole); at != std::string::npos; at = text.find(hole, at + with.size()))
      text.replace(at, hole.size(), with);
  };
  replace_all("(E)", "(" + e + ")");
  replace_all("(K,", "(" + std::to_string(k) + ",");
  return text;
}

}  // namespace switchyard::rewrite::testing

// may_be_volatile over a catalog built here: functions, operators and casts looked up by name
// and count as pg_proc/pg_operator give them; unknown means volatile.
#include <gtest/gtest.h>

#include "rewrite/pg/expr.h"
#include "rewrite/pg/node_builder.h"
#include "tests/rewrite/pg/volatility_fixture.h"

namespace switchyard::rewrite::pg {
namespace {

using V = Volatility;

bool volatile_expr(const std::string& text, const VolatilityCatalog& c) {
  auto parsed = parse_expression(text);
  EXPECT_TRUE(parsed) << text;
  return !parsed || may_be_volatile(parsed.value().get(), c);
}

TEST(VolatilityCatalog, OverloadsTakeTheWorstThatAcceptsTheCount) {
  VolatilityCatalog c;
  c.add_function("pg_catalog", "date_part", 2, 2, V::kImmutable);
  c.add_function("pg_catalog", "date_part", 2, 2, V::kStable);
  c.add_function("pg_catalog", "f", 1, 1, V::kImmutable);
  c.add_function("pg_catalog", "f", 2, 2, V::kVolatile);
  c.add_function("pg_catalog", "concat", 1, -1, V::kStable);
  EXPECT_EQ(c.function("", "date_part", 2), V::kStable);
  EXPECT_EQ(c.function("", "f", 1), V::kImmutable);
  EXPECT_EQ(c.function("", "f", 2), V::kVolatile);
  EXPECT_EQ(c.function("", "f", 3), V::kVolatile);  // no such overload
  EXPECT_EQ(c.function("", "concat", 7), V::kStable);
  EXPECT_EQ(c.function("", "concat", 0), V::kVolatile);
  EXPECT_EQ(c.function("", "nosuch", 0), V::kVolatile);
}

TEST(VolatilityCatalog, UnqualifiedNamesTakeTheWorstOverEverySchema) {
  VolatilityCatalog c;
  c.add_function("pg_catalog", "lower", 1, 1, V::kImmutable);
  c.add_function("app", "lower", 1, 1, V::kVolatile);  // a search_path may put app first
  EXPECT_EQ(c.function("", "lower", 1), V::kVolatile);
  EXPECT_EQ(c.function("pg_catalog", "lower", 1), V::kImmutable);
  EXPECT_EQ(c.function("other", "lower", 1), V::kVolatile);
  c.add_operator("app", "===", 2, V::kImmutable);
  EXPECT_EQ(c.op("", "===", 2), V::kImmutable);
  EXPECT_EQ(c.op("", "===", 1), V::kVolatile);
  EXPECT_EQ(c.op("pg_catalog", "===", 2), V::kVolatile);
}

TEST(MayBeVolatile, BuiltInsByTheirDeclaredVolatility) {
  const VolatilityCatalog c = testing::builtin_volatility();
  struct Case {
    const char* expr;
    bool is_volatile;
  };
  const Case cases[] = {
      {"'x'", false},
      {"$1", false},
      {"upper($1)", false},
      {"chr(65)", false},
      {"extract(year FROM now())", false},
      {"overlay('abcdef' placing 'X' from 2 for 1)", false},
      {"'ab_c' LIKE 'ab#_c' ESCAPE '#'", false},
      {"'abc' SIMILAR TO 'a%'", false},
      {"'abc' SIMILAR TO 'a#%' ESCAPE '#'", false},
      {"timestamp '2024-01-02 03:04' AT TIME ZONE 'UTC'", false},
      {"quote_ident('a b') || quote_literal('x')", false},
      {"to_hex(255)", false},
      {"encode(convert_to('x', 'UTF8'), 'hex')", false},
      {"ascii('A')", false},
      {"(ARRAY['a','b'])[2]", false},
      {"array_to_string(ARRAY['a','b'], ',')", false},
      {"trim(both 'x' from 'xax')", false},
      {"position('b' in 'abc')", false},
      {"substring('abc' from 2 for 1)", false},
      {"1 BETWEEN 0 AND 2", false},
      {"$1::text", false},
      {"now()::date", false},
      {"CASE WHEN $1 > 0 THEN 'a' ELSE 'b' END", false},
      {"pg_catalog.upper('a')", false},
      {"random()", true},
      {"nextval('s')", true},
      {"gen_random_uuid()", true},
      {"upper(random()::text)", true},
      {"my_function(1)", true},            // unknown
      {"app.upper('a')", true},            // another schema: unknown there
      {"1 === 2", true},                   // unknown operator
      {"'x'::mood", true},                 // unknown type
      {"(SELECT 1)", false},               // a sub-query is volatile iff something in it is
      {"(SELECT random())", true},
  };
  for (const Case& k : cases) EXPECT_EQ(volatile_expr(k.expr, c), k.is_volatile) << k.expr;
}

TEST(MayBeVolatile, UserFunctionsByWhatTheCatalogSays) {
  VolatilityCatalog c = testing::builtin_volatility();
  c.add_function("public", "slugify", 1, 1, V::kImmutable);
  c.add_function("public", "pick", 0, 0, V::kVolatile);
  c.add_cast_target("public", "mood", V::kStable);
  EXPECT_FALSE(volatile_expr("slugify($1)", c));
  EXPECT_FALSE(volatile_expr("public.slugify($1)", c));
  EXPECT_TRUE(volatile_expr("slugify($1, 2)", c));
  EXPECT_TRUE(volatile_expr("pick()", c));
  EXPECT_FALSE(volatile_expr("'happy'::mood", c));
  EXPECT_FALSE(volatile_expr("'happy'::public.mood", c));
  EXPECT_FALSE(volatile_expr("ARRAY['happy']::mood[]", c));
}

TEST(MayBeVolatile, AnEmptyCatalogKnowsNothing) {
  const VolatilityCatalog none;
  EXPECT_FALSE(volatile_expr("'x'", none));
  EXPECT_FALSE(volatile_expr("$1", none));
  EXPECT_TRUE(volatile_expr("upper('x')", none));
  EXPECT_TRUE(volatile_expr("1 + 1", none));
}

}  // namespace
}  // namespace switchyard::rewrite::pg

// A hand-built VolatilityCatalog with the pg_catalog functions, operators and casts the rewriter
// tests use, each as PostgreSQL 15 declares it (provolatile; worst over overloads), so that
// tests without a database see what the proxy loads from pg_proc.
#pragma once

#include "rewrite/volatility.h"

namespace switchyard::rewrite::testing {

inline VolatilityCatalog builtin_volatility() {
  constexpr auto i = Volatility::kImmutable;
  constexpr auto s = Volatility::kStable;
  constexpr auto v = Volatility::kVolatile;
  VolatilityCatalog c;
  struct F {
    const char* name;
    int min, max;
    Volatility vol;
  };
  const F functions[] = {
      {"upper", 1, 1, i},        {"lower", 1, 1, i},          {"length", 1, 2, s},         {"md5", 1, 1, i},
      {"split_part", 3, 3, i},   {"concat", 1, -1, s},        {"btrim", 1, 2, i},          {"ltrim", 1, 2, i},
      {"rtrim", 1, 2, i},        {"substring", 2, 3, i},      {"substr", 2, 3, i},         {"position", 2, 2, i},
      {"overlay", 3, 4, i},      {"chr", 1, 1, i},            {"ascii", 1, 1, i},          {"to_hex", 1, 1, i},
      {"quote_ident", 1, 1, i},  {"quote_literal", 1, 1, s},  {"encode", 2, 2, i},         {"convert_to", 2, 2, s},
      {"extract", 2, 2, s},      {"date_part", 2, 2, s},      {"timezone", 2, 2, s},       {"like_escape", 2, 2, i},
      {"similar_to_escape", 1, 2, i}, {"array_to_string", 2, 3, s}, {"to_char", 2, 2, s}, {"date_trunc", 2, 3, s},
      {"now", 0, 0, s},          {"statement_timestamp", 0, 0, s}, {"coalesce", 1, -1, i}, {"int4", 1, 1, i},
      {"text", 1, 1, s},         {"count", 0, 1, i},          {"sum", 1, 1, i},            {"max", 1, 1, i},
      {"random", 0, 0, v},       {"nextval", 1, 1, v},        {"gen_random_uuid", 0, 0, v}, {"clock_timestamp", 0, 0, v},
      {"timeofday", 0, 0, v},    {"setseed", 1, 1, v},        {"round", 1, 2, i},          {"abs", 1, 1, i},
  };
  for (const F& f : functions) c.add_function("pg_catalog", f.name, f.min, f.max, f.vol);
  struct O {
    const char* name;
    int operands;
    Volatility vol;
  };
  const O operators[] = {{"=", 2, s},  {"<>", 2, s}, {"<", 2, s},  {">", 2, s},   {"<=", 2, s},  {">=", 2, s},
                         {"+", 2, s},  {"+", 1, i},  {"-", 2, s},  {"-", 1, i},   {"*", 2, i},   {"/", 2, i},
                         {"%", 2, i},  {"||", 2, s}, {"~~", 2, i}, {"!~~", 2, i}, {"~~*", 2, i}, {"~", 2, i},
                         {"!~", 2, i}, {"->", 2, i}, {"->>", 2, i}, {"@>", 2, i}};
  for (const O& o : operators) c.add_operator("pg_catalog", o.name, o.operands, o.vol);
  struct T {
    const char* name;
    Volatility vol;
  };
  const T types[] = {{"text", s},   {"varchar", s}, {"bpchar", s},  {"int2", i},      {"int4", i},    {"int8", i},
                     {"bool", i},   {"numeric", s}, {"float4", i},  {"float8", i},    {"date", s},    {"timestamp", s},
                     {"timestamptz", s}, {"interval", s}, {"uuid", i}, {"json", i},   {"jsonb", i},   {"bytea", i},
                     {"char", i},   {"regclass", s}};
  for (const T& t : types) c.add_cast_target("pg_catalog", t.name, t.vol);
  return c;
}

}  // namespace switchyard::rewrite::testing

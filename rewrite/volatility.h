// What the rewriter knows of the server's functions, operators and casts: their volatility, as
// pg_proc.provolatile gives it, read over the control connection at start and at every reload
// (proxy/routine_catalog.cpp). Plain data; lookups only. The rewriter uses it to decide whether a
// written value may be evaluated twice (rewrite/pg/expr.h).
//
// Names are matched as the statement spells them. A schema-qualified name looks in that schema
// only; an unqualified one takes the worst over every schema, because the session's search_path
// is not known to the rewriter (and may be changed by the session at any time): a function or
// operator that some schema makes volatile counts as volatile everywhere. Overloads are told
// apart by argument count only (types are not known before planning), so the worst overload
// that accepts the count wins. Anything not found is volatile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace switchyard::rewrite {

// In PostgreSQL's order, from safest to least safe.
enum class Volatility : uint8_t { kImmutable, kStable, kVolatile };
// 'i', 's' or 'v' (provolatile); anything else is volatile.
Volatility volatility_from_code(char provolatile);
inline Volatility worst(Volatility a, Volatility b) { return a > b ? a : b; }

class VolatilityCatalog {
 public:
  // A function or procedure in `schema` taking `min_args` .. `max_args` arguments (max_args < 0:
  // variadic, no upper bound).
  void add_function(std::string schema, std::string name, int min_args, int max_args, Volatility v);
  // An operator with `operands` operands (1: prefix, 2: infix) whose function has volatility `v`.
  void add_operator(std::string schema, std::string name, int operands, Volatility v);
  // A cast into type `schema.name` (pg_type.typname): the worst of its input function and of
  // every cast into it (the cast functions, and the output functions behind I/O casts).
  void add_cast_target(std::string schema, std::string name, Volatility v);

  // `schema` empty: unqualified. Unknown (no overload takes `args` arguments): kVolatile.
  Volatility function(std::string_view schema, std::string_view name, size_t args) const;
  Volatility op(std::string_view schema, std::string_view name, int operands) const;
  // A cast to `name` (`array`: to an array of it, which also goes through array_in, stable).
  Volatility cast(std::string_view schema, std::string_view name, bool array) const;

  size_t function_count() const { return functions_.size(); }
  bool empty() const { return functions_.empty() && operators_.empty() && casts_.empty(); }

 private:
  struct Entry {
    std::string schema;
    int min = 0;
    int max = 0;
    Volatility v = Volatility::kVolatile;
  };
  using Table = std::unordered_map<std::string, std::vector<Entry>>;
  static Volatility lookup(const Table& t, std::string_view schema, std::string_view name, int count);
  Table functions_;
  Table operators_;
  Table casts_;
};

}  // namespace switchyard::rewrite

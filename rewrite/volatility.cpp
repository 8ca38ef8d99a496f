// Volatility lookups by name and argument count; see volatility.h.
#include "rewrite/volatility.h"

namespace switchyard::rewrite {

Volatility volatility_from_code(char provolatile) {
  if (provolatile == 'i') return Volatility::kImmutable;
  if (provolatile == 's') return Volatility::kStable;
  return Volatility::kVolatile;
}

void VolatilityCatalog::add_function(std::string schema, std::string name, int min_args, int max_args, Volatility v) {
  functions_[std::move(name)].push_back({std::move(schema), min_args, max_args, v});
}

void VolatilityCatalog::add_operator(std::string schema, std::string name, int operands, Volatility v) {
  operators_[std::move(name)].push_back({std::move(schema), operands, operands, v});
}

void VolatilityCatalog::add_cast_target(std::string schema, std::string name, Volatility v) {
  casts_[std::move(name)].push_back({std::move(schema), 0, 0, v});
}

Volatility VolatilityCatalog::lookup(const Table& t, std::string_view schema, std::string_view name, int count) {
  const auto it = t.find(std::string(name));
  if (it == t.end()) return Volatility::kVolatile;
  bool found = false;
  Volatility out = Volatility::kImmutable;
  for (const Entry& e : it->second) {
    if (!schema.empty() && e.schema != schema) continue;
    if (count < e.min || (e.max >= 0 && count > e.max)) continue;
    found = true;
    out = worst(out, e.v);
  }
  return found ? out : Volatility::kVolatile;
}

Volatility VolatilityCatalog::function(std::string_view schema, std::string_view name, size_t args) const {
  return lookup(functions_, schema, name, static_cast<int>(args));
}

Volatility VolatilityCatalog::op(std::string_view schema, std::string_view name, int operands) const {
  return lookup(operators_, schema, name, operands);
}

Volatility VolatilityCatalog::cast(std::string_view schema, std::string_view name, bool array) const {
  const Volatility v = lookup(casts_, schema, name, 0);
  return array ? worst(v, Volatility::kStable) : v;
}

}  // namespace switchyard::rewrite

// Checking a configuration's up/down expressions with the SQL parser; see config_check.h.
#include "rewrite/pg/config_check.h"

#include "rewrite/pg/expression_text.h"

namespace switchyard::rewrite::pg {
namespace {

std::optional<std::string> normalise(config::ColumnMap& map) {
  auto canonical = canonical_expression(map.expr);
  if (canonical.ok()) {
    map.expr = std::move(canonical.value());
    return std::nullopt;
  }
  const PgError& e = canonical.error();
  std::string problem = "\"" + map.expr + "\" is not exactly one SQL expression: " + e.message;
  if (e.cursor_position > 0) problem += " (at character " + std::to_string(e.cursor_position) + ")";
  return problem;
}

}  // namespace

std::optional<config::ConfigError> parse_expressions(config::Config& config, const std::string& file) {
  for (auto& m : config.migrations) {
    for (auto* maps : {&m.up, &m.down}) {
      for (auto& map : *maps) {
        if (auto problem = normalise(map))
          return config::ConfigError{file, map.line > 0 ? map.line : m.line, map.key, "migration " + m.name + ": " + *problem};
      }
    }
  }
  return std::nullopt;
}

}  // namespace switchyard::rewrite::pg

// Checking a configuration's up/down expressions with the MySQL parser; see config_check.h.
#include "rewrite/mysql/config_check.h"

#include "rewrite/mysql/column_mapping.h"

namespace switchyard::rewrite::mysql {

std::optional<config::ConfigError> parse_expressions(const config::Config& config, const std::string& file) {
  for (const auto& m : config.migrations) {
    // A rename's expressions are the other column's name, written by config/ itself.
    if (m.kind == config::MigrationKind::kRenameColumn) continue;
    for (const auto* maps : {&m.up, &m.down}) {
      for (const auto& map : *maps) {
        std::string error;
        if (!MappedExpr::parse(map.expr, LexicalSettings{}, error))
          return config::ConfigError{file, map.line > 0 ? map.line : m.line, map.key, "migration " + m.name + ": " + error};
      }
    }
  }
  return std::nullopt;
}

}  // namespace switchyard::rewrite::mysql

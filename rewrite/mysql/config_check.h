// The SQL half of checking a configuration under protocol: mysql, as rewrite/pg/config_check.h
// is for PostgreSQL: each up/down expression must be exactly one MySQL expression (read with
// the default sql_mode). The text is kept as written (MySQL has no deparser to respell it):
// everything downstream splices only the parsed expression's own range (column_mapping.h), so
// a comment or a closing parenthesis cannot reach a statement.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"

namespace switchyard::rewrite::mysql {

// The first expression that is not exactly one MySQL expression, as FILE:LINE: KEY: migration
// NAME: problem; nullopt if all are.
std::optional<config::ConfigError> parse_expressions(const config::Config& config, const std::string& file);

}  // namespace switchyard::rewrite::mysql

// The SQL half of checking a configuration: config/ reads the YAML and knows no SQL, so every
// program that loads a config (the proxy at start-up, on reload and for --check-config, and the
// job commands) passes it through parse_expressions before using it (proxy::load_config does
// both).
//
// Each up/down expression must be exactly one SQL expression. Text that closes a parenthesis
// ("a) , (1", "a) FROM t UNION ALL SELECT (1", "a) FROM t; --") is refused here, so it never
// reaches the load-time check over the live schema, a rewritten write or a backfill's UPDATE.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"

namespace switchyard::rewrite::pg {

// Parses each up/down expression of `config`'s migrations as exactly one SQL expression
// (canonical_expression, expr.h) and replaces its text by the expression deparsed from its
// parse tree, so everything downstream builds SQL from the tree, never from the config text.
// Returns the first problem as a ConfigError: FILE:LINE: KEY: migration NAME: problem, with
// `file` as given. On error `config` is left partly normalised: do not use it.
std::optional<config::ConfigError> parse_expressions(config::Config& config, const std::string& file);

}  // namespace switchyard::rewrite::pg

// Loading a config file the one way every program does (the proxy at start-up and reload, the
// jobs' command line): config::load_config_file, then the SQL checks of the config's dialect:
// rewrite::pg::parse_expressions (each up/down is exactly one expression, respelt from its
// parse tree) or rewrite::mysql::parse_expressions (exactly one MySQL expression). Errors are FILE:LINE: KEY: message. Reads the file; no database access.
#pragma once

#include <string>

#include "config/config.h"

namespace switchyard::catalog {

config::LoadResult load_config(const std::string& path);

}  // namespace switchyard::catalog

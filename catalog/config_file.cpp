// Loading a config file; see config_file.h.
#include "catalog/config_file.h"

#include "rewrite/mysql/config_check.h"
#include "rewrite/pg/config_check.h"

namespace switchyard::catalog {

config::LoadResult load_config(const std::string& path) {
  config::LoadResult loaded = config::load_config_file(path);
  if (!loaded) return loaded;
  // Each dialect reads its own expressions.
  auto error = loaded.config->protocol == config::Protocol::kMysql ? rewrite::mysql::parse_expressions(*loaded.config, path)
                                                                   : rewrite::pg::parse_expressions(*loaded.config, path);
  if (error) {
    loaded.config.reset();
    loaded.error = std::move(*error);
  }
  return loaded;
}

}  // namespace switchyard::catalog

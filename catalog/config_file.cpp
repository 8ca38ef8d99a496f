// Loading a config file; see config_file.h.
#include "catalog/config_file.h"

#include "rewrite/pg/config_check.h"

namespace switchyard::catalog {

config::LoadResult load_config(const std::string& path) {
  config::LoadResult loaded = config::load_config_file(path);
  if (!loaded) return loaded;
  if (auto error = rewrite::pg::parse_expressions(*loaded.config, path)) {
    loaded.config.reset();
    loaded.error = std::move(*error);
  }
  return loaded;
}

}  // namespace switchyard::catalog

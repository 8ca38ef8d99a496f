// switchyard's command line: run the proxy, or check a config file.
//   switchyard --config FILE        run
//   switchyard --check-config FILE  exit 0 if FILE is valid, else 1 with FILE:LINE: KEY: message;
//                                   migrations are checked against the live schema over `control`
#include <cstdio>
#include <cstring>
#include <spdlog/spdlog.h>
#include <string>

#include "config/config.h"
#include "proxy/logging.h"
#include "proxy/schema_loader.h"
#include "proxy/server.h"

namespace {

void usage(FILE* to) {
  std::fprintf(to,
               "usage: switchyard --config FILE        run the proxy\n"
               "       switchyard --check-config FILE  validate FILE and exit\n"
               "       switchyard --version\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace switchyard;
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--config" || arg == "--check-config") && i + 1 < argc) {
      check_only = arg == "--check-config";
      config_path = argv[++i];
    } else if (arg == "--version") {
      std::printf("switchyard %s\n", SWITCHYARD_VERSION);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "switchyard: unknown argument '%s'\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (config_path.empty()) {
    usage(stderr);
    return 2;
  }

  auto loaded = config::load_config_file(config_path);
  if (!loaded) {
    std::fprintf(stderr, "switchyard: invalid config: %s\n", loaded.error.to_string().c_str());
    return 1;
  }
  auto schema = proxy::load_schema(*loaded.config);
  if (!schema.ok) {
    std::fprintf(stderr, "switchyard: invalid config: %s: %s\n", config_path.c_str(), schema.error.c_str());
    return 1;
  }
  if (check_only) {
    std::printf("%s: ok (%zu migrations)\n", config_path.c_str(), loaded.config->migrations.size());
    return 0;
  }

  proxy::setup_logging(loaded.config->log);
  auto generation = std::make_shared<proxy::Generation>();
  generation->config = std::move(*loaded.config);
  generation->prefilter = rewrite::Prefilter(schema.catalog.relation_names());
  generation->catalog = std::move(schema.catalog);
  for (const auto& m : generation->catalog.migrations)
    spdlog::info("migration {}: {} {} -> {}, phase {}", m.spec.name, config::to_string(m.spec.kind),
                 m.spec.old_table.to_string(), m.spec.new_table.to_string(), config::to_string(m.spec.phase));
  proxy::Server server(std::move(generation));
  if (!server.bind()) return 1;
  return server.run();
}

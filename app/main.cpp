// switchyard's command line: run the proxy, check a config file, run a job, or show a running
// proxy's status (proxy/status_command.h).
//   switchyard --config FILE        run
//   switchyard --check-config FILE  exit 0 if FILE is valid, else 1 with FILE:LINE: KEY: message;
//                                   migrations are checked against the live schema over `control`
#include <malloc.h>
#include <cstdio>
#include <cstring>
#include <spdlog/spdlog.h>
#include <string>

#include "config/config.h"
#include "jobs/admin_jobs.h"
#include "jobs/cli.h"
#include "proxy/fd_limit.h"
#include "proxy/logging.h"
#include "proxy/generation.h"
#include "proxy/server.h"
#include "proxy/shadow.h"
#include "proxy/status_command.h"
#include "proxy/upstream_tls_probe.h"

namespace {

void usage(FILE* to) {
  std::fprintf(to,
               "usage: switchyard --config FILE        run the proxy\n"
               "       switchyard --check-config FILE  validate FILE and exit\n"
               "       switchyard --version\n"
               "       switchyard backfill|verify|expand|contract --config FILE MIGRATION ...  (docs/backfill.md)\n"
               "       switchyard status --config FILE [--once] [--interval SECONDS]  the admin server's picture\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace switchyard;
  // Memory given back when a large message is done with: glibc raises its mmap threshold after
  // the first large free, so later large buffers (an assembled 16 MiB Query) come from arenas
  // that are never returned to the system. A fixed threshold keeps every buffer of 128 KiB or
  // more in its own mapping, unmapped when freed (docs/config.md, "The memory model").
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  // backfill | verify | expand | contract: jobs/cli.h.
  if (argc > 1 && jobs::is_job_command(argv[1])) return jobs::run_job_command(argc, argv);
  if (argc > 1 && proxy::is_status_command(argv[1])) return proxy::run_status_command(argc, argv);
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

  auto built = proxy::build_generation(config_path, 1);
  if (!built.generation) {
    std::fprintf(stderr, "switchyard: invalid config: %s\n", built.error.c_str());
    return 1;
  }
  auto& generation = built.generation;
  if (check_only) {
    std::printf("%s: ok (%zu migrations)\n", config_path.c_str(), generation->config.migrations.size());
    return 0;
  }

  proxy::setup_logging(generation->config.log);
  proxy::raise_fd_limit(generation->config.limits.max_client_connections);
  proxy::log_migrations(*generation);
  const config::Config startup_config = generation->config;
  // The plaintext probe speaks libpq: PostgreSQL only.
  const bool postgres = startup_config.protocol == config::Protocol::kPostgres;
  if (const auto warning = postgres ? proxy::plaintext_refused_warning(startup_config) : std::string(); !warning.empty())
    spdlog::warn("{}", warning);
  proxy::Server server(std::move(generation), config_path);
  if (!server.bind()) return 1;
  // Shadow reads (proxy/shadow.h) run on their own connections over `control`, opened lazily,
  // so the executor costs nothing until a migration samples reads; a reload can turn sampling
  // on. The `control` and `shadow:` settings in force at start-up are the ones it keeps.
  // The executor's backend (libpq or libmariadb) follows `protocol`.
  if (!startup_config.control.empty()) {
    auto shadow = std::make_shared<proxy::ShadowExecutor>(startup_config.shadow, startup_config.control,
                                                          server.shared().metrics, startup_config.protocol);
    std::string error;
    if (!shadow->start(error)) {
      spdlog::error("shadow reads: {}", error);
      return 1;
    }
    server.shared().shadow = std::move(shadow);
  }
  // Backfills and verifies inside the proxy (POST /migrations/NAME/backfill, .../verify), with
  // the config in force.
  auto jobs = std::make_shared<jobs::AdminJobs>([&server] { return server.shared().generation()->config; });
  server.shared().start_job = [jobs](const std::string& kind, const std::string& m) { return jobs->start(kind, m); };
  server.shared().jobs_json = [jobs] { return jobs->status_json(); };
  return server.run();
}

// Parsing and running the job subcommands; see cli.h.
#include "jobs/cli.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "config/config.h"
#include "jobs/backfill.h"
#include "jobs/ddl_runner.h"
#include "jobs/verify.h"
#include "catalog/config_file.h"

namespace switchyard::jobs {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

int usage(const std::string& problem) {
  std::fprintf(stderr,
               "switchyard: %s\n"
               "usage: switchyard backfill --config FILE MIGRATION [--reverse] [--batch-rows N] [--batch-seconds S]\n"
               "                           [--pause-ms N] [--max-latency-ms N] [--max-lag-ms N [--replica HOST:PORT]...]\n"
               "                           [--restart]\n"
               "       switchyard verify   --config FILE MIGRATION [--reverse] [--chunk-rows N] [--samples N] [--restart]\n"
               "       switchyard expand   --config FILE MIGRATION [--dry-run] [--type COLUMN=TYPE]...\n"
               "                           [--lock-timeout-ms N] [--retries N]\n"
               "       switchyard contract --config FILE MIGRATION [--dry-run] [--backup] [--force] [--lock-timeout-ms N]\n"
               "                           [--retries N]\n",
               problem.c_str());
  return 2;
}

struct Args {
  std::string command, config_path, migration;
  BackfillOptions backfill;
  VerifyOptions verify;
  DdlOptions ddl;
};

bool number(const std::string& text, double min, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' && out >= min;
}

// Parses argv[2..]; returns "" or the problem.
std::string parse(int argc, char** argv, Args& a) {
  a.command = argv[1];
  const bool bf = a.command == "backfill", vf = a.command == "verify", ddl = a.command == "expand" || a.command == "contract";
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](double min, double& out) -> std::string {
      if (i + 1 >= argc) return arg + " needs a value";
      if (!number(argv[++i], min, out)) return arg + ": '" + std::string(argv[i]) + "' is not a valid number";
      return "";
    };
    double v = 0;
    std::string problem;
    if (arg == "--config" && i + 1 < argc) a.config_path = argv[++i];
    else if (bf && arg == "--reverse") a.backfill.direction = Direction::kReverse;
    else if (bf && arg == "--restart") a.backfill.restart = true;
    else if (vf && arg == "--restart") a.verify.restart = true;
    else if (vf && arg == "--reverse") a.verify.direction = Direction::kReverse;
    else if (bf && arg == "--batch-rows") problem = value(1, v), a.backfill.batch_rows = static_cast<int64_t>(v);
    else if (bf && arg == "--batch-seconds") problem = value(0.001, v), a.backfill.batch_seconds = v;
    else if (bf && arg == "--pause-ms") problem = value(0, v), a.backfill.pause_ms = static_cast<int>(v);
    else if (bf && arg == "--max-latency-ms") problem = value(0, v), a.backfill.max_latency_ms = static_cast<int>(v);
    else if (bf && arg == "--max-lag-ms") problem = value(0, v), a.backfill.max_lag_ms = static_cast<int>(v);
    else if (bf && arg == "--replica" && i + 1 < argc) a.backfill.replicas.push_back(argv[++i]);
    else if (vf && arg == "--chunk-rows") problem = value(1, v), a.verify.chunk_rows = static_cast<int64_t>(v);
    else if (vf && arg == "--samples") problem = value(0, v), a.verify.samples = static_cast<int>(v);
    else if (ddl && arg == "--dry-run") a.ddl.dry_run = true;
    else if (ddl && arg == "--lock-timeout-ms") problem = value(1, v), a.ddl.lock_timeout_ms = static_cast<int>(v);
    else if (ddl && arg == "--retries") problem = value(0, v), a.ddl.retries = static_cast<int>(v);
    else if (a.command == "contract" && arg == "--backup") a.ddl.backup = true;
    else if (a.command == "contract" && arg == "--force") a.ddl.force = true;
    else if (a.command == "expand" && arg == "--type" && i + 1 < argc) {
      const std::string t = argv[++i];
      const auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == t.size()) return "--type wants COLUMN=TYPE, got '" + t + "'";
      a.ddl.types[t.substr(0, eq)] = t.substr(eq + 1);
    } else if (!arg.empty() && arg[0] != '-' && a.migration.empty()) a.migration = arg;
    else return "unknown argument '" + arg + "' for " + a.command;
    if (!problem.empty()) return problem;
  }
  if (a.config_path.empty()) return a.command + " needs --config FILE";
  if (a.migration.empty()) return a.command + " needs the name of a migration";
  return "";
}

int backfill(const config::Config& config, Args& a) {
  ProgressPrinter printer(stderr);
  a.backfill.on_progress = [&](const ProgressSnapshot& p) { printer.show(p); };
  a.backfill.on_note = [&](const std::string& line) { printer.note(line); };
  BackfillProgress progress;
  BackfillResult r = run_backfill(config, a.migration, a.backfill, progress, g_stop);
  printer.finish(progress.read());
  if (!r.ok && !r.stopped) {
    std::fprintf(stderr, "switchyard backfill %s: %s\n", a.migration.c_str(), r.error.c_str());
    return 1;
  }
  std::printf("backfill %s: %s, %lld rows walked (%lld in this run), %lld rows written\n", a.migration.c_str(),
              r.stopped ? "stopped (resume by running it again)" : "done", static_cast<long long>(r.rows_done),
              static_cast<long long>(r.rows_this_run), static_cast<long long>(r.rows_changed));
  return r.stopped ? 1 : 0;
}

int verify(const config::Config& config, Args& a) {
  ProgressPrinter printer(stderr);
  a.verify.on_progress = [&](const ProgressSnapshot& p) { printer.show(p); };
  a.verify.on_note = [&](const std::string& line) { printer.note(line); };
  ProgressBoard progress;
  VerifyReport r = run_verify(config, a.migration, a.verify, progress, g_stop);
  printer.finish(progress.read());
  std::printf("%s", describe(r, a.migration).c_str());
  return r.clean() ? 0 : 1;
}

}  // namespace

bool is_job_command(const char* command) {
  for (const char* c : {"backfill", "verify", "expand", "contract"})
    if (std::strcmp(command, c) == 0) return true;
  return false;
}

int run_job_command(int argc, char** argv) {
  Args a;
  if (const std::string problem = parse(argc, argv, a); !problem.empty()) return usage(problem);
  auto loaded = catalog::load_config(a.config_path);
  if (!loaded) {
    std::fprintf(stderr, "switchyard: invalid config: %s\n", loaded.error.to_string().c_str());
    return 2;
  }
  if (a.command == "backfill" || a.command == "verify") {
    // Stop after the current batch or chunk; the checkpoint keeps the place.
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
  }
  if (a.command == "backfill") return backfill(*loaded.config, a);
  if (a.command == "verify") return verify(*loaded.config, a);
  if (a.command == "expand") return run_expand(*loaded.config, a.migration, a.ddl, stdout, stderr);
  return run_contract(*loaded.config, a.migration, a.ddl, stdout, stderr);
}

}  // namespace switchyard::jobs

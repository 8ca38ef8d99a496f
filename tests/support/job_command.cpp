// Running switchyard's job subcommands in tests; see job_command.h.
#include "tests/support/job_command.h"

#include "tests/support/migration_proxy.h"
#include "tests/support/proxy_process.h"

namespace switchyard::test_support {

std::unique_ptr<JobConfig> JobConfig::create(const std::string& database, const std::string& migrations_yaml,
                                             std::string& error) {
  std::unique_ptr<JobConfig> out(new JobConfig);
  out->dir_ = TempDir::create("switchyard-job-", error);
  if (!out->dir_) return nullptr;
  out->database_ = database;
  out->path_ = out->dir_->file("switchyard.yaml");
  if (!out->rewrite(migrations_yaml, error)) return nullptr;
  return out;
}

bool JobConfig::rewrite(const std::string& migrations_yaml, std::string& error) {
  return write_file(path_, control_yaml(database_) + migrations_yaml, error);
}

std::vector<std::string> JobConfig::argv(const std::string& command, const std::string& migration,
                                         const std::vector<std::string>& extra) const {
  std::vector<std::string> out = {ProxyProcess::binary_path(), command, "--config", path_, migration};
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

CommandResult JobConfig::run(const std::string& command, const std::string& migration,
                             const std::vector<std::string>& extra, std::chrono::milliseconds timeout) const {
  return run_command(argv(command, migration, extra), timeout);
}

std::unique_ptr<ChildProcess> JobConfig::spawn(const std::string& command, const std::string& migration,
                                               const std::vector<std::string>& extra, const std::string& log_name,
                                               std::string& error) const {
  ChildSpec spec;
  spec.argv = argv(command, migration, extra);
  spec.output_path = dir_->file(log_name);
  return ChildProcess::spawn(spec, error);
}

}  // namespace switchyard::test_support

// Runs switchyard's job subcommands (backfill, verify, expand, contract) as the operator would:
// the real binary, with a config file of its own (the `control:` connection to a test database
// and the given migrations) in a temp directory.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

class JobConfig {
 public:
  // Writes control: (the superuser on `database`, directly) and `migrations_yaml` (a
  // `migrations:` list, verbatim). Null and why in `error`.
  static std::unique_ptr<JobConfig> create(const std::string& database, const std::string& migrations_yaml,
                                           std::string& error);
  const std::string& path() const { return path_; }
  // Replaces the migrations (e.g. to move a migration to another phase).
  bool rewrite(const std::string& migrations_yaml, std::string& error);

  // argv for `switchyard COMMAND --config FILE MIGRATION EXTRA...`.
  std::vector<std::string> argv(const std::string& command, const std::string& migration,
                                const std::vector<std::string>& extra = {}) const;
  // Runs it to completion.
  CommandResult run(const std::string& command, const std::string& migration, const std::vector<std::string>& extra = {},
                    std::chrono::milliseconds timeout = std::chrono::minutes(5)) const;
  // Starts it in the background, stdout and stderr appended to `log_name` in the temp dir.
  std::unique_ptr<ChildProcess> spawn(const std::string& command, const std::string& migration,
                                      const std::vector<std::string>& extra, const std::string& log_name,
                                      std::string& error) const;
  std::string log(const std::string& log_name) const { return read_file(dir_->file(log_name)); }

 private:
  JobConfig() = default;
  std::unique_ptr<TempDir> dir_;
  std::string database_, path_;
};

}  // namespace switchyard::test_support

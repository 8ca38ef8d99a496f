// `switchyard --check-config` checks migrations against the live schema over `control`: a
// migration naming a column the table lacks, or an expression PostgreSQL cannot plan, exits 1
// naming the migration and the column; a migration that matches the schema exits 0, camelCase
// and space-containing names included; an up/down that is not exactly one expression exits 1
// with FILE:LINE: KEY before the schema is read.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/integration_environment.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/text_assertions.h"

namespace switchyard::test_support {
namespace {

constexpr char kDatabase[] = "dual_write_check_config";
// users has not been expanded yet (no display_name); members has.
constexpr char kSchema[] = R"(
  CREATE TABLE users (id int PRIMARY KEY, full_name text);
  CREATE TABLE members (id int PRIMARY KEY, full_name text, display_name text);
  CREATE TABLE "Order Items" (id int PRIMARY KEY, "createdAt" timestamptz, created_at timestamptz, src text,
                              "plainNew" text);
)";

std::string rename_migration(const std::string& table) {
  return "migrations:\n"
         "  - name: " + table + "-display-name\n"
         "    table: " + table + "\n"
         "    rename_column: {from: full_name, to: display_name}\n"
         "    phase: dual_write\n";
}

class DualWriteCheckConfig : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    integration_env().create_fresh_database(kDatabase);
    schema_ready_ = run_direct(kDatabase, kSchema, schema_error_);
  }

  // Writes `migrations_yaml` under a `control:` for the test database and runs --check-config.
  CommandResult check(const std::string& migrations_yaml) {
    std::string error;
    dir_ = TempDir::create("switchyard-check-config-", error);
    if (!dir_) ADD_FAILURE() << error;
    const std::string path = dir_ ? dir_->file("switchyard.yaml") : "/nonexistent";
    if (dir_ && !write_file(path, control_yaml(kDatabase) + migrations_yaml, error)) ADD_FAILURE() << error;
    return run_command({ProxyProcess::binary_path(), "--check-config", path}, 30s);
  }

  static inline bool schema_ready_ = false;
  static inline std::string schema_error_;
  std::unique_ptr<TempDir> dir_;
};

TEST_F(DualWriteCheckConfig, AMigrationNamingAMissingColumnFailsNamingTheMigrationAndTheColumn) {
  ASSERT_TRUE(schema_ready_) << schema_error_;

  const CommandResult result = check(rename_migration("users"));

  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_TRUE(Contains(result.err, "migration users-display-name"));
  EXPECT_TRUE(Contains(result.err, "column display_name does not exist in public.users"));
}

TEST_F(DualWriteCheckConfig, AnExpressionOverAMissingColumnFailsNamingTheMigrationAndTheColumn) {
  ASSERT_TRUE(schema_ready_) << schema_error_;

  const CommandResult result = check(
      "migrations:\n"
      "  - name: members-flag\n"
      "    table: members\n"
      "    add_column: {name: display_name, up: \"upper(fullname)\"}\n"
      "    phase: dual_write\n");

  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_TRUE(Contains(result.err, "migration members-flag"));
  EXPECT_TRUE(Contains(result.err, "fullname"));
}

TEST_F(DualWriteCheckConfig, AMigrationMatchingTheSchemaPasses) {
  ASSERT_TRUE(schema_ready_) << schema_error_;

  const CommandResult result = check(rename_migration("members"));

  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(Contains(result.out, "ok (1 migrations)"));
}

// Names are exact: these renames were refused at load before (createdAt planned as createdat).
TEST_F(DualWriteCheckConfig, RenamesOfNamesThatNeedQuotingPass) {
  ASSERT_TRUE(schema_ready_) << schema_error_;
  for (const char* rename : {"{from: createdAt, to: created_at}", "{from: src, to: plainNew}"}) {
    const CommandResult result = check(std::string("migrations:\n  - name: m\n    table: Order Items\n    rename_column: ") +
                                       rename + "\n    phase: dual_write\n");
    EXPECT_EQ(result.exit_code, 0) << rename << ": " << result.describe();
  }
}

// Text that closes the parenthesis of the old `SELECT (expr) FROM t` check.
TEST_F(DualWriteCheckConfig, AnUpThatIsNotExactlyOneExpressionFailsWithFileLineAndKey) {
  ASSERT_TRUE(schema_ready_) << schema_error_;
  for (const char* up : {"full_name) , (1", "full_name) FROM members UNION ALL SELECT (1", "full_name) FROM members; --"}) {
    const CommandResult result = check(std::string("migrations:\n  - name: members-flag\n    table: members\n"
                                                   "    add_column: {name: display_name, up: '") +
                                       up + "'}\n    phase: dual_write\n");
    EXPECT_EQ(result.exit_code, 1) << up << ": " << result.describe();
    EXPECT_TRUE(Contains(result.err, "switchyard.yaml:5: migrations[0].add_column.up: migration members-flag: \"" +
                                         std::string(up) + "\" is not exactly one SQL expression: syntax error"))
        << result.describe();
  }
}

}  // namespace
}  // namespace switchyard::test_support

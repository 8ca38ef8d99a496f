// expand and contract plans for each kind, as the SQL text --dry-run prints.
#include "jobs/ddl_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/jobs/job_fixtures.h"

namespace switchyard::jobs {
namespace {

using fixtures::sql_of;

DdlFacts users_before_expand() {
  DdlFacts f;
  f.migration = fixtures::users_display_name();
  f.migration.old_rel.columns.pop_back();  // display_name does not exist yet
  f.migration.new_rel = f.migration.old_rel;
  f.old_indexes = {{"users_pkey", true, true, true, "btree", {"id"}},
                   {"users_full_name_idx", false, false, true, "btree", {"full_name"}},
                   {"users_lower_name", false, false, false, "btree", {"full_name"}}};
  f.old_foreign_keys = {{"users_full_name_fkey", {"full_name"}, "\"public\".\"names\"(\"n\")", ""}};
  return f;
}

TEST(DdlPlan, ExpandRenameColumnAddsTheColumnCopiesIndexesAndForeignKeys) {
  const DdlPlan p = plan_expand(users_before_expand());
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), (std::vector<std::string>{
                           "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"display_name\" text",
                           "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_display_name_idx\"",
                           "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_display_name_idx\" ON \"public\".\"users\" "
                           "USING btree (\"display_name\")",
                           "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_display_name_fkey\" FOREIGN KEY "
                           "(\"display_name\") REFERENCES \"public\".\"names\"(\"n\") NOT VALID",
                           "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_display_name_fkey\""}));
  EXPECT_EQ(p.steps[2].concurrent_index, "\"public\".\"users_display_name_idx\"");
  EXPECT_NE(p.steps[0].done_if.find("attname = 'display_name'"), std::string::npos);
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("users_lower_name"), std::string::npos);
}

TEST(DdlPlan, ExpandChangeColumnNeedsAType) {
  DdlFacts f;
  f.migration = fixtures::accounts_include_bool();
  f.migration.old_rel.columns.pop_back();
  f.migration.new_rel = f.migration.old_rel;
  EXPECT_NE(plan_expand(f).error.find("--type include_bool=TYPE"), std::string::npos);
  f.new_types["include_bool"] = "boolean";
  EXPECT_EQ(sql_of(plan_expand(f)),
            std::vector<std::string>{"ALTER TABLE \"public\".\"accounts\" ADD COLUMN IF NOT EXISTS \"include_bool\" boolean"});
}

TEST(DdlPlan, ExpandCopyTableCreatesTheTableWithItsKey) {
  DdlFacts f;
  f.migration = fixtures::account_split();
  f.migration.new_rel = {};
  f.new_types = {{"type", "text"}};
  const DdlPlan p = plan_expand(f);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), std::vector<std::string>{"CREATE TABLE IF NOT EXISTS \"public\".\"account\" (\n"
                                                "  \"id\" integer NOT NULL,\n"
                                                "  \"name\" character varying(191) NOT NULL,\n"
                                                "  \"user_id\" integer NOT NULL,\n"
                                                "  \"type\" text,\n"
                                                "  PRIMARY KEY (\"id\"))"});
}

TEST(DdlPlan, ExpandRenameTableCopiesTheShapeAndForeignKeys) {
  DdlFacts f;
  f.migration.spec.name = "invoices";
  f.migration.spec.kind = config::MigrationKind::kRenameTable;
  f.migration.spec.old_table = {"public", "inovices"};
  f.migration.spec.new_table = {"public", "invoices"};
  f.migration.old_rel = fixtures::relation("inovices", {{"id", "integer", "int4", "", true}}, {"id"});
  f.old_foreign_keys = {{"inovices_customer_fkey", {"customer"}, "customers(id) ON DELETE CASCADE", ""}};
  EXPECT_EQ(sql_of(plan_expand(f)),
            (std::vector<std::string>{
                "CREATE TABLE IF NOT EXISTS \"public\".\"invoices\" (LIKE \"public\".\"inovices\" INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING STORAGE INCLUDING COMMENTS)",
                "ALTER TABLE \"public\".\"invoices\" ADD CONSTRAINT \"inovices_customer_fkey\" FOREIGN KEY (\"customer\") "
                "REFERENCES customers(id) ON DELETE CASCADE NOT VALID",
                "ALTER TABLE \"public\".\"invoices\" VALIDATE CONSTRAINT \"inovices_customer_fkey\""}));
}

// camelCase, keyword, space-containing names: quoted in every step, and a camelCase key found
// as the column it is ("accountId", not accountid).
TEST(DdlPlan, NamesThatNeedQuotingAreQuotedInExpandAndContract) {
  DdlFacts rename;
  rename.migration = fixtures::order_items_created_at();
  rename.migration.old_rel.columns.pop_back();  // created_at does not exist yet
  rename.migration.new_rel = rename.migration.old_rel;
  rename.old_indexes = {{"Order Items_createdAt_idx", false, false, true, "btree", {"createdAt"}}};
  const DdlPlan expand = plan_expand(rename);
  ASSERT_TRUE(expand.error.empty()) << expand.error;
  EXPECT_EQ(sql_of(expand), (std::vector<std::string>{
                                "ALTER TABLE \"public\".\"Order Items\" ADD COLUMN IF NOT EXISTS \"created_at\" timestamp with "
                                "time zone",
                                "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"Order Items_created_at_idx\"",
                                "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Order Items_created_at_idx\" ON \"public\".\"Order "
                                "Items\" USING btree (\"created_at\")"}));

  DdlFacts contract;
  contract.migration = fixtures::order_items_created_at();
  contract.migration.spec.phase = config::Phase::kNewOnly;
  EXPECT_EQ(sql_of(plan_contract(contract, false)),
            (std::vector<std::string>{
                "ALTER TABLE \"public\".\"Order Items\" ADD CONSTRAINT \"Order Items_created_at_not_null\" CHECK "
                "(\"created_at\" IS NOT NULL) NOT VALID",
                "ALTER TABLE \"public\".\"Order Items\" VALIDATE CONSTRAINT \"Order Items_created_at_not_null\"",
                "ALTER TABLE \"public\".\"Order Items\" ALTER COLUMN \"created_at\" SET NOT NULL",
                "ALTER TABLE \"public\".\"Order Items\" DROP CONSTRAINT IF EXISTS \"Order Items_created_at_not_null\"",
                "ALTER TABLE \"public\".\"Order Items\" DROP COLUMN IF EXISTS \"createdAt\""}));

  DdlFacts copy;
  copy.migration = fixtures::old_accounts_copy();
  copy.migration.spec.up.push_back({"order", "\"order\""});
  copy.migration.new_rel = {};
  copy.new_types = {{"Display Name", "text"}};
  const DdlPlan create = plan_expand(copy);
  ASSERT_TRUE(create.error.empty()) << create.error;
  EXPECT_EQ(sql_of(create), std::vector<std::string>{"CREATE TABLE IF NOT EXISTS \"public\".\"NewAccounts\" (\n"
                                                     "  \"accountId\" integer NOT NULL,\n"
                                                     "  \"Display Name\" text,\n"
                                                     "  \"order\" text,\n"
                                                     "  PRIMARY KEY (\"accountId\"))"});
}

TEST(DdlPlan, ExpandRenameColumnCopiesItsChecksGuardedForNullAndContractMakesThemExact) {
  DdlFacts f = users_before_expand();
  f.old_indexes.clear();
  f.old_foreign_keys.clear();
  f.old_checks = {{"users_full_name_check", "(length(full_name) > 0)", {"full_name"}, false},
                  {"users_id_check", "(id > 0)", {"id"}, false},
                  {"users_name_or_id", "((full_name IS NOT NULL) OR (id > 1000))", {"full_name", "id"}, true}};
  const DdlPlan p = plan_expand(f);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(sql_of(p), (std::vector<std::string>{
                           "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"display_name\" text",
                           "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_display_name_check_null_ok\" CHECK "
                           "(\"display_name\" IS NULL OR (length(display_name) > 0)) NOT VALID",
                           "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_name_or_id_display_name_null_ok\" "
                           "CHECK (\"display_name\" IS NULL OR (display_name IS NOT NULL OR id > 1000)) NO INHERIT NOT "
                           "VALID"}));
  EXPECT_NE(p.steps[1].done_if.find("conname = 'users_display_name_check'"), std::string::npos) << p.steps[1].done_if;

  DdlFacts c;
  c.migration = fixtures::users_display_name();
  c.migration.spec.phase = config::Phase::kNewOnly;
  c.old_checks = f.old_checks;
  c.old_checks.push_back({"users_display_name_check_null_ok", "((display_name IS NULL) OR (length(display_name) > 0))",
                          {"display_name"}, false});
  const auto sql = sql_of(plan_contract(c, false));
  ASSERT_EQ(sql.size(), 11u) << ::testing::PrintToString(sql);
  EXPECT_EQ(std::vector<std::string>(sql.begin() + 4, sql.end()),
            (std::vector<std::string>{
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_display_name_check\" CHECK "
                "(length(display_name) > 0) NOT VALID",
                "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_display_name_check\"",
                "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_display_name_check_null_ok\"",
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_name_or_id_display_name\" CHECK "
                "(display_name IS NOT NULL OR id > 1000) NO INHERIT NOT VALID",
                "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_name_or_id_display_name\"",
                "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_name_or_id_display_name_null_ok\"",
                "ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"full_name\""}));

  // One the operator left NOT VALID (its rows never checked) is left NOT VALID over the new column.
  c.old_checks[0].validated = false;
  const DdlPlan left = plan_contract(c, false);
  const auto left_sql = sql_of(left);
  ASSERT_EQ(left_sql.size(), 10u) << ::testing::PrintToString(left_sql);
  EXPECT_EQ(left_sql[5], "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_display_name_check_null_ok\"");
  EXPECT_NE(std::find(left.notes.begin(), left.notes.end(),
                      "CHECK users_display_name_check is left NOT VALID, as the old column's was"),
            left.notes.end());
}

TEST(DdlPlan, ContractIsRefusedBeforeNewOnly) {
  DdlFacts f;
  f.migration = fixtures::users_display_name();
  const DdlPlan p = plan_contract(f, false);
  EXPECT_EQ(p.error, "contract is allowed only in phase new_only; the migration is in phase dual_write (move it to "
                     "new_only first, and keep it there a while)");
  EXPECT_TRUE(p.steps.empty());
}

TEST(DdlPlan, ContractSetsNotNullTheSafeWayThenDropsTheOldColumn) {
  DdlFacts f;
  f.migration = fixtures::users_display_name();
  f.migration.spec.phase = config::Phase::kNewOnly;
  EXPECT_EQ(sql_of(plan_contract(f, true)),
            (std::vector<std::string>{
                "ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_display_name_not_null\" CHECK "
                "(\"display_name\" IS NOT NULL) NOT VALID",
                "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_display_name_not_null\"",
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"display_name\" SET NOT NULL",
                "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_display_name_not_null\"",
                "CREATE SCHEMA IF NOT EXISTS switchyard",
                "CREATE TABLE IF NOT EXISTS switchyard.\"users-display-name_backup\" AS SELECT \"id\", \"full_name\" "
                "FROM \"public\".\"users\"",
                "ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"full_name\""}));
}

TEST(DdlPlan, ContractOfACopyKeepsTheSequenceAndDropsTheOldTable) {
  DdlFacts f;
  f.migration = fixtures::account_split();
  f.migration.spec.phase = config::Phase::kNewOnly;
  f.owned_sequences = {{"legacy_accounts_id_seq", "id"}};
  EXPECT_EQ(sql_of(plan_contract(f, false)),
            (std::vector<std::string>{"ALTER SEQUENCE legacy_accounts_id_seq OWNED BY \"public\".\"account\".\"id\"",
                                      "DROP TABLE IF EXISTS \"public\".\"legacy_accounts\""}));
}

TEST(DdlPlan, ContractRefusesToDropAPrimaryKeyColumn) {
  DdlFacts f;
  f.migration = fixtures::users_display_name();
  f.migration.spec.phase = config::Phase::kNewOnly;
  f.migration.old_rel.primary_key = {"full_name"};
  EXPECT_NE(plan_contract(f, false).error.find("part of the primary key"), std::string::npos);
}

}  // namespace
}  // namespace switchyard::jobs

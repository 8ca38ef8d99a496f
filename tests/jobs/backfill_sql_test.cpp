// The SQL backfill and verify generate for each kind of migration, pinned as text.
#include "jobs/backfill_sql.h"

#include <gtest/gtest.h>

#include "jobs/sql_text.h"
#include "jobs/verify_sql.h"
#include "tests/jobs/job_fixtures.h"

namespace switchyard::jobs {
namespace {

JobSpec spec_of(const rewrite::ResolvedMigration& m, Direction d = Direction::kForward) {
  auto r = make_job_spec(m, d);
  EXPECT_TRUE(r.spec) << r.error;
  return r.spec ? *r.spec : JobSpec{};
}

TEST(BackfillSql, RenameColumnUpdatesOnlyRowsThatDifferWithinTheKeyRange) {
  const JobSpec s = spec_of(fixtures::users_display_name());
  EXPECT_EQ(batch_write(s, true),
            "UPDATE \"public\".\"users\" SET \"display_name\" = (full_name) WHERE ROW(\"id\") > ROW($1::int4) AND "
            "ROW(\"id\") <= ROW($2::int4) AND (\"display_name\"::text IS DISTINCT FROM CAST((full_name) AS text)::text)");
  EXPECT_EQ(batch_write(s, false),
            "UPDATE \"public\".\"users\" SET \"display_name\" = (full_name) WHERE ROW(\"id\") <= ROW($1::int4) AND "
            "(\"display_name\"::text IS DISTINCT FROM CAST((full_name) AS text)::text)");
}

TEST(BackfillSql, ChangeColumnComparesThroughTheTargetType) {
  const JobSpec s = spec_of(fixtures::accounts_include_bool());
  EXPECT_EQ(s.key, std::vector<std::string>{"aid"});
  EXPECT_EQ(batch_write(s, true),
            "UPDATE \"public\".\"accounts\" SET \"include_bool\" = (CASE WHEN include = 'X' THEN true ELSE false END) "
            "WHERE ROW(\"aid\") > ROW($1::int4) AND ROW(\"aid\") <= ROW($2::int4) AND (\"include_bool\"::text IS "
            "DISTINCT FROM CAST((CASE WHEN include = 'X' THEN true ELSE false END) AS boolean)::text)");
}

TEST(BackfillSql, ReverseFillsTheOldColumnThroughDown) {
  const JobSpec s = spec_of(fixtures::accounts_include_bool(), Direction::kReverse);
  EXPECT_EQ(batch_write(s, false),
            "UPDATE \"public\".\"accounts\" SET \"include\" = (CASE WHEN include_bool THEN 'X' ELSE '' END) WHERE "
            "ROW(\"aid\") <= ROW($1::int4) AND (\"include\"::text IS DISTINCT FROM CAST((CASE WHEN include_bool THEN "
            "'X' ELSE '' END) AS character(1))::text)");
}

TEST(BackfillSql, CopyTableUpsertsUnderShareLocksAndSkipsRowsAlreadyRight) {
  const JobSpec s = spec_of(fixtures::account_split());
  EXPECT_EQ(s.column_names(), (std::vector<std::string>{"id", "name", "user_id", "type"}));
  EXPECT_EQ(batch_write(s, true),
            "INSERT INTO \"public\".\"account\" AS dst (\"id\", \"name\", \"user_id\", \"type\") SELECT (id), (name), "
            "(user_id), (CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN "
            "'LIABILITY' END) FROM \"public\".\"legacy_accounts\" WHERE ROW(\"id\") > ROW($1::int4) AND ROW(\"id\") <= "
            "ROW($2::int4) ORDER BY \"id\" FOR SHARE ON CONFLICT (\"id\") DO UPDATE SET \"name\" = EXCLUDED.\"name\", "
            "\"user_id\" = EXCLUDED.\"user_id\", \"type\" = EXCLUDED.\"type\" WHERE ROW(dst.\"name\", dst.\"user_id\", "
            "dst.\"type\")::text IS DISTINCT FROM ROW(EXCLUDED.\"name\", EXCLUDED.\"user_id\", EXCLUDED.\"type\")::text");
}

TEST(BackfillSql, ReverseCopyTableUsesDownAndSameNamedColumns) {
  const JobSpec s = spec_of(fixtures::account_split(), Direction::kReverse);
  EXPECT_EQ(s.source.name, "account");
  EXPECT_EQ(s.target.name, "legacy_accounts");
  EXPECT_EQ(s.column_names(), (std::vector<std::string>{"id", "accttype", "name", "user_id"}));
  EXPECT_EQ(s.columns[1].expr, "CASE type WHEN 'LIABILITY' THEN 'CREDITLINE' ELSE 'CHECKING' END");
  EXPECT_EQ(s.columns[2].expr, "\"name\"");
}

TEST(BackfillSql, RenameTableCopiesEveryColumn) {
  rewrite::ResolvedMigration m;
  m.spec.name = "invoices";
  m.spec.kind = config::MigrationKind::kRenameTable;
  m.spec.old_table = {"public", "inovices"};
  m.spec.new_table = {"public", "invoices"};
  m.spec.all_columns = true;
  m.old_rel = fixtures::relation("inovices", {{"id", "integer", "int4", "", true}, {"amount", "numeric", "numeric", "", false}},
                                 {"id"});
  m.new_rel = fixtures::relation("invoices", {{"id", "integer", "int4", "", true}, {"amount", "numeric", "numeric", "", false}},
                                 {"id"});
  const JobSpec s = spec_of(m);
  EXPECT_EQ(s.column_names(), (std::vector<std::string>{"id", "amount"}));
  EXPECT_EQ(orphan_sweep(s, true),
            "DELETE FROM \"public\".\"invoices\" AS dst WHERE ROW(dst.\"id\") > ROW($1::int4) AND ROW(dst.\"id\") <= "
            "ROW($2::int4) AND NOT EXISTS (SELECT 1 FROM \"public\".\"inovices\" AS src WHERE ROW(src.\"id\") = "
            "ROW(dst.\"id\"))");
}

// Every name the config gives is quoted wherever a job writes SQL; an expression is its parse
// tree deparsed, never the config text.
TEST(BackfillSql, NamesThatNeedQuotingAreQuotedEverywhere) {
  const JobSpec rename = spec_of(fixtures::order_items_created_at());
  EXPECT_EQ(batch_write(rename, true),
            "UPDATE \"public\".\"Order Items\" SET \"created_at\" = (\"createdAt\") WHERE ROW(\"id\") > ROW($1::int4) AND "
            "ROW(\"id\") <= ROW($2::int4) AND (\"created_at\"::text IS DISTINCT FROM CAST((\"createdAt\") AS timestamp with "
            "time zone)::text)");
  const JobSpec reverse = spec_of(fixtures::order_items_created_at(), Direction::kReverse);
  EXPECT_EQ(reverse.columns[0].name, "createdAt");
  EXPECT_EQ(reverse.columns[0].expr, "created_at");

  const JobSpec change = spec_of(fixtures::user_order_no());
  EXPECT_EQ(change.key, std::vector<std::string>{"userId"});
  EXPECT_EQ(batch_write(change, false),
            "UPDATE \"public\".\"user\" SET \"order\"\"no\" = (\"order\"::int4) WHERE ROW(\"userId\") <= ROW($1::int4) AND "
            "(\"order\"\"no\"::text IS DISTINCT FROM CAST((\"order\"::int4) AS integer)::text)");
  EXPECT_EQ(page_end(change, change.source, true),
            "SELECT count(*) OVER (), \"userId\"::text FROM (SELECT \"userId\" FROM \"public\".\"user\" WHERE ROW(\"userId\") "
            "> ROW($1::int4) ORDER BY \"userId\" LIMIT $2::int8) page ORDER BY page.\"userId\" DESC LIMIT 1");
  EXPECT_EQ(spec_of(fixtures::user_order_no(), Direction::kReverse).columns[0].expr, "\"order\"\"no\"::text");

  const JobSpec copy = spec_of(fixtures::old_accounts_copy());
  EXPECT_EQ(copy.column_names(), (std::vector<std::string>{"accountId", "Display Name", "order"}));
  EXPECT_EQ(batch_write(copy, false),
            "INSERT INTO \"public\".\"NewAccounts\" AS dst (\"accountId\", \"Display Name\", \"order\") SELECT "
            "(\"accountId\"), ((\"firstName\" || ' ') || \"lastName\"), (\"order\") FROM \"public\".\"Old Accounts\" WHERE "
            "ROW(\"accountId\") <= ROW($1::int4) ORDER BY \"accountId\" FOR SHARE ON CONFLICT (\"accountId\") DO UPDATE SET "
            "\"Display Name\" = EXCLUDED.\"Display Name\", \"order\" = EXCLUDED.\"order\" WHERE ROW(dst.\"Display Name\", "
            "dst.\"order\")::text IS DISTINCT FROM ROW(EXCLUDED.\"Display Name\", EXCLUDED.\"order\")::text");
  EXPECT_EQ(orphan_sweep(copy, false),
            "DELETE FROM \"public\".\"NewAccounts\" AS dst WHERE ROW(dst.\"accountId\") <= ROW($1::int4) AND NOT EXISTS "
            "(SELECT 1 FROM \"public\".\"Old Accounts\" AS src WHERE ROW(src.\"accountId\") = ROW(dst.\"accountId\"))");
  const std::string diff = two_table_chunk_diff(copy, true, false);
  EXPECT_NE(diff.find("SELECT ROW(\"accountId\")::text AS k, ROW(CAST((\"accountId\") AS integer), CAST(((\"firstName\" || ' ') "
                      "|| \"lastName\") AS text), CAST((\"order\") AS text))::text AS r FROM \"public\".\"Old Accounts\""),
            std::string::npos)
      << diff;
  EXPECT_NE(same_table_chunk_stats(rename, false, false)
                .find("ROW(\"created_at\") IS NULL) FROM \"public\".\"Order Items\" WHERE true"),
            std::string::npos);
  EXPECT_EQ(exact_rows(copy.source), "SELECT count(*) FROM \"public\".\"Old Accounts\"");
}

// A Migration built without the config check still never reaches the SQL as pasted text.
TEST(BackfillSql, AnExpressionThatIsNotOneExpressionIsRefused) {
  for (const char* hostile : {"a) , (1", "a) FROM t UNION ALL SELECT (1", "a) FROM t; --", "1; DROP TABLE users"}) {
    auto m = fixtures::accounts_include_bool();
    m.spec.up[0].expr = hostile;
    const auto r = make_job_spec(m, Direction::kForward);
    EXPECT_FALSE(r.spec) << hostile;
    EXPECT_NE(r.error.find("is not exactly one SQL expression"), std::string::npos) << r.error;
  }
}

TEST(BackfillSql, ATableWithoutKeyIsRefusedWithAReason) {
  auto m = fixtures::users_display_name();
  m.old_rel.primary_key.clear();
  m.new_rel.primary_key.clear();
  const auto r = make_job_spec(m, Direction::kForward);
  EXPECT_FALSE(r.spec);
  EXPECT_NE(r.error.find("has no primary key"), std::string::npos) << r.error;
}

TEST(BackfillSql, MissingNewShapeSaysRunExpand) {
  auto m = fixtures::users_display_name();
  m.new_rel.columns.pop_back();
  m.old_rel = m.new_rel;
  const auto r = make_job_spec(m, Direction::kForward);
  EXPECT_NE(r.error.find("run expand first"), std::string::npos) << r.error;
}

TEST(BackfillSql, PagesEndAtTheNthKeyAfterTheLowerBound) {
  JobSpec s = spec_of(fixtures::users_display_name());
  EXPECT_EQ(page_end(s, s.source, true),
            "SELECT count(*) OVER (), \"id\"::text FROM (SELECT \"id\" FROM \"public\".\"users\" WHERE ROW(\"id\") > "
            "ROW($1::int4) ORDER BY \"id\" LIMIT $2::int8) page ORDER BY page.\"id\" DESC LIMIT 1");
  s.key = {"a", "b"};
  s.key_types = {"int4", "text"};
  EXPECT_EQ(key_range(s, true, true),
            "ROW(\"a\", \"b\") > ROW($1::int4, $2::text) AND ROW(\"a\", \"b\") <= ROW($3::int4, $4::text)");
  EXPECT_EQ(key_range(s, false, false), "true");
}

TEST(BackfillSql, CheckpointTableAndLockKeyComeFromTheMigrationName) {
  EXPECT_EQ(checkpoint_table("users-display-name"), "switchyard.\"users-display-name\"");
  const AdvisoryKey a = advisory_key("backfill", "users-display-name");
  const AdvisoryKey b = advisory_key("backfill", "accounts-include-bool");
  EXPECT_EQ(a.classid, b.classid);
  EXPECT_NE(a.objid, b.objid);
  EXPECT_NE(a.objid, advisory_key("verify", "users-display-name").objid);
  EXPECT_EQ(a.objid, advisory_key("backfill", "users-display-name").objid);
  EXPECT_EQ(text_array_literal({"1", "a \"b\" \\"}), "{\"1\",\"a \\\"b\\\" \\\\\"}");
}

TEST(BackfillSql, LongNamesAreCutWithAHash) {
  const std::string long_name(70, 'a');
  EXPECT_EQ(fit_identifier(long_name).size(), 63u);
  EXPECT_NE(fit_identifier(long_name), fit_identifier(long_name + "b"));
  EXPECT_EQ(fit_identifier("short"), "short");
  EXPECT_EQ(quote_ident("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

TEST(VerifySql, TwoTablesChecksumBothSidesInOneStatement) {
  const JobSpec s = spec_of(fixtures::account_split());
  const std::string sql = two_table_chunk_checksums(s, true, false);
  EXPECT_EQ(sql.find("SELECT (SELECT count(*)::text || ' ' || coalesce(md5(string_agg(ROW(CAST((id) AS integer), "
                     "CAST((name) AS character varying(191))"),
            0u)
      << sql;
  EXPECT_NE(sql.find("FROM \"public\".\"account\" WHERE ROW(\"id\") > ROW($1::int4))"), std::string::npos) << sql;
  EXPECT_NE(two_table_chunk_diff(s, false, true).find("FULL JOIN"), std::string::npos);
}

TEST(VerifySql, ColumnKindsCountRowsWhoseNewColumnDiffers) {
  const JobSpec s = spec_of(fixtures::users_display_name());
  EXPECT_EQ(same_table_chunk_stats(s, true, true),
            "SELECT count(*), count(*) FILTER (WHERE (\"display_name\"::text IS DISTINCT FROM CAST((full_name) AS "
            "text)::text)), count(*) FILTER (WHERE (\"display_name\"::text IS DISTINCT FROM CAST((full_name) AS "
            "text)::text) AND ROW(\"display_name\") IS NULL) FROM \"public\".\"users\" WHERE ROW(\"id\") > "
            "ROW($1::int4) AND ROW(\"id\") <= ROW($2::int4)");
  EXPECT_NE(same_table_chunk_samples(s, true, false).find("LIMIT $2::int8"), std::string::npos);
}

}  // namespace
}  // namespace switchyard::jobs

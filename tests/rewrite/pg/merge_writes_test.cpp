// MERGE into migrated tables (rewrite/pg/merge_writes.h): a table of (statement, catalog, phase)
// -> the text sent or the refusal. Every rewritten text is also parsed back here and must still be
// one MERGE (the rewriter itself refuses a text that does not parse back to the edited tree,
// tree_compare.h), and its cases are the fuzzer's seeds (tests/fuzz/corpus/pg_rewrite/merge_*).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"
#include "tests/rewrite/pg/tables_catalog.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;

enum class Schema { kColumns, kTables };

struct Case {
  Schema schema;
  Phase phase;
  std::string sql;
  std::string expect;  // the text sent, "UNCHANGED", or "REFUSED: <start of the reason>"
};

std::string render(const RewriteResult& r) {
  switch (r.kind) {
    case RewriteResult::Kind::kUnchanged: return "UNCHANGED";
    case RewriteResult::Kind::kRewritten: return r.sql;
    case RewriteResult::Kind::kRefused: return "REFUSED: " + r.reason;
  }
  return "?";
}

constexpr char kTwoTables[] =
    "REFUSED: MERGE into a table of a rename_table or copy_table migration cannot be mirrored: the other table must "
    "be written from the rows the MERGE changed, which PostgreSQL 15 cannot return";
constexpr char kOneEvaluation[] = "REFUSED: MERGE ... THEN INSERT: a mirrored column would be computed from a volatile";

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // Column kinds, before new_only: UPDATE and INSERT actions mirrored as UPDATE and INSERT are.
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN UPDATE SET full_name = p.name "
       "WHEN NOT MATCHED THEN INSERT (id, full_name) VALUES (p.id, p.name)",
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN UPDATE SET full_name = p.name, "
       "display_name = p.name::text WHEN NOT MATCHED THEN INSERT (id, full_name, display_name) VALUES (p.id, p.name, "
       "p.name::text)"},
      // New-shaped columns get the old ones through down; conditions and DO NOTHING are kept.
      {Schema::kColumns, Phase::kReadNew,
       "MERGE INTO users AS t USING (VALUES (1, 'a'), (9, 'b')) AS s(id, name) ON t.id = s.id "
       "WHEN MATCHED AND t.display_name IS DISTINCT FROM s.name THEN UPDATE SET display_name = s.name "
       "WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED AND s.id > 0 THEN INSERT (id, display_name) VALUES (s.id, s.name)",
       "MERGE INTO users t USING (VALUES (1, 'a'), (9, 'b')) s(id, name) ON t.id = s.id WHEN MATCHED AND "
       "t.display_name IS DISTINCT FROM s.name THEN UPDATE SET display_name = s.name, full_name = s.name::text "
       "WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED AND s.id > 0 THEN INSERT (id, display_name, full_name) "
       "VALUES (s.id, s.name, s.name::text)"},
      // DELETE and DO NOTHING write no column: relayed as written.
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO users u USING people p ON p.id = u.id WHEN MATCHED AND u.full_name IS NULL THEN DELETE "
       "WHEN NOT MATCHED THEN DO NOTHING",
       "UNCHANGED"},
      // A sub-select source and a sub-select value; a WITH of the MERGE's own.
      {Schema::kColumns, Phase::kDualWrite,
       "WITH src AS (SELECT id, name FROM people WHERE mail IS NULL) MERGE INTO users t USING src s ON t.id = s.id "
       "WHEN MATCHED THEN UPDATE SET full_name = (SELECT max(name) FROM people WHERE people.id = t.id)",
       "WITH src AS (SELECT id, name FROM people WHERE mail IS NULL) MERGE INTO users t USING src s ON t.id = s.id "
       "WHEN MATCHED THEN UPDATE SET full_name = (SELECT max(name) FROM people WHERE people.id = t.id), display_name = "
       "(SELECT max(name) FROM people WHERE people.id = t.id)::text"},
      // A volatile SET value is evaluated once per row, as in UPDATE.
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN UPDATE SET full_name = gen_random_uuid()::text",
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN UPDATE SET (full_name, display_name) = "
       "(SELECT switchyard_s.full_name, switchyard_s.full_name::text FROM (SELECT gen_random_uuid()::text) "
       "switchyard_s(full_name) WHERE t.ctid IS NOT NULL)"},
      // ... but an INSERT action has no single-evaluation form: a volatile value, a serial read by up.
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO users t USING people p ON t.id = p.id WHEN NOT MATCHED THEN INSERT (id, full_name) "
       "VALUES (p.id, gen_random_uuid()::text)",
       kOneEvaluation},
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO accounts a USING people p ON a.aid = p.id WHEN NOT MATCHED THEN INSERT (include, name) VALUES ('X', p.name)",
       kOneEvaluation},
      // With the key given, the three migrations of accounts compose.
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO accounts a USING people p ON a.aid = p.id WHEN MATCHED THEN UPDATE SET include = '' "
       "WHEN NOT MATCHED THEN INSERT (aid, include, name) VALUES (p.id, 'X', DEFAULT)",
       "MERGE INTO accounts a USING people p ON a.aid = p.id WHEN MATCHED THEN UPDATE SET include = '', include_bool = "
       "CASE WHEN ''::bpchar = 'X' THEN true ELSE false END WHEN NOT MATCHED THEN INSERT (aid, include, name, "
       "include_bool, id) VALUES (p.id, 'X', DEFAULT, CASE WHEN 'X'::bpchar = 'X' THEN true ELSE false END, p.id::int4)"},
      // DEFAULT VALUES, a positional INSERT, parameters.
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO users t USING people p ON t.id = p.id WHEN NOT MATCHED THEN INSERT DEFAULT VALUES",
       "MERGE INTO users t USING people p ON t.id = p.id WHEN NOT MATCHED THEN INSERT (display_name) VALUES (NULL::text)"},
      {Schema::kColumns, Phase::kDualWrite,
       "MERGE INTO users t USING (SELECT $1::int AS id, $2 AS name) s ON t.id = s.id WHEN NOT MATCHED THEN "
       "INSERT VALUES (s.id, s.name, NULL)",
       "MERGE INTO users t USING (SELECT $1::int AS id, $2 AS name) s ON t.id = s.id WHEN NOT MATCHED THEN "
       "INSERT (id, full_name, email, display_name) VALUES (s.id, s.name, NULL, s.name::text)"},
      {Schema::kColumns, Phase::kOff,
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN UPDATE SET full_name = p.name", "UNCHANGED"},

      // new_only: old-shaped actions write the new shape alone; the ON clause and the MATCHED
      // conditions read old columns as down over the new ones.
      {Schema::kColumns, Phase::kNewOnly,
       "MERGE INTO users t USING people p ON t.full_name = p.name WHEN MATCHED AND t.full_name <> '' THEN "
       "UPDATE SET full_name = p.name || '!' WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT (id, full_name) "
       "VALUES (p.id, p.name)",
       "MERGE INTO users t USING people p ON t.display_name::text = p.name WHEN MATCHED AND t.display_name::text <> '' "
       "THEN UPDATE SET display_name = CAST(p.name || '!' AS text) WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN "
       "INSERT (id, display_name) VALUES (p.id, p.name::text)"},
      {Schema::kColumns, Phase::kNewOnly,
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED AND full_name IS NULL THEN DELETE",
       "REFUSED: in new_only, qualify full_name"},
      // A NOT MATCHED action sees only the source, whatever its columns are called.
      {Schema::kColumns, Phase::kNewOnly,
       "MERGE INTO users t USING (VALUES (7, 'n')) s(id, full_name) ON t.id = s.id WHEN NOT MATCHED AND "
       "s.full_name IS NOT NULL THEN INSERT (id, display_name) VALUES (s.id, s.full_name)",
       "UNCHANGED"},
      {Schema::kColumns, Phase::kNewOnly,
       "MERGE INTO accounts a USING people p ON a.aid = p.id WHEN MATCHED THEN UPDATE SET include = 'X'",
       "MERGE INTO accounts a USING people p ON a.aid = p.id WHEN MATCHED THEN UPDATE SET include_bool = CASE WHEN "
       "'X'::bpchar = 'X' THEN true ELSE false END"},

      // Table kinds: refused before new_only, either table; translated in new_only.
      {Schema::kTables, Phase::kDualWrite,
       "MERGE INTO inovices i USING people p ON i.id = p.id WHEN MATCHED THEN DELETE", kTwoTables},
      {Schema::kTables, Phase::kReadNew,
       "MERGE INTO account a USING people p ON a.id = p.id WHEN MATCHED THEN UPDATE SET name = p.name", kTwoTables},
      {Schema::kTables, Phase::kNewOnly,
       "MERGE INTO inovices USING people p ON inovices.id = p.id WHEN MATCHED THEN UPDATE SET note = p.name "
       "WHEN NOT MATCHED THEN INSERT (id, customer) VALUES (p.id, p.name)",
       "MERGE INTO invoices inovices USING people p ON inovices.id = p.id WHEN MATCHED THEN UPDATE SET note = p.name "
       "WHEN NOT MATCHED THEN INSERT (id, customer) VALUES (p.id, p.name)"},
      {Schema::kTables, Phase::kNewOnly,
       "MERGE INTO legacy_accounts l USING people p ON l.id = p.id WHEN MATCHED AND l.accttype IS NOT NULL THEN "
       "UPDATE SET accttype = 'SAVINGS' WHEN NOT MATCHED THEN INSERT (id, name, user_id, accttype) "
       "VALUES (p.id, p.name, 1, 'CHECKING')",
       "MERGE INTO account l USING people p ON l.id = p.id WHEN MATCHED AND CASE l.type WHEN 'LIABILITY' THEN "
       "'CREDITLINE' ELSE 'CHECKING' END::text IS NOT NULL THEN UPDATE SET type = CASE 'SAVINGS'::text WHEN "
       "'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END::public.account_type "
       "WHEN NOT MATCHED THEN INSERT (id, name, user_id, type) VALUES (p.id, p.name, 1, CASE 'CHECKING'::text WHEN "
       "'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END::public.account_type)"},
      {Schema::kTables, Phase::kNewOnly,
       "MERGE INTO invoices i USING people p ON i.id = p.id WHEN MATCHED THEN DELETE", "UNCHANGED"},
  };
  return all;
}

TEST(MergeWrites, EachFormIsMirroredTranslatedOrRefusedAsDocumented) {
  for (const Case& c : cases()) {
    const Catalog catalog = c.schema == Schema::kColumns ? testing::seeds_catalog(c.phase) : testing::tables_catalog(c.phase);
    const RewriteResult r = rewrite_sql(c.sql, catalog);
    const std::string got = render(r);
    if (c.expect.starts_with("REFUSED: ")) {
      EXPECT_EQ(got.substr(0, c.expect.size()), c.expect) << "for: " << c.sql;
      continue;
    }
    EXPECT_EQ(got, c.expect) << "for: " << c.sql;
    if (r.kind != RewriteResult::Kind::kRewritten) continue;
    auto again = ParseTree::parse(r.sql);
    ASSERT_TRUE(again) << r.sql;
    ASSERT_EQ(again->size(), 1u) << r.sql;
    EXPECT_EQ(again->statement(0)->stmt->node_case, PG_QUERY__NODE__NODE_MERGE_STMT) << r.sql;
  }
}

// A refused MERGE keeps its statement whole: under `on_unsupported: pass` it is relayed as written.
TEST(MergeWrites, ARefusalWaivedByPassRelaysTheMergeAsWritten) {
  Catalog c = testing::tables_catalog();
  c.migrations[0].spec.pass_unsupported = true;
  const RewriteResult r = rewrite_sql("MERGE INTO inovices i USING people p ON i.id = p.id WHEN MATCHED THEN DELETE", c);
  EXPECT_EQ(r.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(r.passed_migration, "invoices-rename");
}

}  // namespace
}  // namespace switchyard::rewrite::pg

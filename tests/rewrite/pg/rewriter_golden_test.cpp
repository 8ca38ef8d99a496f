// Golden tests for the PostgreSQL write rewriter: SQL in, SQL out, for every form, in each phase.
// Files under golden/ hold blocks of
//   -- sql
//   <input>
//   -- expect
//   <output SQL> | UNCHANGED | REFUSED: <reason>
// A `-- sql` line may carry options for that case: `-- sql <phase> new=<migration>,...|all`
// puts every migration in <phase> and serves the named ones' reads from the new shape.
// Run with SWITCHYARD_UPDATE_GOLDEN=1 to rewrite the expectations from the current output (then
// read the diff: the files are the specification).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"
#include "tests/rewrite/pg/read_route_catalog.h"
#include "tests/rewrite/pg/tables_catalog.h"

namespace switchyard::rewrite::pg {
namespace {

struct Case {
  std::string options;  // what follows "-- sql" on its line
  std::string sql;
  std::string expect;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<Case> read_cases(const std::string& path) {
  std::ifstream in(path);
  std::vector<Case> cases;
  std::string line, *into = nullptr;
  while (std::getline(in, line)) {
    if (line == "-- sql" || line.rfind("-- sql ", 0) == 0) {
      cases.emplace_back();
      cases.back().options = line.size() > 7 ? line.substr(7) : "";
      into = &cases.back().sql;
    } else if (line == "-- expect") {
      into = &cases.back().expect;
    } else if (into) {
      *into += line + "\n";
    }
  }
  for (auto& c : cases) {
    c.sql = trim(c.sql);
    c.expect = trim(c.expect);
  }
  return cases;
}

// "" when no statement's replies are patched (so older golden files read as before), else a
// line `-- completions: <per statement: relay | dropped | VERB n | VERB n, no rows>`.
std::string render_completions(const std::vector<Completion>& completions) {
  if (completions.empty()) return "";
  std::string out = "\n-- completions:";
  for (const Completion& c : completions)
    out += !c.patched ? " relay;" : c.drop_tag ? " dropped;" : " " + c.tag_verb + " n" + (c.suppress_rows ? ", no rows;" : ";");
  out.pop_back();
  return out;
}

std::string render(const RewriteResult& r) {
  switch (r.kind) {
    case RewriteResult::Kind::kUnchanged: return "UNCHANGED";
    case RewriteResult::Kind::kRewritten: return r.sql + render_completions(r.completions);
    case RewriteResult::Kind::kRefused: return "REFUSED: " + r.reason;
  }
  return "?";
}

// The phase and route a case's options ask for (the file's phase and no route without options).
ReadRoute case_route(const std::string& options, const Catalog& base, config::Phase& phase) {
  std::istringstream words(options);
  std::string word;
  ReadRoute route;
  while (words >> word) {
    if (word.rfind("new=", 0) != 0) {
      EXPECT_TRUE(config::parse_phase(word, phase)) << "bad option: " << word;
      continue;
    }
    std::istringstream names(word.substr(4));
    for (std::string n; std::getline(names, n, ',');)
      for (size_t i = 0; i < base.migrations.size(); ++i)
        if (n == "all" || base.migrations[i].spec.name == n) route.new_mask |= uint64_t{1} << i;
  }
  return route;
}

void run_golden(const std::string& name, config::Phase phase, Catalog (*make_catalog)(config::Phase) = testing::seeds_catalog) {
  const std::string path = std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/pg/golden/" + name;
  auto cases = read_cases(path);
  ASSERT_FALSE(cases.empty()) << path;
  const Catalog catalog = make_catalog(phase);
  const bool update = std::getenv("SWITCHYARD_UPDATE_GOLDEN") != nullptr;
  for (auto& c : cases) {
    config::Phase case_phase = phase;
    const ReadRoute route = case_route(c.options, catalog, case_phase);
    const std::string got = render(rewrite_sql(c.sql, make_catalog(case_phase), route));
    if (update) c.expect = got;
    EXPECT_EQ(got, c.expect) << "for: " << c.sql;
  }
  if (update) {
    std::ofstream out(path);
    for (const auto& c : cases) out << "-- sql" << (c.options.empty() ? "" : " " + c.options) << "\n" << c.sql << "\n-- expect\n" << c.expect << "\n\n";
  }
}

TEST(RewriterGolden, DualWrite) { run_golden("dual_write.txt", config::Phase::kDualWrite); }
// Sub-selects in SET and VALUES, SET (list) = (SELECT ...) and ROW(...), DEFAULT VALUES.
TEST(RewriterGolden, SubSelects) { run_golden("sub_selects.txt", config::Phase::kDualWrite); }
TEST(RewriterGolden, TableSubSelects) {
  run_golden("table_sub_selects.txt", config::Phase::kDualWrite, testing::tables_catalog);
}
TEST(RewriterGolden, ReadNewStillWritesBoth) { run_golden("read_new.txt", config::Phase::kReadNew); }
TEST(RewriterGolden, NewOnly) { run_golden("new_only.txt", config::Phase::kNewOnly); }
TEST(RewriterGolden, Off) { run_golden("off.txt", config::Phase::kOff); }
TEST(RewriterGolden, TableDualWrite) {
  run_golden("table_dual_write.txt", config::Phase::kDualWrite, testing::tables_catalog);
}
// TRUNCATE alone, with CASCADE, with other tables, ONLY ... RESTART IDENTITY, and what it reaches.
TEST(RewriterGolden, TableTruncate) {
  run_golden("table_truncate.txt", config::Phase::kDualWrite, testing::truncate_catalog);
}
// COPY FROM through a temporary table (copy_from.h), each kind and phase, options, refusals.
TEST(RewriterGolden, CopyFrom) { run_golden("copy_from.txt", config::Phase::kDualWrite); }
TEST(RewriterGolden, TableCopyFrom) {
  run_golden("table_copy_from.txt", config::Phase::kDualWrite, testing::tables_catalog);
}
TEST(RewriterGolden, TableNewOnly) { run_golden("table_new_only.txt", config::Phase::kNewOnly, testing::tables_catalog); }
// camelCase, mixed-case, keyword, space- and quote-containing names across the five kinds.
TEST(RewriterGolden, QuotedNames) {
  run_golden("quoted_names.txt", config::Phase::kDualWrite, testing::quoted_catalog);
}
TEST(RewriterGolden, ReadRoute) {
  run_golden("read_route.txt", config::Phase::kReadNew, testing::read_route_catalog);
}

TEST(Rewriter, RefusalIsAStatementThatRaisesFeatureNotSupported) {
  RewriteResult r;
  r.kind = RewriteResult::Kind::kRefused;
  r.migration = "m";
  r.reason = "it's $switchyard$ tricky";
  const std::string sql = refusal_statement(r);
  EXPECT_EQ(sql.rfind("DO $switchyardx$ ", 0), 0u) << sql;
  EXPECT_NE(sql.find("ERRCODE = 'feature_not_supported'"), std::string::npos);
  EXPECT_NE(sql.find("migration m: it''s $switchyard$ tricky"), std::string::npos) << sql;
}

TEST(Rewriter, TruncateThatReachesAMigratedTableIsRelayedUnderPass) {
  Catalog c = testing::truncate_catalog();
  const std::string sql = "TRUNCATE customers CASCADE";
  EXPECT_EQ(rewrite_sql(sql, c).kind, RewriteResult::Kind::kRefused);
  c.migrations[0].spec.pass_unsupported = true;
  EXPECT_EQ(rewrite_sql(sql, c).kind, RewriteResult::Kind::kUnchanged);
}

// With a mirror computed from two columns (display_name := full_name || email), some SET lists
// have no form that evaluates each value once, as PostgreSQL alone would: those are refused.
TEST(Rewriter, MirrorsThatNoSingleEvaluationGivesAreRefused) {
  Catalog c = testing::seeds_catalog();
  c.migrations[0].spec.up = {{"display_name", "full_name || email"}};
  const auto render_of = [&](const std::string& sql) { return render(rewrite_sql(sql, c)); };
  EXPECT_EQ(render_of("UPDATE users SET full_name = random()::text"),
            "UPDATE users SET (full_name, display_name) = (SELECT switchyard_s.full_name, switchyard_s.full_name::text || "
            "users.email FROM (SELECT random()::text) switchyard_s(full_name) WHERE users.ctid IS NOT NULL)");
  EXPECT_EQ(render_of("UPDATE users SET (full_name) = (SELECT name FROM people WHERE people.id = users.id)"),
            "UPDATE users SET (full_name, display_name) = (SELECT switchyard_s.full_name, switchyard_s.full_name::text || "
            "users.email FROM (SELECT) switchyard_one LEFT JOIN (SELECT name FROM people WHERE people.id = users.id) "
            "switchyard_s(full_name) ON true)");
  // Uncorrelated and volatile: once per statement, which a wrapper that reads email is not.
  EXPECT_EQ(render_of("UPDATE users SET (full_name) = (SELECT random()::text)").rfind("REFUSED: mirroring display_name", 0), 0u);
  EXPECT_EQ(render_of("UPDATE users SET (full_name) = (SELECT 'a'), (email) = (SELECT 'b')").rfind("REFUSED: display_name", 0), 0u);
  EXPECT_EQ(render_of("UPDATE users SET (full_name) = (SELECT 'a'), email = random()::text").rfind("REFUSED: display_name", 0), 0u);
  EXPECT_EQ(render_of("UPDATE users SET full_name[1] = 'a'").rfind("REFUSED: SET of full_name into a subscript", 0), 0u);
}

// The server reports a VALUES row whose length differs from the column list; the rewriter must
// not index past it (a heap overflow the fuzzer found in new_only, where old columns are removed).
TEST(Rewriter, AValuesRowOfAnotherLengthThanItsColumnsIsLeftForTheServer) {
  for (const auto phase : {config::Phase::kDualWrite, config::Phase::kNewOnly}) {
    Catalog c = testing::seeds_catalog();
    for (auto& m : c.migrations) m.spec.phase = phase;
    for (const char* sql : {"INSERT INTO accounts (include, name) VALUES ('X')", "INSERT INTO users (id, full_name) VALUES (1)",
                            "INSERT INTO users (id) VALUES (1, 'a')", "INSERT INTO users (id, full_name) VALUES (1, 'a'), (2)"}) {
      // Relayed for the server to refuse: unchanged, or (accounts has three migrations) printed
      // back as written.
      const RewriteResult r = rewrite_sql(sql, c);
      EXPECT_TRUE(r.kind == RewriteResult::Kind::kUnchanged || (r.kind == RewriteResult::Kind::kRewritten && r.sql == sql))
          << sql << ": " << r.reason << r.sql;
    }
  }
}

// A Parse holds one statement: a mirrored COPY FROM into a migrated table says it needs a simple
// Query, and when it is the text's one statement, how a Parse of it is sent instead (its four
// statements apart: the Parse holds the COPY into the temporary table); one relayed as written
// and COPY TO need neither.
TEST(Rewriter, AMirroredCopyFromIntoAMigratedTableNeedsASimpleQuery) {
  const Catalog dual = testing::seeds_catalog();
  const Catalog new_only = testing::seeds_catalog(config::Phase::kNewOnly);
  const RewriteResult mirrored = rewrite_sql("COPY users (id, full_name) FROM STDIN", dual);
  EXPECT_TRUE(mirrored.simple_query_only);
  ASSERT_TRUE(mirrored.extended_copy);
  const ExtendedCopy& e = *mirrored.extended_copy;
  EXPECT_EQ(mirrored.sql, e.before + "; " + e.copy + "; " + e.after[0] + "; " + e.after[1]);
  EXPECT_EQ(e.before.rfind("CREATE TEMPORARY TABLE pg_temp.\"_switchyard_copy_0\" (", 0), 0u) << e.before;
  EXPECT_EQ(e.copy, "COPY pg_temp._switchyard_copy_0(id, full_name) FROM STDIN");
  EXPECT_EQ(e.after[0].rfind("INSERT INTO users (id, full_name, display_name) SELECT", 0), 0u) << e.after[0];
  EXPECT_EQ(e.after[1], "DROP TABLE pg_temp.\"_switchyard_copy_0\"");
  ASSERT_EQ(e.after_completions.size(), 2u);
  EXPECT_EQ(e.after_completions[0].tag_verb, "COPY");
  EXPECT_TRUE(e.after_completions[1].drop_tag);
  // Two statements: no Parse can hold them.
  const RewriteResult two = rewrite_sql("COPY users (full_name) FROM STDIN; SELECT 1", dual);
  EXPECT_TRUE(two.simple_query_only);
  EXPECT_FALSE(two.extended_copy);
  const RewriteResult relayed = rewrite_sql("COPY users (id, display_name) FROM STDIN", new_only);
  EXPECT_EQ(relayed.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_FALSE(relayed.simple_query_only);  // needs no mirror: a Parse of it is relayed too
  EXPECT_EQ(relayed.migration, "users-display-name");
  EXPECT_FALSE(rewrite_sql("COPY users TO STDOUT", dual).simple_query_only);
  EXPECT_FALSE(rewrite_sql("UPDATE users SET full_name = 'a'", dual).simple_query_only);
  Catalog pass = dual;
  pass.migrations[0].spec.pass_unsupported = true;
  const RewriteResult passed = rewrite_sql("COPY users (id, full_name) FROM STDIN WITH (FREEZE)", pass);
  EXPECT_EQ(passed.kind, RewriteResult::Kind::kUnchanged);
  EXPECT_EQ(passed.passed_migration, "users-display-name");
  EXPECT_FALSE(passed.simple_query_only);
}

TEST(Rewriter, TextThatDoesNotParseIsLeftForTheServer) {
  EXPECT_EQ(rewrite_sql("INSERT INTO users VALUES (", testing::seeds_catalog()).kind, RewriteResult::Kind::kUnchanged);
}

}  // namespace
}  // namespace switchyard::rewrite::pg

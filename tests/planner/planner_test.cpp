// The planner's decisions, table by table: (statement, generation, route) -> decision, through
// PostgreSQL's dialect and the hand-built catalogs of the rewriter's tests, with no database.
#include "planner/planner.h"

#include <gtest/gtest.h>

#include "rewrite/pg/dialect.h"
#include "tests/rewrite/pg/read_route_catalog.h"
#include "tests/rewrite/pg/tables_catalog.h"

namespace switchyard::planner {
namespace {

using Action = Decision::Action;
using Route = WriteCounting::Route;
using Phase = config::Phase;
using Kind = Statement::Kind;

// A draw that always says `answer`, and counts how often it was asked.
struct FixedSampler final : Sampler {
  explicit FixedSampler(bool a) : answer(a) {}
  bool sample(double percent) override {
    ++draws;
    percents.push_back(percent);
    return answer;
  }
  bool answer;
  int draws = 0;
  std::vector<double> percents;  // asked for, in order
};

// One generation of the read-routing catalog (indexes: 0 users-display-name, 1 accounts-include-bool,
// 2 accounts-id, 3 invoices-rename, 4 account-copy), every migration in `phase`.
struct Fixture {
  explicit Fixture(Phase phase, config::DdlLint lint = config::DdlLint::kOff, double shadow_percent = 0,
                   bool executor = false)
      : catalog(rewrite::testing::read_route_catalog(phase)) {
    for (auto& m : catalog.migrations) m.spec.shadow.sample_percent = shadow_percent;
    prefilter = rewrite::Prefilter(catalog.relation_names(), catalog.truncate_names(), catalog.server_writer_names());
    facts = {&rewrite::pg::dialect(), &catalog, &prefilter, lint, executor};
  }
  Decision plan(std::string_view sql, uint64_t new_mask = 0, Kind kind = Kind::kQuery, bool draw = true) {
    DirectRewrites rewrites(rewrite::pg::dialect(), catalog);
    FixedSampler sampler(draw);
    const Decision d = Planner(facts, rewrite::ReadRoute{new_mask}).plan({kind, sql, "s1"}, {}, rewrites, sampler);
    draws = sampler.draws;
    return d;
  }
  rewrite::Catalog catalog;
  rewrite::Prefilter prefilter;
  GenerationFacts facts;
  int draws = 0;
};

constexpr uint64_t kUsers = 1;         // bit of users-display-name
constexpr uint64_t kInvoices = 1 << 3;  // bit of invoices-rename

struct Case {
  const char* name;
  Phase phase;
  uint64_t route;  // ReadRoute::new_mask
  const char* sql;
  Action action;
  const char* text_has;  // in Decision::text ("" for none)
  bool writes;
  uint64_t reads_mask;
  Route counted;
  const char* counted_migration;
};

const Case kCases[] = {
    // Pass-through: no migrated relation named, not even by a write.
    {"select_one", Phase::kDualWrite, 0, "SELECT 1", Action::kRelay, "", false, 0, Route::kNone, ""},
    {"unrelated_write", Phase::kDualWrite, 0, "UPDATE orders SET total = 1", Action::kRelay, "", false, 0, Route::kNone, ""},
    // Each kind's writes under dual_write.
    {"rename_column_write", Phase::kDualWrite, 0, "UPDATE users SET full_name = 'Ann' WHERE id = 1", Action::kReplace,
     "display_name", true, 0, Route::kRewritten, "users-display-name"},
    {"change_column_write", Phase::kDualWrite, 0, "UPDATE accounts SET include = 'X' WHERE aid = 1", Action::kReplace,
     "include_bool", true, 0, Route::kRewritten, "accounts-id"},  // two migrations compose on accounts
    {"rename_table_write", Phase::kDualWrite, 0, "INSERT INTO inovices (id, customer) VALUES (1, 'a')", Action::kReplace,
     "invoices", true, 0, Route::kRewritten, "invoices-rename"},
    {"write_under_off", Phase::kOff, 0, "UPDATE users SET full_name = 'Ann' WHERE id = 1", Action::kRelay, "", true, 0,
     Route::kPassed, ""},
    // A volatile value is evaluated once and copied.
    {"volatile_write", Phase::kDualWrite, 0, "UPDATE users SET full_name = random()::text", Action::kReplace,
     "display_name", true, 0, Route::kRewritten, "users-display-name"},
    // Refusals: raised by the server itself, counted by reason (here: copy_table without a key map).
    {"unmirrorable_write", Phase::kDualWrite, 0, "DELETE FROM legacy_accounts WHERE id = 7", Action::kRefuse,
     "feature_not_supported", true, 0, Route::kRefused, "account-copy"},
    // Reads per phase: the old shape relays an old-shaped read, the new shape translates it.
    {"read_dual_write", Phase::kDualWrite, 0, "SELECT full_name FROM users WHERE id = 1", Action::kRelay, "", false,
     kUsers, Route::kNone, ""},
    {"new_column_read_old_shape", Phase::kDualWrite, 0, "SELECT display_name FROM users WHERE id = 1", Action::kReplace,
     "full_name", false, kUsers, Route::kNone, ""},
    {"read_read_new", Phase::kReadNew, kUsers, "SELECT full_name FROM users WHERE id = 1", Action::kReplace,
     "display_name", false, kUsers, Route::kNone, ""},
    {"read_new_only", Phase::kNewOnly, 0, "SELECT full_name FROM users WHERE id = 1", Action::kReplace, "display_name",
     false, kUsers, Route::kNone, ""},
    {"read_off", Phase::kOff, 0, "SELECT full_name FROM users WHERE id = 1", Action::kRelay, "", false, 0, Route::kNone, ""},
    {"table_read_read_new", Phase::kReadNew, kInvoices, "SELECT customer FROM inovices WHERE id = 1", Action::kReplace,
     "invoices", false, kInvoices, Route::kNone, ""},
    // Canary: the session's route decides, per migration.
    {"canary_not_chosen", Phase::kCanary, 0, "SELECT full_name FROM users WHERE id = 1", Action::kRelay, "", false,
     kUsers, Route::kNone, ""},
    {"canary_chosen", Phase::kCanary, kUsers, "SELECT full_name FROM users WHERE id = 1", Action::kReplace,
     "display_name", false, kUsers, Route::kNone, ""},
};

class PlannerCases : public ::testing::TestWithParam<Case> {};

TEST_P(PlannerCases, Decides) {
  const Case& c = GetParam();
  Fixture f(c.phase);
  const Decision d = f.plan(c.sql, c.route);
  EXPECT_EQ(d.action, c.action) << d.text << " / " << d.refusal.message;
  if (*c.text_has) {
    EXPECT_NE(d.text.find(c.text_has), std::string::npos) << d.text;
  }
  if (c.action == Action::kRelay) {
    EXPECT_TRUE(d.text.empty()) << d.text;
  }
  EXPECT_EQ(d.writes, c.writes);
  EXPECT_EQ(d.reads_mask, c.reads_mask);
  EXPECT_EQ(d.counting.route, c.counted);
  EXPECT_EQ(d.counting.migration, c.counted_migration);
  EXPECT_EQ(d.upstream(c.sql), c.action == Action::kRelay ? std::string_view(c.sql) : std::string_view(d.text));
  EXPECT_FALSE(d.shadow_candidate.has_value());  // no shadow sampling configured
  EXPECT_EQ(f.draws, 0);
}

INSTANTIATE_TEST_SUITE_P(Table, PlannerCases, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Planner, ARefusalSaysWhyAndRaisesItInTheServer) {
  Fixture f(Phase::kDualWrite);
  const Decision d = f.plan("DELETE FROM legacy_accounts WHERE id = 7");
  ASSERT_EQ(d.action, Action::kRefuse);
  EXPECT_EQ(d.refusal.source, Refusal::Source::kMigration);
  EXPECT_EQ(d.refusal.sqlstate, "0A000");
  EXPECT_EQ(d.refusal.code, rewrite::RefusalReason::kUnsupportedForm);
  EXPECT_EQ(d.refusal.migration, "account-copy");
  EXPECT_NE(d.refusal.reason.find("key column id"), std::string::npos) << d.refusal.reason;
  EXPECT_EQ(d.refusal.message, "switchyard: migration account-copy: " + d.refusal.reason);
  EXPECT_EQ(d.text, rewrite::pg::dialect().raise_statement(d.refusal.message));
  EXPECT_EQ(d.counting, (WriteCounting{Route::kRefused, "account-copy", rewrite::RefusalReason::kUnsupportedForm}));
  EXPECT_EQ(d.touches, uint64_t{1} << 4);
}

TEST(Planner, ATwoTableWriteSaysWhichRepliesToRestore) {
  Fixture f(Phase::kDualWrite);
  const Decision d = f.plan("UPDATE inovices SET customer = 'x' WHERE id = 1; SELECT 1");
  ASSERT_EQ(d.action, Action::kReplace) << d.refusal.message;
  ASSERT_EQ(d.completions.size(), 2u) << d.text;
  EXPECT_TRUE(d.completions[0].patched);
  EXPECT_EQ(d.completions[0].tag_verb, "UPDATE");
  EXPECT_FALSE(d.completions[1].patched);
  EXPECT_EQ(d.touches, kInvoices);
}

TEST(Planner, TheDdlLintWarnsOrBlocks) {
  const char* sql = "ALTER TABLE users RENAME COLUMN email TO mail";
  Fixture warn(Phase::kDualWrite, config::DdlLint::kWarn);
  const Decision w = warn.plan(sql);
  EXPECT_EQ(w.action, Action::kRelay);
  ASSERT_EQ(w.ddl_warnings.size(), 1u);
  EXPECT_EQ(w.ddl_warnings[0].rule, "rename_column");

  Fixture block(Phase::kDualWrite, config::DdlLint::kBlock);
  const Decision b = block.plan(sql);
  ASSERT_EQ(b.action, Action::kRefuse);
  EXPECT_EQ(b.refusal.source, Refusal::Source::kDdlLint);
  EXPECT_EQ(b.ddl_blocked, 1u);
  EXPECT_NE(b.refusal.message.find("rename_column"), std::string::npos) << b.refusal.message;
  EXPECT_EQ(b.text, rewrite::pg::dialect().raise_statement(b.refusal.message));
  EXPECT_EQ(b.counting.route, Route::kNone);  // not a migration's write

  Fixture off(Phase::kDualWrite, config::DdlLint::kOff);
  EXPECT_TRUE(off.plan(sql).ddl_warnings.empty());
}

TEST(Planner, AShadowReadIsSampledForAQueryAndCarriesBothTexts) {
  Fixture f(Phase::kShadow, config::DdlLint::kOff, 100, true);
  const Decision d = f.plan("SELECT full_name FROM users WHERE id = 1 ORDER BY id");
  EXPECT_EQ(d.action, Action::kRelay);
  ASSERT_EQ(d.shadow_candidate, std::optional<size_t>(0));
  ASSERT_TRUE(d.shadow.has_value());
  EXPECT_EQ(f.draws, 1);
  EXPECT_EQ(d.shadow->migration, "users-display-name");
  EXPECT_EQ(d.shadow->served_sql, "SELECT full_name FROM users WHERE id = 1 ORDER BY id");
  EXPECT_NE(d.shadow->other_sql.find("display_name"), std::string::npos) << d.shadow->other_sql;
  EXPECT_FALSE(d.shadow->served_is_new);
  EXPECT_TRUE(d.shadow->ordered);
  EXPECT_EQ(d.shadow->fingerprint, "SELECT full_name FROM users WHERE id = $1 ORDER BY id");
  EXPECT_TRUE(d.shadow->params.empty());
}

TEST(Planner, ShadowSamplingFollowsTheDrawThePhaseAndTheExecutor) {
  const char* sql = "SELECT full_name FROM users WHERE id = 1";
  // Not drawn: the read is not even parsed, so it costs what it costs in dual_write.
  Fixture not_drawn(Phase::kShadow, config::DdlLint::kOff, 100, true);
  const Decision a = not_drawn.plan(sql, 0, Kind::kQuery, false);
  EXPECT_FALSE(a.shadow_candidate.has_value());  // never went to the rewriter
  EXPECT_EQ(a.action, Action::kRelay);
  EXPECT_FALSE(a.shadow.has_value());
  EXPECT_EQ(a.touches, kUsers);
  EXPECT_EQ(not_drawn.draws, 1);

  Fixture no_executor(Phase::kShadow, config::DdlLint::kOff, 100, false);
  EXPECT_FALSE(no_executor.plan(sql).shadow_candidate.has_value());
  Fixture zero_percent(Phase::kShadow, config::DdlLint::kOff, 0, true);
  EXPECT_FALSE(zero_percent.plan(sql).shadow_candidate.has_value());
  Fixture dual_write(Phase::kDualWrite, config::DdlLint::kOff, 100, true);
  EXPECT_FALSE(dual_write.plan(sql).shadow_candidate.has_value());
  Fixture writes(Phase::kShadow, config::DdlLint::kOff, 100, true);
  EXPECT_FALSE(writes.plan("UPDATE users SET full_name = 'a' WHERE id = 1").shadow_candidate.has_value());
  EXPECT_EQ(writes.draws, 0);
}

// The draw comes before the parse, at the highest percent of the migrations a read names; when
// the read turns out to read one sampled less often, a second draw makes up the difference, so
// each migration's reads are sampled at its own percent.
TEST(Planner, AShadowDrawBeforeTheParseKeepsEachMigrationsPercent) {
  Fixture f(Phase::kShadow, config::DdlLint::kOff, 40, true);
  f.catalog.migrations[0].spec.shadow.sample_percent = 10;  // users-display-name
  const Planner planner(f.facts, rewrite::ReadRoute{0});
  DirectRewrites rewrites(rewrite::pg::dialect(), f.catalog);
  const char* sql = "SELECT full_name FROM users WHERE id = 1";
  FixedSampler yes(true);
  const Decision d = planner.plan({Kind::kQuery, sql, ""}, {}, rewrites, yes);
  ASSERT_TRUE(d.shadow.has_value());
  EXPECT_EQ(yes.percents, std::vector<double>{10});  // one migration named: one draw

  // A word of another migration's relation (in a string here) raises the first draw to its 40%;
  // the read is of users alone, so the second draw is at 10/40 of 100.
  const std::string both = std::string(sql) + " AND full_name <> 'inovices'";
  FixedSampler again(true);
  const Decision e = planner.plan({Kind::kQuery, both, ""}, {}, rewrites, again);
  ASSERT_TRUE(e.shadow.has_value());
  ASSERT_EQ(again.percents.size(), 2u);
  EXPECT_EQ(again.percents[0], 40);
  EXPECT_EQ(again.percents[1], 25);

  // A prepared execution not drawn for is not rewritten: nothing but the draw.
  FixedSampler no(false);
  EXPECT_EQ(planner.shadow_draw(sql, no), 0);
  EXPECT_FALSE(planner.shadow_use(sql, {}, {}, rewrites, no, 0).has_value());
  EXPECT_EQ(no.percents, std::vector<double>{10});
}

TEST(Planner, APreparedReadIsSampledAtEachUseWithItsParameters) {
  Fixture f(Phase::kCanary, config::DdlLint::kOff, 100, true);
  const char* sql = "SELECT full_name FROM users WHERE id = $1";
  const Decision d = f.plan(sql, kUsers, Kind::kPrepare);
  EXPECT_EQ(d.action, Action::kReplace);  // the canary reads the new shape
  ASSERT_TRUE(d.shadow_candidate.has_value());
  EXPECT_FALSE(d.shadow.has_value());  // not at the Parse
  EXPECT_EQ(f.draws, 0);

  DirectRewrites rewrites(rewrite::pg::dialect(), f.catalog);
  FixedSampler sampler(true);
  const Planner planner(f.facts, rewrite::ReadRoute{kUsers});
  const double drawn = planner.shadow_draw(sql, sampler);
  EXPECT_EQ(drawn, 100);
  const auto read = planner.shadow_use(sql, ShadowParams{{std::string("7")}, {}, {}}, {}, rewrites, sampler, drawn);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->served_is_new);
  EXPECT_NE(read->served_sql.find("display_name"), std::string::npos) << read->served_sql;
  EXPECT_EQ(read->other_sql, sql);
  ASSERT_EQ(read->params.size(), 1u);
  EXPECT_EQ(read->params[0], std::optional<std::string>("7"));
}

TEST(Planner, APreparedWriteCountsAtEachUseAsItsPlanSays) {
  Fixture f(Phase::kDualWrite);
  const Decision d = f.plan("UPDATE users SET full_name = $1 WHERE id = $2", 0, Kind::kPrepare);
  EXPECT_EQ(d.action, Action::kReplace);
  EXPECT_EQ(d.counting, (WriteCounting{Route::kRewritten, "users-display-name", {}}));
  EXPECT_EQ(d.touches, kUsers);
  // The same text under another name plans the same.
  DirectRewrites rewrites(rewrite::pg::dialect(), f.catalog);
  FixedSampler sampler(true);
  const Decision again = Planner(f.facts, {}).plan({Kind::kPrepare, "UPDATE users SET full_name = $1 WHERE id = $2", "other"},
                                                   {}, rewrites, sampler);
  EXPECT_EQ(again.text, d.text);
}

// A COPY FROM into a migrated table: four statements in a Query; in a Parse, the COPY into the
// temporary table, with what the session runs around its Execute; a Parse of two statements is
// refused (no Parse holds two).
TEST(Planner, ACopyFromIsMirroredInAQueryAndInAParse) {
  Fixture f(Phase::kDualWrite);
  const Decision query = f.plan("COPY users (id, full_name) FROM STDIN");
  ASSERT_EQ(query.action, Action::kReplace) << query.refusal.message;
  EXPECT_EQ(query.completions.size(), 4u);
  EXPECT_FALSE(query.copy);
  const Decision parse = f.plan("COPY users (id, full_name) FROM STDIN", 0, Kind::kPrepare);
  ASSERT_EQ(parse.action, Action::kReplace) << parse.refusal.message;
  ASSERT_TRUE(parse.copy);
  EXPECT_EQ(parse.text, parse.copy->copy);
  EXPECT_EQ(parse.text, "COPY pg_temp._switchyard_copy_0(id, full_name) FROM STDIN");
  ASSERT_EQ(parse.completions.size(), 1u);
  EXPECT_TRUE(parse.completions[0].drop_tag);  // the COPY into the temporary table
  EXPECT_EQ(query.text, parse.copy->before + "; " + parse.copy->copy + "; " + parse.copy->after[0] + "; " + parse.copy->after[1]);
  EXPECT_EQ(parse.counting, (WriteCounting{Route::kRewritten, "users-display-name", {}}));
  const Decision two = f.plan("COPY users (full_name) FROM STDIN; SELECT 1", 0, Kind::kPrepare);
  EXPECT_EQ(two.action, Action::kRefuse);
  EXPECT_FALSE(two.copy);
  EXPECT_NE(two.refusal.message.find("send it alone"), std::string::npos) << two.refusal.message;
}

TEST(Planner, ACopyTableWriteIsMirrored) {
  // The two-table catalog (tables_catalog.h): 0 invoices-rename, 1 account-split (copy_table).
  rewrite::Catalog catalog = rewrite::testing::tables_catalog(Phase::kDualWrite);
  const rewrite::Prefilter prefilter(catalog.relation_names(), catalog.truncate_names(), catalog.server_writer_names());
  const GenerationFacts facts{&rewrite::pg::dialect(), &catalog, &prefilter, config::DdlLint::kOff, false};
  DirectRewrites rewrites(rewrite::pg::dialect(), catalog);
  FixedSampler sampler(true);
  const Decision d = Planner(facts, {}).plan(
      {Kind::kQuery, "INSERT INTO legacy_accounts (name, user_id, accttype) VALUES ('checking', 1, 'CHECKING')", {}}, {},
      rewrites, sampler);
  ASSERT_EQ(d.action, Action::kReplace) << d.refusal.message;
  EXPECT_NE(d.text.find("INSERT INTO public.account"), std::string::npos) << d.text;
  EXPECT_EQ(d.counting, (WriteCounting{Route::kRewritten, "account-split", {}}));
  EXPECT_EQ(d.touches, uint64_t{1} << 1);
  // The outer command is still an INSERT of as many rows: the server's tag is the client's.
  EXPECT_TRUE(d.completions.empty());
}

TEST(Planner, ATextTheRewriterCannotParseIsLeftToTheServer) {
  Fixture f(Phase::kDualWrite);
  const Decision d = f.plan("UPDATE users SET full_name = WHERE");
  EXPECT_EQ(d.action, Action::kRelay);
  EXPECT_FALSE(d.parsed);
  EXPECT_EQ(d.counting.route, Route::kNone);
}

}  // namespace
}  // namespace switchyard::planner

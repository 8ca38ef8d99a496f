// Golden tests for the PostgreSQL write rewriter: SQL in, SQL out, for every form, in each phase.
// Files under golden/ hold blocks of
//   -- sql
//   <input>
//   -- expect
//   <output SQL> | UNCHANGED | REFUSED: <reason>
// Run with SWITCHYARD_UPDATE_GOLDEN=1 to rewrite the expectations from the current output (then
// read the diff: the files are the specification).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"

namespace switchyard::rewrite::pg {
namespace {

struct Case {
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
    if (line == "-- sql") {
      cases.emplace_back();
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

std::string render(const RewriteResult& r) {
  switch (r.kind) {
    case RewriteResult::Kind::kUnchanged: return "UNCHANGED";
    case RewriteResult::Kind::kRewritten: return r.sql;
    case RewriteResult::Kind::kRefused: return "REFUSED: " + r.reason;
  }
  return "?";
}

void run_golden(const std::string& name, config::Phase phase) {
  const std::string path = std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/pg/golden/" + name;
  auto cases = read_cases(path);
  ASSERT_FALSE(cases.empty()) << path;
  const Catalog catalog = testing::seeds_catalog(phase);
  const bool update = std::getenv("SWITCHYARD_UPDATE_GOLDEN") != nullptr;
  for (auto& c : cases) {
    const std::string got = render(rewrite_sql(c.sql, catalog));
    if (update) c.expect = got;
    EXPECT_EQ(got, c.expect) << "for: " << c.sql;
  }
  if (update) {
    std::ofstream out(path);
    for (const auto& c : cases) out << "-- sql\n" << c.sql << "\n-- expect\n" << c.expect << "\n\n";
  }
}

TEST(RewriterGolden, DualWrite) { run_golden("dual_write.txt", config::Phase::kDualWrite); }
TEST(RewriterGolden, ReadNewStillWritesBoth) { run_golden("read_new.txt", config::Phase::kReadNew); }
TEST(RewriterGolden, NewOnly) { run_golden("new_only.txt", config::Phase::kNewOnly); }
TEST(RewriterGolden, Off) { run_golden("off.txt", config::Phase::kOff); }

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

TEST(Rewriter, TextThatDoesNotParseIsLeftForTheServer) {
  EXPECT_EQ(rewrite_sql("INSERT INTO users VALUES (", testing::seeds_catalog()).kind, RewriteResult::Kind::kUnchanged);
}

}  // namespace
}  // namespace switchyard::rewrite::pg

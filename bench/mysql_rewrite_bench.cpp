// What planning a write costs under `protocol: mysql` (issue 14 item 7): parse + rewrite time per
// statement over the ORM corpus (tests/rewrite/mysql/corpus: sysbench, Django, SQLAlchemy,
// ActiveRecord and the seed articles' DML), with a migration in dual_write on each table those
// statements write most (below), so every statement is planned as a session in dual_write
// plans it.
//
// Two benchmarks per statement:
//   uncached/FILE:LINE  rewrite::mysql::rewrite_sql: lex, prefilter, parse, plan the mirror,
//                       print the edits and parse the result again (the fidelity check): what
//                       a statement costs the first time its shape is seen;
//   cached/FILE:LINE    proxy::RewriteCache::get, warm: the literal shape, one hash lookup and
//                       the literals filled back; what every later statement of that shape costs.
// Each is labelled with what the rewriter did (rewritten, refused, unchanged). And, for every
// statement of the corpus, reads too:
//   ddl_scan/FILE:LINE  Dialect::may_be_ddl, the DDL lint's keyword scan every COM_QUERY pays
//                       while ddl_lint is on (warn, the default, or block).
// After the runs a
// summary prints, per path and outcome, the count and the median, 90th percentile and maximum
// CPU time per statement.
//
// Run: build/mysql_rewrite_bench [--benchmark_min_time=0.2] (numbers in docs/benchmarks.md), or
// build/mysql_rewrite_bench --rewrites=N under callgrind to count instructions (see main()).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "proxy/rewrite_cache.h"
#include "proxy/session_context.h"
#include "rewrite/mysql/dialect.h"
#include "rewrite/mysql/rewriter.h"
#include "tests/rewrite/mysql/column_catalog.h"
#include "tests/rewrite/mysql/corpus.h"
#include "tests/rewrite/table_spec.h"

namespace {

using namespace switchyard;
using config::MigrationKind;
using config::Phase;
using rewrite::mysql::testing::column;
using rewrite::mysql::testing::column_migration;

// The corpus tables' migrations, with their columns as tests/rewrite/mysql/corpus/schema.sql
// creates them (the new columns added):
//   sbtest1.k -> k2, blog_article.title -> headline, users.name -> display_name,
//   posts.comments_count -> comment_count (rename_column); accounts.include CHAR(1) 'X'/'' ->
//   include_bool (change_column, the seeds'); inovices -> invoices (rename_table, the seeds').
rewrite::Catalog orm_catalog(Phase phase) {
  rewrite::Catalog c;
  c.migrations.push_back(column_migration(
      "sbtest1_k2", MigrationKind::kRenameColumn, "sbtest1", {{"k2", "\"k\""}}, {{"k", "\"k2\""}},
      {column("id", "int(11)", "", true), column("k", "int(11)", "0"), column("c", "char(120)", "''"),
       column("pad", "char(60)", "''"), column("k2", "int(11)", "NULL")},
      phase));
  c.migrations.push_back(column_migration(
      "blog_article_headline", MigrationKind::kRenameColumn, "blog_article", {{"headline", "\"title\""}},
      {{"title", "\"headline\""}},
      {column("id", "int(11)", "", true), column("title", "varchar(200)", "NULL"), column("slug", "varchar(50)", "NULL"),
       column("body", "longtext", "NULL"), column("author_id", "int(11)", "NULL"),
       column("published", "datetime(6)", "NULL"), column("views", "int(11)", "0"),
       column("headline", "varchar(200)", "NULL")},
      phase));
  c.migrations.push_back(column_migration(
      "users_display_name", MigrationKind::kRenameColumn, "users", {{"display_name", "\"name\""}},
      {{"name", "\"display_name\""}},
      {column("id", "int(11)", "", true), column("name", "varchar(50)", "NULL"), column("fullname", "varchar(100)", "NULL"),
       column("email", "varchar(255)", "NULL"), column("new_email", "varchar(255)", "NULL"),
       column("email_verified", "tinyint(1)", "NULL"), column("username", "varchar(50)", "NULL"),
       column("user_name", "varchar(50)", "NULL"), column("normalized_email", "varchar(255)", "NULL"),
       column("active", "tinyint(1)", "1"), column("last_login", "datetime", "NULL"),
       column("created_at", "datetime(6)", "NULL"), column("updated_at", "datetime(6)", "NULL"),
       column("display_name", "varchar(50)", "NULL")},
      phase));
  c.migrations.push_back(column_migration(
      "posts_comment_count", MigrationKind::kRenameColumn, "posts", {{"comment_count", "\"comments_count\""}},
      {{"comments_count", "\"comment_count\""}},
      {column("id", "int(11)"), column("user_id", "int(11)", "NULL"), column("title", "varchar(100)", "NULL"),
       column("published", "tinyint(1)", "NULL"), column("comments_count", "int(11)", "NULL"),
       column("comment_count", "int(11)", "NULL")},
      phase));
  c.migrations.push_back(column_migration(
      "accounts_include_bool", MigrationKind::kChangeColumn, "accounts",
      {{"include_bool", "CASE WHEN include = 'X' THEN 1 ELSE 0 END"}},
      {{"include", "CASE WHEN include_bool THEN 'X' ELSE '' END"}},
      {column("aid", "int(11)"), column("id", "int(11)", "NULL"), column("include", "char(1)", "NULL"),
       column("include_bool", "tinyint(1)", "NULL"), column("user_id", "int(11)", "NULL")},
      phase));
  rewrite::ResolvedMigration r;
  r.spec = rewrite::testing::table_spec("invoices", MigrationKind::kRenameTable, {"app", "inovices"},
                                        {"app", "invoices"}, phase);
  r.old_rel.name = r.spec.old_table;
  r.old_rel.exists = true;
  r.old_rel.columns = {column("id", "int(11)"), column("customer", "varchar(50)", "NULL"),
                       column("amount", "decimal(10,2)", "NULL")};
  r.old_rel.primary_key = {"id"};
  r.new_rel = r.old_rel;
  r.new_rel.name = r.spec.new_table;
  c.migrations.push_back(r);
  return c;
}

bool is_dml(const std::string& sql) {
  for (const char* verb : {"INSERT", "UPDATE", "DELETE", "REPLACE"})
    if (sql.size() >= 6 && strncasecmp(sql.c_str(), verb, strlen(verb)) == 0) return true;
  return false;
}

const char* outcome(rewrite::RewriteResult::Kind k) {
  switch (k) {
    case rewrite::RewriteResult::Kind::kRewritten: return "rewritten";
    case rewrite::RewriteResult::Kind::kRefused: return "refused";
    default: return "unchanged";
  }
}

struct Fixture {
  proxy::Generation gen;
  rewrite::Lexical lexical;
  Fixture() {
    gen.catalog = orm_catalog(Phase::kDualWrite);
    lexical.database = "app";
    lexical.mysql.mariadb = true;
    lexical.mysql.server_version = 101100;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Per benchmark name: its outcome, for the summary.
std::map<std::string, std::string>& outcomes() {
  static std::map<std::string, std::string> m;
  return m;
}

// Console output as usual, and the CPU time per iteration of every run kept for the summary.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.iterations == 0) continue;
      const std::string name = r.benchmark_name();
      const std::string path = name.substr(0, name.find('/'));
      const std::string key = path + " " + outcomes()[name];
      times_[key].push_back(r.GetAdjustedCPUTime());
    }
  }
  void print_summary() const {
    std::printf("\n%-26s %6s %10s %10s %10s\n", "path, outcome", "stmts", "p50 ns", "p90 ns", "max ns");
    for (auto [key, v] : times_) {
      std::sort(v.begin(), v.end());
      const auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))]; };
      std::printf("%-26s %6zu %10.0f %10.0f %10.0f\n", key.c_str(), v.size(), at(0.5), at(0.9), v.back());
    }
  }

 private:
  std::map<std::string, std::vector<double>> times_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto corpus = rewrite::mysql::testing::read_corpus(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus");
  if (corpus.empty()) {
    std::fprintf(stderr, "mysql_rewrite_bench: the corpus (tests/rewrite/mysql/corpus) could not be read\n");
    return 1;
  }
  Fixture& f = fixture();
  const rewrite::Dialect& dialect = rewrite::mysql::dialect();
  // --rewrites=N: every write of the corpus rewritten N times uncached, then exit, for counting
  // instructions with callgrind (the total for N minus the total for 0, over N times the writes).
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--rewrites=", 0) != 0) continue;
    const int n = std::stoi(arg.substr(11));
    size_t writes = 0;
    for (const auto& s : corpus) {
      if (s.file == "forms.sql" || !is_dml(s.sql)) continue;
      ++writes;
      for (int k = 0; k < n; ++k) {
        rewrite::RewriteResult out = rewrite::mysql::rewrite_sql(s.sql, f.gen.catalog, {}, f.lexical.mysql, f.lexical.database);
        benchmark::DoNotOptimize(out.kind);
      }
    }
    std::printf("%zu writes x %d rewrites\n", writes, n);
    return 0;
  }
  for (const auto& s : corpus) {
    if (s.file == "forms.sql" || !is_dml(s.sql)) continue;  // the ORMs' and seeds' writes
    const std::string where = s.file + ":" + std::to_string(s.line);
    const rewrite::RewriteResult r = rewrite::mysql::rewrite_sql(s.sql, f.gen.catalog, {}, f.lexical.mysql, f.lexical.database);
    outcomes()["uncached/" + where] = outcome(r.kind);
    outcomes()["cached/" + where] = outcome(r.kind);
    const std::string label = outcome(r.kind);
    benchmark::RegisterBenchmark(("uncached/" + where).c_str(), [sql = s.sql, label, &f](benchmark::State& state) {
      for (auto _ : state) {
        rewrite::RewriteResult out = rewrite::mysql::rewrite_sql(sql, f.gen.catalog, {}, f.lexical.mysql, f.lexical.database);
        benchmark::DoNotOptimize(out.kind);
      }
      state.SetLabel(label);
    })->Unit(benchmark::kNanosecond);
    benchmark::RegisterBenchmark(("cached/" + where).c_str(), [sql = s.sql, label, &f, &dialect](benchmark::State& state) {
      proxy::RewriteCache cache;
      cache.get(sql, f.gen, dialect, {}, f.lexical);  // the first time: a miss
      for (auto _ : state) {
        rewrite::RewriteResult out = cache.get(sql, f.gen, dialect, {}, f.lexical);
        benchmark::DoNotOptimize(out.kind);
      }
      state.SetLabel(label);
    })->Unit(benchmark::kNanosecond);
  }
  // The DDL lint's keyword scan, which every COM_QUERY pays while ddl_lint is warn or block
  // (the default), migrated table or not: over every statement of the corpus, reads included.
  for (const auto& s : corpus) {
    const std::string where = s.file + ":" + std::to_string(s.line);
    const std::string label = dialect.may_be_ddl(s.sql) ? "may be DDL" : "no DDL";
    outcomes()["ddl_scan/" + where] = label;
    benchmark::RegisterBenchmark(("ddl_scan/" + where).c_str(), [sql = s.sql, label, &dialect](benchmark::State& state) {
      for (auto _ : state) benchmark::DoNotOptimize(dialect.may_be_ddl(sql));
      state.SetLabel(label);
    })->Unit(benchmark::kNanosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary();
  benchmark::Shutdown();
  return 0;
}

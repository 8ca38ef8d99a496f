// How long the MySQL front end (rewrite/mysql/) takes per statement: tokenize only, parse, and
// parse + print, for the four shapes ProxySQL's parser reports figures for (a simple SELECT
// about 180 ns, a complex one about 1 us), so the ratios to those targets can be read off.
// Run: build/mysql_parse_bench  (Google Benchmark; numbers in docs/benchmarks.md).
// For instruction counts: build/mysql_parse_bench --parses=N --statement=I [--reuse] parses
// statement I (0-3) N times (with --reuse by one StatementParser) and exits, so callgrind's total for N=2000 minus N=0, over 2000, is the cost of
// one parse (docs/benchmarks.md, "MySQL front end").
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "rewrite/mysql/lexer.h"
#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/printer.h"

namespace {

using namespace switchyard::rewrite::mysql;

const char* const kStatements[] = {
    // 0: simple SELECT (sysbench point_select)
    "SELECT c FROM sbtest1 WHERE id = ?",
    // 1: point UPDATE
    "UPDATE sbtest1 SET k = k + 1 WHERE id = ?",
    // 2: multi-row INSERT ... ON DUPLICATE KEY UPDATE
    "INSERT INTO `users` (`id`, `name`, `email`, `updated_at`) VALUES (1, 'Ann', 'a@example.com', '2024-05-01 "
    "10:00:00'), (2, 'Bob', 'b@example.com', '2024-05-01 10:00:00'), (3, 'Cy', 'c@example.com', '2024-05-01 "
    "10:00:00') ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `updated_at` = VALUES(`updated_at`)",
    // 3: complex SELECT with joins and subqueries
    "SELECT u.id, u.name, COUNT(o.id) AS orders, SUM(o.total) AS spent FROM users AS u JOIN orders AS o ON "
    "o.user_id = u.id LEFT JOIN addresses AS a ON a.user_id = u.id AND a.kind = 'billing' WHERE u.active = 1 AND "
    "o.created_at > NOW() - INTERVAL 30 DAY AND u.id IN (SELECT user_id FROM subscriptions WHERE plan IN ('pro', "
    "'team')) AND NOT EXISTS (SELECT 1 FROM bans AS b WHERE b.user_id = u.id) GROUP BY u.id, u.name HAVING "
    "COUNT(o.id) > 2 ORDER BY spent DESC LIMIT 20",
};
const char* const kNames[] = {"simple_select", "point_update", "insert_odku", "complex_select"};

void BM_Tokenize(benchmark::State& state) {
  const std::string sql = kStatements[state.range(0)];
  std::vector<Token> tokens;
  std::string error;
  uint32_t at = 0;
  for (auto _ : state) {
    tokens.clear();
    benchmark::DoNotOptimize(tokenize(sql, {}, tokens, error, at));
  }
  state.SetLabel(kNames[state.range(0)]);
}

void BM_Parse(benchmark::State& state) {
  const std::string sql = kStatements[state.range(0)];
  for (auto _ : state) {
    Parsed p = parse(sql, {});
    benchmark::DoNotOptimize(p.ok());
  }
  state.SetLabel(kNames[state.range(0)]);
}

// One StatementParser for every iteration, as a session would keep one: no allocation per parse.
void BM_ParseReuse(benchmark::State& state) {
  const std::string sql = kStatements[state.range(0)];
  StatementParser parser;
  for (auto _ : state) benchmark::DoNotOptimize(parser.parse(sql, {}));
  state.SetLabel(kNames[state.range(0)]);
}

void BM_ParsePrint(benchmark::State& state) {
  const std::string sql = kStatements[state.range(0)];
  for (auto _ : state) {
    Parsed p = parse(sql, {});
    std::string text = print(p.tree());
    benchmark::DoNotOptimize(text.data());
  }
  state.SetLabel(kNames[state.range(0)]);
}

BENCHMARK(BM_Tokenize)->DenseRange(0, 3);
BENCHMARK(BM_Parse)->DenseRange(0, 3);
BENCHMARK(BM_ParseReuse)->DenseRange(0, 3);
BENCHMARK(BM_ParsePrint)->DenseRange(0, 3);

// --parses=N --statement=I [--reuse]: N parses of statement I and nothing else (for callgrind),
// each by parse() or, with --reuse, by one StatementParser.
int count_mode(int parses, int statement, bool reuse) {
  if (statement < 0 || statement > 3) {
    std::fprintf(stderr, "--statement must be 0-3\n");
    return 2;
  }
  const std::string sql = kStatements[statement];
  int ok = 0;
  StatementParser parser;
  for (int i = 0; i < parses; ++i) ok += (reuse ? parser.parse(sql, {}) != nullptr : parse(sql, {}).ok()) ? 1 : 0;
  std::printf("%s: %d of %d parsed\n", kNames[statement], ok, parses);
  return ok == parses ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  int parses = -1;
  int statement = 0;
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reuse") == 0) reuse = true;
    if (std::strncmp(argv[i], "--parses=", 9) == 0) parses = std::atoi(argv[i] + 9);
    if (std::strncmp(argv[i], "--statement=", 12) == 0) statement = std::atoi(argv[i] + 12);
  }
  if (parses >= 0) return count_mode(parses, statement, reuse);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

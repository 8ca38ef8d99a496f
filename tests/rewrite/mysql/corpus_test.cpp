// The corpus of real statements (sysbench, Django, SQLAlchemy, ActiveRecord, the seed articles,
// MySQL's other forms): every one parses and round-trips (parse -> print -> parse, same tree).
#include <gtest/gtest.h>

#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/printer.h"
#include "tests/rewrite/mysql/corpus.h"
#include "tests/rewrite/mysql/round_trip.h"

namespace switchyard::rewrite::mysql {
namespace {

TEST(MysqlCorpus, EveryStatementParsesAndRoundTrips) {
  const auto corpus = testing::read_corpus(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus");
  ASSERT_GE(corpus.size(), 100u);
  for (const auto& s : corpus) EXPECT_EQ(testing::round_trip_failure(s.sql), "") << s.file << ":" << s.line << ": " << s.sql;
}

TEST(MysqlCorpus, PrintingIsIdempotent) {
  const auto corpus = testing::read_corpus(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus");
  for (const auto& s : corpus) {
    std::string once, twice;
    testing::round_trip_failure(s.sql, {}, &once);
    testing::round_trip_failure(once, {}, &twice);
    EXPECT_EQ(once, twice) << s.file << ":" << s.line;
  }
}

// One StatementParser for the whole corpus, statements and their malformed prefixes mixed (so
// a tree follows an error and a small statement a large one): each result is parse()'s.
TEST(MysqlCorpus, AReusedStatementParserGivesWhatParseGives) {
  const auto corpus = testing::read_corpus(std::string(SWITCHYARD_SOURCE_DIR) + "/tests/rewrite/mysql/corpus");
  StatementParser reused;
  for (const auto& s : corpus) {
    for (const std::string& sql : {s.sql, s.sql.substr(0, s.sql.size() / 2), s.sql}) {
      const Parsed fresh = parse(sql, {});
      const Tree* tree = reused.parse(sql, {});
      ASSERT_EQ(tree != nullptr, fresh.ok()) << s.file << ":" << s.line << ": " << sql;
      if (tree == nullptr) {
        EXPECT_EQ(reused.error().message, fresh.error().message) << sql;
        EXPECT_EQ(reused.error().offset, fresh.error().offset) << sql;
        EXPECT_EQ(reused.error().kind, fresh.error().kind) << sql;
        continue;
      }
      EXPECT_TRUE(same_tree(*tree, tree->root(), fresh.tree(), fresh.tree().root())) << sql;
      EXPECT_EQ(debug_string(*tree, tree->root()), debug_string(fresh.tree(), fresh.tree().root())) << sql;
      EXPECT_EQ(tree->size(), fresh.tree().size()) << sql;
      for (NodeId i = 0; i < tree->size(); ++i) {
        ASSERT_EQ(tree->node(i).begin, fresh.tree().node(i).begin) << sql;
        ASSERT_EQ(tree->node(i).end, fresh.tree().node(i).end) << sql;
      }
      EXPECT_EQ(print(*tree), print(fresh.tree())) << sql;
    }
  }
}

}  // namespace
}  // namespace switchyard::rewrite::mysql

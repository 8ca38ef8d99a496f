// The corpus of real statements (sysbench, Django, SQLAlchemy, ActiveRecord, the seed articles,
// MySQL's other forms): every one parses and round-trips (parse -> print -> parse, same tree).
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace switchyard::rewrite::mysql

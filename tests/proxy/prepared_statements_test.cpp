// PreparedStatements: the record follows what the server holds (a failed Parse leaves the old
// statement; a stack of changes unwinds last first) and knows which statements are stale.
#include "proxy/prepared_statements.h"

#include <gtest/gtest.h>

namespace switchyard::proxy {
namespace {

PreparedStatement statement(const std::string& text, uint64_t generation) {
  PreparedStatement s;
  s.text = text;
  s.upstream_text = text;
  s.stamp.generation = generation;
  return s;
}

TEST(PreparedStatements, AFailedParseLeavesTheOldStatement) {
  PreparedStatements p;
  p.set_current({1, {}});
  p.put_pending(1, "s", statement("SELECT 1", 1));
  p.commit(1);
  p.put_pending(2, "s", statement("SELECT 2", 1));  // the server answers 42P05: it exists
  ASSERT_EQ(p.find("s")->text, "SELECT 2");         // pipelined Binds see the new one
  p.rollback(2);
  ASSERT_NE(p.find("s"), nullptr);
  EXPECT_EQ(p.find("s")->text, "SELECT 1");
}

TEST(PreparedStatements, ABatchUnwindsLastFirst) {
  PreparedStatements p;
  p.put_pending(1, "", statement("SELECT 1", 1));
  p.commit(1);
  p.put_pending(2, "", statement("SELECT 2", 1));
  p.put_pending(3, "", statement("SELECT 3", 1));
  p.rollback(3);
  p.rollback(2);
  EXPECT_EQ(p.find("")->text, "SELECT 1");
}

TEST(PreparedStatements, CloseAndDiscardAllCanBeUndone) {
  PreparedStatements p;
  p.put_pending(1, "a", statement("SELECT 1", 1));
  p.put_pending(2, "b", statement("SELECT 2", 1));
  p.commit(1);
  p.commit(2);
  p.put_pending(3, "a", std::nullopt);
  EXPECT_EQ(p.find("a"), nullptr);
  p.commit(3);
  p.clear_pending(4, /*uncertain=*/true);  // DISCARD ALL in a failed multi-statement Query
  EXPECT_EQ(p.size(), 0u);
  p.rollback(4);
  ASSERT_NE(p.find("b"), nullptr);
  EXPECT_EQ(p.find("b")->stamp.generation, 0u);  // unknown: prepared again at its next use
}

TEST(PreparedStatements, StatementsGoStaleAtAFlipAndFreshWhenReplanned) {
  PreparedStatements p;
  p.set_current({1, {}});
  p.put_pending(1, "a", statement("SELECT 1", 1));
  p.put_pending(2, "b", statement("SELECT 2", 1));
  EXPECT_FALSE(p.needs_bind());
  p.set_current({2, {}});
  EXPECT_TRUE(p.needs_bind());
  EXPECT_TRUE(p.stale(*p.find("a")));
  p.replace(*p.find("a"), statement("SELECT 1", 2));
  EXPECT_TRUE(p.needs_bind());
  p.replace(*p.find("b"), statement("SELECT 2", 2));
  EXPECT_FALSE(p.needs_bind());
  // A route change alone makes them stale too.
  p.set_current({2, rewrite::ReadRoute{1}});
  EXPECT_TRUE(p.needs_bind());
  EXPECT_EQ(p.by_generation().at({2, 0}), 2);
}

TEST(PreparedStatements, InterestingStatementsKeepBindsInSight) {
  PreparedStatements p;
  p.set_current({1, {}});
  PreparedStatement s = statement("SELECT full_name FROM users", 1);
  s.reads_mask = 1;
  p.put_pending(1, "r", s);
  EXPECT_TRUE(p.needs_bind());
  p.put_pending(2, "r", std::nullopt);
  EXPECT_FALSE(p.needs_bind());
}

}  // namespace
}  // namespace switchyard::proxy

// The console's history: bounded to 15 minutes of samples, cumulative counters per migration,
// and the events kept by example (refusals without their literals).
#include "proxy/status_history.h"

#include <gtest/gtest.h>

#include "proxy/recent_events.h"
#include "rewrite/mysql/dialect.h"
#include "rewrite/pg/dialect.h"

namespace switchyard::proxy {
namespace {

AdminView view_with(uint64_t rewritten) {
  AdminView v;
  v.generation = 2;
  v.active_sessions = 4;
  MigrationView m;
  m.name = "users-email";
  m.phase = "shadow";
  m.counters.writes_rewritten = rewritten;
  m.counters.shadow_old_seconds.count = 2;
  m.counters.shadow_old_seconds.sum_seconds = 0.5;
  m.sessions_behind = 1;
  v.migrations.push_back(m);
  return v;
}

TEST(StatusHistory, KeepsFifteenMinutesWhateverTheUptime) {
  StatusHistory h(5);
  EXPECT_EQ(h.capacity(), 180u);
  for (int i = 0; i < 1000; ++i) h.add(sample_of(view_with(static_cast<uint64_t>(i)), 1000LL * i));
  ASSERT_EQ(h.samples().size(), 180u);
  EXPECT_EQ(h.samples().front().unix_ms, 1000LL * 820) << "the oldest are dropped first";
  EXPECT_EQ(h.samples().back().migrations.at(0).writes_rewritten, 999u);
  EXPECT_EQ(StatusHistory(60).capacity(), 15u);
}

TEST(StatusHistory, JsonHoldsEachSampleOldestFirst) {
  StatusHistory h(5);
  h.add(sample_of(view_with(10), 1000));
  h.add(sample_of(view_with(25), 6000));
  const std::string body = history_json(h);
  EXPECT_EQ(body.rfind(R"({"interval_seconds":5,"capacity":180,"samples":[{"t":1000,"generation":2,"active_sessions":4,)", 0),
            0u)
      << body;
  EXPECT_NE(body.find(R"("migrations":{"users-email":{"phase":"shadow","writes_rewritten":10,)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("shadow_old_count":2,"shadow_old_seconds":0.500000,)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"({"t":6000,)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("writes_rewritten":25,)"), std::string::npos) << body;
  EXPECT_EQ(body.back(), '\n');
}

TEST(RecentEvents, KeepsTheLastFewNewestLast) {
  RecentEvents e;
  for (int i = 0; i < 8; ++i) e.add("{\"n\":" + std::to_string(i) + "}");
  const auto kept = e.snapshot();
  ASSERT_EQ(kept.size(), RecentEvents::kCapacity);
  EXPECT_EQ(kept.front(), "{\"n\":3}");
  EXPECT_EQ(kept.back(), "{\"n\":7}");
}

TEST(RecentEvents, ARefusalShowsItsShapeNotItsValues) {
  const std::string event =
      refusal_event(rewrite::pg::dialect(), "UPDATE users SET full_name = 'Ada Lovelace' WHERE id = 42", "why");
  EXPECT_NE(event.find(R"("fingerprint":"UPDATE users SET full_name = $1 WHERE id = $2")"), std::string::npos) << event;
  EXPECT_EQ(event.find("Lovelace"), std::string::npos) << event;
  EXPECT_NE(event.find(R"("reason":"why")"), std::string::npos) << event;
}

// MySQL's shapes: backticks, a backslash escape, ? for each literal (never the sentinels the
// rewrite cache keys by), and a text PostgreSQL's scanner would misread.
TEST(RecentEvents, AMySqlRefusalShowsItsShapeInMySqlTerms) {
  const std::string event = refusal_event(rewrite::mysql::dialect(),
                                          R"(UPDATE `users` SET full_name = 'Ada \' Lovelace' WHERE id = 42 # note)", "why");
  EXPECT_NE(event.find(R"("fingerprint":"UPDATE `users` SET full_name = ? WHERE id = ?)"), std::string::npos) << event;
  EXPECT_EQ(event.find("Lovelace"), std::string::npos) << event;
  EXPECT_EQ(event.find("sy~lit"), std::string::npos) << event;
}

}  // namespace
}  // namespace switchyard::proxy

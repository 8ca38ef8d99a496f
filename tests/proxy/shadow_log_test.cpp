// The shadow mismatch log's pure parts: the token bucket, timestamps and the JSON line.
#include "proxy/shadow_log.h"

#include <gtest/gtest.h>

namespace switchyard::proxy {
namespace {

using std::chrono::milliseconds;

TEST(ShadowLog, TheRateLimiterAllowsABurstThenRefillsWithTime) {
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  LogRateLimiter limiter(2);
  EXPECT_TRUE(limiter.allow(t0));
  EXPECT_TRUE(limiter.allow(t0));
  EXPECT_FALSE(limiter.allow(t0));
  EXPECT_FALSE(limiter.allow(t0 + milliseconds(100)));
  EXPECT_TRUE(limiter.allow(t0 + milliseconds(500)));  // 0.5 s at 2/s: one more token
  EXPECT_FALSE(limiter.allow(t0 + milliseconds(500)));
  EXPECT_EQ(limiter.take_suppressed(), 3u);
  EXPECT_EQ(limiter.take_suppressed(), 0u);
  EXPECT_TRUE(limiter.allow(t0 + milliseconds(60500)));  // a long pause refills to the burst, no more
  EXPECT_TRUE(limiter.allow(t0 + milliseconds(60500)));
  EXPECT_FALSE(limiter.allow(t0 + milliseconds(60500)));

  LogRateLimiter silent(0);
  EXPECT_FALSE(silent.allow(t0));
  EXPECT_FALSE(silent.allow(t0 + milliseconds(10000)));
  EXPECT_EQ(silent.take_suppressed(), 2u);
}

TEST(ShadowLog, TimestampsAreIso8601UtcWithMilliseconds) {
  const auto t = std::chrono::system_clock::time_point{} + std::chrono::seconds(1714564800) + milliseconds(7);
  EXPECT_EQ(iso8601_utc(t), "2024-05-01T12:00:00.007Z");
}

TEST(ShadowLog, AMismatchIsOneJsonObjectWithRedactedOrPlainParameters) {
  ShadowRead read;
  read.migration = "m";
  read.fingerprint = "SELECT a FROM t WHERE b = $1 AND c = $2";
  read.served_is_new = true;
  read.served_sql = "SELECT a_new FROM t WHERE b = $1 AND c = $2";
  read.other_sql = "SELECT \"a\" FROM t WHERE b = $1 AND c = $2";
  read.params = {std::string("x\ny"), std::nullopt};
  CompareResult diff;
  diff.equal = false;
  diff.index = 2;
  diff.served_row = ShadowRow{std::string("1"), std::nullopt};
  const std::string redacted = mismatch_json(MismatchRecord{read, 3, 2, diff}, "T");
  EXPECT_EQ(redacted,
            R"({"ts":"T","migration":"m","fingerprint":"SELECT a FROM t WHERE b = $1 AND c = $2","served_shape":"new",)"
            R"("served_sql":"SELECT a_new FROM t WHERE b = $1 AND c = $2",)"
            R"("other_sql":"SELECT \"a\" FROM t WHERE b = $1 AND c = $2","params":["$1","$2"],)"
            R"("rows_served":3,"rows_other":2,"ordered":false,"diff_index":2,"served_row":["1",null],"other_row":null})");
  read.redact_parameters = false;
  const std::string plain = mismatch_json(MismatchRecord{read, 3, 2, diff}, "T");
  EXPECT_NE(plain.find(R"("params":["x\ny",null])"), std::string::npos) << plain;
  EXPECT_EQ(suppressed_json(4, "T"), R"({"ts":"T","suppressed":4,"message":"4 mismatch log lines suppressed"})");
}

}  // namespace
}  // namespace switchyard::proxy

// ErrorResponse positions paired with the rewritten text of the request they end, and pointed at
// the client's text: mapped, dropped when unsure, untouched for statements relayed as written.
#include "proxy/error_positions.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/pg/backend.h"

namespace switchyard::proxy {
namespace {

TEST(ErrorPositions, PairsEachErrorWithTheUnitItEnds) {
  ErrorPositions e;
  EXPECT_TRUE(e.empty());
  e.unit_sent();  // a Query relayed as written
  e.unit_sent();  // a rewritten Query
  e.query_rewritten("sent 2", "original 2");
  e.parse_rewritten("sent 3", "original 3");  // an extended batch ...
  e.unit_sent();                                // ... and its Sync
  e.parse_rewritten("sent 4a", "original 4a");
  e.parse_rewritten("sent 4b", "original 4b");
  e.unit_sent();
  e.parse_relayed();
  e.parse_rewritten("sent 5", "original 5");
  e.unit_sent();
  e.parse_relayed();
  e.unit_sent();

  EXPECT_FALSE(e.current()) << "the first Query was not rewritten";
  e.answered();
  ASSERT_TRUE(e.current());
  EXPECT_EQ(e.current()->sent, "sent 2");
  EXPECT_EQ(e.current()->original, "original 2");
  e.answered();
  EXPECT_EQ(e.current()->sent, "sent 3");
  e.answered();
  ASSERT_TRUE(e.current());
  EXPECT_EQ(e.current()->sent, "") << "two rewritten statements: which one erred is unknown";
  e.answered();
  ASSERT_TRUE(e.current());
  EXPECT_EQ(e.current()->sent, "") << "the error may be the other Parse's";
  e.answered();
  EXPECT_FALSE(e.current()) << "a batch relayed as written";
  e.answered();
  EXPECT_FALSE(e.current());
  EXPECT_TRUE(e.empty());

  e.parse_rewritten("sent 6", "original 6");  // an error before the batch's Sync was sent
  EXPECT_EQ(e.current()->sent, "sent 6");
}

TEST(ErrorPositions, ForgetsTextsPastItsBound) {
  ErrorPositions e;
  for (size_t i = 0; i < ErrorPositions::kMaxUnits; ++i) e.unit_sent();
  e.query_rewritten("never", "kept");
  e.unit_sent();
  e.query_rewritten("never", "kept");
  for (size_t i = 0; i < ErrorPositions::kMaxUnits; ++i) e.answered();
  ASSERT_TRUE(e.current());
  EXPECT_EQ(e.current()->sent, "") << "an untracked unit's errors lose their positions";

  ErrorPositions batch;
  for (size_t i = 0; i <= ErrorPositions::kMaxUnits; ++i) batch.parse_relayed();
  ASSERT_TRUE(batch.current());
  EXPECT_EQ(batch.current()->sent, "") << "a batch of too many Parses keeps no texts";
  batch.unit_sent();
  EXPECT_EQ(batch.current()->sent, "");
  batch.answered();
  EXPECT_TRUE(batch.empty());
}

std::string error_body(const std::string& position) {
  std::string body;
  const auto field = [&](char code, const std::string& value) {
    body.push_back(code);
    body += value;
    body.push_back('\0');
  };
  field('S', "ERROR");
  field('C', "42703");
  field('M', "column \"nme\" does not exist");
  field('P', position);
  body.push_back('\0');
  return body;
}

std::string position_in(const std::string& message) { return std::string(pg::error_field(message.substr(5), 'P')); }

TEST(ErrorPositions, PointsThePositionAtTheClientsText) {
  const ErrorPositions::Texts texts{"UPDATE users SET full_name = nme, display_name = nme WHERE id = 1",
                                    "UPDATE users SET full_name = nme WHERE id = 1"};
  std::string out;
  ASSERT_TRUE(remap_error_positions(error_body("30"), texts, true, out));
  EXPECT_EQ(position_in(out), "30");
  out.clear();
  ASSERT_TRUE(remap_error_positions(error_body("50"), texts, true, out)) << "the mirror's copy of nme";
  EXPECT_EQ(position_in(out), "30");
  out.clear();
  ASSERT_TRUE(remap_error_positions(error_body("8"), texts, true, out)) << "users: the same token";
  EXPECT_EQ(position_in(out), "8");
  out.clear();
  ASSERT_TRUE(remap_error_positions(error_body("35"), texts, true, out)) << "display_name is the proxy's";
  EXPECT_EQ(position_in(out), "");
  EXPECT_EQ(pg::error_field(out.substr(5), 'M'), "column \"nme\" does not exist");
  out.clear();
  ASSERT_TRUE(remap_error_positions(error_body("x"), texts, true, out));
  EXPECT_EQ(position_in(out), "");
  out.clear();
  ASSERT_TRUE(remap_error_positions(error_body("30"), {}, true, out)) << "no text: dropped";
  EXPECT_EQ(position_in(out), "");
  out.clear();
  EXPECT_FALSE(remap_error_positions(error_body("30").substr(0, 20), texts, true, out)) << "malformed: relayed as is";
}

}  // namespace
}  // namespace switchyard::proxy

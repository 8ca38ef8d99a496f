// The codecs on bytes a real MariaDB 10.11 sent (tests/protocol/mysql/mariadb_vectors.h): the
// greeting decodes to what MariaDB announces and re-encodes byte for byte; each reply, cut at
// every pair of points, frames into the same packets and the ReplyTracker walks it to its end
// with the right number of results; the values in its rows decode.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "protocol/mysql/framer.h"
#include "protocol/mysql/handshake.h"
#include "protocol/mysql/reply_tracker.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/resultset.h"
#include "protocol/mysql/statement.h"
#include "tests/protocol/mysql/mariadb_vectors.h"
#include "tests/protocol/mysql/packet_builder.h"
#include "tests/protocol/mysql/reply_walk.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;
using Progress = ReplyTracker::Progress;

uint32_t agreed(bool deprecate_eof) {
  const auto hs = decode_handshake_v10(from_hex(testing::kGreeting));
  return (testing::kCapturedClientCapabilities | (deprecate_eof ? cap::kDeprecateEof : 0)) & hs->capabilities;
}

TEST(MysqlMariaDbVectors, GreetingDecodesAndReencodes) {
  const std::string payload = from_hex(testing::kGreeting);
  const auto hs = decode_handshake_v10(payload);
  ASSERT_TRUE(hs) << hs.error;
  EXPECT_EQ(hs->server_version, "5.5.5-10.11.19-MariaDB-0+deb12u1");
  EXPECT_EQ(hs->auth_plugin_name, "mysql_native_password");
  EXPECT_EQ(hs->auth_plugin_data_len, 21);
  EXPECT_EQ(hs->scramble().size(), 20u);
  EXPECT_EQ(hs->capabilities & cap::kLongPassword, 0u);  // MariaDB: extended capabilities follow
  EXPECT_TRUE(hs->capabilities & cap::kDeprecateEof);
  EXPECT_TRUE(hs->capabilities & cap::kSessionTrack);
  EXPECT_EQ(hs->mariadb_capabilities(), mariadb_cap::kProgress | mariadb_cap::kStmtBulkOperations |
                                            mariadb_cap::kExtendedMetadata | mariadb_cap::kCacheMetadata);
  std::string again;
  encode_handshake_v10(again, *hs);
  EXPECT_EQ(again, payload);
}

// Walks `hex` after `command`, cut at every pair of points (every 13th for the second cut
// unless the first is a multiple of 5, to stay fast); returns the whole walk.
testing::ReplyWalk walk_everywhere(uint32_t caps, std::string_view command, const char* hex) {
  return testing::walk_reply_at_every_cut(caps, command, from_hex(hex), 13);
}

size_t count(const std::vector<Progress>& steps, Progress p) {
  return static_cast<size_t>(std::count(steps.begin(), steps.end(), p));
}

class MysqlMariaDbReplies : public ::testing::TestWithParam<bool> {};

TEST_P(MysqlMariaDbReplies, MultiStatementReply) {
  const testing::ReplyWalk w = walk_everywhere(agreed(GetParam()), "\x03SELECT 1 AS a; SELECT 'x' AS b, NULL AS c; DO 1; SELECT 2 AS d",
                                 GetParam() ? testing::kMultiStatementReplyDeprecateEof : testing::kMultiStatementReplyWithEof);
  ASSERT_FALSE(w.steps.empty());
  EXPECT_EQ(count(w.steps, Progress::kResultDone), 3u);
  EXPECT_EQ(w.steps.back(), Progress::kComplete);
  EXPECT_EQ(count(w.steps, Progress::kUnexpected), 0u);
  // The second result's row: 'x' and NULL.
  const size_t row_index = GetParam() ? 7 : 9;  // count, a, [EOF], row, end; count, b, c, [EOF], row
  const auto row = decode_text_row(w.payloads.at(row_index), 2);
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)[0], "x");
  EXPECT_FALSE((*row)[1]);
}

TEST_P(MysqlMariaDbReplies, CallReply) {
  const testing::ReplyWalk w = walk_everywhere(agreed(GetParam()), "\x03" "CALL two_results()",
                                 GetParam() ? testing::kCallReplyDeprecateEof : testing::kCallReplyWithEof);
  ASSERT_FALSE(w.steps.empty());
  EXPECT_EQ(count(w.steps, Progress::kResultDone), 2u);
  EXPECT_EQ(w.steps.back(), Progress::kComplete);
  const auto last = decode_ok(w.payloads.back(), agreed(GetParam()));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header, kOkHeader);
  EXPECT_FALSE(last->status_flags & status::kMoreResultsExist);
}

TEST_P(MysqlMariaDbReplies, PrepareAndExecuteReplies) {
  const uint32_t caps = agreed(GetParam());
  const testing::ReplyWalk prepared = walk_everywhere(caps, "\x16SELECT CAST(? AS SIGNED) + 1 AS n, CONCAT(?, 'x') AS s",
                                        GetParam() ? testing::kPrepareReplyDeprecateEof : testing::kPrepareReplyWithEof);
  ASSERT_FALSE(prepared.steps.empty());
  EXPECT_EQ(prepared.steps.back(), Progress::kComplete);
  const auto ok = decode_stmt_prepare_ok(prepared.payloads.front());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->num_params, 2);
  EXPECT_EQ(ok->num_columns, 2);

  std::string execute;
  encode_stmt_execute(execute, StmtExecute{ok->statement_id, 0, 1, true, {}});
  const testing::ReplyWalk executed = walk_everywhere(caps, execute, GetParam() ? testing::kExecuteReplyDeprecateEof
                                                                  : testing::kExecuteReplyWithEof);
  ASSERT_FALSE(executed.steps.empty());
  EXPECT_EQ(executed.steps.back(), Progress::kComplete);
  std::vector<ColumnType> types;
  for (size_t i = 1; i <= 2; ++i) types.push_back(decode_column_definition(executed.payloads.at(i))->type);
  EXPECT_EQ(types, (std::vector<ColumnType>{ColumnType::kLongLong, ColumnType::kVarString}));
  const auto row = decode_binary_row(executed.payloads.at(GetParam() ? 3 : 4), types);
  ASSERT_TRUE(row);
  EXPECT_EQ(*(*row)[0], from_hex("2a 00 00 00 00 00 00 00"));
  EXPECT_EQ(*(*row)[1], "\x03" "abx");
}

INSTANTIATE_TEST_SUITE_P(Mysql, MysqlMariaDbReplies, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "DeprecateEof" : "WithEof"; });

}  // namespace
}  // namespace switchyard::mysql

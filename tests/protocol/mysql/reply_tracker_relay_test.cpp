// ReplyTracker as the relay drives it: rows too long to look at (on_long_server_packet) and
// MariaDB's extended column metadata.
#include <gtest/gtest.h>

#include "protocol/mysql/reply_tracker.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/resultset.h"

namespace switchyard::mysql {
namespace {

using Progress = ReplyTracker::Progress;

std::string column(bool extended) {
  ColumnDefinition d;
  d.catalog = "def";
  d.name = "b";
  d.type = ColumnType::kLongBlob;
  static const std::string kJson("\x00\x04json", 6);  // type name "json"
  if (extended) d.extended_metadata = kJson;
  std::string out;
  encode_column_definition(out, d, extended);
  return out;
}

std::string eof(uint16_t status) {
  std::string out;
  encode_eof(out, EofPacket{0, status}, cap::kProtocol41);
  return out;
}

TEST(MysqlReplyTrackerRelay, ALongRowIsARowAndNothingElse) {
  ReplyTracker t(cap::kProtocol41);
  EXPECT_EQ(t.on_long_server_packet(), Progress::kUnexpected);  // nothing asked
  ASSERT_TRUE(t.on_command("\x03SELECT b FROM t"));
  EXPECT_EQ(t.on_long_server_packet(), Progress::kUnexpected);  // a column count is never long
  EXPECT_EQ(t.on_server_packet("\x01"), Progress::kInReply);
  EXPECT_EQ(t.on_server_packet(column(false)), Progress::kInReply);
  EXPECT_EQ(t.on_server_packet(eof(status::kAutocommit)), Progress::kInReply);
  EXPECT_EQ(t.on_long_server_packet(), Progress::kInReply);
  EXPECT_EQ(t.on_long_server_packet(), Progress::kInReply);
  EXPECT_EQ(t.on_server_packet(eof(status::kAutocommit)), Progress::kComplete);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(MysqlReplyTrackerRelay, ExtendedMetadataIsFollowedWhenAgreed) {
  for (const bool agreed : {false, true}) {
    ReplyTracker t(cap::kProtocol41, agreed ? mariadb_cap::kExtendedMetadata : 0);
    ASSERT_TRUE(t.on_command("\x03SELECT b FROM t"));
    EXPECT_EQ(t.on_server_packet("\x01"), Progress::kInReply);
    EXPECT_EQ(t.on_server_packet(column(agreed)), Progress::kInReply) << agreed;
    EXPECT_EQ(t.on_server_packet(eof(0)), Progress::kInReply);
    EXPECT_EQ(t.on_server_packet(eof(0)), Progress::kComplete);
  }
  ReplyTracker plain(cap::kProtocol41);  // extended definitions without the capability: out of step
  ASSERT_TRUE(plain.on_command("\x03SELECT b FROM t"));
  EXPECT_EQ(plain.on_server_packet("\x01"), Progress::kInReply);
  EXPECT_EQ(plain.on_server_packet(column(true)), Progress::kUnexpected);
}

TEST(MysqlReplyTrackerRelay, ChangeUserIsReportedWhileItsReplyIsPending) {
  ReplyTracker t(cap::kProtocol41);
  ASSERT_TRUE(t.on_command("\x11user"));
  EXPECT_TRUE(t.changing_user());
  EXPECT_EQ(t.on_server_packet("\xFEmysql_native_password\0" "01234567890123456789\0"), Progress::kInReply);
  EXPECT_TRUE(t.changing_user());
  EXPECT_EQ(t.on_server_packet(std::string("\x00\x00\x00\x02\x00\x00\x00", 7)), Progress::kComplete);
  EXPECT_FALSE(t.changing_user());
}

}  // namespace
}  // namespace switchyard::mysql

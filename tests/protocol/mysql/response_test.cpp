// OK / ERR / EOF: the MySQL docs' examples, session state info, DEPRECATE_EOF's OK, and the
// proxy's own refusal packet.
#include "protocol/mysql/response.h"

#include <gtest/gtest.h>

#include "protocol/mysql/constants.h"
#include "protocol/mysql/framer.h"
#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;

constexpr uint32_t k41 = cap::kProtocol41 | cap::kTransactions;

TEST(MysqlResponse, DocumentOkPacket) {
  // page_protocol_basic_ok_packet: "07 00 00 02 00 00 00 02 00 00 00" (payload after the header).
  const std::string payload = from_hex("00 00 00 02 00 00 00");
  ASSERT_TRUE(is_ok_packet(payload, k41));
  const auto ok = decode_ok(payload, k41);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->affected_rows, 0u);
  EXPECT_EQ(ok->status_flags, status::kAutocommit);
  EXPECT_EQ(ok->warnings, 0);
  std::string again;
  encode_ok(again, *ok, k41);
  EXPECT_EQ(again, payload);
  for (size_t cut = 0; cut < payload.size(); ++cut) EXPECT_FALSE(decode_ok(payload.substr(0, cut), k41)) << cut;
}

TEST(MysqlResponse, DocumentErrPacket) {
  // page_protocol_basic_err_packet: error 1096, SQLSTATE HY000, "No tables used".
  const std::string payload = from_hex("ff 48 04 23 48 59 30 30 30 4e 6f 20 74 61 62 6c 65 73 20 75 73 65 64");
  const auto err = decode_err(payload, k41);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error_code, 1096);
  EXPECT_EQ(err->sql_state, "HY000");
  EXPECT_EQ(err->message, "No tables used");
  std::string again;
  encode_err(again, *err, k41);
  EXPECT_EQ(again, payload);
  // Before the capabilities are settled a server may send no SQLSTATE.
  const auto early = decode_err(from_hex("ff 15 04 42 6f 6f"), 0);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->error_code, 1045);
  EXPECT_TRUE(early->sql_state.empty());
  EXPECT_EQ(early->message, "Boo");
}

TEST(MysqlResponse, DocumentEofPacket) {
  // page_protocol_basic_eof_packet: "05 00 00 05 fe 00 00 02 00".
  const std::string payload = from_hex("fe 00 00 02 00");
  ASSERT_TRUE(is_eof_packet(payload));
  const auto eof = decode_eof(payload, k41);
  ASSERT_TRUE(eof);
  EXPECT_EQ(eof->warnings, 0);
  EXPECT_EQ(eof->status_flags, status::kAutocommit);
  std::string again;
  encode_eof(again, *eof, k41);
  EXPECT_EQ(again, payload);
  // A text row whose first value has an 8-byte length starts 0xFE too, but is longer.
  EXPECT_FALSE(is_eof_packet(from_hex("fe 01 00 00 00 00 00 00 00 61")));
}

TEST(MysqlResponse, OkWithSessionStateAndInfo) {
  const uint32_t caps = k41 | cap::kSessionTrack;
  OkPacket ok;
  ok.affected_rows = 3;
  ok.last_insert_id = 300;
  ok.status_flags = status::kAutocommit | status::kSessionStateChanged;
  ok.info = "Rows matched: 3  Changed: 3  Warnings: 0";
  const std::string state = from_hex("00 0a 0a 61 75 74 6f 63 6f 6d 6d 69 74");  // SESSION_TRACK_SYSTEM_VARIABLES
  ok.session_state_info = state;
  std::string bytes;
  encode_ok(bytes, ok, caps);
  const auto back = decode_ok(bytes, caps);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->affected_rows, 3u);
  EXPECT_EQ(back->last_insert_id, 300u);
  EXPECT_EQ(back->info, ok.info);
  EXPECT_EQ(back->session_state_info, state);
  // Without the session flag the info is string<EOF>.
  ok.status_flags = status::kAutocommit;
  bytes.clear();
  encode_ok(bytes, ok, k41);
  EXPECT_EQ(decode_ok(bytes, k41)->info, ok.info);
}

TEST(MysqlResponse, DeprecateEofOkEndsAResultSet) {
  const uint32_t caps = k41 | cap::kDeprecateEof;
  OkPacket ok;
  ok.header = kEofHeader;
  ok.status_flags = status::kAutocommit | status::kMoreResultsExist;
  std::string bytes;
  encode_ok(bytes, ok, caps);
  EXPECT_TRUE(is_ok_packet(bytes, caps));
  EXPECT_FALSE(is_ok_packet(bytes, k41));
  EXPECT_EQ(decode_ok(bytes, caps)->status_flags, ok.status_flags);
}

TEST(MysqlResponse, RefusalPacketForTheClient) {
  const std::string packet =
      build_error_packet(1, kErNotSupportedYet, "42000", "switchyard: cannot mirror this write", k41);
  struct One : FramerCallbacks {
    std::string payload;
    uint8_t seq = 0;
    void on_packet(const Packet& p) override {
      payload = p.payload;
      seq = p.sequence_id;
    }
  } one;
  Framer f(1 << 20);
  ASSERT_EQ(f.feed(packet, one), FrameError::kNone);
  EXPECT_EQ(one.seq, 1);
  const auto err = decode_err(one.payload, k41);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error_code, 1235);
  EXPECT_EQ(err->sql_state, "42000");
  EXPECT_EQ(err->message, "switchyard: cannot mirror this write");
  EXPECT_EQ(packet.substr(4, 4), from_hex("ff d3 04 23"));
}

}  // namespace
}  // namespace switchyard::mysql

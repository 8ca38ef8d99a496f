// The MySQL wire codecs (protocol/mysql/) on a real MariaDB 10.11's bytes: a raw socket parses
// the real greeting, logs in with a mysql_native_password scramble computed by the codec, and
// walks multi-statement, CALL, error, LOCAL INFILE and prepared-statement replies with the
// ReplyTracker to completion; the same bytes fed again, cut at every point, give the same walk.
//
// SWITCHYARD_MYSQL_CAPTURE=1 prints the bytes received, as the hex committed in
// tests/protocol/mysql/mariadb_vectors.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "protocol/mysql/auth.h"
#include "protocol/mysql/command.h"
#include "protocol/mysql/constants.h"
#include "protocol/mysql/handshake.h"
#include "protocol/mysql/reply_tracker.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/resultset.h"
#include "protocol/mysql/statement.h"
#include "tests/protocol/mysql/reply_walk.h"
#include "tests/support/mariadb_connection.h"
#include "tests/support/mariadb_environment.h"
#include "tests/integration/mariadb_codec_session.h"
#include "tests/support/mysql_raw_client.h"

namespace switchyard::test_support {
namespace {

using mysql::ReplyTracker;
using Progress = ReplyTracker::Progress;
namespace cap = mysql::cap;

void maybe_capture(const std::string& what, const std::string& bytes) {
  if (std::getenv("SWITCHYARD_MYSQL_CAPTURE") == nullptr) return;
  std::printf("capture %s (%zu bytes):\n", what.c_str(), bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) std::printf("%02x%s", static_cast<unsigned char>(bytes[i]), (i % 32 == 31) ? "\n" : "");
  std::printf("\n");
}

MariaDbLogin native_login() {
  MariaDbServer& s = shared_mariadb();
  MariaDbLogin login = tcp_login(s, kMariaDbNativeUser, kMariaDbNativePassword);
  login.database = kMariaDbAppDatabase;
  login.multi_statements = true;
  return login;
}

// Runs set-up SQL through Connector/C.
void setup_sql(const std::string& sql) {
  std::string error;
  MariaDbConn conn = connect_mariadb(native_login(), error);
  ASSERT_TRUE(conn) << error;
  ASSERT_TRUE(mariadb_query(conn.get(), sql, error)) << sql << ": " << error;
}

CodecSession logged_in(bool deprecate_eof) {
  std::optional<MysqlPacket> last;
  CodecSession session = open_session(deprecate_eof, kMariaDbNativePassword, last);
  EXPECT_TRUE(last) << session.client->error();
  if (last) {
    EXPECT_EQ(mysql::classify_auth_reply(last->payload), mysql::AuthReply::kOk);
  }
  return session;
}

TEST(MariaDbWire, RealGreetingDecodesAndReencodesByteForByte) {
  std::optional<MysqlPacket> last;
  CodecSession session = open_session(false, kMariaDbNativePassword, last);
  const mysql::HandshakeV10& hs = session.greeting;
  maybe_capture("greeting", session.greeting_bytes);
  EXPECT_EQ(hs.protocol_version, 10);
  EXPECT_NE(hs.server_version.find("MariaDB"), std::string::npos) << hs.server_version;
  EXPECT_EQ(hs.scramble().size(), 20u);
  EXPECT_EQ(hs.auth_plugin_name, mysql::kNativePasswordPlugin);
  EXPECT_TRUE(hs.capabilities & cap::kProtocol41);
  EXPECT_TRUE(hs.capabilities & cap::kDeprecateEof);
  EXPECT_FALSE(hs.capabilities & cap::kLongPassword) << "MariaDB clears bit 0 and sends its own capabilities";
  EXPECT_TRUE(hs.mariadb_capabilities() & mysql::mariadb_cap::kStmtBulkOperations);
  std::string again;
  mysql::encode_handshake_v10(again, hs);
  EXPECT_EQ(again, session.greeting_bytes);
  // Masking CLIENT_COMPRESS changes only the capability bytes.
  mysql::HandshakeV10 masked = hs;
  mysql::mask_capabilities(masked, cap::kCompress | cap::kSsl);
  const auto reparsed = mysql::decode_handshake_v10([&] { std::string b; mysql::encode_handshake_v10(b, masked); return b; }());
  ASSERT_TRUE(reparsed);
  EXPECT_FALSE(reparsed->capabilities & cap::kCompress);
  EXPECT_EQ(reparsed->capabilities, hs.capabilities & ~(cap::kCompress | cap::kSsl));
  EXPECT_EQ(reparsed->scramble(), hs.scramble());
}

TEST(MariaDbWire, NativePasswordLoginFromTheCodec) {
  std::optional<MysqlPacket> last;
  CodecSession ok = open_session(false, kMariaDbNativePassword, last);
  ASSERT_TRUE(last) << ok.client->error();
  const auto decoded = mysql::decode_ok(last->payload, ok.capabilities);
  ASSERT_TRUE(decoded) << "not an OK";
  EXPECT_TRUE(decoded->status_flags & mysql::status::kAutocommit);

  CodecSession refused = open_session(false, "not-the-password", last);
  ASSERT_TRUE(last) << refused.client->error();
  const auto err = mysql::decode_err(last->payload, refused.capabilities);
  ASSERT_TRUE(err) << "not an ERR";
  EXPECT_EQ(err->error_code, 1045);
  EXPECT_EQ(err->sql_state, "28000");
  EXPECT_NE(err->message.find("Access denied for user 'native_user'"), std::string::npos) << err->message;
}

// Sends one command and walks the reply to completion; returns the progress reported for each
// packet and keeps the packets.
std::vector<Progress> walk(CodecSession& s, std::string_view command, std::vector<MysqlPacket>& packets) {
  ReplyTracker tracker(s.capabilities);
  EXPECT_TRUE(tracker.on_command(command));
  EXPECT_TRUE(s.client->send(0, command));
  std::vector<Progress> steps;
  while (tracker.pending() > 0) {
    auto p = s.client->read();
    if (!p) {
      ADD_FAILURE() << s.client->error();
      break;
    }
    steps.push_back(tracker.on_server_packet(p->payload));
    packets.push_back(std::move(*p));
    if (steps.back() == Progress::kUnexpected || steps.back() == Progress::kLocalInfile) break;
  }
  return steps;
}

// Feeds `bytes` (a whole reply) to a fresh framer and tracker cut at every pair of points, and
// checks the walk is the one seen when it was read off the socket.
void expect_same_walk_at_every_split(uint32_t capabilities, std::string_view command, const std::string& bytes,
                                     const std::vector<Progress>& expected) {
  const auto walk = mysql::testing::walk_reply_at_every_cut(capabilities, command, bytes, 7);
  EXPECT_EQ(walk.steps, expected);
}

class MariaDbReplies : public ::testing::TestWithParam<bool> {};  // CLIENT_DEPRECATE_EOF or not

TEST_P(MariaDbReplies, MultiStatementQueryWalksToCompletion) {
  CodecSession s = logged_in(GetParam());
  std::string command;
  mysql::encode_query(command, "SELECT 1 AS a; SELECT 'x' AS b, NULL AS c; DO 1; SELECT 2 AS d", s.capabilities);
  std::vector<MysqlPacket> packets;
  const auto steps = walk(s, command, packets);
  const std::string bytes = s.client->take_received();
  maybe_capture(std::string("multi-statement reply, deprecate_eof=") + (GetParam() ? "1" : "0"), bytes);
  const size_t done = std::count(steps.begin(), steps.end(), Progress::kResultDone);
  EXPECT_EQ(done, 3u);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), Progress::kComplete);
  // The second result's row: text 'x' and NULL.
  bool saw_row = false;
  for (const MysqlPacket& p : packets) {
    const auto row = mysql::decode_text_row(p.payload, 2);
    if (row && (*row)[0] == "x") {
      EXPECT_FALSE((*row)[1].has_value());
      saw_row = true;
    }
  }
  EXPECT_TRUE(saw_row);
  expect_same_walk_at_every_split(s.capabilities, command, bytes, steps);
}

TEST_P(MariaDbReplies, CallWalksToCompletion) {
  setup_sql("CREATE PROCEDURE IF NOT EXISTS two_results() BEGIN SELECT 1 AS one; SELECT 2 AS two, 3 AS three; END");
  CodecSession s = logged_in(GetParam());
  std::string command;
  mysql::encode_query(command, "CALL two_results()", s.capabilities);
  std::vector<MysqlPacket> packets;
  const auto steps = walk(s, command, packets);
  const std::string bytes = s.client->take_received();
  maybe_capture(std::string("CALL reply, deprecate_eof=") + (GetParam() ? "1" : "0"), bytes);
  // Two result sets, then the CALL's own OK.
  EXPECT_EQ(std::count(steps.begin(), steps.end(), Progress::kResultDone), 2);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), Progress::kComplete);
  const auto last_ok = mysql::decode_ok(packets.back().payload, s.capabilities);
  ASSERT_TRUE(last_ok);
  EXPECT_FALSE(last_ok->status_flags & mysql::status::kMoreResultsExist);
  expect_same_walk_at_every_split(s.capabilities, command, bytes, steps);
}

TEST_P(MariaDbReplies, ErrorInTheMiddleOfAMultiStatementEndsTheReply) {
  CodecSession s = logged_in(GetParam());
  std::string command;
  mysql::encode_query(command, "SELECT 1; SELECT * FROM no_such_table; SELECT 3", s.capabilities);
  std::vector<MysqlPacket> packets;
  const auto steps = walk(s, command, packets);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), Progress::kComplete);
  const auto err = mysql::decode_err(packets.back().payload, s.capabilities);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error_code, 1146);
  EXPECT_EQ(err->sql_state, "42S02");
}

TEST_P(MariaDbReplies, LocalInfileExchangeWalksToCompletion) {
  setup_sql("CREATE TABLE IF NOT EXISTS infile_target (a INT, b TEXT)");
  CodecSession s = logged_in(GetParam());
  std::string command;
  mysql::encode_query(command, "LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE infile_target", s.capabilities);
  ReplyTracker tracker(s.capabilities);
  ASSERT_TRUE(tracker.on_command(command));
  ASSERT_TRUE(s.client->send(0, command));
  auto request = s.client->read();
  ASSERT_TRUE(request) << s.client->error();
  ASSERT_EQ(tracker.on_server_packet(request->payload), Progress::kLocalInfile);
  EXPECT_EQ(request->payload, "\xFBrows.tsv");
  EXPECT_TRUE(tracker.awaiting_client_data());
  uint8_t seq = request->last_sequence_id + 1;
  for (std::string_view chunk : {std::string_view("1\tone\n2\ttwo\n"), std::string_view()}) {
    EXPECT_EQ(tracker.on_client_packet(chunk), Progress::kInReply);
    ASSERT_TRUE(s.client->send(seq++, chunk));
  }
  auto ok = s.client->read();
  ASSERT_TRUE(ok) << s.client->error();
  EXPECT_EQ(tracker.on_server_packet(ok->payload), Progress::kComplete);
  const auto decoded = mysql::decode_ok(ok->payload, s.capabilities);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->affected_rows, 2u);
}

TEST_P(MariaDbReplies, PreparedStatementRoundTrip) {
  CodecSession s = logged_in(GetParam());
  std::string prepare;
  mysql::encode_stmt_prepare(prepare, "SELECT CAST(? AS SIGNED) + 1 AS n, CONCAT(?, 'x') AS s");
  std::vector<MysqlPacket> packets;
  auto steps = walk(s, prepare, packets);
  maybe_capture(std::string("COM_STMT_PREPARE reply, deprecate_eof=") + (GetParam() ? "1" : "0"), s.client->take_received());
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), Progress::kComplete);
  const auto ok = mysql::decode_stmt_prepare_ok(packets.front().payload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->num_params, 2);
  EXPECT_EQ(ok->num_columns, 2);
  EXPECT_EQ(packets.size(), GetParam() ? 5u : 7u);  // OK, 2 params, [EOF], 2 columns, [EOF]

  mysql::StmtExecute execute;
  execute.statement_id = ok->statement_id;
  execute.new_params_bound = true;
  std::string forty_one;
  mysql::put_int(forty_one, 41, 8);
  std::string ab;
  mysql::put_lenenc_str(ab, "ab");
  execute.params = {{{mysql::ColumnType::kLongLong, false}, false, false, forty_one},
                    {{mysql::ColumnType::kVarString, false}, false, false, ab}};
  std::string command;
  mysql::encode_stmt_execute(command, execute);
  const auto decoded_execute = mysql::decode_stmt_execute(command, 2);
  ASSERT_TRUE(decoded_execute) << decoded_execute.error;
  EXPECT_EQ(decoded_execute->params[1].value, ab);
  packets.clear();
  steps = walk(s, command, packets);
  maybe_capture(std::string("COM_STMT_EXECUTE reply, deprecate_eof=") + (GetParam() ? "1" : "0"), s.client->take_received());
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.back(), Progress::kComplete);
  std::vector<mysql::ColumnType> types;
  for (size_t i = 1; i <= 2; ++i) {
    const auto column = mysql::decode_column_definition(packets[i].payload);
    ASSERT_TRUE(column);
    types.push_back(column->type);
  }
  const size_t row_index = GetParam() ? 3 : 4;
  const auto row = mysql::decode_binary_row(packets[row_index].payload, types);
  ASSERT_TRUE(row);
  ASSERT_TRUE((*row)[0] && (*row)[1]);
  EXPECT_EQ(types[0], mysql::ColumnType::kLongLong);
  EXPECT_EQ(mysql::get_int(reinterpret_cast<const unsigned char*>((*row)[0]->data()), 8), 42u);
  EXPECT_EQ(*(*row)[1], std::string("\x03" "abx"));

  std::string reset;
  mysql::encode_stmt_reset(reset, ok->statement_id);
  packets.clear();
  steps = walk(s, reset, packets);
  EXPECT_EQ(steps, std::vector<Progress>{Progress::kComplete});
  std::string close;
  mysql::encode_stmt_close(close, ok->statement_id);
  ReplyTracker tracker(s.capabilities);
  EXPECT_FALSE(tracker.on_command(close));
  ASSERT_TRUE(s.client->send(0, close));
  // The statement is gone: executing it again is an error, and that reply completes too.
  packets.clear();
  steps = walk(s, command, packets);
  EXPECT_EQ(steps, std::vector<Progress>{Progress::kComplete});
  const auto err = mysql::decode_err(packets.back().payload, s.capabilities);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error_code, 1243);  // ER_UNKNOWN_STMT_HANDLER
}

INSTANTIATE_TEST_SUITE_P(MariaDb, MariaDbReplies, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "DeprecateEof" : "WithEof"; });

}  // namespace
}  // namespace switchyard::test_support

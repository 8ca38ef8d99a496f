// ReplyTracker: knows where each command's reply ends, with and without CLIENT_DEPRECATE_EOF,
// across multi-statement and CALL results, LOCAL INFILE, prepared statements and cursors; the
// replies are fed through the Framer cut at every byte.
#include "protocol/mysql/reply_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/mysql/command.h"
#include "protocol/mysql/framer.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/resultset.h"
#include "protocol/mysql/statement.h"
#include "tests/protocol/mysql/packet_builder.h"
#include "tests/protocol/mysql/reply_walk.h"

namespace switchyard::mysql {
namespace {

using testing::PacketBuilder;
using Progress = ReplyTracker::Progress;

constexpr uint32_t kBase = cap::kProtocol41 | cap::kTransactions | cap::kMultiResults | cap::kSecureConnection;

// Reply payloads, as a server sends them under `caps`.
struct Server {
  uint32_t caps;
  bool deprecate() const { return (caps & cap::kDeprecateEof) != 0; }
  std::string ok(uint16_t flags, uint64_t affected = 0, uint8_t header = kOkHeader) const {
    std::string p;
    OkPacket ok;
    ok.header = header;
    ok.affected_rows = affected;
    ok.status_flags = flags;
    encode_ok(p, ok, caps);
    return p;
  }
  std::string eof(uint16_t flags) const {
    std::string p;
    encode_eof(p, EofPacket{0, flags}, caps);
    return p;
  }
  // What ends a result set: an EOF, or under CLIENT_DEPRECATE_EOF an OK with header 0xFE.
  std::string terminator(uint16_t flags) const { return deprecate() ? ok(flags, 0, kEofHeader) : eof(flags); }
  std::string err(uint16_t code = 1064) const {
    std::string p;
    encode_err(p, ErrPacket{code, "42000", "You have an error"}, caps);
    return p;
  }
  static std::string column(std::string_view name, ColumnType type = ColumnType::kVarString) {
    std::string p;
    ColumnDefinition c;
    c.name = name;
    c.type = type;
    encode_column_definition(p, c);
    return p;
  }
  static std::string row(std::vector<std::optional<std::string>> values) {
    std::string p;
    encode_text_row(p, values);
    return p;
  }
  // A whole text result set of `columns` columns and `rows` rows, its terminator's flags `flags`.
  std::vector<std::string> result_set(size_t columns, size_t rows, uint16_t flags) const {
    std::vector<std::string> out;
    std::string count;
    encode_column_count(count, columns);
    out.push_back(count);
    for (size_t i = 0; i < columns; ++i) out.push_back(column("c" + std::to_string(i)));
    if (!deprecate()) out.push_back(eof(status::kAutocommit));
    for (size_t r = 0; r < rows; ++r) out.push_back(row(std::vector<std::optional<std::string>>(columns, "v")));
    out.push_back(terminator(flags));
    return out;
  }
};

// Every packet but the last is kInReply or kResultDone; the last completes the reply. The
// packets are fed as one stream cut at every pair of points, and the walk must not depend on
// the cuts.
void expect_reply(uint32_t caps, std::string_view command, const std::vector<std::string>& reply, size_t results) {
  PacketBuilder b(1);
  for (const auto& p : reply) b.packet(p);
  const testing::ReplyWalk walk = testing::walk_reply_at_every_cut(caps, command, b.bytes());
  ASSERT_EQ(walk.payloads, reply);
  const auto& steps = walk.steps;
  for (size_t i = 0; i + 1 < steps.size(); ++i) {
    EXPECT_TRUE(steps[i] == Progress::kInReply || steps[i] == Progress::kResultDone) << i << ": " << to_string(steps[i]);
  }
  EXPECT_EQ(steps.back(), Progress::kComplete);
  EXPECT_EQ(static_cast<size_t>(std::count(steps.begin(), steps.end(), Progress::kResultDone)), results - 1);
  ReplyTracker tracker(caps);  // and the results it counted
  tracker.on_command(command);
  for (const auto& p : reply) tracker.on_server_packet(p);
  EXPECT_EQ(tracker.results(), results);
}

std::string query(std::string_view sql) {
  std::string p;
  encode_query(p, sql, 0);
  return p;
}

class MysqlReplyTracker : public ::testing::TestWithParam<uint32_t> {
 protected:
  Server server{GetParam()};
};

TEST_P(MysqlReplyTracker, OkAndErrAndOneResultSet) {
  expect_reply(GetParam(), query("UPDATE t SET a = 1"), {server.ok(status::kAutocommit, 3)}, 1);
  expect_reply(GetParam(), query("SELEC 1"), {server.err()}, 1);
  expect_reply(GetParam(), query("SELECT a, b FROM t"), server.result_set(2, 3, status::kAutocommit), 1);
  expect_reply(GetParam(), query("SELECT a FROM empty"), server.result_set(1, 0, status::kAutocommit), 1);
}

TEST_P(MysqlReplyTracker, MultiStatementResultsChainOnMoreResultsExist) {
  const uint16_t more = status::kAutocommit | status::kMoreResultsExist;
  std::vector<std::string> reply = server.result_set(1, 1, more);
  reply.push_back(server.ok(more, 1));  // an UPDATE in the middle
  for (auto& p : server.result_set(2, 2, status::kAutocommit)) reply.push_back(p);
  expect_reply(GetParam() | cap::kMultiStatements, query("SELECT 1; UPDATE t SET a = 2; SELECT a, b FROM t"), reply, 3);
}

TEST_P(MysqlReplyTracker, CallEndsWithItsOwnOk) {
  // A procedure's result sets each announce more results; the CALL's own OK comes last.
  const uint16_t more = status::kAutocommit | status::kMoreResultsExist;
  std::vector<std::string> reply = server.result_set(1, 1, more);
  for (auto& p : server.result_set(2, 1, more)) reply.push_back(p);
  reply.push_back(server.ok(status::kAutocommit));
  expect_reply(GetParam(), query("CALL two_results()"), reply, 3);
}

TEST_P(MysqlReplyTracker, ErrorAfterResultsEndsTheReply) {
  std::vector<std::string> reply = server.result_set(1, 1, status::kAutocommit | status::kMoreResultsExist);
  reply.push_back(server.err(1146));
  expect_reply(GetParam(), query("SELECT 1; SELECT * FROM nope; SELECT 3"), reply, 2);
}

TEST_P(MysqlReplyTracker, ErrorInTheMiddleOfRowsEndsTheReply) {
  std::vector<std::string> reply = server.result_set(1, 2, status::kAutocommit);
  reply.back() = server.err(1317);  // query execution was interrupted
  expect_reply(GetParam(), query("SELECT SLEEP(10) FROM t"), reply, 1);
}

TEST_P(MysqlReplyTracker, MariaDbProgressReportsDoNotEndTheReply) {
  std::string progress;
  encode_err(progress, ErrPacket{kProgressReportCode, {}, std::string("\x01\x01\x02\x00\x00\x00\x03" "abc", 10)}, GetParam());
  expect_reply(GetParam(), query("ALTER TABLE t ADD COLUMN c INT"), {progress, progress, server.ok(status::kAutocommit)}, 1);
}

TEST_P(MysqlReplyTracker, LocalInfileWaitsForTheClientsFile) {
  ReplyTracker tracker(GetParam());
  ASSERT_TRUE(tracker.on_command(query("LOAD DATA LOCAL INFILE 'x.csv' INTO TABLE t")));
  EXPECT_EQ(tracker.on_client_packet("1,2\n"), Progress::kUnexpected);  // not asked for yet
  EXPECT_EQ(tracker.on_server_packet("\xFBx.csv"), Progress::kLocalInfile);
  EXPECT_TRUE(tracker.awaiting_client_data());
  EXPECT_EQ(tracker.on_server_packet(server.ok(0)), Progress::kUnexpected);  // the client's turn
  EXPECT_EQ(tracker.on_client_packet("1,2\n3,4\n"), Progress::kInReply);
  EXPECT_EQ(tracker.on_client_packet(""), Progress::kInReply);
  EXPECT_FALSE(tracker.awaiting_client_data());
  EXPECT_EQ(tracker.on_server_packet(server.ok(status::kAutocommit, 2)), Progress::kComplete);
  EXPECT_EQ(tracker.pending(), 0u);
}

TEST_P(MysqlReplyTracker, PreparedStatementPrepareExecuteFetch) {
  std::string prepare;
  encode_stmt_prepare(prepare, "SELECT a, b FROM t WHERE id = ?");
  std::string prepare_ok;
  encode_stmt_prepare_ok(prepare_ok, StmtPrepareOk{1, 2, 1, 0});
  std::vector<std::string> reply = {prepare_ok, Server::column("?")};
  if (!server.deprecate()) reply.push_back(server.eof(status::kAutocommit));
  reply.push_back(Server::column("a"));
  reply.push_back(Server::column("b"));
  if (!server.deprecate()) reply.push_back(server.eof(status::kAutocommit));
  expect_reply(GetParam(), prepare, reply, 1);

  // No parameters and no columns (an UPDATE without placeholders): the OK alone.
  std::string lone_ok;
  encode_stmt_prepare_ok(lone_ok, StmtPrepareOk{2, 0, 0, 0});
  expect_reply(GetParam(), prepare, {lone_ok}, 1);

  StmtExecute ex;
  ex.statement_id = 1;
  std::string execute;
  encode_stmt_execute(execute, ex);
  std::vector<std::string> rows = server.result_set(2, 0, status::kAutocommit);
  rows.insert(rows.end() - 1, std::string("\x00\x00\x01" "a\x01" "b", 6));  // a binary row
  expect_reply(GetParam(), execute, rows, 1);

  // With a cursor the rows wait for COM_STMT_FETCH: the result ends after the column
  // definitions, with SERVER_STATUS_CURSOR_EXISTS.
  ex.flags = kCursorTypeReadOnly;
  execute.clear();
  encode_stmt_execute(execute, ex);
  std::vector<std::string> cursor = server.result_set(2, 0, status::kAutocommit | status::kCursorExists);
  if (!server.deprecate()) {
    cursor.pop_back();  // the EOF after the columns carries the flag and ends it
    cursor.back() = server.eof(status::kAutocommit | status::kCursorExists);
  }
  expect_reply(GetParam(), execute, cursor, 1);
  std::string fetch;
  encode_stmt_fetch(fetch, StmtFetch{1, 10});
  const std::string binary_row("\x00\x00\x01" "a\x01" "b", 6);
  expect_reply(GetParam(), fetch, {binary_row, binary_row, server.terminator(status::kAutocommit | status::kLastRowSent)}, 1);
}

TEST_P(MysqlReplyTracker, CommandsWithoutRepliesAreNotQueued) {
  ReplyTracker tracker(GetParam());
  std::string close, chunk;
  encode_stmt_close(close, 1);
  encode_stmt_send_long_data(chunk, StmtSendLongData{1, 0, "x"});
  EXPECT_FALSE(tracker.on_command(close));
  EXPECT_FALSE(tracker.on_command(chunk));
  EXPECT_FALSE(tracker.on_command("\x01"));  // COM_QUIT
  EXPECT_EQ(tracker.pending(), 0u);
  EXPECT_EQ(tracker.on_server_packet(server.ok(0)), Progress::kUnexpected);
}

TEST_P(MysqlReplyTracker, PipelinedCommandsAreAnsweredInOrder) {
  ReplyTracker tracker(GetParam());
  ASSERT_TRUE(tracker.on_command(query("SELECT 1")));
  ASSERT_TRUE(tracker.on_command("\x0e"));  // COM_PING
  ASSERT_TRUE(tracker.on_command(query("DO 1")));
  const auto rs = server.result_set(1, 1, status::kAutocommit);
  for (size_t i = 0; i + 1 < rs.size(); ++i) EXPECT_EQ(tracker.on_server_packet(rs[i]), Progress::kInReply);
  EXPECT_EQ(tracker.on_server_packet(rs.back()), Progress::kComplete);
  EXPECT_EQ(tracker.pending(), 2u);
  EXPECT_EQ(tracker.on_server_packet(server.ok(status::kAutocommit)), Progress::kComplete);
  EXPECT_EQ(tracker.on_server_packet(server.ok(status::kAutocommit | status::kInTrans)), Progress::kComplete);
  EXPECT_EQ(tracker.status_flags(), status::kAutocommit | status::kInTrans);
  EXPECT_EQ(tracker.pending(), 0u);
}

TEST_P(MysqlReplyTracker, SingleReplyCommandsAndStatistics) {
  expect_reply(GetParam(), "\x0e", {server.ok(status::kAutocommit)}, 1);          // COM_PING
  expect_reply(GetParam(), "\x02" "app", {server.err(1049)}, 1);                   // COM_INIT_DB
  expect_reply(GetParam(), "\x1b\x00\x00", {server.eof(status::kAutocommit)}, 1);  // COM_SET_OPTION
  ReplyTracker tracker(GetParam());
  ASSERT_TRUE(tracker.on_command("\x09"));  // COM_STATISTICS: one string
  EXPECT_EQ(tracker.on_server_packet("Uptime: 5  Threads: 1"), Progress::kComplete);
}

TEST_P(MysqlReplyTracker, OutOfStepPacketsAreReported) {
  ReplyTracker tracker(GetParam());
  ASSERT_TRUE(tracker.on_command(query("SELECT 1")));
  EXPECT_EQ(tracker.on_server_packet(""), Progress::kUnexpected);  // no column count is empty
  ReplyTracker columns(GetParam());
  ASSERT_TRUE(columns.on_command(query("SELECT 1")));
  EXPECT_EQ(columns.on_server_packet("\x01"), Progress::kInReply);
  EXPECT_EQ(columns.on_server_packet("not a column definition"), Progress::kUnexpected);
}

INSTANTIATE_TEST_SUITE_P(Mysql, MysqlReplyTracker, ::testing::Values(kBase, kBase | cap::kDeprecateEof),
                         [](const auto& p) { return (p.param & cap::kDeprecateEof) ? "DeprecateEof" : "WithEof"; });

}  // namespace
}  // namespace switchyard::mysql

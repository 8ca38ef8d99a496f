// The relay's read boundaries (proxy/relay_loop.h): a waiting direction reads into a 1 KiB
// buffer, goes on into a pool buffer when more is behind it, and after a read that left the
// socket empty waits for the next readiness edge without trying a read first
// (proxy/reactor_hint.h). Bytes that arrive a few at
// a time, messages and answers of every size around that buffer, and a client that leaves right
// behind exactly a buffer's worth all arrive whole and in order.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "protocol/pg/frontend.h"
#include "protocol/pg/startup.h"
#include "tests/support/integration_environment.h"
#include "tests/support/pg_connection.h"
#include "tests/support/raw_client.h"
#include "tests/support/wait.h"

namespace switchyard::test_support {
namespace {

constexpr size_t kWaitBuffer = 1024;  // proxy/relay_read.h's WaitBuffer::kBytes

std::string startup() {
  return pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", kAppDatabase}});
}

// A simple Query message of exactly `size` bytes: 'Q', its length, the text, its NUL.
std::string query_message_of(size_t size, const std::string& prefix, const std::string& suffix) {
  const size_t text = size - 6;
  std::string sql = prefix + std::string(text - prefix.size() - suffix.size(), 'x') + suffix;
  std::string out;
  pg::encode_query(out, sql);
  return out;
}

// Each byte its own send, 3 ms apart: every read the proxy makes is short, and the next byte
// comes after the proxy has gone back to waiting.
TEST(RelayBoundaries, BytesSentOneAtATimeArriveWhole) {
  RawClient raw(integration_env().proxied());
  ASSERT_TRUE(raw.connected()) << raw.error();
  const std::string hello = startup();
  for (char c : hello) {
    ASSERT_TRUE(raw.send(std::string(1, c))) << raw.error();
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(raw.read_until('Z')) << "no ReadyForQuery; received: " << printable(raw.received());
  std::string query;
  pg::encode_query(query, "SELECT 'one byte at a time'");
  for (char c : query) {
    ASSERT_TRUE(raw.send(std::string(1, c))) << raw.error();
    std::this_thread::sleep_for(3ms);
  }
  auto row = raw.read_message();
  while (row && row->type != 'D') row = raw.read_message();
  ASSERT_TRUE(row) << "no DataRow; received: " << printable(raw.received());
  EXPECT_NE(row->body.find("one byte at a time"), std::string::npos) << printable(row->body);
  EXPECT_TRUE(raw.read_until('Z')) << printable(raw.received());
}

// Queries whose message is 1000 to 1060 bytes long (exactly the wait buffer among them), then
// answers of 900 to 1100 bytes: both directions cross the boundary both ways, one size at a time.
TEST(RelayBoundaries, MessagesAroundTheWaitBufferSizeArriveWhole) {
  PgConn conn = connect(integration_env().proxied().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  for (size_t size = kWaitBuffer - 24; size <= kWaitBuffer + 36; ++size) {
    // 'Q', length, text, NUL: SELECT length('xx...x') with the text padded to `size` in all.
    const std::string prefix = "SELECT length('";
    const std::string suffix = "')";
    const size_t padding = size - 6 - prefix.size() - suffix.size();
    const std::string sql = prefix + std::string(padding, 'x') + suffix;
    ASSERT_EQ(sql.size() + 6, size);
    EXPECT_EQ(query_value(conn.get(), sql), std::to_string(padding)) << "query message of " << size << " bytes";
  }
  for (size_t n = 900; n <= 1100; ++n) {
    const std::string value = query_value(conn.get(), "SELECT repeat('y', " + std::to_string(n) + ")");
    EXPECT_EQ(value, std::string(n, 'y')) << "answer with a " << n << "-byte value";
    if (value != std::string(n, 'y')) break;
  }
}

// A client that sends one query of exactly the wait buffer's size and closes its socket at once:
// the proxy reads those bytes, then the end of the stream; the query still reaches the server.
TEST(RelayBoundaries, AQuerySentJustBeforeTheClientLeavesStillReachesTheServer) {
  PgConn direct = connect(integration_env().direct().conninfo(kAppDatabase, kSuperuser));
  ASSERT_EQ(PQstatus(direct.get()), CONNECTION_OK) << PQerrorMessage(direct.get());
  exec(direct.get(), "DROP TABLE IF EXISTS relay_last_words; CREATE TABLE relay_last_words (said text)");
  {
    RawClient raw(integration_env().proxied());
    ASSERT_TRUE(raw.connected()) << raw.error();
    ASSERT_TRUE(raw.send(startup()));
    ASSERT_TRUE(raw.read_until('Z')) << printable(raw.received());
    const std::string query = query_message_of(kWaitBuffer, "INSERT INTO relay_last_words VALUES ('", "')");
    ASSERT_EQ(query.size(), kWaitBuffer);
    ASSERT_TRUE(raw.send(query)) << raw.error();
  }  // closed here, right behind the query
  EXPECT_TRUE(eventually([&] { return query_value(direct.get(), "SELECT count(*) FROM relay_last_words") == "1"; }, 10s))
      << "the last query before the client left never arrived";
  exec(direct.get(), "DROP TABLE relay_last_words");
}

}  // namespace
}  // namespace switchyard::test_support

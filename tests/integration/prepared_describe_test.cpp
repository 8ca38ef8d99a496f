// A statement re-prepared after a flip is invisible to the client (issue 9): with a raw protocol
// client, three named statements (old-shaped with a declared parameter type, old-shaped with an
// inferred one, new-shaped) are described in dual_write, and after each flip (read_new, then back
// to dual_write) their ParameterDescription and RowDescription bodies are byte-identical to the
// first answers, no extra ParseComplete or CloseComplete reaches the client, and executing them
// reads the shape the phase says (values planted directly, different in each shape). A statement
// the client closed stays closed.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "protocol/pg/backend.h"
#include "protocol/pg/frontend.h"
#include "protocol/pg/startup.h"
#include "tests/support/admin_probe.h"
#include "tests/support/http_client.h"
#include "tests/support/migration_proxy.h"
#include "tests/support/net.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/raw_client.h"

namespace switchyard::test_support {
namespace {

std::string message(char type, const std::string& body) {
  std::string out;
  pg::encode_message(out, type, body);
  return out;
}
std::string statement_target(const std::string& name) { return "S" + name + std::string(1, '\0'); }
std::string sync() { return message('S', ""); }

std::string bind_and_execute(const std::string& statement, const std::string& value) {
  std::string out;
  pg::BindMessage b;
  b.statement = statement;
  b.params = {std::string_view(value)};
  b.result_formats = std::string_view("\0\0", 2);  // no result format codes: all text
  pg::encode_bind(out, b);
  return out + message('E', std::string(5, '\0'));  // unnamed portal, no row limit
}

// The messages up to and including ReadyForQuery, without asynchronous ones (notices,
// parameter status), and their type letters.
struct Reply {
  std::vector<BackendMessage> messages;
  std::string types;
};
Reply until_ready(RawClient& raw) {
  Reply r;
  while (auto m = raw.read_message(10s)) {
    if (m->type == 'N' || m->type == 'S') continue;
    r.types += m->type;
    r.messages.push_back(*m);
    if (m->type == 'Z') break;
  }
  return r;
}

// The first column of a DataRow as text ("NULL" for null).
std::string first_column(const std::string& row) {
  if (row.size() < 6) return "(short DataRow)";
  const auto len = static_cast<int32_t>(static_cast<unsigned char>(row[2]) << 24 | static_cast<unsigned char>(row[3]) << 16 |
                                        static_cast<unsigned char>(row[4]) << 8 | static_cast<unsigned char>(row[5]));
  return len < 0 ? "NULL" : row.substr(6, static_cast<std::size_t>(len));
}

struct Described {
  const char* name;
  const char* sql;
  std::vector<uint32_t> param_types;
  std::string parameter;  // what Bind sends as $1; empty: the planted value of the shape read
};

TEST(PreparedDescribe, AnswersAreByteIdenticalAcrossFlips) {
  const int admin_port = pick_free_port();
  std::string error;
  auto proxy = MigrationProxy::start(
      "prepared_describe",
      "CREATE TABLE users (id int PRIMARY KEY, full_name text, email text, display_name text);"
      "INSERT INTO users SELECT g, 'user ' || g, 'u' || g || '@example.com', 'user ' || g FROM generate_series(1, 10) g;"
      "UPDATE users SET full_name = 'old-planted', display_name = 'new-planted' WHERE id = 7;",
      "migrations:\n  - name: users-display-name\n    table: users\n"
      "    rename_column: {from: full_name, to: display_name}\n    phase: dual_write\n"
      "admin: {listen: 127.0.0.1:" + std::to_string(admin_port) + "}\n",
      error);
  ASSERT_TRUE(proxy) << error;
  const auto metric = [&](const std::string& name) {
    return metric_sum(http_request(admin_port, "GET", "/metrics").body, name).value_or(-1);
  };

  // by_name filters on the renamed column: its parameter is the planted value of the shape read.
  const std::vector<Described> statements = {
      {"old_by_id", "SELECT full_name, id FROM users WHERE id = $1", {20}, "7"},
      {"old_by_name", "SELECT id, full_name, email FROM users WHERE full_name = $1", {}, ""},
      {"new_by_id", "SELECT display_name FROM users WHERE id = $1", {0}, "7"},
  };
  RawClient raw(proxy->process().endpoint());
  ASSERT_TRUE(raw.connected()) << raw.error();
  ASSERT_TRUE(raw.send(pg::encode_startup(pg::kProtocol3, {{"user", kSuperuser}, {"database", proxy->database()}})));
  ASSERT_TRUE(raw.read_until('Z')) << printable(raw.received());

  std::string batch;
  for (const auto& s : statements) pg::encode_parse(batch, {s.name, s.sql, s.param_types});
  for (const auto& s : statements) batch += message('D', statement_target(s.name));
  ASSERT_TRUE(raw.send(batch + sync()));
  const Reply first = until_ready(raw);
  ASSERT_EQ(first.types, "111tTtTtTZ") << printable(raw.received());

  // Describes every statement (alone, or after executing them) and compares with `first`;
  // executes each and checks it read `shape`'s planted value.
  const auto check = [&](const std::string& shape, bool execute_first) {
    SCOPED_TRACE("reads " + shape + (execute_first ? ", Bind before Describe" : ", Describe before Bind"));
    const std::string value = shape + "-planted";
    std::string describes, executes;
    for (const auto& s : statements) describes += message('D', statement_target(s.name));
    for (const auto& s : statements) executes += bind_and_execute(s.name, s.parameter.empty() ? value : s.parameter);
    ASSERT_TRUE(raw.send((execute_first ? executes + describes : describes + executes) + sync()));
    const Reply r = until_ready(raw);
    // The protocol sequence without DataRows (a row missing is a wrong read, reported below),
    // the descriptions in order, and the first column of each execution's rows.
    std::string types;
    std::vector<const BackendMessage*> descriptions;
    std::vector<std::vector<std::string>> rows;
    for (const BackendMessage& m : r.messages) {
      if (m.type != 'D') types += m.type;
      if (m.type == 't' || m.type == 'T') descriptions.push_back(&m);
      if (m.type == '2') rows.emplace_back();
      if (m.type == 'D' && !rows.empty()) rows.back().push_back(first_column(m.body));
    }
    const std::string described = "tTtTtT", executed = "2C2C2C";
    ASSERT_EQ(types, (execute_first ? executed + described : described + executed) + "Z")
        << "no ParseComplete or CloseComplete of a re-prepare may reach the client; received "
        << printable(raw.received());
    for (std::size_t i = 0; i < descriptions.size(); ++i) {
      EXPECT_EQ(printable(descriptions[i]->body), printable(first.messages[3 + i].body))
          << (i % 2 ? "RowDescription of " : "ParameterDescription of ") << statements[i / 2].name;
    }
    const std::vector<std::string> wanted[] = {{value}, {"7"}, {value}};
    for (std::size_t i = 0; i < statements.size(); ++i)
      EXPECT_EQ(rows[i], wanted[i]) << statements[i].name << " (old_by_name must find row 7 by its " << shape
                                    << " value)";
  };

  check("old", false);
  const double reprepares_before = metric("switchyard_reprepares_total");
  EXPECT_GE(reprepares_before, 0) << "no switchyard_reprepares_total on /metrics";

  ASSERT_EQ(reload_phase(proxy->process(), admin_port, "    phase: read_new\n"), "");
  check("new", false);  // the Describe is the first use after the flip
  EXPECT_EQ(metric("switchyard_reprepares_total") - reprepares_before, 3) << "each of the 3 statements once";

  ASSERT_EQ(reload_phase(proxy->process(), admin_port, "    phase: dual_write\n"), "");
  check("old", true);  // the Bind is the first use after the flip
  EXPECT_EQ(metric("switchyard_reprepares_total") - reprepares_before, 6) << "each of the 3 statements once more";

  // Closed by the client: one CloseComplete, and the name is gone even after another flip.
  ASSERT_TRUE(raw.send(message('C', statement_target("old_by_id")) + sync()));
  EXPECT_EQ(until_ready(raw).types, "3Z") << printable(raw.received());
  ASSERT_EQ(reload_phase(proxy->process(), admin_port, "    phase: read_new\n"), "");
  ASSERT_TRUE(raw.send(message('D', statement_target("old_by_id")) + sync()));
  const Reply closed = until_ready(raw);
  ASSERT_EQ(closed.types, "EZ") << printable(raw.received());
  EXPECT_EQ(pg::error_field(closed.messages[0].body, 'C'), "26000") << printable(closed.messages[0].body);
  if (HasFailure()) std::fprintf(stderr, "--- switchyard log (tail) ---\n%s\n", proxy->log_tail().c_str());
}

}  // namespace
}  // namespace switchyard::test_support

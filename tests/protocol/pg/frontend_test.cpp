// Query, Parse and Bind: round trips, and every truncation is refused.
#include "protocol/pg/frontend.h"

#include <gtest/gtest.h>

#include "protocol/pg/coding.h"

namespace switchyard::pg {
namespace {

std::string body_of(const std::string& msg) { return msg.substr(5); }

TEST(Frontend, QueryRoundTrips) {
  std::string out;
  encode_query(out, "SELECT 1; SELECT 2");
  EXPECT_EQ(out[0], 'Q');
  EXPECT_EQ(decode_query(body_of(out)), "SELECT 1; SELECT 2");
  EXPECT_FALSE(decode_query("no terminator"));
  EXPECT_FALSE(decode_query(std::string("a\0b", 3))) << "bytes after the string";
}

TEST(Frontend, ParseRoundTripsAndRejectsEveryTruncation) {
  std::string out;
  encode_parse(out, {"s1", "INSERT INTO t VALUES ($1, $2)", {23, 0}});
  const std::string body = body_of(out);
  const auto m = decode_parse(body);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->statement, "s1");
  EXPECT_EQ(m->query, "INSERT INTO t VALUES ($1, $2)");
  EXPECT_EQ(m->param_types, (std::vector<uint32_t>{23, 0}));
  for (size_t cut = 0; cut < body.size(); ++cut) EXPECT_FALSE(decode_parse(body.substr(0, cut))) << cut;
  EXPECT_FALSE(decode_parse(body + "x"));
}

TEST(Frontend, BindRoundTripsWithNullsAndBinaryFormatsAndRejectsEveryTruncation) {
  BindMessage b;
  b.portal = "p";
  b.statement = "s1";
  b.param_formats = {0, 1};
  b.params = {std::string_view("42"), std::nullopt, std::string_view("\x00\x01", 2)};
  std::string results;
  put_u16(results, 1);
  put_u16(results, 1);
  b.result_formats = results;
  std::string out;
  encode_bind(out, b);
  const std::string body = body_of(out);
  const auto m = decode_bind(body);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->portal, "p");
  EXPECT_EQ(m->statement, "s1");
  EXPECT_EQ(m->param_formats, (std::vector<uint16_t>{0, 1}));
  ASSERT_EQ(m->params.size(), 3u);
  EXPECT_EQ(m->params[0], "42");
  EXPECT_FALSE(m->params[1]);
  EXPECT_EQ(m->params[2], std::string_view("\x00\x01", 2));
  EXPECT_EQ(m->result_formats, results);
  std::string again;
  encode_bind(again, *m);
  EXPECT_EQ(again, out);
  for (size_t cut = 0; cut < body.size(); ++cut) EXPECT_FALSE(decode_bind(body.substr(0, cut))) << cut;
  EXPECT_FALSE(decode_bind(body + "x"));
}

TEST(Frontend, DescribeCloseExecuteAndBindNames) {
  const std::string describe = std::string("Sst1") + '\0';
  const auto d = decode_describe_or_close(describe);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, 'S');
  EXPECT_EQ(d->name, "st1");
  EXPECT_FALSE(decode_describe_or_close(std::string("X") + '\0'));
  for (size_t cut = 0; cut < describe.size(); ++cut) EXPECT_FALSE(decode_describe_or_close(describe.substr(0, cut)));

  std::string execute = std::string("p1") + '\0';
  put_u32(execute, 0);
  EXPECT_EQ(decode_execute_portal(execute), "p1");
  for (size_t cut = 0; cut < execute.size(); ++cut) EXPECT_FALSE(decode_execute_portal(execute.substr(0, cut)));

  BindMessage b;
  b.portal = "";
  b.statement = "s9";
  std::string results;
  put_u16(results, 0);
  b.result_formats = results;
  std::string out;
  encode_bind(out, b);
  const auto names = decode_bind_names(body_of(out));
  ASSERT_TRUE(names);
  EXPECT_EQ(names->portal, "");
  EXPECT_EQ(names->statement, "s9");
}

}  // namespace
}  // namespace switchyard::pg

// The backend messages the proxy reads or writes itself.
#include "protocol/pg/backend.h"

#include <gtest/gtest.h>

#include "protocol/pg/coding.h"

namespace switchyard::pg {
namespace {

// Splits one whole message into type and body, checking its length word.
std::pair<char, std::string> split(const std::string& msg) {
  EXPECT_GE(msg.size(), 5u);
  EXPECT_EQ(get_u32(reinterpret_cast<const unsigned char*>(msg.data() + 1)), msg.size() - 1);
  return {msg[0], msg.substr(5)};
}

TEST(Backend, BackendKeyDataRoundTrips) {
  std::string out;
  encode_backend_key_data(out, {42, 0xfeedface});
  const auto [type, body] = split(out);
  EXPECT_EQ(type, 'K');
  const auto k = decode_backend_key_data(body);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->pid, 42u);
  EXPECT_EQ(k->secret, 0xfeedfaceu);
  EXPECT_FALSE(decode_backend_key_data(body.substr(0, 7)));
  EXPECT_FALSE(decode_backend_key_data(body + "x"));
}

TEST(Backend, ReadyForQueryRoundTripsAndRejectsUnknownStatus) {
  for (char s : {'I', 'T', 'E'}) {
    std::string out;
    encode_ready_for_query(out, s);
    EXPECT_EQ(decode_ready_for_query(split(out).second), s);
  }
  EXPECT_FALSE(decode_ready_for_query("X"));
  EXPECT_FALSE(decode_ready_for_query(""));
  EXPECT_FALSE(decode_ready_for_query("II"));
}

TEST(Backend, ErrorResponseCarriesItsFields) {
  std::string out;
  encode_error_response(out, "FATAL", "08P01", "bad things");
  const auto [type, body] = split(out);
  EXPECT_EQ(type, 'E');
  EXPECT_EQ(error_field(body, 'S'), "FATAL");
  EXPECT_EQ(error_field(body, 'V'), "FATAL");
  EXPECT_EQ(error_field(body, 'C'), "08P01");
  EXPECT_EQ(error_field(body, 'M'), "bad things");
  EXPECT_EQ(error_field(body, 'D'), "");
  EXPECT_EQ(error_field(body.substr(0, 4), 'M'), "") << "a truncated body yields nothing";
}

TEST(Backend, ErrorFieldsAreReplacedOrRemovedInPlace) {
  std::string body;
  for (const auto& [code, value] : {std::pair{'S', "ERROR"}, {'C', "42703"}, {'M', "no such column"}, {'P', "31"}}) {
    body.push_back(code);
    body += value;
    body.push_back('\0');
  }
  body.push_back('\0');

  std::string moved;
  ASSERT_TRUE(encode_with_error_fields(moved, 'E', body, {{'P', "8"}, {'q', "absent fields are not added"}}));
  const auto [type, edited] = split(moved);
  EXPECT_EQ(type, 'E');
  EXPECT_EQ(error_field(edited, 'P'), "8");
  EXPECT_EQ(error_field(edited, 'M'), "no such column");
  EXPECT_EQ(error_field(edited, 'q'), "");
  EXPECT_EQ(edited.find('P'), body.find('P')) << "fields keep their order";

  std::string dropped;
  ASSERT_TRUE(encode_with_error_fields(dropped, 'N', body, {{'P', std::nullopt}}));
  EXPECT_EQ(dropped[0], 'N');
  EXPECT_EQ(split(dropped).second, body.substr(0, body.find('P')) + '\0');

  // Cut anywhere before its final terminator, the body is malformed and nothing is written.
  for (size_t cut = 0; cut < body.size(); ++cut) {
    std::string out = "kept";
    EXPECT_FALSE(encode_with_error_fields(out, 'E', body.substr(0, cut), {{'P', "1"}})) << cut;
    EXPECT_EQ(out, "kept");
  }
}

}  // namespace
}  // namespace switchyard::pg

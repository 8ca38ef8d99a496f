// Length-encoded integers and strings: the boundaries the MySQL docs list
// (page_protocol_basic_dt_integers: 1, 3, 4 or 9 bytes), both ways.
#include "protocol/mysql/coding.h"

#include <gtest/gtest.h>

#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;

struct LenencCase {
  uint64_t value;
  const char* hex;
};

TEST(MysqlCoding, LenencIntegersAtEveryWidthBoundary) {
  const LenencCase cases[] = {
      {0, "00"},
      {250, "fa"},
      {251, "fc fb 00"},
      {0xFFFF, "fc ff ff"},
      {0x10000, "fd 00 00 01"},
      {0xFFFFFF, "fd ff ff ff"},
      {0x1000000, "fe 00 00 00 01 00 00 00 00"},
      {0xFFFFFFFFFFFFFFFFull, "fe ff ff ff ff ff ff ff ff"},
  };
  for (const auto& c : cases) {
    std::string out;
    put_lenenc_int(out, c.value);
    EXPECT_EQ(out, from_hex(c.hex)) << c.value;
    ByteReader r(out);
    uint64_t v = 0;
    ASSERT_TRUE(r.lenenc_int(v));
    EXPECT_EQ(v, c.value);
    EXPECT_TRUE(r.at_end());
    for (size_t cut = 0; cut < out.size(); ++cut) {  // every truncation fails cleanly
      ByteReader t(std::string_view(out).substr(0, cut));
      EXPECT_FALSE(t.lenenc_int(v)) << c.value << " cut at " << cut;
    }
  }
}

TEST(MysqlCoding, NullAndErrMarkersAreNotIntegers) {
  uint64_t v = 0;
  const std::string null_byte = from_hex("fb"), err_bytes = from_hex("ff 00 00");
  ByteReader null_marker(null_byte);
  EXPECT_FALSE(null_marker.lenenc_int(v));
  ByteReader err_marker(err_bytes);
  EXPECT_FALSE(err_marker.lenenc_int(v));
}

TEST(MysqlCoding, LenencStringsAndTheirTruncations) {
  std::string out;
  put_lenenc_str(out, "def");
  put_lenenc_str(out, std::string(300, 'x'));
  EXPECT_EQ(out.substr(0, 4), from_hex("03 64 65 66"));
  EXPECT_EQ(out.substr(4, 3), from_hex("fc 2c 01"));
  ByteReader r(out);
  std::string_view a, b;
  ASSERT_TRUE(r.lenenc_str(a) && r.lenenc_str(b));
  EXPECT_EQ(a, "def");
  EXPECT_EQ(b.size(), 300u);
  // A length longer than what is left fails rather than reading past the end.
  const std::string short_bytes = from_hex("05 61 62");
  ByteReader short_one(short_bytes);
  EXPECT_FALSE(short_one.lenenc_str(a));
}

TEST(MysqlCoding, FixedWidthIntegersAreLittleEndian) {
  std::string out;
  put_u16(out, 0x0102);
  put_u24(out, 0x030405);
  put_u32(out, 0x06070809);
  EXPECT_EQ(out, from_hex("02 01 05 04 03 09 08 07 06"));
  ByteReader r(out);
  uint16_t a = 0;
  uint32_t b = 0, c = 0;
  ASSERT_TRUE(r.u16(a) && r.u(b, 3) && r.u32(c));
  EXPECT_EQ(a, 0x0102);
  EXPECT_EQ(b, 0x030405u);
  EXPECT_EQ(c, 0x06070809u);
}

}  // namespace
}  // namespace switchyard::mysql

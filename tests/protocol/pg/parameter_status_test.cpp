// ParameterStatus: round trip, and every cut of a body is rejected rather than misread.
#include "protocol/pg/parameter_status.h"

#include <gtest/gtest.h>

namespace switchyard::pg {
namespace {

TEST(ParameterStatus, RoundTrips) {
  std::string out;
  encode_parameter_status(out, "standard_conforming_strings", "off");
  ASSERT_EQ(out[0], 'S');
  const std::string body = out.substr(5);
  const auto ps = decode_parameter_status(body);
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->name, "standard_conforming_strings");
  EXPECT_EQ(ps->value, "off");
}

TEST(ParameterStatus, AnEmptyValueIsAValue) {
  const auto ps = decode_parameter_status(std::string("application_name\0\0", 18));
  ASSERT_TRUE(ps);
  EXPECT_EQ(ps->value, "");
}

TEST(ParameterStatus, EveryCutAndTrailingBytesAreRejected) {
  std::string out;
  encode_parameter_status(out, "client_encoding", "UTF8");
  const std::string body = out.substr(5);
  for (size_t n = 0; n < body.size(); ++n) EXPECT_FALSE(decode_parameter_status(body.substr(0, n))) << n;
  EXPECT_FALSE(decode_parameter_status(body + "x"));
  EXPECT_FALSE(decode_parameter_status(body + std::string(1, '\0')));
}

}  // namespace
}  // namespace switchyard::pg

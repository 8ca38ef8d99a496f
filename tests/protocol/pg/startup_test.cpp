// Startup-phase packets: decoded whole, refused when malformed, and round-tripped.
#include "protocol/pg/startup.h"

#include <gtest/gtest.h>

#include "protocol/pg/coding.h"

namespace switchyard::pg {
namespace {

TEST(Startup, StartupMessageRoundTripsWithAllItsParameters) {
  const std::vector<std::pair<std::string, std::string>> params = {
      {"user", "alice"}, {"database", "app"}, {"application_name", "psql"}, {"options", "-c search_path=x"}};
  const std::string bytes = encode_startup(kProtocol3, params);
  for (size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_EQ(decode_startup(bytes.substr(0, cut)).status, StartupStatus::kNeedMore) << cut;
  const auto d = decode_startup(bytes + "trailing");
  ASSERT_EQ(d.status, StartupStatus::kComplete);
  EXPECT_EQ(d.consumed, bytes.size());
  EXPECT_EQ(d.packet.kind, StartupKind::kStartup);
  EXPECT_EQ(d.packet.params, params);
  EXPECT_EQ(d.packet.param("database"), "app");
  EXPECT_EQ(d.packet.param("missing"), "");
}

TEST(Startup, EncryptionAndCancelRequestsAreRecognised) {
  EXPECT_EQ(decode_startup(encode_request_code(kSslRequestCode)).packet.kind, StartupKind::kSslRequest);
  EXPECT_EQ(decode_startup(encode_request_code(kGssEncRequestCode)).packet.kind, StartupKind::kGssEncRequest);
  const auto c = decode_startup(encode_cancel_request(1234, 0xdeadbeef));
  ASSERT_EQ(c.status, StartupStatus::kComplete);
  EXPECT_EQ(c.packet.kind, StartupKind::kCancelRequest);
  EXPECT_EQ(c.packet.cancel_pid, 1234u);
  EXPECT_EQ(c.packet.cancel_secret, 0xdeadbeefu);
}

std::string packet(uint32_t code, std::string_view rest) {
  std::string out;
  put_u32(out, static_cast<uint32_t>(8 + rest.size()));
  put_u32(out, code);
  out.append(rest);
  return out;
}

TEST(Startup, MalformedPacketsAreErrors) {
  struct Case {
    const char* name;
    std::string bytes;
  };
  std::string too_long;
  put_u32(too_long, kMaxStartupPacket + 1);
  std::string too_short;
  put_u32(too_short, 7);
  const Case cases[] = {
      {"length over the limit", too_long},
      {"length under 8", too_short + std::string(8, 'x')},
      {"protocol 2", packet(2 << 16, std::string("user\0x\0\0", 8))},
      {"garbage code", packet(0x47455420, "")},  // "GET " from an HTTP client
      {"no terminator", packet(kProtocol3, std::string("user\0alice\0", 11))},
      {"name without value", packet(kProtocol3, std::string("user", 4))},
      {"bytes after terminator", packet(kProtocol3, std::string("user\0a\0\0zz", 10))},
      {"SSLRequest with a body", packet(kSslRequestCode, "x")},
      {"short cancel", packet(kCancelRequestCode, "1234")},
  };
  for (const auto& c : cases) {
    const auto d = decode_startup(c.bytes);
    EXPECT_EQ(d.status, StartupStatus::kError) << c.name;
    EXPECT_FALSE(d.error.empty()) << c.name;
  }
}

}  // namespace
}  // namespace switchyard::pg

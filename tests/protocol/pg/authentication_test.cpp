// AuthenticationSASL: the mechanism list decodes, re-encodes without SCRAM-SHA-256-PLUS, and
// every truncation or malformation is refused.
#include "protocol/pg/authentication.h"

#include <gtest/gtest.h>

#include "protocol/pg/coding.h"

namespace switchyard::pg {
namespace {

// An AuthenticationSASL body: code, then each name as a String, then the empty String.
std::string sasl_body(const std::vector<std::string>& names, uint32_t code = kAuthSasl) {
  std::string body;
  put_u32(body, code);
  for (const auto& n : names) put_cstring(body, n);
  body.push_back('\0');
  return body;
}

std::vector<std::string> strings(const std::vector<std::string_view>& views) { return {views.begin(), views.end()}; }

struct StripCase {
  std::vector<std::string> offered;
  std::vector<std::string> relayed;
};

TEST(Authentication, ScramPlusIsRemovedFromTheMechanismList) {
  const StripCase cases[] = {
      {{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, {"SCRAM-SHA-256"}},  // PostgreSQL over TLS
      {{"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"}, {"SCRAM-SHA-256"}},
      {{"SCRAM-SHA-256"}, {"SCRAM-SHA-256"}},                        // plaintext: unchanged
      {{"SCRAM-SHA-256-PLUS"}, {}},                                  // nothing left: the caller refuses
      {{"X-OTHER", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, {"X-OTHER", "SCRAM-SHA-256"}},
  };
  for (const auto& c : cases) {
    const std::string body = sasl_body(c.offered);
    const auto decoded = decode_sasl_mechanisms(body);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(strings(*decoded), c.offered);
    const auto kept = without_mechanism(*decoded, kScramPlus);
    EXPECT_EQ(strings(kept), c.relayed);
    if (kept.empty()) continue;
    std::string out;
    encode_authentication_sasl(out, kept);
    ASSERT_GE(out.size(), 5u);
    EXPECT_EQ(out[0], 'R');
    EXPECT_EQ(get_u32(reinterpret_cast<const unsigned char*>(out.data() + 1)), out.size() - 1);
    EXPECT_EQ(out.substr(5), sasl_body(c.relayed)) << "round trip";
  }
}

TEST(Authentication, EveryTruncationOfTheListIsRefused) {
  const std::string body = sasl_body({"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});
  ASSERT_TRUE(decode_sasl_mechanisms(body));
  for (size_t cut = 0; cut < body.size(); ++cut)
    EXPECT_FALSE(decode_sasl_mechanisms(body.substr(0, cut))) << "cut at " << cut;
}

TEST(Authentication, MalformedListsAreRefused) {
  EXPECT_FALSE(decode_sasl_mechanisms(sasl_body({"SCRAM-SHA-256"}, 5))) << "not SASL (md5)";
  EXPECT_FALSE(decode_sasl_mechanisms(sasl_body({}))) << "no mechanism";
  EXPECT_FALSE(decode_sasl_mechanisms(sasl_body({"SCRAM-SHA-256"}) + "x")) << "bytes after the terminator";
}

TEST(Authentication, TheCodeOpensEveryBody) {
  EXPECT_EQ(decode_authentication_code(sasl_body({"SCRAM-SHA-256"})), kAuthSasl);
  std::string ok;
  put_u32(ok, 0);
  EXPECT_EQ(decode_authentication_code(ok), 0u);
  for (size_t cut = 0; cut < 4; ++cut) EXPECT_FALSE(decode_authentication_code(ok.substr(0, cut)));
}

}  // namespace
}  // namespace switchyard::pg

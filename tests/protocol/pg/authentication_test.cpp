// AuthenticationSASL: the mechanism list decodes, re-encodes without SCRAM-SHA-256-PLUS, and
// every truncation or malformation is refused; the SASL exchange's messages round-trip.
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

// The frame's body: past the type byte and the length word, which must count itself and the body.
std::string body_of(const std::string& message, char type) {
  EXPECT_GE(message.size(), 5u);
  EXPECT_EQ(message[0], type);
  EXPECT_EQ(get_u32(reinterpret_cast<const unsigned char*>(message.data() + 1)), message.size() - 1);
  return message.substr(5);
}

TEST(Authentication, SaslDataRoundTripsForContinueAndFinal) {
  for (const uint32_t code : {kAuthSaslContinue, kAuthSaslFinal}) {
    std::string out;
    encode_authentication_sasl_data(out, code, "r=abc,s=xyz,i=4096");
    const std::string body = body_of(out, 'R');
    EXPECT_EQ(decode_authentication_sasl_data(body, code), "r=abc,s=xyz,i=4096");
    EXPECT_FALSE(decode_authentication_sasl_data(body, code == kAuthSaslFinal ? kAuthSaslContinue : kAuthSaslFinal));
    for (size_t cut = 0; cut < 4; ++cut) EXPECT_FALSE(decode_authentication_sasl_data(body.substr(0, cut), code));
  }
}

TEST(Authentication, SaslInitialResponseRoundTripsAndEveryTruncationIsRefused) {
  std::string out;
  encode_sasl_initial_response(out, "SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc");
  const std::string body = body_of(out, 'p');
  const auto decoded = decode_sasl_initial_response(body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->mechanism, "SCRAM-SHA-256-PLUS");
  EXPECT_EQ(decoded->data, "p=tls-server-end-point,,n=,r=abc");
  for (size_t cut = 0; cut < body.size(); ++cut)
    EXPECT_FALSE(decode_sasl_initial_response(body.substr(0, cut))) << "cut at " << cut;
  EXPECT_FALSE(decode_sasl_initial_response(body + "x")) << "bytes after the data";
  std::string none;
  put_cstring(none, "SCRAM-SHA-256");
  put_u32(none, 0xffffffffu);
  ASSERT_TRUE(decode_sasl_initial_response(none));
  EXPECT_TRUE(decode_sasl_initial_response(none)->data.empty());

  std::string response;
  encode_sasl_response(response, "c=biws,r=abc,p=xyz");
  EXPECT_EQ(body_of(response, 'p'), "c=biws,r=abc,p=xyz");
}

}  // namespace
}  // namespace switchyard::pg

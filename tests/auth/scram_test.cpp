// SCRAM-SHA-256 on both sides (auth/scram.h) against RFC 7677's test vector, PostgreSQL-format
// verifiers, and the proxy's own round trip: a client's proof checked, its ClientKey recovered,
// and that key proving itself to a server that knows only the verifier.
#include "auth/scram.h"

#include <gtest/gtest.h>

namespace switchyard::auth {
namespace {

// RFC 7677 section 3 (user "user", password "pencil").
constexpr char kClientNonce[] = "rOprNGfwEbeRWgbNEkqO";
constexpr char kClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kServerFirst[] = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

Verifier rfc_verifier() { return make_verifier("pencil", *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096); }

TEST(ScramBase64, RoundTripsEveryLengthAndRefusesJunk) {
  std::string raw;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(base64_decode(base64_encode(raw)), raw) << n;
    raw.push_back(static_cast<char>(n * 37));
  }
  EXPECT_EQ(base64_encode("biws"), "Yml3cw==");
  EXPECT_EQ(*base64_decode("biws"), "n,,");
  for (const char* bad : {"abc", "ab=c", "a===", "ab!d", "=abc"}) EXPECT_FALSE(base64_decode(bad)) << bad;
}

TEST(ScramServer, AcceptsRfc7677ClientAndRecoversItsKey) {
  const Verifier v = rfc_verifier();
  const auto first = parse_client_first(kClientFirst, kScramSha256, false);
  ASSERT_TRUE(first.value) << first.error;
  EXPECT_EQ(first.value->gs2_header, "n,,");
  EXPECT_EQ(first.value->bare, "n=user,r=rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(server_first(*first.value, v, kServerNonce), kServerFirst);

  const auto check = check_client_final(kClientFinal, *first.value, kServerFirst, v, "");
  ASSERT_TRUE(check.ok) << check.error;
  EXPECT_EQ(check.server_final, kServerFinal);
  const Key salted = salted_password("pencil", v.salt, 4096);
  EXPECT_EQ(check.client_key, hmac_sha256(salted, "Client Key"));
}

TEST(ScramServer, WrongProofIsAProofFailureNotAMalformedMessage) {
  const Verifier other = make_verifier("not pencil", *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
  const auto first = parse_client_first(kClientFirst, kScramSha256, false);
  const auto check = check_client_final(kClientFinal, *first.value, kServerFirst, other, "");
  EXPECT_FALSE(check.ok);
  EXPECT_TRUE(check.proof_failed);
}

TEST(ScramClient, ReproducesRfc7677WithTheClientKeyAlone) {
  const Verifier v = rfc_verifier();
  const Key client_key = hmac_sha256(salted_password("pencil", v.salt, 4096), "Client Key");
  ScramClient c(client_key, v.server_key, "n,,", kClientNonce, "user");
  EXPECT_EQ(c.first_message(), kClientFirst);
  std::string error;
  const auto final = c.final_message(kServerFirst, "", error);
  ASSERT_TRUE(final) << error;
  EXPECT_EQ(*final, kClientFinal);
  EXPECT_TRUE(c.verify_server_final(kServerFinal, error)) << error;
  EXPECT_FALSE(c.verify_server_final("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", error));
  EXPECT_FALSE(c.verify_server_final("e=invalid-proof", error));
  EXPECT_NE(error.find("invalid-proof"), std::string::npos);
}

TEST(ScramClient, RefusesAServerNonceThatDoesNotExtendOurs) {
  const Verifier v = rfc_verifier();
  ScramClient c(Key{}, v.server_key, "n,,", "abc");
  std::string error;
  EXPECT_FALSE(c.final_message("r=xyzdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "", error));
  EXPECT_FALSE(c.final_message("r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "", error));
  EXPECT_FALSE(c.final_message("s=x,i=1", "", error));
}

// PostgreSQL's format, round-tripped here; the oracle for the keys themselves is PostgreSQL:
// TlsScram.VerifierFromPgAuthidMatchesThePassword (tests/integration/tls_scram_test.cpp)
// parses what the server stored and recomputes it from the password.
TEST(ScramVerifier, ParsesPostgresFormatAndRefusesOthers) {
  const Verifier v = rfc_verifier();
  const std::string text = format_verifier(v);
  EXPECT_EQ(text.substr(0, 19), "SCRAM-SHA-256$4096:");
  const auto parsed = parse_verifier(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->iterations, 4096u);
  EXPECT_EQ(parsed->salt, v.salt);
  EXPECT_EQ(parsed->stored_key, v.stored_key);
  EXPECT_EQ(parsed->server_key, v.server_key);
  for (const std::string& bad :
       {std::string("md5a3556571e93b0d20722ba62be61e8c2d"), std::string(""), std::string("SCRAM-SHA-256$"),
        std::string("SCRAM-SHA-256$0:") + base64_encode(v.salt) + text.substr(text.find('$', 14)),
        std::string("SCRAM-SHA-256$4096:") + base64_encode(v.salt) + "$abc:def", text.substr(0, text.size() - 4)})
    EXPECT_FALSE(parse_verifier(bad)) << bad;
}

struct FirstCase {
  const char* message;
  const char* mechanism;
  bool offered_plus;
  const char* error;  // nullptr: accepted
};

TEST(ScramServer, ClientFirstFlagsFollowRfc5802Negotiation) {
  const FirstCase cases[] = {
      {"n,,n=,r=abc", kScramSha256, true, nullptr},
      {"y,,n=,r=abc", kScramSha256, false, nullptr},
      {"y,,n=,r=abc", kScramSha256, true, "negotiation error"},
      {"p=tls-server-end-point,,n=,r=abc", kScramSha256Plus, true, nullptr},
      {"p=tls-unique,,n=,r=abc", kScramSha256Plus, true, "unsupported SCRAM channel-binding type"},
      {"n,,n=,r=abc", kScramSha256Plus, true, "does not include channel binding"},
      {"p=tls-server-end-point,,n=,r=abc", kScramSha256, true, "includes channel binding"},
      {"n,a=bob,n=,r=abc", kScramSha256, false, "authorization identity"},
      {"x,,n=,r=abc", kScramSha256, false, "channel-binding flag"},
      {"n,,m=ext,n=,r=abc", kScramSha256, false, "extensions"},
      {"n,,n=,r=", kScramSha256, false, "nonce"},
      {"n,,n=,s=x", kScramSha256, false, "nonce"},
      {"n,,n=,r=abc", "SCRAM-SHA-1", false, "unsupported SASL mechanism"},
      {"", kScramSha256, false, "empty"},
  };
  for (const auto& c : cases) {
    const auto r = parse_client_first(c.message, c.mechanism, c.offered_plus);
    if (!c.error) {
      EXPECT_TRUE(r.value) << c.message << ": " << r.error;
    } else {
      EXPECT_FALSE(r.value) << c.message;
      EXPECT_NE(r.error.find(c.error), std::string::npos) << c.message << ": " << r.error;
    }
  }
}

// The proxy's whole job: a client bound to one certificate, a server bound to another; the key
// recovered from the first exchange logs in to the second, and each side's checks hold.
TEST(ScramBothLegs, KeyRecoveredFromTheClientLogsInToTheServer) {
  const Verifier v = make_verifier("s3cret", "0123456789abcdef", 4096);
  const std::string proxy_cert_hash(32, 'P'), server_cert_hash(32, 'S');
  const std::string gs2 = "p=tls-server-end-point,,";

  // The real client, knowing the password.
  const Key client_key = hmac_sha256(salted_password("s3cret", v.salt, v.iterations), "Client Key");
  ScramClient app(client_key, v.server_key, gs2, random_nonce());
  const auto first = parse_client_first(app.first_message(), kScramSha256Plus, true);
  ASSERT_TRUE(first.value) << first.error;
  const std::string sfirst = server_first(*first.value, v, random_nonce());
  std::string error;
  const auto cfinal = app.final_message(sfirst, proxy_cert_hash, error);
  ASSERT_TRUE(cfinal) << error;
  EXPECT_FALSE(check_client_final(*cfinal, *first.value, sfirst, v, server_cert_hash).ok);  // bound elsewhere
  const auto check = check_client_final(*cfinal, *first.value, sfirst, v, proxy_cert_hash);
  ASSERT_TRUE(check.ok) << check.error;
  EXPECT_TRUE(app.verify_server_final(check.server_final, error)) << error;

  // The proxy towards the server, which holds the same verifier.
  ScramClient proxy(check.client_key, v.server_key, gs2, random_nonce());
  const auto upstream_first = parse_client_first(proxy.first_message(), kScramSha256Plus, true);
  ASSERT_TRUE(upstream_first.value) << upstream_first.error;
  const std::string usfirst = server_first(*upstream_first.value, v, random_nonce());
  const auto ufinal = proxy.final_message(usfirst, server_cert_hash, error);
  ASSERT_TRUE(ufinal) << error;
  const auto ucheck = check_client_final(*ufinal, *upstream_first.value, usfirst, v, server_cert_hash);
  ASSERT_TRUE(ucheck.ok) << ucheck.error;
  EXPECT_TRUE(proxy.verify_server_final(ucheck.server_final, error)) << error;
}

}  // namespace
}  // namespace switchyard::auth

// `tls:` and `upstream_tls:`: defaults, every key, and errors that name the key and its line.
#include <gtest/gtest.h>

#include "config/config.h"

namespace switchyard::config {
namespace {

TEST(TlsConfig, WithoutTheKeysBothLegsArePlaintext) {
  const auto r = parse_config("listen: 127.0.0.1:1\n", "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->tls.mode, ClientTlsMode::kDisable);
  EXPECT_EQ(r.config->tls.verify, ClientCertVerify::kNone);
  EXPECT_EQ(r.config->tls.ciphers, kDefaultCiphers);
  EXPECT_EQ(r.config->upstream_tls.mode, UpstreamTlsMode::kDisable);
}

TEST(TlsConfig, ACertificateMakesTheModeAllow) {
  const auto r = parse_config("tls: {cert_file: /c.pem, key_file: /k.pem}\n", "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->tls.mode, ClientTlsMode::kAllow);
  const auto off = parse_config("tls: {cert_file: /c.pem, key_file: /k.pem, mode: disable}\n", "t.yaml");
  ASSERT_TRUE(off) << off.error.to_string();
  EXPECT_EQ(off.config->tls.mode, ClientTlsMode::kDisable);
}

TEST(TlsConfig, EveryKeyIsRead) {
  const auto r = parse_config(R"(
tls:
  cert_file: /etc/sy/server.crt
  key_file: /etc/sy/server.key
  ca_file: /etc/sy/clients.crt
  mode: require
  verify: full
  ciphers: ECDHE-RSA-AES128-GCM-SHA256
upstream_tls:
  mode: verify-full
  ca_file: /etc/sy/db-ca.crt
  cert_file: /etc/sy/proxy.crt
  key_file: /etc/sy/proxy.key
  server_name: db.internal
)", "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  const auto& t = r.config->tls;
  EXPECT_EQ(t.cert_file, "/etc/sy/server.crt");
  EXPECT_EQ(t.key_file, "/etc/sy/server.key");
  EXPECT_EQ(t.ca_file, "/etc/sy/clients.crt");
  EXPECT_EQ(t.mode, ClientTlsMode::kRequire);
  EXPECT_EQ(t.verify, ClientCertVerify::kFull);
  EXPECT_EQ(t.ciphers, "ECDHE-RSA-AES128-GCM-SHA256");
  const auto& u = r.config->upstream_tls;
  EXPECT_EQ(u.mode, UpstreamTlsMode::kVerifyFull);
  EXPECT_TRUE(u.required());
  EXPECT_EQ(u.ca_file, "/etc/sy/db-ca.crt");
  EXPECT_EQ(u.cert_file, "/etc/sy/proxy.crt");
  EXPECT_EQ(u.key_file, "/etc/sy/proxy.key");
  EXPECT_EQ(u.server_name, "db.internal");
}

TEST(TlsConfig, UpstreamModesAreLibpqs) {
  const std::pair<const char*, UpstreamTlsMode> cases[] = {
      {"disable", UpstreamTlsMode::kDisable}, {"prefer", UpstreamTlsMode::kPrefer},
      {"require", UpstreamTlsMode::kRequire},
  };
  for (const auto& [name, mode] : cases) {
    const auto r = parse_config(std::string("upstream_tls: {mode: ") + name + "}\n", "t.yaml");
    ASSERT_TRUE(r) << name << ": " << r.error.to_string();
    EXPECT_EQ(r.config->upstream_tls.mode, mode) << name;
    EXPECT_EQ(to_string(mode), std::string(name));
  }
}

struct ErrorCase {
  const char* yaml;
  int line;
  const char* key;
  const char* message_part;
};

TEST(TlsConfig, ErrorsNameTheKeyAndLine) {
  const ErrorCase cases[] = {
      {"tls:\n  cert_file: /c.pem\n", 2, "tls.key_file", "go together"},
      {"tls:\n  key_file: /k.pem\n", 2, "tls.cert_file", "go together"},
      {"tls:\n  mode: require\n", 2, "tls.mode", "needs cert_file and key_file"},
      {"tls:\n  mode: prefer\n", 2, "tls.mode", "not one of"},
      {"tls:\n  cert_file: /c\n  key_file: /k\n  verify: ca\n", 4, "tls.verify", "needs ca_file"},
      {"tls:\n  cert_file: \"\"\n", 2, "tls.cert_file", "empty"},
      {"tls:\n  certfile: /c\n", 2, "tls.certfile", "unknown key"},
      {"tls:\n  cert_file: /c\n  key_file: /k\n  verify: maybe\n", 4, "tls.verify", "not one of"},
      {"upstream_tls:\n  mode: allow\n", 2, "upstream_tls.mode", "not one of"},
      {"upstream_tls:\n  mode: verify-ca\n", 2, "upstream_tls.mode", "needs ca_file"},
      {"upstream_tls:\n  mode: verify-full\n", 2, "upstream_tls.mode", "needs ca_file"},
      {"upstream_tls:\n  mode: require\n  cert_file: /c\n", 2, "upstream_tls.key_file", "go together"},
      {"upstream_tls:\n  sslmode: require\n", 2, "upstream_tls.sslmode", "unknown key"},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(c.yaml, "f.yaml");
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_EQ(r.error.line, c.line) << c.yaml;
    EXPECT_EQ(r.error.key, c.key) << c.yaml;
    EXPECT_NE(r.error.message.find(c.message_part), std::string::npos) << r.error.to_string();
  }
}

}  // namespace
}  // namespace switchyard::config

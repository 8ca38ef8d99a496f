// `auth:`: the default (relay unless a query is set), every key, which query runs in each
// mode, and errors that name the key.
#include <gtest/gtest.h>

#include "config/config.h"

namespace switchyard::config {
namespace {

constexpr char kControl[] = "control: \"host=db dbname=postgres\"\n";

TEST(AuthConfig, WithoutTheKeyNothingRunsAQuery) {
  const auto r = parse_config("listen: 127.0.0.1:1\n", "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->auth.mode, AuthMode::kAuto);
  EXPECT_EQ(r.config->auth.cache_ms, 10000u);
  EXPECT_EQ(r.config->auth.effective_query(), "") << "auto without a query relays, as before auth: existed";
}

struct QueryCase {
  const char* yaml;
  const char* query;  // effective_query()
};

TEST(AuthConfig, EachModeRunsTheQueryItShould) {
  const QueryCase cases[] = {
      {"auth: {mode: scram}\n", kDefaultAuthQuery},
      {"auth: {mode: scram, query: \"SELECT * FROM f($1)\"}\n", "SELECT * FROM f($1)"},
      {"auth: {query: \"SELECT * FROM f($1)\"}\n", "SELECT * FROM f($1)"},
      {"auth: {mode: auto}\n", ""},
      {"auth: {mode: passthrough, query: \"SELECT * FROM f($1)\"}\n", ""},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(std::string(c.yaml) + kControl, "t.yaml");
    ASSERT_TRUE(r) << c.yaml << r.error.to_string();
    EXPECT_EQ(r.config->auth.effective_query(), c.query) << c.yaml;
  }
}

TEST(AuthConfig, EveryKeyIsRead) {
  const auto r = parse_config(std::string("auth:\n  mode: scram\n  query: \"SELECT n, p FROM g($1)\"\n  cache_ms: 0\n") +
                                  kControl,
                              "t.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  EXPECT_EQ(r.config->auth.mode, AuthMode::kScram);
  EXPECT_EQ(r.config->auth.query, "SELECT n, p FROM g($1)");
  EXPECT_EQ(r.config->auth.cache_ms, 0u);
  EXPECT_STREQ(to_string(AuthMode::kPassthrough), "passthrough");
}

struct ErrorCase {
  const char* yaml;
  const char* key;
  const char* message;  // a part of it
};

TEST(AuthConfig, ErrorsNameTheKey) {
  const ErrorCase cases[] = {
      {"auth: {mode: md5}\n", "auth.mode", "one of"},
      {"auth: {query: \"SELECT 1\"}\ncontrol: x\n", "auth.query", "$1"},
      {"auth: {mode: scram}\n", "auth", "control"},
      {"auth: {mode: scram, cache: 3}\ncontrol: x\n", "auth.cache", ""},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(c.yaml, "t.yaml");
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_EQ(r.error.key, c.key) << c.yaml << r.error.to_string();
    EXPECT_NE(r.error.message.find(c.message), std::string::npos) << r.error.to_string();
  }
}

}  // namespace
}  // namespace switchyard::config

// The admin routes answered from plain structs: status codes, bodies, 404, 405 and JSON escaping.
#include "proxy/admin_handler.h"

#include <gtest/gtest.h>

namespace switchyard::proxy {
namespace {

AdminView sample_view() {
  AdminView v;
  v.version = "0.1.0";
  v.uptime_seconds = 42;
  v.active_sessions = 3;
  v.total_sessions = 17;
  v.listen = "127.0.0.1:6432";
  v.upstream = "127.0.0.1:5432";
  v.statements_rewritten = 5;
  v.statements_refused = 2;
  return v;
}

AdminRequest get(std::string target) { return AdminRequest{"GET", std::move(target), std::nullopt}; }

TEST(AdminHandler, RoutesAnswerWithStatusTypeAndBody) {
  AdminView draining = sample_view();
  draining.draining = true;
  struct Case {
    const char* name;
    AdminRequest request;
    AdminView view;
    int status;
    std::string content_type;
    std::string body;
    std::string allow;
  };
  const std::string kText = "text/plain; charset=utf-8";
  const Case cases[] = {
      {"healthz", get("/healthz"), sample_view(), 200, kText, "ok\n", ""},
      {"healthz while draining", get("/healthz"), draining, 503, kText, "draining\n", ""},
      {"healthz ignores the query", get("/healthz?verbose=1"), sample_view(), 200, kText, "ok\n", ""},
      {"status", get("/status"), sample_view(), 200, "application/json",
       R"({"version":"0.1.0","uptime_seconds":42,"listen":"127.0.0.1:6432","upstream":"127.0.0.1:5432",)"
       R"("sessions":{"active":3,"total":17},"draining":false})"
       "\n",
       ""},
      {"status while draining", get("/status"), draining, 200, "application/json",
       R"({"version":"0.1.0","uptime_seconds":42,"listen":"127.0.0.1:6432","upstream":"127.0.0.1:5432",)"
       R"("sessions":{"active":3,"total":17},"draining":true})"
       "\n",
       ""},
      {"metrics", get("/metrics"), sample_view(), 200, "text/plain; version=0.0.4; charset=utf-8",
       "# HELP switchyard_up 1 while the proxy process is running.\n"
       "# TYPE switchyard_up gauge\n"
       "switchyard_up 1\n"
       "# HELP switchyard_sessions_active Client sessions open now.\n"
       "# TYPE switchyard_sessions_active gauge\n"
       "switchyard_sessions_active 3\n"
       "# HELP switchyard_sessions_total Client sessions accepted since start.\n"
       "# TYPE switchyard_sessions_total counter\n"
       "switchyard_sessions_total 17\n"
       "# HELP switchyard_statements_rewritten_total Statements rewritten so that writes reach both shapes of a migration.\n"
       "# TYPE switchyard_statements_rewritten_total counter\n"
       "switchyard_statements_rewritten_total 5\n"
       "# HELP switchyard_statements_refused_total Writes to migrated tables refused (SQLSTATE 0A000) because they cannot be mirrored exactly.\n"
       "# TYPE switchyard_statements_refused_total counter\n"
       "switchyard_statements_refused_total 2\n",
       ""},
      {"unknown path", get("/nope"), sample_view(), 404, kText, "not found\n", ""},
      {"root", get("/"), sample_view(), 404, kText, "not found\n", ""},
      {"prefix of a route", get("/health"), sample_view(), 404, kText, "not found\n", ""},
      {"route with a trailing slash", get("/status/"), sample_view(), 404, kText, "not found\n", ""},
      {"unknown path with a wrong method", {"POST", "/nope", std::nullopt}, sample_view(), 404, kText,
       "not found\n", ""},
      {"POST healthz", {"POST", "/healthz", std::nullopt}, sample_view(), 405, kText,
       "method POST not allowed on /healthz; Allow: GET\n", "GET"},
      {"DELETE metrics", {"DELETE", "/metrics", std::nullopt}, sample_view(), 405, kText,
       "method DELETE not allowed on /metrics; Allow: GET\n", "GET"},
      {"lower-case get", {"get", "/status", std::nullopt}, sample_view(), 405, kText,
       "method get not allowed on /status; Allow: GET\n", "GET"},
      {"an Authorization header changes nothing", {"GET", "/healthz", "Bearer x"}, sample_view(), 200, kText,
       "ok\n", ""},
  };
  for (const auto& c : cases) {
    const AdminResponse r = handle_admin_request(c.request, c.view);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.content_type, c.content_type) << c.name;
    EXPECT_EQ(r.body, c.body) << c.name;
    EXPECT_EQ(r.allow, c.allow) << c.name;
  }
}

TEST(AdminHandler, JsonQuoteEscapesWhatJsonRequires) {
  struct Case {
    const char* name;
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"plain", "db.internal:5432", R"("db.internal:5432")"},
      {"empty", "", R"("")"},
      {"quote and backslash", R"(a"b\c)", R"("a\"b\\c")"},
      {"short escapes", "\b\f\n\r\t", R"("\b\f\n\r\t")"},
      {"other control bytes", std::string("\x01\x1f\0x", 4), R"("\u0001\u001f\u0000x")"},
      {"DEL and slash pass through", "\x7f/", "\"\x7f/\""},
      {"valid UTF-8 passes through", "h\xc3\xa9te \xe2\x82\xac \xf0\x9f\x90\x98",
       "\"h\xc3\xa9te \xe2\x82\xac \xf0\x9f\x90\x98\""},
      {"lone continuation byte", "a\x80z", R"("a\ufffdz")"},
      {"truncated sequence at the end", "a\xe2\x82", R"("a\ufffd\ufffd")"},
      {"overlong slash", "\xc0\xaf", R"("\ufffd\ufffd")"},
      {"UTF-16 surrogate", "\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},
      {"above U+10FFFF", "\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
  };
  for (const auto& c : cases) EXPECT_EQ(json_quote(c.in), c.out) << c.name;
}

TEST(AdminHandler, StatusEscapesAWeirdUpstream) {
  AdminView v = sample_view();
  v.upstream = "evil\"host\\\n\x01\xff:5432";
  const AdminResponse r = handle_admin_request(get("/status"), v);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("upstream":"evil\"host\\\n\u0001\ufffd:5432",)"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace switchyard::proxy

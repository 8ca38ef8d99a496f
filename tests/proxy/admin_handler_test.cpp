// The admin routes answered from plain structs: status codes, bodies, 404, 405 and JSON escaping.
#include "proxy/admin_handler.h"
#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>
#include <vector>

namespace switchyard::proxy {
namespace {

AdminView sample_view() {
  AdminView v;
  v.version = "0.1.0";
  v.uptime_seconds = 42;
  v.generation = 3;
  v.config_path = "/etc/switchyard.yaml";
  v.active_sessions = 3;
  v.total_sessions = 17;
  v.listen = "127.0.0.1:6432";
  v.upstream = "127.0.0.1:5432";
  v.statements_rewritten = 5;
  v.statements_refused = 2;
  v.statements_refused_by = {0, 1, 1, 0};
  v.statements_passed = 4;
  v.reloads_ok = 2;
  v.prepared_statements = 12;
  v.prepared_statements_max = 7;
  v.reprepares = 4;
  v.reloads_failed = 1;
  MigrationView m;
  m.name = "users_email";
  m.kind = "rename_column";
  m.old_table = "public.users";
  m.new_table = "public.users";
  m.phase = "canary";
  m.canary_percent = 10;
  m.canary_key = "user";
  m.shadow_sample_percent = 2.5;
  m.sessions_behind = 1;
  m.statements_old_shape = 3;
  m.counters.writes_rewritten = 5;
  m.counters.writes_refused = 2;
  m.counters.writes_refused_by[static_cast<size_t>(rewrite::RefusalReason::kVolatile)] = 1;
  m.counters.writes_refused_by[static_cast<size_t>(rewrite::RefusalReason::kServerSideCode)] = 1;
  m.counters.writes_passed_by[static_cast<size_t>(rewrite::RefusalReason::kUnsupportedForm)] = 3;
  m.server_writers.push_back({"function", "function public.touch(integer)", "public.users"});
  m.counters.reads_old = 90;
  m.counters.reads_new = 10;
  m.counters.shadow_match = 7;
  v.migrations.push_back(m);
  v.migration_metrics.emplace_back(m.name, m.counters);
  return v;
}

AdminRequest get(std::string target) { return AdminRequest{"GET", std::move(target), std::nullopt}; }
AdminRequest post(std::string target) { return AdminRequest{"POST", std::move(target), std::nullopt}; }

const std::string kStatusBody =
    R"({"version":"0.1.0","uptime_seconds":42,"generation":3,"config":"/etc/switchyard.yaml",)"
    R"("listen":"127.0.0.1:6432","upstream":"127.0.0.1:5432","sessions":{"active":3,"total":17,"prepared_statements":12,"prepared_statements_max":7,"reprepares":4},)"
    R"("draining":false,"upstream_latency":{"count":0,"sum_seconds":0,"p50_seconds":0,"p99_seconds":0},)"
    R"("jobs":{},"statements":{"rewritten":5,"refused":2,)"
    R"("refused_by_reason":{"unsupported_form":0,"volatile":1,"server_side_code":1,"rewrite_failed":0},"passed":4},)"
    R"("reloads":{"ok":2,"failed":1},)"
    R"("migrations":[{"name":"users_email","kind":"rename_column","old":"public.users","new":"public.users",)"
    R"("phase":"canary","canary_percent":10,"canary_key":"user","shadow_sample_percent":2.5,)"
    R"("counters":{"writes_rewritten":5,"writes_refused":2,)"
    R"("writes_refused_by_reason":{"unsupported_form":0,"volatile":1,"server_side_code":1,"rewrite_failed":0},)"
    R"("writes_passed_by_reason":{"unsupported_form":3,"volatile":0,"server_side_code":0,"rewrite_failed":0},)"
    R"("reads_old":90,"reads_new":10,"shadow_match":7,)"
    R"("shadow_mismatch":0,"shadow_transient":0,"shadow_error":0,"shadow_skipped":0,)"
    R"("shadow_old_latency":{"count":0,"sum_seconds":0,"p50_seconds":0,"p99_seconds":0},)"
    R"("shadow_new_latency":{"count":0,"sum_seconds":0,"p50_seconds":0,"p99_seconds":0}},)"
    R"j("server_writers":[{"kind":"function","name":"function public.touch(integer)","writes":"public.users"}],)j"
    R"("sessions_behind":1,"statements_old_shape":3,"recent_refused":[],"recent_mismatches":[]}]})"
    "\n";

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
      {"status", get("/status"), sample_view(), 200, "application/json", kStatusBody, ""},
      {"unknown path", get("/nope"), sample_view(), 404, kText, "not found\n", ""},
      {"unknown", get("/nope"), sample_view(), 404, kText, "not found\n", ""},
      {"prefix of a route", get("/health"), sample_view(), 404, kText, "not found\n", ""},
      {"route with a trailing slash", get("/status/"), sample_view(), 404, kText, "not found\n", ""},
      {"unknown path with a wrong method", post("/nope"), sample_view(), 404, kText, "not found\n", ""},
      {"POST healthz", post("/healthz"), sample_view(), 405, kText,
       "method POST not allowed on /healthz; Allow: GET\n", "GET"},
      {"DELETE metrics", {"DELETE", "/metrics", std::nullopt}, sample_view(), 405, kText,
       "method DELETE not allowed on /metrics; Allow: GET\n", "GET"},
      {"lower-case get", {"get", "/status", std::nullopt}, sample_view(), 405, kText,
       "method get not allowed on /status; Allow: GET\n", "GET"},
      {"GET reload", get("/reload"), sample_view(), 405, kText, "method GET not allowed on /reload; Allow: POST\n",
       "POST"},
      {"an Authorization header without a configured token changes nothing", {"GET", "/healthz", "Bearer x"},
       sample_view(), 200, kText, "ok\n", ""},
  };
  for (const auto& c : cases) {
    const AdminResponse r = handle_admin_request(c.request, c.view);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.content_type, c.content_type) << c.name;
    EXPECT_EQ(r.body, c.body) << c.name;
    EXPECT_EQ(r.allow, c.allow) << c.name;
    EXPECT_FALSE(r.reload) << c.name;
    EXPECT_EQ(r.www_authenticate, "") << c.name;
  }
}

TEST(AdminHandler, PostReloadAsksTheServerToReload) {
  const AdminResponse r = handle_admin_request(post("/reload"), sample_view());
  EXPECT_TRUE(r.reload);
  EXPECT_EQ(r.status, 503) << "what stands when the server cannot reload";
}

TEST(AdminHandler, TokenIsRequiredEverywhereButHealthz) {
  AdminView v = sample_view();
  v.token = "s3cret-token";
  struct Case {
    const char* name;
    AdminRequest request;
    int status;
  };
  const Case cases[] = {
      {"status without a header", get("/status"), 401},
      {"metrics without a header", get("/metrics"), 401},
      {"reload without a header", post("/reload"), 401},
      {"unknown path without a header: routes are not revealed", get("/nope"), 401},
      {"wrong token", {"GET", "/status", "Bearer s3cret-tokem"}, 401},
      {"token prefix", {"GET", "/status", "Bearer s3cret"}, 401},
      {"token with a suffix", {"GET", "/status", "Bearer s3cret-token2"}, 401},
      {"another scheme", {"GET", "/status", "Basic s3cret-token"}, 401},
      {"scheme alone", {"GET", "/status", "Bearer"}, 401},
      {"empty token", {"GET", "/status", "Bearer "}, 401},
      {"right token", {"GET", "/status", "Bearer s3cret-token"}, 200},
      {"scheme in lower case", {"GET", "/metrics", "bearer s3cret-token"}, 200},
      {"extra spaces", {"GET", "/metrics", "Bearer   s3cret-token "}, 200},
      {"right token, unknown path", {"GET", "/nope", "Bearer s3cret-token"}, 404},
      {"right token, GET reload", {"GET", "/reload", "Bearer s3cret-token"}, 405},
      {"healthz needs none", get("/healthz"), 200},
      {"healthz with a wrong one", {"GET", "/healthz", "Bearer nope"}, 200},
  };
  for (const auto& c : cases) {
    const AdminResponse r = handle_admin_request(c.request, v);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.www_authenticate, c.status == 401 ? "Bearer realm=\"switchyard\"" : "") << c.name;
    if (c.status == 401) {
      EXPECT_EQ(r.body.find("s3cret"), std::string::npos) << c.name;
    }
  }
  const AdminResponse reload = handle_admin_request({"POST", "/reload", "Bearer s3cret-token"}, v);
  EXPECT_TRUE(reload.reload);
  EXPECT_EQ(handle_admin_request({"GET", "/status", "Bearer s3cret-token"}, v).body, kStatusBody)
      << "the token never appears in /status";
}

TEST(AdminHandler, ReloadResponseNamesTheGenerationOrTheProblem) {
  ReloadOutcome ok;
  ok.ok = true;
  ok.generation = 4;
  ok.changes = "migration users_email: off -> dual_write";
  ok.phases = {{"users_email", "dual_write"}, {"orders_copy", "off"}};
  AdminResponse r = reload_response(ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"generation":4,"changes":"migration users_email: off -> dual_write","migrations":)"
                    R"([{"name":"users_email","phase":"dual_write"},{"name":"orders_copy","phase":"off"}]})"
                    "\n");

  ReloadOutcome bad;
  bad.error = "/etc/s.yaml:7: migrations[0].phase: unknown phase \"dual\"";
  r = reload_response(bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"/etc/s.yaml:7: migrations[0].phase: unknown phase \"dual\""})"
                    "\n");

  ReloadOutcome draining;
  draining.draining = true;
  draining.error = "the proxy is shutting down; reload refused";
  EXPECT_EQ(reload_response(draining).status, 503);
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

TEST(AdminHandler, MetricsHistogramsHaveCumulativeBucketsSumAndCount) {
  AdminView v = sample_view();
  Histogram upstream;
  upstream.observe(0.00005);  // first bucket
  upstream.observe(0.003);    // le=0.005
  upstream.observe(0.003);
  upstream.observe(30);       // only +Inf
  v.upstream_seconds = upstream.snapshot();
  const AdminResponse r = handle_admin_request(get("/metrics"), v);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& body = r.body;

  EXPECT_EQ(lines_starting(body, "# TYPE switchyard_upstream_seconds "),
            std::vector<std::string>{"# TYPE switchyard_upstream_seconds histogram"});
  const auto buckets = lines_starting(body, "switchyard_upstream_seconds_bucket{");
  ASSERT_EQ(buckets.size(), Histogram::kBounds.size() + 1);
  EXPECT_EQ(buckets.front(), R"(switchyard_upstream_seconds_bucket{le="0.0001"} 1)");
  EXPECT_EQ(buckets[4], R"(switchyard_upstream_seconds_bucket{le="0.0025"} 1)");
  EXPECT_EQ(buckets[5], R"(switchyard_upstream_seconds_bucket{le="0.005"} 3)");
  EXPECT_EQ(buckets[14], R"(switchyard_upstream_seconds_bucket{le="10"} 3)");
  EXPECT_EQ(buckets.back(), R"(switchyard_upstream_seconds_bucket{le="+Inf"} 4)");
  EXPECT_EQ(lines_starting(body, "switchyard_upstream_seconds_sum"),
            std::vector<std::string>{"switchyard_upstream_seconds_sum 30.006050"});
  EXPECT_EQ(lines_starting(body, "switchyard_upstream_seconds_count"),
            std::vector<std::string>{"switchyard_upstream_seconds_count 4"});
  // An empty histogram still has every bucket, at 0.
  EXPECT_EQ(lines_starting(body, "switchyard_rewrite_seconds_bucket{le=\"+Inf\"} 0").size(), 1u);
  // Labelled histograms put `le` last.
  EXPECT_EQ(lines_starting(body, R"(switchyard_shadow_seconds_bucket{migration="users_email",side="old",le="+Inf"} 0)")
                .size(),
            1u);
}

TEST(AdminHandler, MetricsListEveryFamilyWithHelpTypeAndLabels) {
  AdminView v = sample_view();
  v.generation = 7;
  v.rewrite_cache_hits = 11;
  v.rewrite_cache_misses = 4;
  v.ddl_lint_warned = 6;
  v.listeners.accept_errors_client = 12;
  v.listeners.clients_refused_max_connections = 3;
  v.listeners.admin_evicted = 9;
  // A migration a reload removed keeps its series.
  MigrationCounters gone;
  gone.writes_rewritten = 8;
  v.migration_metrics.emplace_back("old_one", gone);
  const std::string body = handle_admin_request(get("/metrics"), v).body;
  const std::string expected[] = {
      "switchyard_sessions_active 3",
      "switchyard_sessions_total 17",
      "switchyard_config_generation 7",
      R"(switchyard_reloads_total{result="ok"} 2)",
      R"(switchyard_reloads_total{result="failed"} 1)",
      R"(switchyard_statements_total{migration="users_email",kind="write",route="rewritten"} 5)",
      R"(switchyard_statements_total{migration="users_email",kind="write",route="refused",reason="volatile"} 1)",
      R"(switchyard_statements_total{migration="users_email",kind="write",route="refused",reason="server_side_code"} 1)",
      R"(switchyard_statements_total{migration="users_email",kind="write",route="refused",reason="unsupported_form"} 0)",
      R"(switchyard_statements_total{migration="users_email",kind="write",route="passed",reason="unsupported_form"} 3)",
      R"(switchyard_statements_total{migration="users_email",kind="read",route="old"} 90)",
      R"(switchyard_statements_total{migration="users_email",kind="read",route="new"} 10)",
      R"(switchyard_statements_total{migration="old_one",kind="write",route="rewritten"} 8)",
      R"(switchyard_shadow_reads_total{migration="users_email",result="match"} 7)",
      R"(switchyard_shadow_reads_total{migration="users_email",result="mismatch"} 0)",
      R"(switchyard_shadow_reads_total{migration="users_email",result="transient"} 0)",
      R"(switchyard_shadow_reads_total{migration="users_email",result="error"} 0)",
      R"(switchyard_shadow_reads_total{migration="users_email",result="skipped"} 0)",
      "switchyard_rewrite_cache_hits_total 11",
      "switchyard_rewrite_cache_misses_total 4",
      R"(switchyard_ddl_lint_total{action="warned"} 6)",
      R"(switchyard_ddl_lint_total{action="blocked"} 0)",
      R"(switchyard_accept_errors_total{listener="client"} 12)",
      R"(switchyard_accept_errors_total{listener="admin"} 0)",
      R"(switchyard_clients_refused_total{reason="max_client_connections"} 3)",
      R"(switchyard_clients_refused_total{reason="out_of_descriptors"} 0)",
      R"(switchyard_admin_connections_closed_total{reason="evicted"} 9)",
      R"(switchyard_admin_connections_closed_total{reason="header_too_large"} 0)",
  };
  for (const auto& line : expected) {
    const auto found = lines_starting(body, line);
    EXPECT_EQ(std::count(found.begin(), found.end(), line), 1) << line;
  }
  // Every family has exactly one HELP and one TYPE, and every sample belongs to a declared family.
  std::set<std::string> declared;
  for (const auto& line : lines_starting(body, "# TYPE ")) {
    const std::string name = line.substr(7, line.find(' ', 7) - 7);
    EXPECT_TRUE(declared.insert(name).second) << "two TYPE lines for " << name;
    EXPECT_EQ(lines_starting(body, "# HELP " + name + " ").size(), 1u) << name;
  }
  for (const char* family : {"switchyard_sessions_active", "switchyard_sessions_total", "switchyard_statements_total",
                             "switchyard_shadow_reads_total", "switchyard_shadow_seconds",
                             "switchyard_rewrite_cache_hits_total", "switchyard_rewrite_cache_misses_total",
                             "switchyard_rewrite_seconds", "switchyard_upstream_seconds", "switchyard_reloads_total",
                             "switchyard_config_generation", "switchyard_ddl_lint_total"})
    EXPECT_TRUE(declared.count(family)) << family;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!declared.count(name) && name.size() > std::strlen(suffix) &&
          name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
        name.resize(name.size() - std::strlen(suffix));
    EXPECT_TRUE(declared.count(name)) << "sample of an undeclared family: " << line;
  }
}

TEST(AdminHandler, BearerMatchesComparesTheWholeToken) {
  EXPECT_TRUE(bearer_matches("Bearer abc", "abc"));
  EXPECT_TRUE(bearer_matches("BEARER abc", "abc"));
  EXPECT_FALSE(bearer_matches(std::nullopt, "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abd", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer ab", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abcd", "abc"));
  EXPECT_FALSE(bearer_matches("Bearerabc", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
  EXPECT_FALSE(bearer_matches(std::string("Bearer ab\0", 10), "ab"));
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
  for (const auto& c : cases) EXPECT_EQ(util::json_quote(c.in), c.out) << c.name;
}

TEST(AdminHandler, StatusEscapesAWeirdUpstream) {
  AdminView v = sample_view();
  v.upstream = "evil\"host\\\n\x01\xff:5432";
  const AdminResponse r = handle_admin_request(get("/status"), v);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("upstream":"evil\"host\\\n\u0001\ufffd:5432",)"), std::string::npos) << r.body;
}

TEST(AdminHandler, BackfillRouteAsksTheServerToStartAJob) {
  AdminView v;
  const AdminResponse r = handle_admin_request({"POST", "/migrations/users-display-name/backfill", std::nullopt}, v);
  EXPECT_EQ(r.job, "users-display-name");
  EXPECT_EQ(r.job_kind, "backfill");
  const AdminResponse verify = handle_admin_request({"POST", "/migrations/users-display-name/verify", std::nullopt}, v);
  EXPECT_EQ(verify.job, "users-display-name");
  EXPECT_EQ(verify.job_kind, "verify");
  EXPECT_EQ(handle_admin_request({"POST", "/migrations/users-display-name/expand", std::nullopt}, v).status, 404);
  EXPECT_EQ(r.status, 503) << "stands when the server has no job runner";
  const AdminResponse get = handle_admin_request({"GET", "/migrations/users-display-name/backfill", std::nullopt}, v);
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.allow, "POST");
  EXPECT_EQ(handle_admin_request({"POST", "/migrations//backfill", std::nullopt}, v).status, 404);
  EXPECT_EQ(handle_admin_request({"POST", "/migrations/a/b/backfill", std::nullopt}, v).status, 404);
  v.token = "t";
  EXPECT_EQ(handle_admin_request({"POST", "/migrations/x/backfill", std::nullopt}, v).status, 401);
}

}  // namespace
}  // namespace switchyard::proxy

namespace switchyard::proxy {
namespace {

TEST(AdminConsole, PageIsOpenWithoutATokenAndHoldsNoData) {
  AdminView v = sample_view();
  v.token = "secret";
  const AdminResponse page = handle_admin_request(get("/"), v);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<title>switchyard console</title>"), std::string::npos);
  EXPECT_EQ(page.body.find("users_email"), std::string::npos) << "the page is static; data comes from /status";
  EXPECT_EQ(page.body.find("src=\"http"), std::string::npos) << "no asset from elsewhere";
  EXPECT_EQ(handle_admin_request(get("/status"), v).status, 401);
  EXPECT_EQ(handle_admin_request(get("/status/history"), v).status, 401);
  EXPECT_EQ(handle_admin_request(post("/"), v).status, 405);
}

TEST(AdminConsole, HistoryIsServedWhenTheServerKeepsOne) {
  AdminView v = sample_view();
  EXPECT_EQ(handle_admin_request(get("/status/history"), v).status, 404) << "no history kept";
  v.history_json = [] { return std::string("{\"samples\":[]}\n"); };
  const AdminResponse r = handle_admin_request(get("/status/history"), v);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"samples\":[]}\n");
}

TEST(AdminConsole, StatusListsRecentEventsAndTheLastRefusedReload) {
  AdminView v = sample_view();
  v.migrations[0].counters.recent_refused = {R"({"ts":"t","fingerprint":"UPDATE users SET a = $1","reason":"r"})"};
  v.last_reload_error = "switchyard.yaml:3: phase: unknown";
  v.last_reload_error_at = "2024-05-01T12:00:00.000Z";
  const std::string body = handle_admin_request(get("/status"), v).body;
  EXPECT_NE(body.find(R"("recent_refused":[{"ts":"t","fingerprint":"UPDATE users SET a = $1","reason":"r"}])"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("reloads":{"ok":2,"failed":1,"last_error":"switchyard.yaml:3: phase: unknown",)"
                      R"("last_error_at":"2024-05-01T12:00:00.000Z"})"),
            std::string::npos)
      << body;
}

}  // namespace
}  // namespace switchyard::proxy

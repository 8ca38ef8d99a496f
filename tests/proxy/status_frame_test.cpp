// `switchyard status`'s screen, drawn from the admin server's own JSON (status_json of a view and
// history_json of samples), so the frame and the server cannot drift apart unseen.
#include "proxy/status_frame.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "proxy/admin_handler.h"
#include "proxy/status_history.h"
#include "rewrite/pg/dialect.h"

namespace switchyard::proxy {
namespace {

AdminView view(uint64_t rewritten, uint64_t refused) {
  AdminView v;
  v.version = "0.1.0";
  v.generation = 3;
  v.listen = "127.0.0.1:6432";
  v.upstream = "127.0.0.1:5432";
  v.active_sessions = 7;
  v.reloads_ok = 2;
  v.reloads_failed = 1;
  v.last_reload_error = "switchyard.yaml:9: migrations[0].phase: unknown phase 'sideways'";
  v.last_reload_error_at = "2024-05-01T12:00:00.000Z";
  v.jobs_json = R"({"users-email":{"backfill":{"job":"backfill users-email","state":"running","stage":"copy",)"
                R"("rows_done":450,"rows_total":1000,"rows_changed":450,"percent":45.0,"rows_per_second":150.0,)"
                R"("eta_seconds":3.7,"throttle":"replica lag 2300 ms > 1000 ms","error":""}}})";
  MigrationView m;
  m.name = "users-email";
  m.kind = "rename_column";
  m.old_table = "public.users";
  m.new_table = "public.users";
  m.phase = "canary";
  m.canary_percent = 10;
  m.canary_key = "session";
  m.counters.writes_rewritten = rewritten;
  m.counters.writes_refused = refused;
  m.counters.shadow_match = 12;
  m.counters.shadow_mismatch = 1;
  m.counters.recent_refused = {refusal_event(rewrite::pg::dialect(), "UPDATE users SET email = 'x' WHERE id = 1", "writes a generated column")};
  v.migrations.push_back(m);
  return v;
}

std::string frame(const FrameStyle& style) {
  StatusHistory h(5);
  h.add(sample_of(view(100, 0), 0));
  h.add(sample_of(view(150, 0), 5000));
  h.add(sample_of(view(250, 5), 10000));
  return render_status_frame(boost::json::parse(status_json(view(250, 5))), boost::json::parse(history_json(h)), style);
}

TEST(StatusFrame, ShowsThePhaseRatesJobsAndTheLastRefusedReload) {
  const std::string f = frame(FrameStyle{200, false});
  const auto has = [&](const std::string& s) { EXPECT_NE(f.find(s), std::string::npos) << s << "\n" << f; };
  has("switchyard 0.1.0  clients 127.0.0.1:6432  upstream 127.0.0.1:5432  generation 3");
  has("off > dual_write > shadow > [canary] > read_new > new_only");
  has("writes   rewritten 20.0/s (250)  refused 1.0/s (5)");
  has("last refused: UPDATE users SET email = $1 WHERE id = $2 (writes a generated column)");
  has("canary 10% by session");
  has("shadow   match 12  mismatch 1  transient 0");
  has("backfill  [#############                 ] 45.0% running, 450/1000 rows, 150 rows/s, ETA 4s "
      "(throttled: replica lag 2300 ms > 1000 ms)");
  has("verify    not started from this proxy");
  has("last refused reload (2024-05-01T12:00:00.000Z): switchyard.yaml:9: migrations[0].phase: unknown phase");
  has("sessions 7 (0 since start)");
  EXPECT_EQ(f.find("\x1b["), std::string::npos) << "no escape codes without colour";
}

TEST(StatusFrame, FitsTheWidthAndColoursOnlyWhenAsked) {
  const std::string f = frame(FrameStyle{60, false});
  std::istringstream lines(f);
  for (std::string line; std::getline(lines, line);) {
    size_t columns = 0;
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
    EXPECT_LE(columns, 60u) << line;
  }
  EXPECT_NE(frame(FrameStyle{200, true}).find("\x1b[1;7m[canary]\x1b[0m"), std::string::npos);
}

TEST(StatusFrame, MissingFieldsShowAsDashes) {
  const std::string f = render_status_frame(boost::json::parse(R"({"migrations":[{"name":"m"}]})"),
                                            boost::json::parse("{}"), FrameStyle{});
  EXPECT_NE(f.find("switchyard -"), std::string::npos) << f;
  EXPECT_NE(f.find("writes   rewritten - (-)"), std::string::npos) << f;
}

}  // namespace
}  // namespace switchyard::proxy

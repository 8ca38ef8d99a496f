// Small helpers shared by the jobs_* integration tests (backfill, verify, expand, contract).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/support/pg_connection.h"
#include "tests/support/wait.h"

namespace switchyard::test_support::jobs_helpers {

// Waits until a session whose application_name starts with `app_prefix` waits on a lock: the
// moment a test may release the lock to force an interleaving.
inline bool wait_until_blocked(PGconn* direct, const std::string& app_prefix, std::chrono::milliseconds timeout = 20s) {
  return eventually(
      [&] {
        return query_value(direct, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '" + app_prefix +
                                       "%' AND wait_event_type = 'Lock'") != "0";
      },
      timeout);
}

// rows_done of a job's checkpoint ("" when there is none yet).
inline std::string checkpoint_rows(PGconn* direct, const std::string& migration, const std::string& job = "backfill") {
  PgResult r = exec(direct, "SELECT rows_done FROM switchyard.\"" + migration + "\" WHERE job = '" + job + "'");
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) == 0) return "";
  return PQgetvalue(r.get(), 0, 0);
}

// True if `text` contains `part`; for EXPECT_TRUE with the text in the message.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace switchyard::test_support::jobs_helpers

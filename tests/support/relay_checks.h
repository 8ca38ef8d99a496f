// Checks of what the relay carries besides queries, shared by the plaintext suites
// (cancel_test.cpp, notify_test.cpp) and the TLS ones (tls_scram_test.cpp), so each path is
// held to the same expectations.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>

namespace switchyard::test_support {

// Runs `sleep_sql` (a long pg_sleep with a comment that makes it unique) on `conn`, waits until
// `direct` (a connection straight to the server) shows it active, cancels it with PQcancel
// (a CancelRequest to whatever `conn` is connected to), and expects 57014 within 5 s and the
// connection usable afterwards. Adds test failures; returns early on the first fatal one.
void expect_cancel_stops_query(PGconn* conn, PGconn* direct, const std::string& sleep_sql);

using Notification = std::unique_ptr<PGnotify, void (*)(void*)>;
// The next notification on `conn`, waiting for its socket (bounded); null if none came.
Notification next_notification(PGconn* conn, std::chrono::milliseconds timeout);

}  // namespace switchyard::test_support

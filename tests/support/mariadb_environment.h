// The one MariaDB server the MariaDb* integration tests share: started by the first test that
// asks for it, stopped by pid (SIGTERM, then SIGKILL) when the test run ends, through a gtest
// Environment registered with this file. Runs whose filter leaves those tests out never start it.
#pragma once

#include "tests/support/mariadb_server.h"

namespace switchyard::test_support {

// REQUIRES: the main thread (the server is spawned with PR_SET_PDEATHSIG). A server that cannot
// start ends the run, with the reason and its log on stderr: no MariaDb* test can go on.
MariaDbServer& shared_mariadb();

}  // namespace switchyard::test_support

// The shared MariaDB server of the integration tests (see mariadb_environment.h).
#include "tests/support/mariadb_environment.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace switchyard::test_support {
namespace {

class MariaDbEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { server.reset(); }
  std::unique_ptr<MariaDbServer> server;
};

// gtest owns it; static initialization runs before gtest_main's RUN_ALL_TESTS(). This object
// file is linked whenever a test calls shared_mariadb().
MariaDbEnvironment* const g_environment =
    static_cast<MariaDbEnvironment*>(::testing::AddGlobalTestEnvironment(new MariaDbEnvironment));

}  // namespace

MariaDbServer& shared_mariadb() {
  if (!g_environment->server) {
    std::string error;
    g_environment->server = MariaDbServer::start(error);
    if (!g_environment->server) {
      std::fprintf(stderr, "cannot start MariaDB: %s\n", error.c_str());
      std::abort();
    }
  }
  return *g_environment->server;
}

}  // namespace switchyard::test_support

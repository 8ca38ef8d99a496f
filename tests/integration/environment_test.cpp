// Registers what every integration test shares: one PostgreSQL cluster and one switchyard in
// front of it (see tests/support/integration_environment.h), and the listener that prints the
// proxy's log when a test fails.
#include <gtest/gtest.h>

#include "tests/support/integration_environment.h"
#include "tests/support/proxy_log_listener.h"

namespace {

using switchyard::test_support::IntegrationEnvironment;
using switchyard::test_support::ProxyLogListener;

// gtest owns both; static initialization runs before gtest_main's RUN_ALL_TESTS().
[[maybe_unused]] ::testing::Environment* const kEnvironment = ::testing::AddGlobalTestEnvironment(new IntegrationEnvironment);
[[maybe_unused]] const bool kListenerAdded = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new ProxyLogListener);
  return true;
}();

}  // namespace

// The servers every integration test talks to: one PostgreSQL cluster and one switchyard in
// front of it, started once per run of the test binary (a gtest Environment).
//
// SWITCHYARD_TEST_DIRECT=1 skips switchyard: proxied() then hands out PostgreSQL itself, which
// tells a proxy bug from a test bug.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/endpoint.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/proxy_process.h"

namespace switchyard::test_support {

class IntegrationEnvironment : public ::testing::Environment {
 public:
  // The new instance is the one integration_env() returns. gtest owns it once registered.
  IntegrationEnvironment();
  ~IntegrationEnvironment() override;

  void SetUp() override;
  // Stops switchyard first and fails the run if it did not exit cleanly on SIGTERM.
  void TearDown() override;

  bool direct_mode() const { return direct_mode_; }
  // PostgreSQL itself: for setting up, and for looking behind the proxy's back.
  const Endpoint& direct() const { return postgres_->endpoint(); }
  // Where the tests under test connect: switchyard (or PostgreSQL in direct mode).
  const Endpoint& proxied() const { return proxy_ ? proxy_->endpoint() : direct(); }
  PgCluster& postgres() { return *postgres_; }
  // Null in direct mode.
  ProxyProcess* proxy() { return proxy_.get(); }

  // Drops database `name` if present (ending its sessions) and creates it anew, directly.
  // Adds a test failure if that fails.
  void create_fresh_database(const std::string& name);

 private:
  bool direct_mode_ = false;
  std::unique_ptr<PgCluster> postgres_;
  std::unique_ptr<ProxyProcess> proxy_;
};

// The registered environment. REQUIRES: an IntegrationEnvironment was created.
IntegrationEnvironment& integration_env();

}  // namespace switchyard::test_support

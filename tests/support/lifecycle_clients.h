// The clients of the lifecycle test (lifecycle_test.cpp): an old-shaped and a new-shaped libpq
// client, pgbench with a custom script, and a psycopg2 client, all writing and reading through
// switchyard at once, each on rows of its own, each checking that every read returns what it
// last wrote there.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/migration_proxy.h"

namespace switchyard::test_support {

// The statements of one client, in the shape it was written for. Parameters: $1 the row's id,
// $2 the text value.
struct ClientSql {
  const char* insert;
  const char* update;
  const char* read;      // returns the value
  const char* read_all;  // any read of the row; only its success is checked
};

struct FleetReport {
  uint64_t reads = 0, writes = 0, errors = 0, wrong_reads = 0;
  std::string first_errors;  // the first few, for the failure message
  bool pgbench_ok = false;
  std::string pgbench_output;
};

class ClientFleet {
 public:
  ClientFleet(MigrationProxy& proxy, ClientSql old_app, ClientSql new_app, std::string pgbench_script);
  ~ClientFleet();
  // Starts every client; they run until stop() (pgbench and psycopg2 for a fixed time that
  // outlasts the test's steps).
  void start();
  FleetReport stop();

  static constexpr int kExternalSeconds = 20;

 private:
  void libpq_client(const ClientSql& sql, int first_id, FleetReport& report);

  MigrationProxy& proxy_;
  ClientSql old_app_, new_app_;
  std::string pgbench_script_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  FleetReport old_report_, new_report_, pgbench_report_, python_report_;
};

}  // namespace switchyard::test_support

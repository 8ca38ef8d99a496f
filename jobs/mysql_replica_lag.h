// The replica-lag throttle of the MySQL / MariaDB backfill (--max-lag-ms), as pt-heartbeat and
// gh-ost measure it: the job writes a heartbeat row on the primary (`switchyard`.`heartbeat`, one
// row per migration, a sequence number and the primary's NOW(6)), and each replica is asked how
// soon it has that row. A replica that applies it within the limit may go on; one that does not
// (behind, its SQL thread stopped, unreachable) makes the job wait, and the reason says which
// replica and how old its newest heartbeat is. Replicas are the ones the primary lists in SHOW
// SLAVE HOSTS with a host (their report_host) and those given with --replica HOST:PORT, reached
// with the control string's user and password. The heartbeat's age compares two servers'
// clocks: keep them in sync (NTP), as pt-heartbeat requires.
#pragma once

#include <string>
#include <vector>

#include "catalog/mysql_connection.h"
#include "catalog/mysql_schema_loader.h"
#include "jobs/mysql_job_context.h"

namespace switchyard::jobs {

class MysqlReplicaLag {
 public:
  // Finds and connects to the replicas; creates the heartbeat table on the primary (`job`). False
  // with why in `error` (a --replica that cannot be reached, a table that cannot be created);
  // `note` says which replicas are checked, or that none was found.
  bool open(const MysqlJob& job, const catalog::MysqlControl& control, const std::vector<std::string>& explicit_replicas,
            std::string& note, std::string& error);
  // "" when every replica applies a new heartbeat within `max_lag_ms`, else why to wait.
  std::string check(const MysqlJob& job, int max_lag_ms);
  bool empty() const { return replicas_.empty(); }

 private:
  struct Replica {
    std::string name;  // host:port
    catalog::MysqlControl control;
    catalog::MysqlConn conn;
  };
  std::vector<Replica> replicas_;
  std::string migration_;  // as a literal
};

// "HOST:PORT" (PORT 1..65535), for --replica; false if it is not one.
bool parse_host_port(const std::string& text, std::string& host, unsigned& port);

}  // namespace switchyard::jobs

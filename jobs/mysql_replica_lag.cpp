// The MySQL replica-lag throttle; see mysql_replica_lag.h.
#include "jobs/mysql_replica_lag.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "jobs/mysql_backfill_sql.h"

namespace switchyard::jobs {
namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned kReplicaTimeoutSeconds = 5;

long long as_number(const std::optional<std::string>& v) { return v ? std::atoll(v->c_str()) : 0; }

}  // namespace

bool parse_host_port(const std::string& text, std::string& host, unsigned& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  char* end = nullptr;
  const long p = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || p < 1 || p > 65535) return false;
  host = text.substr(0, colon);
  port = static_cast<unsigned>(p);
  return true;
}

bool MysqlReplicaLag::open(const MysqlJob& job, const catalog::MysqlControl& control,
                           const std::vector<std::string>& explicit_replicas, std::string& note, std::string& error) {
  migration_ = job.literal(job.migration.spec.name);
  std::vector<std::pair<std::string, unsigned>> where;
  for (const std::string& r : explicit_replicas) {
    std::string host;
    unsigned port = 0;
    if (!parse_host_port(r, host, port)) {
      error = "--replica wants HOST:PORT, got '" + r + "'";
      return false;
    }
    where.emplace_back(host, port);
  }
  catalog::MysqlResult hosts = job.exec("SHOW SLAVE HOSTS");
  if (!hosts.ok) {
    error = "cannot list the replicas (SHOW SLAVE HOSTS needs the REPLICATION MASTER ADMIN privilege): " + hosts.error;
    return false;
  }
  for (const auto& row : hosts.rows) {  // Server_id, Host, Port, Master_id
    if (row.size() < 3 || !row[1] || row[1]->empty()) continue;
    const std::pair<std::string, unsigned> hp{*row[1], static_cast<unsigned>(as_number(row[2]))};
    bool seen = false;
    for (const auto& w : where) seen = seen || w == hp;
    if (!seen) where.push_back(hp);
  }
  for (const auto& [host, port] : where) {
    Replica r;
    r.name = host + ":" + std::to_string(port);
    r.control = control;
    r.control.host = host;
    r.control.port = port;
    std::string why;
    r.conn = catalog::connect_mysql(r.control, kReplicaTimeoutSeconds, why);
    if (!r.conn) {
      error = "cannot connect to replica " + r.name + ": " + why;
      return false;
    }
    replicas_.push_back(std::move(r));
  }
  for (const std::string& ddl : mysql_heartbeat_ddl()) {
    catalog::MysqlResult c = job.exec(ddl);
    if (!c.ok) {
      error = std::string("cannot create the heartbeat table ") + kMysqlHeartbeatTable + ": " + c.error;
      return false;
    }
  }
  if (replicas_.empty()) {
    note = "warning: --max-lag-ms: no replica found (SHOW SLAVE HOSTS lists none with a host: set report_host on the "
           "replicas, or name them with --replica HOST:PORT), so no lag is checked";
  } else {
    note = "--max-lag-ms: checking " + std::to_string(replicas_.size()) + " replica(s):";
    for (const auto& r : replicas_) note += " " + r.name;
  }
  return true;
}

std::string MysqlReplicaLag::check(const MysqlJob& job, int max_lag_ms) {
  if (replicas_.empty() || max_lag_ms <= 0) return "";
  catalog::MysqlResult beat = job.exec(mysql_heartbeat_beat(migration_));
  catalog::MysqlResult seq = beat.ok ? job.exec(mysql_heartbeat_seq(migration_)) : beat;
  if (!seq.ok || seq.rows.empty()) return "cannot write the heartbeat on the primary: " + seq.error;
  const long long wanted = as_number(seq.rows[0][0]);
  const auto deadline = Clock::now() + std::chrono::milliseconds(max_lag_ms);
  for (Replica& r : replicas_) {
    while (true) {
      if (!r.conn) {
        std::string why;
        r.conn = catalog::connect_mysql(r.control, kReplicaTimeoutSeconds, why);
        if (!r.conn) return "replica " + r.name + " is unreachable: " + why;
      }
      catalog::MysqlResult seen = catalog::mysql_exec(r.conn.get(), mysql_heartbeat_seen(migration_));
      // The table (or its database) not replicated yet: no heartbeat yet, like a missing row.
      const bool not_there = !seen.ok && (seen.code == 1146 || seen.code == 1049);
      if (!seen.ok && !not_there) {
        r.conn.reset();  // reconnect on the next check
        return "replica " + r.name + " cannot be asked for its lag: " + seen.error;
      }
      const bool has = !not_there && !seen.rows.empty() && seen.rows[0][0];
      if (has && as_number(seen.rows[0][0]) >= wanted) break;
      if (Clock::now() >= deadline) {
        const std::string age =
            has ? "its newest heartbeat is " + std::to_string(as_number(seen.rows[0][1]) / 1000) + " ms old"
                : "it has no heartbeat yet";
        return "replica " + r.name + " lags more than " + std::to_string(max_lag_ms) + " ms (" + age + ")";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return "";
}

}  // namespace switchyard::jobs

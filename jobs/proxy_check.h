// Before contract drops the old shape: do the proxies in front of the database still run anything
// under another phase of the migration? Asks each proxy's admin API (GET /status) for the
// sessions still under an older generation with another phase for it (sessions_behind), and
// reports the statements they hold that were planned under one (statements_old_shape).
//
// Statements held by sessions that are up to date are planned again before their next use
// (proxy/prepared_statements.h), so they are reported, not waited for; a session behind may
// still write the old shape in its open transaction, so it blocks contract.
//
// One function, so that a list of proxy instances can be asked later with no change to callers.
// Blocking network I/O (loopback or the admin address of the config); a job's thread only.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace switchyard::jobs {

struct ProxyState {
  std::string proxy;                 // "host:port" of its admin API
  bool reached = false;
  std::string error;                 // when !reached, or the answer could not be read
  std::string phase;                 // the migration's phase in the proxy's running config
  long long sessions_behind = 0;
  long long statements_old_shape = 0;
};

struct ProxyCheck {
  bool checked = false;              // false: the config names no admin server to ask
  std::vector<ProxyState> proxies;
  // Empty when contract may go ahead; otherwise what is still behind, one line per proxy.
  std::string blocking;
};

ProxyCheck check_proxies(const config::Config& config, const std::string& migration);

}  // namespace switchyard::jobs

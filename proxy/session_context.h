// What a session needs from the process around it: the current config, the cancel registry,
// and its worker's bookkeeping. Owned by the Server; outlives every session.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "config/config.h"
#include "proxy/cancel_registry.h"

namespace switchyard::proxy {

class PgSession;

// Shared by all workers. REQUIRES: config() is called only on a worker or main thread while
// the Server is alive.
struct SharedState {
  CancelRegistry cancels;
  std::atomic<uint64_t> next_session_id{1};
  std::atomic<int64_t> active_sessions{0};
  std::atomic<uint64_t> total_sessions{0};

  std::shared_ptr<const config::Config> config() const {
    std::lock_guard lock(config_mu);
    return current_config;
  }
  void set_config(std::shared_ptr<const config::Config> c) {
    std::lock_guard lock(config_mu);
    current_config = std::move(c);
  }

  mutable std::mutex config_mu;
  std::shared_ptr<const config::Config> current_config;
};

// One per worker thread; touched only on that worker's thread.
struct SessionContext {
  SharedState& shared;
  std::unordered_map<uint64_t, std::weak_ptr<PgSession>> sessions;
};

}  // namespace switchyard::proxy

// Which sessions read the new shape of a migration in phase canary: `percent` of them, chosen by
// a deterministic hash of the migration's canary key, so that several switchyard instances
// route one user (or application, or client address) the same way. With the default key
// (session) each session draws once, from a per-process random seed and its id: sticky for the
// session's life, independent across sessions. Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/migration.h"

namespace switchyard::proxy {

// What a session offers as canary keys.
struct CanaryIdentity {
  uint64_t session_draw = 0;  // random per session (proxy-local)
  std::string user;
  std::string application_name;
  std::string client_address;  // IP address without port
};

// 64-bit FNV-1a; stable across processes, versions and machines.
uint64_t stable_hash(std::string_view text);

// True if the session falls into the migration's canary percentage.
bool canary_selected(const config::Migration& m, const CanaryIdentity& who);

}  // namespace switchyard::proxy

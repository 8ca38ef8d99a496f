// How the proxy authenticates sessions (`auth:`): relaying the server's own exchange byte for
// byte, or running SCRAM-SHA-256 itself on both legs with the role's verifier, read from the
// server by `query` over `control` (docs/config.md, "auth"). Plain structs, shared by every
// wire protocol.
#pragma once

#include <cstdint>
#include <string>

namespace switchyard::config {

// kAuto: SCRAM on both legs for a session whose client leg is TLS, when upstream_tls is enabled
// and `auth.query` is set; else the relay. kPassthrough: always the relay. kScram: SCRAM on
// both legs for every session whose role has a SCRAM verifier.
enum class AuthMode { kAuto, kPassthrough, kScram };

// PgBouncer's default auth_query: pg_authid is readable by superusers only, so either the
// control role is one, or `query` names a SECURITY DEFINER function (docs/config.md).
inline constexpr char kDefaultAuthQuery[] = "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = $1";

struct AuthConfig {
  AuthMode mode = AuthMode::kAuto;
  std::string query;          // empty: kDefaultAuthQuery under kScram; kAuto then stays the relay
  uint32_t cache_ms = 10000;  // how long a role's verifier (or its absence) is reused
  // The query the proxy runs, or "" when no session ever runs SCRAM itself.
  std::string effective_query() const {
    if (mode == AuthMode::kPassthrough) return {};
    if (!query.empty()) return query;
    return mode == AuthMode::kScram ? kDefaultAuthQuery : "";
  }
};

const char* to_string(AuthMode m);

}  // namespace switchyard::config

// Building a Generation (config + live-schema catalog + pre-filter) from a config file, the one
// path used at start-up and on every reload, and describing what changed between two of them.
//
// build_generation does blocking libpq I/O over the config's `control` connection (see
// catalog/schema_loader.h): call it at start-up or on the reload thread, never on a session's thread or
// the main io_context's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "proxy/session_context.h"

namespace switchyard::proxy {

struct GenerationBuild {
  std::shared_ptr<Generation> generation;  // null on failure
  // On failure: "FILE:LINE: KEY: message" for a config error (as --check-config prints it), or
  // "FILE: migration NAME: KEY: problem" for a live-schema error.
  std::string error;
};

// Parses `path`, checks its migrations against the live schema and builds the pre-filter.
// The result carries generation number `number`.
GenerationBuild build_generation(const std::string& path, uint64_t number);

// Why `next` cannot replace `current` in a running process (settings read only at start-up), or
// empty if it can.
std::string restart_only_changes(const config::Config& current, const config::Config& next);

// One line saying what `next` changes against `current`: per migration its phase (added,
// removed, "off -> dual_write"), and listen / upstream when they differ. "no changes" if none.
std::string describe_changes(const Generation& current, const Generation& next);

// Logs each migration of `g` (info), and each function, trigger, rule or view that writes one of
// its relations inside the server (warning: statements that run them are refused, or relayed
// unmirrored under on_unsupported: pass). At start-up and at every reload.
void log_migrations(const Generation& g);

}  // namespace switchyard::proxy

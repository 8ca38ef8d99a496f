// Process-wide logging set-up (spdlog): text or JSON lines on stderr.
// Session code prefixes every line with "session=ID" so one session's lines can be grepped.
#pragma once

#include "config/config.h"

namespace switchyard::proxy {

// Installs the default logger. Safe to call again (e.g. on reload) from one thread.
void setup_logging(const config::LogConfig& log);

}  // namespace switchyard::proxy

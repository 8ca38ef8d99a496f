// What the integration tests ask switchyard's admin API: a phase change by config reload, and
// numbers read out of /metrics (Prometheus text) and /status (JSON) without a JSON library.
#pragma once

#include <optional>
#include <string>

#include "tests/support/proxy_process.h"

namespace switchyard::test_support {

// Replaces the phase line of the config's migration, and the indented lines and the canary: and
// shadow: keys after it, with `phase_lines` (e.g. "    phase: canary\n    canary: {percent: 10}\n"),
// then POSTs /reload on `admin_port`. "" on a 200 answer, else what went wrong.
// REQUIRES: the config holds one migration, its "    phase: " line written by the test.
std::string reload_phase(ProxyProcess& proxy, int admin_port, const std::string& phase_lines);

// The sum of the values of every /metrics sample line that starts with `prefix` (a metric name,
// or a name and the start of its labels: `switchyard_shadow_reads_total{migration="m"`);
// nullopt when no line does.
std::optional<double> metric_sum(const std::string& metrics, const std::string& prefix);

// The number after `"key":` in the JSON object of /status that holds `anchor` (the text just
// before the key, e.g. `"name":"users-display-name"` for a migration, or `"sessions":{`): the
// first such key after the anchor, before the next `"name":`. nullopt when there is none.
std::optional<double> status_number(const std::string& status, const std::string& anchor, const std::string& key);

}  // namespace switchyard::test_support

// Phase reloads and numbers from the admin API (see admin_probe.h).
#include "tests/support/admin_probe.h"

#include <cstdlib>

#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

std::string reload_phase(ProxyProcess& proxy, int admin_port, const std::string& phase_lines) {
  std::string text = read_file(proxy.config_path());
  const auto at = text.find("    phase: ");
  if (at == std::string::npos) return "no phase line in the config:\n" + text;
  // The phase line, the indented lines under it, and any canary/shadow keys the previous step added.
  auto stop = text.find('\n', at) + 1;
  while (stop < text.size() && text.compare(stop, 6, "      ") == 0) stop = text.find('\n', stop) + 1;
  while (stop < text.size() && (text.compare(stop, 11, "    canary:") == 0 || text.compare(stop, 11, "    shadow:") == 0))
    stop = text.find('\n', stop) + 1;
  text.replace(at, stop - at, phase_lines);
  std::string error;
  if (!write_file(proxy.config_path(), text, error)) return error;
  const HttpResponse r = http_request(admin_port, "POST", "/reload");
  return r.status == 200 ? "" : "reload to\n" + phase_lines + "failed: " + r.describe();
}

std::optional<double> metric_sum(const std::string& metrics, const std::string& prefix) {
  std::optional<double> sum;
  for (std::size_t at = 0; at < metrics.size();) {
    const auto end = metrics.find('\n', at);
    const std::string line = metrics.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? metrics.size() : end + 1;
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    // The name must end here or go on into its labels: a prefix "x_total" must not match "x_total_foo".
    const char next = line.size() > prefix.size() ? line[prefix.size()] : ' ';
    if (prefix.back() != '"' && prefix.back() != ',' && next != ' ' && next != '{') continue;
    sum = sum.value_or(0) + std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

std::optional<double> status_number(const std::string& status, const std::string& anchor, const std::string& key) {
  const auto from = status.find(anchor);
  if (from == std::string::npos) return std::nullopt;
  const auto limit = status.find("\"name\":", from + anchor.size());
  const std::string quoted = "\"" + key + "\":";
  auto at = status.find(quoted, from);
  if (at == std::string::npos || (limit != std::string::npos && at > limit)) {
    // The writer may put spaces after the colon.
    at = status.find("\"" + key + "\": ", from);
    if (at == std::string::npos || (limit != std::string::npos && at > limit)) return std::nullopt;
  }
  const char* value = status.c_str() + at + quoted.size();
  while (*value == ' ') ++value;
  char* end = nullptr;
  const double v = std::strtod(value, &end);
  if (end == value) return std::nullopt;
  return v;
}

}  // namespace switchyard::test_support

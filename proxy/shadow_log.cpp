// The log of the shadow executor (see shadow_log.h).
#include "proxy/shadow_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

#include "proxy/admin_handler.h"

namespace switchyard::proxy {
namespace {

std::string json_row(const std::optional<ShadowRow>& row) {
  if (!row) return "null";
  std::string out = "[";
  for (std::size_t i = 0; i < row->size(); ++i) {
    if (i) out += ',';
    out += (*row)[i] ? json_quote(*(*row)[i]) : "null";
  }
  return out + "]";
}

std::string json_params(const ShadowRead& read) {
  std::string out = "[";
  for (std::size_t i = 0; i < read.params.size(); ++i) {
    if (i) out += ',';
    if (read.redact_parameters) {
      out += "\"$" + std::to_string(i + 1) + "\"";
    } else if (!read.params[i]) {
      out += "null";
    } else if (i < read.param_formats.size() && read.param_formats[i] == 1) {
      // A binary value, as bytea prints it.
      static const char* kHex = "0123456789abcdef";
      std::string hex = "\\x";
      for (unsigned char c : *read.params[i]) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      out += json_quote(hex);
    } else {
      out += json_quote(*read.params[i]);
    }
  }
  return out + "]";
}

}  // namespace

bool LogRateLimiter::allow(std::chrono::steady_clock::time_point now) {
  if (last_ != std::chrono::steady_clock::time_point{}) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(rate_, tokens_ + std::max(0.0, elapsed) * rate_);
  }
  last_ = now;
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  ++suppressed_;
  return false;
}

uint64_t LogRateLimiter::take_suppressed() { return std::exchange(suppressed_, 0); }

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis % 1000));
  return std::string(text, n) + fraction;
}

std::string mismatch_json(const MismatchRecord& record, std::string_view ts) {
  const ShadowRead& read = record.read;
  const CompareResult& diff = record.difference;
  std::string out = "{\"ts\":" + json_quote(ts);
  out += ",\"migration\":" + json_quote(read.migration);
  out += ",\"fingerprint\":" + json_quote(read.fingerprint);
  out += ",\"served_shape\":\"" + std::string(read.served_is_new ? "new" : "old") + "\"";
  out += ",\"served_sql\":" + json_quote(read.served_sql);
  out += ",\"other_sql\":" + json_quote(read.other_sql);
  out += ",\"params\":" + json_params(read);
  out += ",\"rows_served\":" + std::to_string(record.rows_served);
  out += ",\"rows_other\":" + std::to_string(record.rows_other);
  out += ",\"ordered\":" + std::string(read.ordered ? "true" : "false");
  out += ",\"diff_index\":" + std::to_string(diff.index);
  out += ",\"served_row\":" + json_row(diff.served_row);
  out += ",\"other_row\":" + json_row(diff.other_row);
  return out + "}";
}

std::string suppressed_json(uint64_t count, std::string_view ts) {
  const std::string n = std::to_string(count);
  return "{\"ts\":" + json_quote(ts) + ",\"suppressed\":" + n + ",\"message\":\"" + n +
         " mismatch log lines suppressed\"}";
}

ShadowLog::ShadowLog(std::string path, uint32_t max_lines_per_second)
    : path_(std::move(path)), mismatches_(max_lines_per_second), errors_(max_lines_per_second) {}

bool ShadowLog::open(std::string& error) {
  std::lock_guard lock(mu_);
  if (path_.empty() || file_.is_open()) return true;
  file_.open(path_, std::ios::out | std::ios::app);
  if (!file_) {
    error = "cannot open shadow.log " + path_ + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void ShadowLog::write_line(const std::string& line) {
  if (file_.is_open()) {
    file_ << line << '\n';
    file_.flush();
  } else {
    spdlog::warn("shadow mismatch: {}", line);
  }
}

void ShadowLog::mismatch(const MismatchRecord& record) {
  std::lock_guard lock(mu_);
  if (!mismatches_.allow(std::chrono::steady_clock::now())) return;
  const std::string ts = iso8601_utc(std::chrono::system_clock::now());
  if (const uint64_t dropped = mismatches_.take_suppressed()) write_line(suppressed_json(dropped, ts));
  write_line(mismatch_json(record, ts));
}

void ShadowLog::error(const ShadowRead& read, std::string_view side, std::string_view message) {
  std::lock_guard lock(mu_);
  if (!errors_.allow(std::chrono::steady_clock::now())) return;
  const uint64_t dropped = errors_.take_suppressed();
  spdlog::warn("shadow read failed: migration={} side={} fingerprint={} error={}{}", read.migration, side,
               json_quote(read.fingerprint), json_quote(message),
               dropped ? " (" + std::to_string(dropped) + " shadow error log lines suppressed)" : std::string());
}

void ShadowLog::close() {
  std::lock_guard lock(mu_);
  const std::string ts = iso8601_utc(std::chrono::system_clock::now());
  if (const uint64_t dropped = mismatches_.take_suppressed()) write_line(suppressed_json(dropped, ts));
  if (const uint64_t dropped = errors_.take_suppressed()) {
    spdlog::warn("shadow: {} shadow error log lines suppressed", dropped);
  }
  if (file_.is_open()) file_.close();
}

}  // namespace switchyard::proxy

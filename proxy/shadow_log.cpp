// The log of the shadow executor (see shadow_log.h).
#include "proxy/shadow_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include "util/json_writer.h"

namespace switchyard::proxy {
namespace {

using util::JsonWriter;

void json_row(JsonWriter& w, const std::optional<ShadowRow>& row) {
  if (!row) {
    w.null();
    return;
  }
  w.begin_array();
  for (const auto& cell : *row) {
    if (cell) w.string(*cell);
    else w.null();
  }
  w.end_array();
}

void json_params(JsonWriter& w, const ShadowRead& read) {
  w.begin_array();
  for (std::size_t i = 0; i < read.params.size(); ++i) {
    if (read.redact_parameters) {
      w.string("$" + std::to_string(i + 1));
    } else if (!read.params[i]) {
      w.null();
    } else if (i < read.param_formats.size() && read.param_formats[i] == 1) {
      // A binary value, as bytea prints it.
      static const char* kHex = "0123456789abcdef";
      std::string hex = "\\x";
      for (unsigned char c : *read.params[i]) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      w.string(hex);
    } else {
      w.string(*read.params[i]);
    }
  }
  w.end_array();
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
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("ts").string(ts).key("migration").string(read.migration);
  w.key("fingerprint").string(read.fingerprint).key("served_shape").string(read.served_is_new ? "new" : "old");
  w.key("served_sql").string(read.served_sql).key("other_sql").string(read.other_sql);
  json_params(w.key("params"), read);
  w.key("rows_served").number(record.rows_served).key("rows_other").number(record.rows_other);
  w.key("ordered").boolean(read.ordered).key("diff_index").number(diff.index);
  json_row(w.key("served_row"), diff.served_row);
  json_row(w.key("other_row"), diff.other_row);
  w.end_object();
  return out;
}

std::string suppressed_json(uint64_t count, std::string_view ts) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("ts").string(ts).key("suppressed").number(count);
  w.key("message").string(std::to_string(count) + " mismatch log lines suppressed").end_object();
  return out;
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
               util::json_quote(read.fingerprint), util::json_quote(message),
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

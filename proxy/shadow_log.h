// The log of the shadow executor: confirmed mismatches as JSON lines (to shadow.log, or to the
// main log at warn level when that is empty) and shadow read errors (main log, warn), each at a
// bounded rate. The JSON format is documented in docs/shadow.md; the formatting functions are
// pure so tests can check a line without a clock or a file.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

#include "proxy/shadow_compare.h"
#include "planner/shadow_read.h"

namespace switchyard::proxy {

// A token bucket: up to `per_second` lines in a burst, refilled at `per_second` lines a second.
// 0 allows nothing. Not thread-safe (ShadowLog holds a lock around it).
class LogRateLimiter {
 public:
  explicit LogRateLimiter(uint32_t per_second) : rate_(per_second), tokens_(per_second) {}
  // True if a line may be written at `now`; otherwise the line is counted as suppressed.
  bool allow(std::chrono::steady_clock::time_point now);
  // The lines suppressed since the last call.
  uint64_t take_suppressed();

 private:
  double rate_;
  double tokens_;
  std::chrono::steady_clock::time_point last_{};
  uint64_t suppressed_ = 0;
};

// A confirmed mismatch: the read, the sizes of both results and their first difference, as
// found by the re-check.
struct MismatchRecord {
  const ShadowRead& read;
  std::size_t rows_served = 0;
  std::size_t rows_other = 0;
  const CompareResult& difference;
};

// "2024-05-01T12:00:00.123Z"
std::string iso8601_utc(std::chrono::system_clock::time_point t);
// One JSON object, no newline.
std::string mismatch_json(const MismatchRecord& record, std::string_view ts);
std::string suppressed_json(uint64_t count, std::string_view ts);

// Thread-safe: the shadow workers log through one instance.
class ShadowLog {
 public:
  // `path` empty: mismatch lines go to spdlog.
  ShadowLog(std::string path, uint32_t max_lines_per_second);
  // Opens `path` for appending (nothing to do when empty). False and why in `error`.
  bool open(std::string& error);
  void mismatch(const MismatchRecord& record);
  // `side` is "served", "other" or "connection".
  void error(const ShadowRead& read, std::string_view side, std::string_view message);
  // Reports lines still counted as suppressed, then closes the file.
  void close();

 private:
  void write_line(const std::string& line);  // REQUIRES: mu_ held

  std::mutex mu_;
  std::string path_;
  std::ofstream file_;
  LogRateLimiter mismatches_;
  LogRateLimiter errors_;
};

}  // namespace switchyard::proxy

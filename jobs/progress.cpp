// Progress arithmetic and display; see progress.h.
#include "jobs/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace switchyard::jobs {
namespace {

std::string format_duration(double seconds) {
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

}  // namespace

void ProgressSnapshot::update(const std::string& to_stage, int64_t done, int64_t changed, int64_t rows_this_run,
                              double elapsed) {
  stage = to_stage;
  rows_done = done;
  rows_changed = changed;
  elapsed_seconds = elapsed;
  rows_per_second = elapsed > 0 ? static_cast<double>(rows_this_run) / elapsed : 0;
  if (stage == "done" && rows_total < rows_done) rows_total = rows_done;
}

double ProgressSnapshot::percent() const {
  if (rows_total <= 0) return stage == "done" ? 100.0 : 0.0;
  return std::min(100.0, 100.0 * static_cast<double>(rows_done) / static_cast<double>(rows_total));
}

double ProgressSnapshot::eta_seconds() const {
  if (rows_total <= 0 || rows_per_second <= 0) return -1;
  return std::max(0.0, static_cast<double>(rows_total - rows_done) / rows_per_second);
}

std::string describe(const ProgressSnapshot& p) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.1f%% %lld/%lld rows, %lld %s, %.0f rows/s", p.percent(),
                static_cast<long long>(p.rows_done), static_cast<long long>(p.rows_total),
                static_cast<long long>(p.rows_changed), p.changed_label.c_str(), p.rows_per_second);
  std::string out = p.job + ": " + p.stage + " " + buf;
  const double eta = p.eta_seconds();
  if (eta >= 0 && p.stage != "done") out += ", ETA " + format_duration(eta);
  if (!p.throttle.empty()) out += " (throttled: " + p.throttle + ")";
  return out;
}

std::string progress_bar(const ProgressSnapshot& p, int width) {
  const int filled = static_cast<int>(std::lround(p.percent() / 100.0 * width));
  return "[" + std::string(filled, '#') + std::string(width - filled, ' ') + "] " + describe(p);
}

ProgressPrinter::ProgressPrinter(FILE* out, std::chrono::milliseconds interval)
    : out_(out), tty_(isatty(fileno(out)) == 1), interval_(interval) {}

void ProgressPrinter::show(const ProgressSnapshot& p) {
  const auto now = std::chrono::steady_clock::now();
  const auto every = tty_ ? std::chrono::milliseconds(200) : interval_;
  if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < every) return;
  last_ = now;
  if (tty_) {
    std::fprintf(out_, "\r\033[K%s", progress_bar(p).c_str());
    bar_open_ = true;
  } else {
    std::fprintf(out_, "%s\n", describe(p).c_str());
  }
  std::fflush(out_);
}

void ProgressPrinter::note(const std::string& line) {
  if (bar_open_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", line.c_str());
  bar_open_ = false;
  last_ = {};
  std::fflush(out_);
}

void ProgressPrinter::finish(const ProgressSnapshot& p) {
  if (bar_open_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", (tty_ ? progress_bar(p) : describe(p)).c_str());
  bar_open_ = false;
  std::fflush(out_);
}

}  // namespace switchyard::jobs

// The table kinds' sweep loop; see sweep.h.
#include "jobs/sweep.h"

#include <chrono>
#include <thread>

namespace switchyard::jobs {

bool run_sweep(const SweepHooks& h, std::string& error) {
  while (!h.stopped()) {
    const OlderTransactions older = h.older();
    if (!older.ok) {
      error = "cannot list older transactions: " + older.error;
      return false;
    }
    if (older.count == 0) break;
    h.publish("waiting for " + std::to_string(older.count) + " transaction(s) older than the copy to end (" + h.ids_are +
              " " + older.ids + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  h.publish("");
  while (!h.stopped()) {
    int64_t rows = 0;
    const int64_t n = h.batch_rows();
    if (!h.batch(n, rows)) return false;
    h.publish("");
    if (rows < n) break;
  }
  return true;
}

}  // namespace switchyard::jobs

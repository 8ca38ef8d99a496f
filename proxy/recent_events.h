// The last few events of one kind that an operator wants to see by example, not only counted:
// writes refused (their fingerprint and why) and confirmed shadow mismatches (as the shadow log
// writes them). Each event is one JSON object; /status lists them and the console shows them.
//
// Thread-safe. add() takes a mutex: it is called only on rare paths (a refusal, a confirmed
// mismatch), never for a statement that goes through.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::rewrite {
class Dialect;
}

namespace switchyard::proxy {

class RecentEvents {
 public:
  static constexpr std::size_t kCapacity = 5;

  // Keeps `json_object`, dropping the oldest beyond kCapacity.
  void add(std::string json_object) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(json_object));
    if (events_.size() > kCapacity) events_.pop_front();
  }
  // Oldest first.
  std::vector<std::string> snapshot() const {
    std::lock_guard lock(mu_);
    return {events_.begin(), events_.end()};
  }

 private:
  mutable std::mutex mu_;
  std::deque<std::string> events_;
};

// {"ts":"2024-05-01T12:00:00.123Z","fingerprint":"UPDATE users SET n = $1","reason":"..."}: the
// statement with its literals replaced by placeholders (the dialect's shape: $n for PostgreSQL,
// ? for MySQL), so a refusal shows no values, as the shadow log's fingerprints do. A text that
// does not scan is shown cut to 200 bytes.
std::string refusal_event(const rewrite::Dialect& dialect, std::string_view sql, std::string_view reason);

}  // namespace switchyard::proxy

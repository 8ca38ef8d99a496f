// Bounded polling: every wait in the integration tests goes through here, so none can hang and
// none stands in for a real condition with a bare sleep.
#pragma once

#include <chrono>
#include <functional>

namespace switchyard::test_support {

using namespace std::chrono_literals;

// Evaluates `condition` every `interval` until it returns true or `timeout` has passed, and
// returns whether it became true. The condition is evaluated at least once, and once more at the
// deadline, so a zero timeout means "check now".
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = 50ms);

// Milliseconds left until `deadline`, never negative: the argument for poll() and friends.
int millis_until(std::chrono::steady_clock::time_point deadline);

}  // namespace switchyard::test_support

// Cancel key registry; see cancel_registry.h.
#include "proxy/cancel_registry.h"

namespace switchyard::proxy {

CancelRegistry::CancelRegistry() {
  std::random_device rd;
  rng_.seed((uint64_t{rd()} << 32) | rd());
}

pg::BackendKeyData CancelRegistry::add(const CancelTarget& target) {
  std::lock_guard lock(mu_);
  for (;;) {
    const uint64_t r = rng_();
    // A positive pid, as clients may print or compare it as a signed process id.
    pg::BackendKeyData key{static_cast<uint32_t>(r >> 32) & 0x7fffffffu, static_cast<uint32_t>(r)};
    if (key.pid == 0) continue;
    if (targets_.emplace(pack(key), target).second) return key;
  }
}

void CancelRegistry::remove(pg::BackendKeyData client_key) {
  std::lock_guard lock(mu_);
  targets_.erase(pack(client_key));
}

std::optional<CancelTarget> CancelRegistry::find(pg::BackendKeyData client_key) const {
  std::lock_guard lock(mu_);
  const auto it = targets_.find(pack(client_key));
  if (it == targets_.end()) return std::nullopt;
  return it->second;
}

}  // namespace switchyard::proxy

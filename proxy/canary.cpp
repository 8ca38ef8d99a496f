// Canary selection; see canary.h.
#include "proxy/canary.h"

namespace switchyard::proxy {

uint64_t stable_hash(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  // FNV's low bits mix poorly for short keys; a final avalanche (splitmix64's) spreads them.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

bool canary_selected(const config::Migration& m, const CanaryIdentity& who) {
  if (m.canary_percent == 0) return false;
  if (m.canary_percent >= 100) return true;
  uint64_t h = 0;
  switch (m.canary_key) {
    case config::CanaryKey::kSession:
      h = stable_hash(m.name + '\0' + std::to_string(who.session_draw));
      break;
    case config::CanaryKey::kUser:
      h = stable_hash(m.name + '\0' + who.user);
      break;
    case config::CanaryKey::kApplicationName:
      h = stable_hash(m.name + '\0' + who.application_name);
      break;
    case config::CanaryKey::kClientAddress:
      h = stable_hash(m.name + '\0' + who.client_address);
      break;
  }
  return h % 100 < m.canary_percent;
}

}  // namespace switchyard::proxy

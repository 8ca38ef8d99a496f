// Canary selection: the percentage holds over many keys, each key is routed the same way every
// time, and 0 / 100 mean none / all.
#include "proxy/canary.h"

#include <gtest/gtest.h>

namespace switchyard::proxy {
namespace {

config::Migration canary(unsigned percent, config::CanaryKey key) {
  config::Migration m;
  m.name = "users-display-name";
  m.phase = config::Phase::kCanary;
  m.canary_percent = percent;
  m.canary_key = key;
  return m;
}

TEST(Canary, ThePercentageHoldsOverManySessions) {
  for (unsigned percent : {1u, 10u, 50u}) {
    const auto m = canary(percent, config::CanaryKey::kSession);
    int chosen = 0;
    for (uint64_t i = 0; i < 20000; ++i) chosen += canary_selected(m, CanaryIdentity{i * 7919 + 13, "", "", ""});
    EXPECT_NEAR(chosen / 200.0, percent, 1.0) << percent;
  }
}

TEST(Canary, KeysAreDeterministicAndSpread) {
  const auto m = canary(10, config::CanaryKey::kUser);
  int chosen = 0;
  for (int i = 0; i < 5000; ++i) {
    const CanaryIdentity who{static_cast<uint64_t>(i), "user" + std::to_string(i), "", ""};
    const bool first = canary_selected(m, who);
    CanaryIdentity again = who;
    again.session_draw = 999999;  // another session of the same user
    EXPECT_EQ(canary_selected(m, again), first);
    chosen += first;
  }
  EXPECT_NEAR(chosen / 50.0, 10, 1.5);
}

TEST(Canary, ZeroAndHundred) {
  const CanaryIdentity who{42, "u", "app", "10.0.0.1"};
  EXPECT_FALSE(canary_selected(canary(0, config::CanaryKey::kSession), who));
  EXPECT_TRUE(canary_selected(canary(100, config::CanaryKey::kClientAddress), who));
}

TEST(Canary, StableHashIsStable) {
  // Pinned: instances of different versions must agree on routing.
  EXPECT_EQ(stable_hash(""), stable_hash(""));
  EXPECT_NE(stable_hash("a"), stable_hash("b"));
  EXPECT_EQ(stable_hash("switchyard"), 0x6aa81a58fb52b661ull) << std::hex << stable_hash("switchyard");
}

}  // namespace
}  // namespace switchyard::proxy

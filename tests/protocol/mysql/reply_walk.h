// Walks a server's reply bytes through a fresh Framer and ReplyTracker, for tests that check the
// walk does not depend on where the bytes are cut (unit tests and the MariaDB integration test).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/mysql/framer.h"
#include "protocol/mysql/reply_tracker.h"

namespace switchyard::mysql::testing {

struct ReplyWalk {
  std::vector<std::string> payloads;
  std::vector<ReplyTracker::Progress> steps;
  bool framed = true;      // the Framer reported no error and ended between packets
  size_t pending = 0;      // requests the tracker still waited on at the end
  bool operator==(const ReplyWalk&) const = default;
};

// The reply `bytes` to `command`, fed in three pieces cut at `a` and `b` (a <= b <= size).
inline ReplyWalk walk_reply(uint32_t capabilities, std::string_view command, std::string_view bytes, size_t a,
                            size_t b) {
  struct Feed : FramerCallbacks {
    ReplyTracker* tracker = nullptr;
    ReplyWalk* walk = nullptr;
    void on_packet(const Packet& p) override {
      walk->payloads.emplace_back(p.payload);
      walk->steps.push_back(tracker->on_server_packet(p.payload));
    }
  };
  ReplyTracker tracker(capabilities);
  EXPECT_TRUE(tracker.on_command(command));
  ReplyWalk walk;
  Feed feed;
  feed.tracker = &tracker;
  feed.walk = &walk;
  Framer framer(1 << 20);
  for (std::string_view piece : {bytes.substr(0, a), bytes.substr(a, b - a), bytes.substr(b)}) {
    walk.framed = walk.framed && framer.feed(piece, feed) == FrameError::kNone;
  }
  walk.framed = walk.framed && framer.at_boundary();
  walk.pending = tracker.pending();
  return walk;
}

// The walk of the whole reply, after checking that every cut at a (every byte) and b (every byte
// when a is a multiple of `stride`, else every `stride`-th) gives the same walk.
inline ReplyWalk walk_reply_at_every_cut(uint32_t capabilities, std::string_view command, std::string_view bytes,
                                         size_t stride = 1) {
  const ReplyWalk whole = walk_reply(capabilities, command, bytes, 0, 0);
  EXPECT_TRUE(whole.framed);
  EXPECT_EQ(whole.pending, 0u);
  for (size_t a = 0; a <= bytes.size(); ++a) {
    for (size_t b = a; b <= bytes.size(); b += (a % stride == 0 ? 1 : stride)) {
      if (walk_reply(capabilities, command, bytes, a, b) != whole) {
        ADD_FAILURE() << "the walk differs when cut at " << a << " and " << b;
        return whole;
      }
    }
  }
  return whole;
}

}  // namespace switchyard::mysql::testing

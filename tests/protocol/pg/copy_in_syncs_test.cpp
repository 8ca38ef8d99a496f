// CopyInSyncs: the Syncs a backend ignores in copy-in mode are taken back or never counted, so
// that the Syncs counted match the ReadyForQuerys the server sends, for extended-protocol COPY
// FROM (a Sync before and after the data), with Flush, CopyFail, pipelining, and not for a
// simple Query's COPY or a copy-out. Streams go through the Framer split at every byte.
#include "protocol/pg/copy_in_syncs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/pg/framer.h"
#include "protocol/pg/injected_replies.h"
#include "protocol/pg/reply_tracker.h"
#include "tests/protocol/pg/message_builder.h"

namespace switchyard::pg {
namespace {

using testing::MessageBuilder;

// One leg's bytes as the proxy sees them, in the order the legs interleave.
struct Segment {
  bool from_client;
  std::string bytes;
};

// The Framer's captured messages, handed to the tracker in stream order.
struct Feeder : FramerCallbacks {
  CopyInSyncs* t = nullptr;
  bool from_client = true;
  int64_t counted = 0;  // requests counted (Query, Sync, FunctionCall) minus Syncs taken back
  int64_t ready = 0;    // ReadyForQuerys
  void on_passthrough(std::string_view) override {}
  bool inspect(char type, std::string_view) override {
    if (from_client) {
      if (!t->on_frontend(type)) return false;
      if (type == 'S' || type == 'Q' || type == 'F') ++counted;  // each awaits a ReadyForQuery
    } else if (type == 'Z') {
      ++ready;
    } else {
      counted -= static_cast<int64_t>(t->on_backend(type));
    }
    return false;
  }
  void on_message(char, std::string_view) override {}
};

// Runs `segments` through both legs' Framers, each segment split in two at byte `split` (clamped),
// and returns Syncs counted minus ReadyForQuerys (0 when the accounting agrees with the server).
int64_t imbalance(const std::vector<Segment>& segments, size_t split, bool* copying_at_end = nullptr) {
  CopyInSyncs t;
  TypeSet front = CopyInSyncs::frontend_capture(), back = CopyInSyncs::backend_capture();
  back.add(TypeSet{'Z'});
  Framer to_upstream(frontend_types(), front, 1 << 20), to_client(backend_types(), back, 1 << 20);
  Feeder f;
  f.t = &t;
  for (const Segment& s : segments) {
    f.from_client = s.from_client;
    Framer& fr = s.from_client ? to_upstream : to_client;
    const size_t k = std::min(split, s.bytes.size());
    EXPECT_EQ(fr.feed(std::string_view(s.bytes).substr(0, k), f), FrameError::kNone);
    EXPECT_EQ(fr.feed(std::string_view(s.bytes).substr(k), f), FrameError::kNone);
  }
  if (copying_at_end != nullptr) *copying_at_end = t.copying_in();
  return f.counted - f.ready;
}

size_t longest(const std::vector<Segment>& segments) {
  size_t n = 0;
  for (const auto& s : segments) n = std::max(n, s.bytes.size());
  return n;
}

void expect_balanced(const std::vector<Segment>& segments) {
  for (size_t split = 0; split <= longest(segments); ++split) {
    bool copying = true;
    EXPECT_EQ(imbalance(segments, split, &copying), 0) << "split at byte " << split;
    EXPECT_FALSE(copying) << "split at byte " << split;
  }
}

const std::string kParse = std::string("\0COPY t FROM STDIN\0\0\0", 22);
const std::string kBind = std::string("\0\0\0\0\0\0\0\0", 8);
const std::string kExecute = std::string("\0\0\0\0\0", 5);
const std::string kCopyIn = std::string("\0\0\0", 3);

std::string copy_request() {
  return MessageBuilder().message('P', kParse).message('B', kBind).message('D', "P").message('E', kExecute).bytes();
}
std::string copy_in_response() {
  return MessageBuilder().message('1', "").message('2', "").message('n', "").message('G', kCopyIn).bytes();
}
std::string ready() { return MessageBuilder().message('Z', "I").bytes(); }

TEST(CopyInSyncs, LibpqExecParamsCopyFromGetsOneReadyForQueryForTwoSyncs) {
  expect_balanced({
      {true, copy_request() + MessageBuilder().message('S', "").bytes()},
      {false, copy_in_response()},
      {true, MessageBuilder().message('d', "1\n").message('d', "2\n").message('c', "").message('S', "").bytes()},
      {false, MessageBuilder().message('C', "COPY 2").bytes() + ready()},
  });
}

TEST(CopyInSyncs, ASyncSentInCopyInModeIsNeverCounted) {
  CopyInSyncs t;
  for (char c : {'E', 'H'}) EXPECT_TRUE(t.on_frontend(c));  // Execute, Flush: waits for the 'G'
  EXPECT_EQ(t.on_backend('G'), 0u);
  EXPECT_TRUE(t.copying_in());
  EXPECT_FALSE(t.on_frontend('S'));
  EXPECT_TRUE(t.on_frontend('d'));
  EXPECT_TRUE(t.on_frontend('c'));
  EXPECT_FALSE(t.copying_in());
  EXPECT_TRUE(t.on_frontend('S'));  // this one is answered
  expect_balanced({
      {true, copy_request() + MessageBuilder().message('H', "").bytes()},
      {false, copy_in_response()},
      {true, MessageBuilder().message('S', "").message('d', "1\n").message('c', "").message('S', "").bytes()},
      {false, MessageBuilder().message('C', "COPY 1").bytes() + ready()},
  });
}

TEST(CopyInSyncs, CopyFailAndADataErrorStillGetOneReadyForQuery) {
  expect_balanced({
      {true, copy_request() + MessageBuilder().message('S', "").bytes()},
      {false, copy_in_response()},
      {true, MessageBuilder().message('f', std::string("no\0", 3)).message('S', "").bytes()},
      {false, MessageBuilder().message('E', std::string("SERROR\0\0", 8)).bytes() + ready()},
  });
  expect_balanced({
      {true, copy_request() + MessageBuilder().message('S', "").bytes()},
      {false, copy_in_response()},
      {true, MessageBuilder().message('d', "x\n").bytes()},
      {false, MessageBuilder().message('E', std::string("SERROR\0\0", 8)).bytes()},
      {true, MessageBuilder().message('c', "").message('S', "").bytes()},
      {false, ready()},
  });
}

TEST(CopyInSyncs, ASyncBeforeTheCopysExecuteIsAnswered) {
  expect_balanced({
      {true, MessageBuilder().message('B', kBind).message('E', kExecute).message('S', "").bytes() + copy_request() +
                 MessageBuilder().message('S', "").bytes()},
      {false, MessageBuilder().message('2', "").message('C', "SELECT 1").bytes() + ready() + copy_in_response()},
      {true, MessageBuilder().message('c', "").message('S', "").bytes()},
      {false, MessageBuilder().message('C', "COPY 0").bytes() + ready()},
      {true, MessageBuilder().message('B', kBind).message('E', kExecute).message('S', "").bytes()},
      {false, MessageBuilder().message('2', "").message('C', "SELECT 1").bytes() + ready()},
  });
}

TEST(CopyInSyncs, AClientPipeliningTheWholeCopyBeforeTheResponse) {
  expect_balanced({
      {true, copy_request() + MessageBuilder().message('S', "").message('d', "1\n").message('c', "").message('S', "").bytes()},
      {false, copy_in_response() + MessageBuilder().message('C', "COPY 1").bytes() + ready()},
  });
}

TEST(CopyInSyncs, SimpleQueryCopyAndCopyOutNeedNothing) {
  expect_balanced({
      {true, MessageBuilder().query("COPY t FROM STDIN").bytes()},
      {false, MessageBuilder().message('G', kCopyIn).bytes()},
      {true, MessageBuilder().message('d', "1\n").message('c', "").bytes()},
      {false, MessageBuilder().message('C', "COPY 1").bytes() + ready()},
  });
  expect_balanced({
      {true, copy_request() + MessageBuilder().message('S', "").bytes()},
      {false, MessageBuilder().message('1', "").message('2', "").message('n', "").message('H', kCopyIn).bytes() +
                  MessageBuilder().message('d', "1\n").message('c', "").message('C', "COPY 1").bytes() + ready()},
  });
}

// The reply pairing follows: without the Sync taken back, the next request's replies would be
// paired with a stale Sync entry.
TEST(CopyInSyncs, InjectedRepliesPairTheNextInjectionAfterTheCopy) {
  using R = InjectedReplies::Request;
  using V = InjectedReplies::Verdict;
  InjectedReplies r;
  std::vector<InjectedReplies::Outcome> out;
  r.sent(R::kParse, false);
  r.sent(R::kDescribe, false);
  r.sent(R::kSync, false);
  EXPECT_EQ(r.on_backend('1', out), V::kKeep);
  EXPECT_EQ(r.on_backend('n', out), V::kKeep);
  r.syncs_ignored(1);  // the 'G'
  r.sent(R::kSync, false);
  EXPECT_EQ(r.on_backend('Z', out), V::kKeep);
  r.sent(R::kParse, true, 9);
  r.sent(R::kSync, false);
  EXPECT_EQ(r.on_backend('1', out), V::kDrop);
  EXPECT_EQ(r.on_backend('Z', out), V::kKeep);
  EXPECT_FALSE(r.injecting());
}

TEST(CopyInSyncs, ReplyTrackerPatchesTheWriteAfterTheCopy) {
  ReplyTracker r;
  std::string out;
  r.on_parse("", std::nullopt);
  r.on_bind("", "");
  r.on_execute("");
  r.on_sync();
  EXPECT_EQ(r.on_backend('1', "", out), ReplyTracker::Verdict::kKeep);
  EXPECT_EQ(r.on_backend('2', "", out), ReplyTracker::Verdict::kKeep);
  r.on_syncs_ignored(1);  // the 'G'
  r.on_sync();            // after CopyDone
  r.on_query({ReplyPatch{"UPDATE"}});
  EXPECT_EQ(r.on_backend('C', std::string("COPY 2\0", 7), out), ReplyTracker::Verdict::kKeep);
  EXPECT_EQ(r.on_backend('Z', "I", out), ReplyTracker::Verdict::kKeep);
  EXPECT_EQ(r.on_backend('C', std::string("SELECT 3\0", 9), out), ReplyTracker::Verdict::kReplace);
  EXPECT_NE(out.find("UPDATE 3"), std::string::npos);
  EXPECT_EQ(r.on_backend('Z', "I", out), ReplyTracker::Verdict::kKeep);
  EXPECT_EQ(r.pending(), 0u);
}

}  // namespace
}  // namespace switchyard::pg

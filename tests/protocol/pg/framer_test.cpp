// Framer: messages are passed through or captured whole, however the input is split.
#include "protocol/pg/framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/protocol/pg/message_builder.h"

namespace switchyard::pg {
namespace {

using testing::MessageBuilder;

// Records what the Framer reports: the passed-through byte stream, and captured messages
// re-encoded in place so the output can be compared with the input.
struct Recorder : FramerCallbacks {
  std::string stream;
  std::vector<std::pair<char, std::string>> captured;
  void on_passthrough(std::string_view b) override { stream.append(b); }
  bool inspect(char, std::string_view) override { return true; }
  void on_message(char type, std::string_view body) override {
    captured.emplace_back(type, std::string(body));
    encode_message(stream, type, body);
  }
};

// Feeds `input` in pieces of `chunk` bytes (0: all at once).
FrameError feed_in_chunks(Framer& f, const std::string& input, size_t chunk, Recorder& r) {
  if (chunk == 0) chunk = input.size();
  for (size_t i = 0; i < input.size(); i += chunk) {
    const FrameError e = f.feed(std::string_view(input).substr(i, chunk), r);
    if (e != FrameError::kNone) return e;
  }
  return FrameError::kNone;
}

const std::string kMixed = MessageBuilder()
                               .query("SELECT 1")
                               .message('P', std::string("s1\0SELECT $1\0\0\0", 16))
                               .message('S', "")
                               .message('d', std::string(70000, 'x'))
                               .message('X', "")
                               .bytes();

TEST(Framer, PassesEveryByteThroughUnchangedAtEverySplit) {
  for (size_t chunk : {0, 1, 2, 3, 4, 5, 6, 7, 13, 4096}) {
    Framer f(frontend_types(), TypeSet{}, 1 << 20);
    Recorder r;
    ASSERT_EQ(feed_in_chunks(f, kMixed, chunk, r), FrameError::kNone) << "chunk " << chunk;
    EXPECT_EQ(r.stream, kMixed) << "chunk " << chunk;
    EXPECT_TRUE(r.captured.empty());
    EXPECT_TRUE(f.at_boundary());
  }
}

TEST(Framer, CapturedMessagesArriveWholeAndInOrderAtEverySplit) {
  for (size_t chunk = 1; chunk <= kMixed.size(); chunk += (chunk < 40 ? 1 : 997)) {
    Framer f(frontend_types(), TypeSet{'Q', 'S', 'X'}, 1 << 20);
    Recorder r;
    ASSERT_EQ(feed_in_chunks(f, kMixed, chunk, r), FrameError::kNone) << "chunk " << chunk;
    EXPECT_EQ(r.stream, kMixed) << "chunk " << chunk;
    ASSERT_EQ(r.captured.size(), 3u);
    EXPECT_EQ(r.captured[0], (std::pair<char, std::string>{'Q', std::string("SELECT 1\0", 9)}));
    EXPECT_EQ(r.captured[1].first, 'S');
    EXPECT_EQ(r.captured[2].first, 'X');
  }
}

TEST(Framer, SplittingAtEveryByteBoundaryKeepsTheStream) {
  // Two cuts anywhere in the input: every header and body boundary is crossed.
  const std::string small = MessageBuilder().query("SELECT 42").message('S', "").message('H', "x").bytes();
  for (size_t a = 0; a <= small.size(); ++a) {
    for (size_t b = a; b <= small.size(); ++b) {
      Framer f(frontend_types(), TypeSet{'S'}, 1024);
      Recorder r;
      ASSERT_EQ(f.feed(std::string_view(small).substr(0, a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(small).substr(a, b - a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(small).substr(b), r), FrameError::kNone);
      EXPECT_EQ(r.stream, small) << a << "," << b;
      EXPECT_EQ(r.captured.size(), 1u);
    }
  }
}

TEST(Framer, ATruncatedMessageWaitsForMore) {
  const std::string q = MessageBuilder().query("SELECT 1").bytes();
  Framer f(frontend_types(), TypeSet{'Q'}, 1024);
  Recorder r;
  ASSERT_EQ(f.feed(std::string_view(q).substr(0, q.size() - 1), r), FrameError::kNone);
  EXPECT_TRUE(r.captured.empty());
  EXPECT_FALSE(f.at_boundary());
}

// Like the proxy's pump: keeps the views it is given and copies them only at the end of feed().
struct DeferringRecorder : FramerCallbacks {
  std::vector<std::string_view> views;
  std::string stream;
  void on_passthrough(std::string_view b) override { views.push_back(b); }
  // Keeps every captured message but 'S', which it replaces with a Flush ('H').
  bool inspect(char type, std::string_view) override {
    ++inspected;
    return type == 'S';
  }
  void on_message(char, std::string_view) override { views.push_back(kFlush); }
  int inspected = 0;
  static constexpr std::string_view kFlush{"H\0\0\0\4", 5};
  void end_of_feed() {
    for (auto v : views) stream.append(v);
    views.clear();
  }
};

TEST(Framer, PassThroughViewsStayValidUntilTheNextFeed) {
  // Many small messages, so that headers straddle feeds and further headers follow in the
  // same feed.
  MessageBuilder b;
  for (int i = 0; i < 300; ++i) b.message('d', std::string(static_cast<size_t>(i % 17), static_cast<char>('a' + i % 26)));
  const std::string input = b.bytes();
  for (size_t chunk = 1; chunk < 64; ++chunk) {
    Framer f(frontend_types(), TypeSet{}, 1024);
    DeferringRecorder r;
    for (size_t i = 0; i < input.size(); i += chunk) {
      ASSERT_EQ(f.feed(std::string_view(input).substr(i, chunk), r), FrameError::kNone);
      r.end_of_feed();
    }
    ASSERT_EQ(r.stream, input) << "chunk " << chunk;
  }
}

TEST(Framer, KeptMessagesPassThroughAndReplacedOnesAreReplacedAtEverySplit) {
  // Captured types are kept (Q, d, X) or replaced (S), with views held until the end of feed.
  MessageBuilder b;
  std::string expected;
  for (int i = 0; i < 60; ++i) {
    const std::string q = MessageBuilder().query("SELECT " + std::to_string(i)).bytes();
    const std::string d = MessageBuilder().message('d', std::string(static_cast<size_t>(i % 7), 'x')).bytes();
    b.raw(q).raw(d).message('S', "").message('X', "");
    expected += q + d + std::string(DeferringRecorder::kFlush) + MessageBuilder().message('X', "").bytes();
  }
  const std::string input = b.bytes();
  for (size_t chunk = 1; chunk < 48; ++chunk) {
    Framer f(frontend_types(), TypeSet{'Q', 'S', 'd', 'X'}, 1024);
    DeferringRecorder r;
    for (size_t i = 0; i < input.size(); i += chunk) {
      ASSERT_EQ(f.feed(std::string_view(input).substr(i, chunk), r), FrameError::kNone);
      r.end_of_feed();
    }
    EXPECT_EQ(r.stream, expected) << "chunk " << chunk;
    EXPECT_EQ(r.inspected, 240) << "chunk " << chunk;
  }
}

struct BadCase {
  const char* name;
  std::string input;
  FrameError expected;
};

TEST(Framer, MalformedInputIsAnErrorAndNothingOfItPasses) {
  const std::string good = MessageBuilder().query("SELECT 1").bytes();
  const std::vector<BadCase> cases = {
      {"unknown type", MessageBuilder().header('\xff', 8).raw("junk").bytes(), FrameError::kBadType},
      {"backend type from a frontend", MessageBuilder().header('Z', 5).raw("I").bytes(), FrameError::kBadType},
      {"length below 4", MessageBuilder().header('Q', 3).bytes(), FrameError::kBadLength},
      {"length zero", MessageBuilder().header('Q', 0).bytes(), FrameError::kBadLength},
      {"oversized", MessageBuilder().header('Q', 4097).bytes(), FrameError::kTooLong},
      {"oversized, 2^32-1", MessageBuilder().header('d', 0xffffffffu).bytes(), FrameError::kTooLong},
  };
  for (const auto& c : cases) {
    for (size_t chunk : {0, 1, 3}) {
      Framer f(frontend_types(), TypeSet{}, 4096);
      Recorder r;
      EXPECT_EQ(feed_in_chunks(f, good + c.input, chunk, r), c.expected) << c.name << " chunk " << chunk;
      EXPECT_EQ(r.stream, good) << c.name << ": the good message before it still passes";
      // The stream cannot be resynchronised: the error sticks.
      EXPECT_EQ(f.feed(good, r), c.expected) << c.name;
    }
  }
}

TEST(Framer, BackendTypesAreAcceptedOnTheBackendSide) {
  const std::string in = MessageBuilder().message('T', "xx").message('D', "yy").message('C', "SELECT 1").message('Z', "I").bytes();
  Framer f(backend_types(), TypeSet{'Z'}, 1024);
  Recorder r;
  ASSERT_EQ(f.feed(in, r), FrameError::kNone);
  EXPECT_EQ(r.stream, in);
  ASSERT_EQ(r.captured.size(), 1u);
  EXPECT_EQ(r.captured[0].second, "I");
}

}  // namespace
}  // namespace switchyard::pg

namespace switchyard::pg {
namespace {

// Holds at most `budget` bytes of messages being assembled; records what is held.
struct BudgetRecorder : FramerCallbacks {
  size_t budget = 0, held = 0, most = 0;
  std::vector<std::string> captured;
  void on_passthrough(std::string_view) override {}
  bool inspect(char, std::string_view body) override {
    captured.emplace_back(body);
    return false;
  }
  void on_message(char, std::string_view) override {}
  bool hold(size_t bytes) override {
    if (held + bytes > budget) return false;
    held += bytes;
    most = std::max(most, held);
    return true;
  }
  void release(size_t bytes) override { held -= bytes; }
};

TEST(Framer, AssemblyDrawsOnTheBudgetAsBytesArriveAndGivesItBack) {
  const std::string big = testing::MessageBuilder().query(std::string(10000, 'x')).bytes();
  for (size_t chunk : {1, 7, 4096}) {
    Framer f(frontend_types(), TypeSet{'Q'}, 1 << 20);
    BudgetRecorder r;
    r.budget = 20000;
    for (size_t i = 0; i < big.size(); i += chunk)
      ASSERT_EQ(f.feed(std::string_view(big).substr(i, chunk), r), FrameError::kNone) << "chunk " << chunk;
    EXPECT_EQ(r.captured.size(), 1u);
    EXPECT_EQ(r.held, 0u) << "chunk " << chunk;
    EXPECT_GE(r.most, 10000u - chunk);
  }
  // Whole in one feed: inspected in place, nothing held.
  Framer whole(frontend_types(), TypeSet{'Q'}, 1 << 20);
  BudgetRecorder none;
  ASSERT_EQ(whole.feed(big, none), FrameError::kNone);
  EXPECT_EQ(none.most, 0u);
}

TEST(Framer, AMessageBeyondTheBudgetIsAnError) {
  const std::string big = testing::MessageBuilder().query(std::string(10000, 'x')).bytes();
  Framer f(frontend_types(), TypeSet{'Q'}, 1 << 20);
  BudgetRecorder r;
  r.budget = 5000;
  FrameError e = FrameError::kNone;
  for (size_t i = 0; i < big.size() && e == FrameError::kNone; i += 1000) e = f.feed(std::string_view(big).substr(i, 1000), r);
  EXPECT_EQ(e, FrameError::kOverBudget);
  EXPECT_TRUE(r.captured.empty());
  EXPECT_TRUE(f.assembling());
}

}  // namespace
}  // namespace switchyard::pg

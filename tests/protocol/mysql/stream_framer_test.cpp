// StreamFramer: every byte comes back in order however the input is split; small packets are
// shown whole, long ones (continuations included) stream with only their first byte seen;
// replacements land at their packet's place; the assembly budget is borrowed and returned.
#include "protocol/mysql/stream_framer.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::PacketBuilder;

struct Recorder : StreamCallbacks {
  std::string relayed;  // what the relay would write
  std::vector<std::pair<uint8_t, std::string>> seen;  // whole packets
  std::vector<std::pair<uint8_t, uint8_t>> long_packets;  // sequence id, first byte
  std::string replace_payload;  // packets with this payload are replaced by "R"
  size_t held = 0, peak = 0;
  void on_passthrough(std::string_view bytes) override { relayed.append(bytes); }
  bool inspect(uint8_t seq, std::string_view payload) override {
    seen.emplace_back(seq, std::string(payload));
    return !replace_payload.empty() && payload == replace_payload;
  }
  std::string long_replacement;  // wire bytes in place of a long packet's header and head, if any
  std::vector<std::string> heads;
  bool replacing_long = false;
  void on_replace(uint8_t seq, std::string_view) override {
    if (replacing_long) relayed.append(long_replacement);
    else encode_packet(relayed, seq, "R");
    replacing_long = false;
  }
  bool on_long_packet(uint8_t seq, std::string_view head, size_t) override {
    long_packets.emplace_back(seq, static_cast<uint8_t>(head[0]));
    heads.emplace_back(head);
    replacing_long = !long_replacement.empty();
    return replacing_long;
  }
  bool hold(size_t n) override {
    held += n;
    peak = std::max(peak, held);
    return true;
  }
  void release(size_t n) override { held -= n; }
};

TEST(MysqlStreamFramer, EveryTwoCutsRelayTheSameBytesAndShowTheSamePackets) {
  const std::string big(100, 'x');  // longer than the capture limit below
  const std::string input =
      PacketBuilder(0).packet("\x03SELECT 1").packet("").packet(std::string("\xFE") + big).packet("ok").bytes();
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); ++b) {
      StreamFramer f(16);
      Recorder r;
      ASSERT_EQ(f.feed(std::string_view(input).substr(0, a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(input).substr(a, b - a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(input).substr(b), r), FrameError::kNone);
      EXPECT_EQ(r.relayed, input) << a << "," << b;
      ASSERT_EQ(r.seen.size(), 3u) << a << "," << b;
      EXPECT_EQ(r.seen[0], (std::pair<uint8_t, std::string>{0, "\x03SELECT 1"}));
      EXPECT_EQ(r.seen[1], (std::pair<uint8_t, std::string>{1, ""}));
      EXPECT_EQ(r.seen[2], (std::pair<uint8_t, std::string>{3, "ok"}));
      EXPECT_EQ(r.long_packets, (std::vector<std::pair<uint8_t, uint8_t>>{{2, 0xFE}}));
      EXPECT_TRUE(f.at_boundary());
      EXPECT_EQ(r.held, 0u);
      EXPECT_LE(r.peak, 16u + 4u);
    }
  }
}

// A long packet's head (set_long_head) is shown, and may be replaced: the rest streams behind
// the replacement, however the input is cut (a COM_STMT_EXECUTE renumbered).
TEST(MysqlStreamFramer, ALongPacketsHeadIsShownAndMayBeReplaced) {
  const std::string execute = std::string("\x17\x01\x00\x00\x00", 5) + std::string(95, 'p');  // 100 bytes
  const std::string input = PacketBuilder(0).packet("ab").packet(execute).packet("ok").bytes();
  std::string expected = input;
  expected.replace(6 + 4 + 1, 4, std::string("\x09\x00\x00\x00", 4));  // the id, renumbered
  for (const bool replace : {false, true}) {
    for (size_t a = 0; a <= input.size(); ++a) {
      for (size_t b = a; b <= input.size(); ++b) {
        StreamFramer f(16);
        f.set_long_head(5);
        Recorder r;
        if (replace) r.long_replacement = std::string("\x64\x00\x00\x01\x17\x09\x00\x00\x00", 9);
        ASSERT_EQ(f.feed(std::string_view(input).substr(0, a), r), FrameError::kNone);
        ASSERT_EQ(f.feed(std::string_view(input).substr(a, b - a), r), FrameError::kNone);
        ASSERT_EQ(f.feed(std::string_view(input).substr(b), r), FrameError::kNone);
        EXPECT_EQ(r.relayed, replace ? expected : input) << a << "," << b;
        EXPECT_EQ(r.heads, std::vector<std::string>{execute.substr(0, 5)}) << a << "," << b;
        EXPECT_EQ(r.seen.size(), 2u);
        EXPECT_TRUE(f.at_boundary());
        EXPECT_EQ(r.held, 0u);
      }
    }
  }
}

// A wide capture shows packets with its first byte whole up to its own limit (a COM_QUERY the
// relay rewrites), and no others; however the input is cut.
TEST(MysqlStreamFramer, AWideCaptureShowsItsPacketsWholeAndStreamsTheRest) {
  const std::string query = "\x03" + std::string(99, 'q');         // 100 bytes: wide
  const std::string too_long = "\x03" + std::string(299, 't');     // over the wide limit
  const std::string other = "\xFE" + std::string(99, 'x');         // long, another first byte
  const std::string input = PacketBuilder(0).packet(query).packet(other).packet(too_long).packet("ok").packet("").bytes();
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); b += 7) {
      StreamFramer f(16);
      f.set_wide_capture({0x03}, 200);
      Recorder r;
      ASSERT_EQ(f.feed(std::string_view(input).substr(0, a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(input).substr(a, b - a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(input).substr(b), r), FrameError::kNone);
      EXPECT_EQ(r.relayed, input) << a << "," << b;
      EXPECT_EQ(r.seen, (std::vector<std::pair<uint8_t, std::string>>{{0, query}, {3, "ok"}, {4, ""}})) << a << "," << b;
      EXPECT_EQ(r.long_packets, (std::vector<std::pair<uint8_t, uint8_t>>{{1, 0xFE}, {2, 0x03}})) << a << "," << b;
      EXPECT_EQ(r.held, 0u);
      EXPECT_LE(r.peak, 200u + 4u);
    }
  }
  // Replaced at its place, as a small packet is.
  StreamFramer f(16);
  f.set_wide_capture({0x03}, 200);
  Recorder r;
  r.replace_payload = query;
  ASSERT_EQ(f.feed(PacketBuilder(0).packet(query).bytes(), r), FrameError::kNone);
  std::string expected;
  encode_packet(expected, 0, "R");
  EXPECT_EQ(r.relayed, expected);
}

TEST(MysqlStreamFramer, AReplacedPacketIsWrittenAtItsPlace) {
  const std::string input = PacketBuilder(0).packet("a").packet("swap me").packet("c").bytes();
  const std::string expected = [] {
    std::string e;
    encode_packet(e, 0, "a");
    encode_packet(e, 1, "R");
    encode_packet(e, 2, "c");
    return e;
  }();
  for (size_t a = 0; a <= input.size(); ++a) {
    StreamFramer f(64);
    Recorder r;
    r.replace_payload = "swap me";
    ASSERT_EQ(f.feed(std::string_view(input).substr(0, a), r), FrameError::kNone);
    ASSERT_EQ(f.feed(std::string_view(input).substr(a), r), FrameError::kNone);
    EXPECT_EQ(r.relayed, expected) << a;
  }
}

TEST(MysqlStreamFramer, ContinuationsStreamAndTheirSequenceIsChecked) {
  // A payload of exactly 0xFFFFFF bytes plus 3: two packets, the second three bytes long.
  std::string payload(kMaxPacketChunk + 3, 'p');
  payload[0] = '\x00';
  std::string input;
  encode_packet(input, 5, payload);
  encode_packet(input, 7, "next");
  StreamFramer f(1024);
  Recorder r;
  for (size_t pos = 0; pos < input.size(); pos += 32 * 1024)
    ASSERT_EQ(f.feed(std::string_view(input).substr(pos, 32 * 1024), r), FrameError::kNone);
  EXPECT_EQ(r.relayed.size(), input.size());
  EXPECT_TRUE(r.relayed == input);
  EXPECT_EQ(r.long_packets, (std::vector<std::pair<uint8_t, uint8_t>>{{5, 0x00}}));
  EXPECT_EQ(r.seen, (std::vector<std::pair<uint8_t, std::string>>{{7, "next"}}));
  EXPECT_LE(r.peak, 1024u + 4u);

  std::string bad;
  encode_packet(bad, 5, payload);
  bad[kMaxPacketChunk + 4 + 3] = 9;  // the continuation's sequence id
  StreamFramer g(1024);
  Recorder q;
  EXPECT_EQ(g.feed(bad, q), FrameError::kBadSequence);
}

TEST(MysqlStreamFramer, AnExactMultipleEndsWithAnEmptyPacket) {
  std::string input;
  encode_packet(input, 0, std::string(kMaxPacketChunk, 'z'));
  encode_packet(input, 2, "after");
  StreamFramer f(100);
  Recorder r;
  ASSERT_EQ(f.feed(input, r), FrameError::kNone);
  EXPECT_EQ(r.long_packets.size(), 1u);
  EXPECT_EQ(r.seen, (std::vector<std::pair<uint8_t, std::string>>{{2, "after"}}));
  EXPECT_TRUE(f.at_boundary());
}

}  // namespace
}  // namespace switchyard::mysql

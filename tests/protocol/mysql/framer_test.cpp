// Framer: logical packets arrive whole and in order however the input is split, continuations
// of 0xFFFFFF-byte packets are joined, and the limits hold.
#include "protocol/mysql/framer.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;
using testing::PacketBuilder;

struct Recorder : FramerCallbacks {
  std::vector<std::pair<uint8_t, std::string>> packets;
  size_t held = 0, peak = 0;
  size_t budget = SIZE_MAX;
  void on_packet(const Packet& p) override { packets.emplace_back(p.sequence_id, std::string(p.payload)); }
  bool hold(size_t n) override {
    if (held + n > budget) return false;
    held += n;
    peak = std::max(peak, held);
    return true;
  }
  void release(size_t n) override { held -= n; }
};

// The MySQL docs' COM_QUERY example (page_protocol_com_query): "select @@version_comment limit 1".
const std::string kDocQuery = from_hex(
    "21 00 00 00 03 73 65 6c 65 63 74 20 40 40 76 65 72 73 69 6f 6e 5f 63 6f 6d 6d 65 6e 74 20 6c 69 6d 69 74 20 31");

TEST(MysqlFramer, DocumentExampleFramesAsOnePacket) {
  Framer f(1 << 20);
  Recorder r;
  ASSERT_EQ(f.feed(kDocQuery, r), FrameError::kNone);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].first, 0);
  EXPECT_EQ(r.packets[0].second, "\x03" "select @@version_comment limit 1");
  EXPECT_TRUE(f.at_boundary());
}

TEST(MysqlFramer, EveryTwoCutsGiveTheSamePackets) {
  const std::string input = PacketBuilder(3).packet("\x03SELECT 1").packet("").packet("abc").raw(kDocQuery).bytes();
  for (size_t a = 0; a <= input.size(); ++a) {
    for (size_t b = a; b <= input.size(); ++b) {
      Framer f(1 << 20);
      Recorder r;
      ASSERT_EQ(f.feed(std::string_view(input).substr(0, a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(input).substr(a, b - a), r), FrameError::kNone);
      ASSERT_EQ(f.feed(std::string_view(input).substr(b), r), FrameError::kNone);
      ASSERT_EQ(r.packets.size(), 4u) << a << "," << b;
      EXPECT_EQ(r.packets[0], (std::pair<uint8_t, std::string>{3, "\x03SELECT 1"}));
      EXPECT_EQ(r.packets[1], (std::pair<uint8_t, std::string>{4, ""}));
      EXPECT_EQ(r.packets[2], (std::pair<uint8_t, std::string>{5, "abc"}));
      EXPECT_EQ(r.packets[3].first, 0);
      EXPECT_TRUE(f.at_boundary());
      EXPECT_EQ(r.held, 0u);
    }
  }
}

TEST(MysqlFramer, ContinuationPacketsAreJoined) {
  // 0xFFFFFF + 5 bytes: two physical packets; exactly 0xFFFFFF: a full one and an empty one.
  for (size_t size : {kMaxPacketChunk + 5, kMaxPacketChunk}) {
    std::string payload(size, 'p');
    payload[0] = 'a';
    payload.back() = 'z';
    std::string input;
    EXPECT_EQ(encode_packet(input, 7, payload), 9);
    EXPECT_EQ(input.size(), size + 8);
    for (size_t chunk : {size_t{0}, size_t{1} << 20, kMaxPacketChunk + 2}) {
      Framer f(32u << 20);
      Recorder r;
      if (chunk == 0) chunk = input.size();
      for (size_t i = 0; i < input.size(); i += chunk) {
        ASSERT_EQ(f.feed(std::string_view(input).substr(i, chunk), r), FrameError::kNone);
      }
      ASSERT_EQ(r.packets.size(), 1u);
      EXPECT_EQ(r.packets[0].first, 7);
      EXPECT_TRUE(r.packets[0].second == payload);
      EXPECT_EQ(r.held, 0u);
    }
  }
}

TEST(MysqlFramer, CutsAroundTheContinuationHeaderKeepThePayload) {
  const std::string payload(kMaxPacketChunk + 3, 'q');
  std::string input;
  encode_packet(input, 0, payload);
  for (size_t cut = kMaxPacketChunk + 2; cut <= kMaxPacketChunk + 9; ++cut) {
    Framer f(32u << 20);
    Recorder r;
    ASSERT_EQ(f.feed(std::string_view(input).substr(0, cut), r), FrameError::kNone);
    EXPECT_FALSE(f.at_boundary());
    ASSERT_EQ(f.feed(std::string_view(input).substr(cut), r), FrameError::kNone);
    ASSERT_EQ(r.packets.size(), 1u) << cut;
    EXPECT_EQ(r.packets[0].second.size(), payload.size());
  }
}

TEST(MysqlFramer, PacketsWholeInOneFeedCostNoBudget) {
  const std::string input = PacketBuilder().packet(std::string(1000, 'x')).packet("y").bytes();
  Framer f(1 << 20);
  Recorder r;
  r.budget = 0;
  ASSERT_EQ(f.feed(input, r), FrameError::kNone);
  EXPECT_EQ(r.packets.size(), 2u);
}

TEST(MysqlFramer, AssemblyBeyondTheBudgetFails) {
  const std::string input = PacketBuilder().packet(std::string(1000, 'x')).bytes();
  Framer f(1 << 20);
  Recorder r;
  r.budget = 600;
  ASSERT_EQ(f.feed(std::string_view(input).substr(0, 500), r), FrameError::kNone);
  EXPECT_EQ(f.feed(std::string_view(input).substr(500), r), FrameError::kOverBudget);
  EXPECT_EQ(f.feed("more", r), FrameError::kOverBudget);  // the error sticks
}

TEST(MysqlFramer, PayloadOverTheMaximumFails) {
  Framer f(100);
  Recorder r;
  EXPECT_EQ(f.feed(PacketBuilder().packet(std::string(100, 'x')).bytes(), r), FrameError::kNone);
  EXPECT_EQ(f.feed(PacketBuilder().packet(std::string(101, 'x')).bytes(), r), FrameError::kTooLong);
  EXPECT_EQ(r.packets.size(), 1u);
}

TEST(MysqlFramer, ContinuationOutOfSequenceFails) {
  std::string input;
  encode_packet(input, 0, std::string(kMaxPacketChunk, 'x'));  // packets 0 and 1
  input[kMaxPacketChunk + 4 + 3] = 5;                            // the empty continuation claims 5
  Framer f(32u << 20);
  Recorder r;
  EXPECT_EQ(f.feed(input, r), FrameError::kBadSequence);
}

}  // namespace
}  // namespace switchyard::mysql

// Packet boundaries of a relayed MySQL / MariaDB byte stream, without buffering it (MySQL source
// docs, page_protocol_basic_packets; MariaDB KB "0 - Packet"). The relay's counterpart of
// framer.h, which delivers logical payloads whole.
//
// The StreamFramer hands every byte back for relaying, in order, mostly as views into the fed
// bytes. A logical packet of at most `capture_bytes` (and no continuation) is shown whole to
// inspect(), in place when it arrived in one feed, else assembled (at most capture_bytes + 4,
// drawn from the budget); the caller keeps it (its bytes stream on, without a copy when in
// place) or replaces it. A longer packet (a 64 MB row, a 16 MiB continuation chain) streams:
// on_long_packet sees its sequence id and its first payload bytes (the head: a statement id to
// renumber), which it may replace, and its bytes pass through as they come, continuation
// headers checked for their sequence. So memory is bounded by the
// capture limit whatever the payload size, and small packets (commands, OK, ERR, column
// definitions, rows) can be followed by a reply tracker.
#pragma once

#include <bitset>
#include <cstddef>
#include <initializer_list>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/assembly_budget.h"
#include "protocol/mysql/framer.h"

namespace switchyard::mysql {

// Callbacks run synchronously inside StreamFramer::feed, in stream order.
class StreamCallbacks : public protocol::AssemblyBudget {
 public:
  // Wire bytes (headers included) to relay as they are. The view points into the fed bytes or
  // into the framer's buffer and stays valid until the next feed.
  virtual void on_passthrough(std::string_view bytes) = 0;
  // A whole logical packet of at most capture_bytes. True: replace it; the framer then passes
  // through what came before it and calls on_replace, and the packet's own bytes are dropped.
  virtual bool inspect(uint8_t sequence_id, std::string_view payload) = 0;
  virtual void on_replace(uint8_t sequence_id, std::string_view payload) = 0;
  // A logical packet longer than capture_bytes: `head` is its first long_head bytes of payload
  // (set_long_head; 1 by default), `chunk_length` its first physical packet's payload length
  // (kMaxPacketChunk when continuation packets follow). False: the packet streams through as it
  // is after this call. True: replace its header and head; the framer passes through what came
  // before, calls on_replace with the head, and streams the rest of the packet behind.
  virtual bool on_long_packet(uint8_t sequence_id, std::string_view head, size_t chunk_length) = 0;
};

class StreamFramer {
 public:
  // REQUIRES: 1 <= capture_bytes < kMaxPacketChunk.
  explicit StreamFramer(size_t capture_bytes) : capture_bytes_(capture_bytes) {}
  ~StreamFramer() = default;

  // Packets whose first payload byte is one of `first_bytes` are shown whole up to `bytes` long
  // (more than capture_bytes: a COM_QUERY or COM_STMT_PREPARE the relay must read whole to
  // rewrite); 0 turns it off. Only a packet without continuation can be captured: `bytes` is at
  // most kMaxPacketChunk - 1. Takes effect from the next packet header.
  void set_wide_capture(std::initializer_list<uint8_t> first_bytes, size_t bytes) {
    wide_first_.reset();
    for (uint8_t b : first_bytes) wide_first_.set(b);
    wide_bytes_ = bytes < kMaxPacketChunk ? bytes : kMaxPacketChunk - 1;
  }

  // How much of a long packet's payload on_long_packet sees (at least 1, at most capture_bytes):
  // that many bytes are assembled before the decision. Takes effect from the next packet header.
  void set_long_head(size_t bytes) { long_head_ = bytes < 1 ? 1 : bytes > capture_bytes_ ? capture_bytes_ : bytes; }

  // Consumes all of `data`. Returns kNone, kBadSequence (a continuation out of sequence) or
  // kOverBudget (assembling was refused); after an error the stream is unusable.
  FrameError feed(std::string_view data, StreamCallbacks& cb);

  // No partial packet is pending: the next byte fed starts a logical packet.
  bool at_boundary() const { return state_ == State::kHeader && !continuing_ && buf_.empty(); }
  // A logical packet has begun and not ended (for a deadline on slow senders).
  bool in_packet() const { return !at_boundary(); }
  // The sequence id of the last physical packet header read.
  uint8_t last_sequence_id() const { return last_seq_; }
  // Bytes held for assembly (returned through release() at the packet's decision).
  size_t held() const { return held_; }

 private:
  enum class State { kHeader, kAssemble, kStream };
  // How many bytes from a header at `h` (`avail` of them at hand) the decision on its packet
  // needs: the whole packet when it is shown whole, else its head; a packet that may be
  // captured wide needs its first byte before that is known.
  size_t decision_bytes(const unsigned char* h, size_t avail) const;
  // A packet whose header is at `h` (and, if longer than capture_bytes, its first byte after it)
  // is shown whole.
  bool captured(const unsigned char* h) const;
  // Decides on the packet whose bytes start `bytes` (at least decision_bytes of them): sets
  // `consumed` to the bytes it covers, and `replace` when inspect() asked for a replacement (the
  // caller then passes through what came before and calls on_replace with the packet).
  FrameError decide(std::string_view bytes, StreamCallbacks& cb, bool& replace, size_t& consumed);

  size_t capture_bytes_;
  std::bitset<256> wide_first_;
  size_t wide_bytes_ = 0;  // 0: no wide capture
  size_t long_head_ = 1;   // of a long packet's payload, shown to on_long_packet
  State state_ = State::kHeader;
  bool continuing_ = false;       // inside a long logical packet whose last chunk was 0xFFFFFF
  bool chunk_continues_ = false;  // the physical chunk being streamed is 0xFFFFFF long
  size_t remaining_ = 0;          // kStream: payload bytes of the chunk still to come
  size_t need_ = 0;               // kAssemble: bytes buf_ must hold before the decision
  size_t held_ = 0;
  uint8_t last_seq_ = 0;
  std::string buf_;   // bytes of a packet being assembled, its header first
  std::string done_;  // the last assembled packet, handed out until the next feed
  FrameError error_ = FrameError::kNone;
};

}  // namespace switchyard::mysql

// Incremental framing of MySQL / MariaDB packets (MySQL source docs, page_protocol_basic_packets;
// MariaDB KB "0 - Packet"): int<3> payload length, int<1> sequence id, then the payload. A
// payload of exactly 0xFFFFFF bytes is continued by the next packet (its sequence id one higher),
// and the logical payload ends with the first packet shorter than that, possibly an empty one.
//
// The Framer delivers logical payloads whole, continuations joined. A payload whole within one
// feed is delivered in place, without a copy; one that spans feeds (or continuation packets) is
// assembled, bounded by max_payload_bytes and by the memory the caller lends through hold().
// Unlike PostgreSQL there is no type byte in the header: what a payload means depends on the
// phase and the command, which the caller (the reply tracker, the session) knows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/assembly_budget.h"

namespace switchyard::mysql {

// The largest payload of one physical packet; a payload this long has a continuation.
inline constexpr size_t kMaxPacketChunk = 0xFFFFFF;

enum class FrameError {
  kNone,
  kTooLong,      // a logical payload longer than the configured maximum
  kOverBudget,   // assembling a payload would exceed the memory the caller allows
  kBadSequence,  // a continuation packet whose sequence id does not follow its predecessor's
};

std::string_view to_string(FrameError e);

// One logical packet. `payload` stays valid until the next call to Framer::feed (it points into
// the fed bytes or into the Framer's own buffer).
struct Packet {
  uint8_t sequence_id = 0;       // of its first physical packet
  uint8_t last_sequence_id = 0;  // of its last one: the next packet of the exchange has this + 1
  std::string_view payload;
};

// What the Framer reports. Callbacks run synchronously inside Framer::feed.
class FramerCallbacks : public protocol::AssemblyBudget {
 public:
  virtual void on_packet(const Packet& packet) = 0;
  // hold() / release() (protocol::AssemblyBudget): memory for a payload assembled across feeds
  // or continuation packets, all released just before on_packet; refusing it makes feed fail
  // with kOverBudget.
};

class Framer {
 public:
  explicit Framer(size_t max_payload_bytes) : max_payload_bytes_(max_payload_bytes) {}

  // Consumes all of `data`, reporting every logical packet completed in it. Returns kNone, or
  // the first error; after an error the stream is unusable and the caller ends the session.
  FrameError feed(std::string_view data, FramerCallbacks& cb);

  // True between logical packets: no partial header, payload or continuation is pending.
  bool at_boundary() const { return header_len_ == 0 && !in_payload_ && !continuing_; }
  void set_max_payload_bytes(size_t max) { max_payload_bytes_ = max; }
  // Frees the memory a large assembled payload left behind. REQUIRES: no payload view handed
  // out by the last feed is still in use.
  void trim() {
    constexpr size_t kKeep = 4096;
    if (!assembling_ && body_.capacity() > kKeep) std::string().swap(body_);
  }

 private:
  void deliver(FramerCallbacks& cb, std::string_view payload);

  size_t max_payload_bytes_;
  unsigned char header_[4] = {};
  size_t header_len_ = 0;      // bytes of the current header seen so far (0..4)
  bool in_payload_ = false;    // a header is complete and its payload bytes are arriving
  size_t remaining_ = 0;       // payload bytes of the current physical packet still to come
  bool chunk_continues_ = false;  // the current physical packet is 0xFFFFFF long
  bool continuing_ = false;    // an earlier physical packet of this payload was 0xFFFFFF long
  bool assembling_ = false;    // the payload is being collected in body_
  size_t logical_len_ = 0;     // payload bytes announced so far, continuations included
  size_t held_ = 0;            // bytes of body_ reported through hold()
  uint8_t first_seq_ = 0;
  uint8_t last_seq_ = 0;
  std::string body_;
  FrameError error_ = FrameError::kNone;
};

// Appends `payload` as packets numbered from `sequence_id`, split into 0xFFFFFF-byte chunks (a
// payload whose length is a multiple of that, zero included, ends with an empty packet).
// Returns the sequence id the next packet of the exchange takes.
uint8_t encode_packet(std::string& out, uint8_t sequence_id, std::string_view payload);

}  // namespace switchyard::mysql

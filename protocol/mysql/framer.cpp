// Incremental framing of MySQL packets; see framer.h.
#include "protocol/mysql/framer.h"

#include <algorithm>
#include <cstring>

#include "protocol/mysql/coding.h"

namespace switchyard::mysql {

std::string_view to_string(FrameError e) {
  switch (e) {
    case FrameError::kNone: return "no error";
    case FrameError::kTooLong: return "packet longer than the maximum payload";
    case FrameError::kOverBudget: return "no memory left for packets being assembled (limits.max_assembly_bytes)";
    case FrameError::kBadSequence: return "continuation packet out of sequence";
  }
  return "unknown";
}

void Framer::deliver(FramerCallbacks& cb, std::string_view payload) {
  if (held_ > 0) cb.release(held_);
  held_ = 0;
  assembling_ = false;
  continuing_ = false;
  logical_len_ = 0;
  cb.on_packet(Packet{first_seq_, last_seq_, payload});
}

FrameError Framer::feed(std::string_view data, FramerCallbacks& cb) {
  if (error_ != FrameError::kNone) return error_;
  size_t pos = 0;
  while (pos < data.size()) {
    if (!in_payload_) {
      const size_t n = std::min(sizeof(header_) - header_len_, data.size() - pos);
      std::memcpy(header_ + header_len_, data.data() + pos, n);
      header_len_ += n;
      pos += n;
      if (header_len_ < sizeof(header_)) return FrameError::kNone;
      header_len_ = 0;
      const size_t length = static_cast<size_t>(get_int(header_, 3));
      const uint8_t seq = header_[3];
      if (continuing_ && seq != static_cast<uint8_t>(last_seq_ + 1)) return error_ = FrameError::kBadSequence;
      if (!continuing_) first_seq_ = seq;
      last_seq_ = seq;
      if (length > max_payload_bytes_ - std::min(logical_len_, max_payload_bytes_)) {
        return error_ = FrameError::kTooLong;
      }
      logical_len_ += length;
      remaining_ = length;
      chunk_continues_ = length == kMaxPacketChunk;
      in_payload_ = true;
      if (!assembling_ && !chunk_continues_ && remaining_ <= data.size() - pos) {
        // Whole in this feed: delivered in place.
        in_payload_ = false;
        const std::string_view payload = data.substr(pos, remaining_);
        pos += remaining_;
        remaining_ = 0;
        deliver(cb, payload);
        continue;
      }
      if (!assembling_) {
        assembling_ = true;
        body_.clear();
        body_.reserve(std::min<size_t>(remaining_, 64 * 1024));  // grows only as bytes arrive
      }
    }
    const size_t n = std::min(remaining_, data.size() - pos);
    if (n > 0) {
      if (!cb.hold(n)) return error_ = FrameError::kOverBudget;
      held_ += n;
      body_.append(data.data() + pos, n);
      pos += n;
      remaining_ -= n;
    }
    if (remaining_ > 0) break;
    in_payload_ = false;
    if (chunk_continues_) {
      continuing_ = true;
      continue;
    }
    deliver(cb, body_);
  }
  return FrameError::kNone;
}

uint8_t encode_packet(std::string& out, uint8_t sequence_id, std::string_view payload) {
  size_t pos = 0;
  for (;;) {
    const size_t n = std::min(kMaxPacketChunk, payload.size() - pos);
    put_u24(out, static_cast<uint32_t>(n));
    put_u8(out, sequence_id++);
    out.append(payload.substr(pos, n));
    pos += n;
    if (n < kMaxPacketChunk) return sequence_id;
  }
}

}  // namespace switchyard::mysql

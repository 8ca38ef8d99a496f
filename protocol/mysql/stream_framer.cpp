// Streaming packet boundaries of a relayed MySQL stream; see stream_framer.h.
#include "protocol/mysql/stream_framer.h"

#include <algorithm>

#include "protocol/mysql/coding.h"

namespace switchyard::mysql {
namespace {

constexpr size_t kHeaderBytes = 4;

size_t length_of(const unsigned char* h) { return static_cast<size_t>(get_int(h, 3)); }

}  // namespace

bool StreamFramer::captured(const unsigned char* h) const {
  const size_t len = length_of(h);
  return len <= capture_bytes_ || (len <= wide_bytes_ && wide_first_.test(h[kHeaderBytes]));
}

size_t StreamFramer::decision_bytes(const unsigned char* h, size_t avail) const {
  if (continuing_) return kHeaderBytes;  // a continuation's header: only its sequence is checked
  const size_t len = length_of(h);
  if (len <= capture_bytes_) return kHeaderBytes + len;  // shown whole
  if (len <= wide_bytes_ && avail < kHeaderBytes + 1) return kHeaderBytes + 1;  // may be captured wide: its first byte
  return captured(h) ? kHeaderBytes + len : kHeaderBytes + long_head_;  // long: its head (long_head_ < len)
}

FrameError StreamFramer::decide(std::string_view bytes, StreamCallbacks& cb, bool& replace, size_t& consumed) {
  const auto* h = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t len = length_of(h);
  const uint8_t seq = h[3];
  replace = false;
  if (continuing_) {
    if (seq != static_cast<uint8_t>(last_seq_ + 1)) return error_ = FrameError::kBadSequence;
  }
  last_seq_ = seq;
  if (continuing_ || !captured(h)) {
    if (!continuing_) replace = cb.on_long_packet(seq, bytes.substr(kHeaderBytes, long_head_), len);
    chunk_continues_ = len == kMaxPacketChunk;
    continuing_ = chunk_continues_;
    consumed = replace ? kHeaderBytes + long_head_ : std::min(bytes.size(), kHeaderBytes + len);
    remaining_ = kHeaderBytes + len - consumed;
    state_ = remaining_ > 0 ? State::kStream : State::kHeader;
    return FrameError::kNone;
  }
  consumed = kHeaderBytes + len;
  replace = cb.inspect(seq, bytes.substr(kHeaderBytes, len));
  state_ = State::kHeader;
  return FrameError::kNone;
}

FrameError StreamFramer::feed(std::string_view data, StreamCallbacks& cb) {
  if (error_ != FrameError::kNone) return error_;
  done_.clear();
  size_t pos = 0;
  size_t run = 0;  // data[run, pos) is passed through at the next flush
  const auto flush = [&](size_t upto) {
    if (upto > run) cb.on_passthrough(data.substr(run, upto - run));
    run = upto;
  };
  while (pos < data.size()) {
    if (state_ == State::kStream) {
      const size_t n = std::min(remaining_, data.size() - pos);
      pos += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kHeader;
      continue;
    }
    if (state_ == State::kAssemble) {
      const size_t n = std::min(need_ - buf_.size(), data.size() - pos);
      if (!cb.hold(n)) return error_ = FrameError::kOverBudget;
      held_ += n;
      buf_.append(data.data() + pos, n);
      pos += n;
      run = pos;  // assembled bytes leave the stream until the decision
      if (buf_.size() < need_) continue;
      // The header (then, for a packet that may be captured wide, its first byte) may show
      // that the decision needs more.
      if (const size_t more = decision_bytes(reinterpret_cast<const unsigned char*>(buf_.data()), buf_.size());
          more > buf_.size()) {
        need_ = more;
        continue;
      }
      // The decision: the assembled bytes go out as one run, or are replaced.
      done_.swap(buf_);
      buf_.clear();
      cb.release(held_);
      held_ = 0;
      bool replace = false;
      size_t consumed = 0;
      if (const auto err = decide(done_, cb, replace, consumed); err != FrameError::kNone) return err;
      if (replace) cb.on_replace(last_seq_, std::string_view(done_).substr(kHeaderBytes));
      else cb.on_passthrough(done_);
      continue;
    }
    // kHeader: a physical packet starts at pos.
    const size_t avail = data.size() - pos;
    const auto* h = reinterpret_cast<const unsigned char*>(data.data() + pos);
    if (avail < kHeaderBytes || avail < decision_bytes(h, avail)) {
      flush(pos);
      state_ = State::kAssemble;
      need_ = avail < kHeaderBytes ? kHeaderBytes : decision_bytes(h, avail);
      continue;
    }
    bool replace = false;
    size_t consumed = 0;
    if (const auto err = decide(data.substr(pos), cb, replace, consumed); err != FrameError::kNone) return err;
    if (replace) {
      flush(pos);  // what came before goes first
      cb.on_replace(last_seq_, data.substr(pos + kHeaderBytes, consumed - kHeaderBytes));
      run = pos + consumed;
    }
    pos += consumed;
  }
  flush(pos);
  return FrameError::kNone;
}

}  // namespace switchyard::mysql

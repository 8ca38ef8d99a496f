// Incremental framing of typed PostgreSQL messages; see framer.h.
#include "protocol/pg/framer.h"

#include <algorithm>
#include <cstring>

#include "protocol/pg/coding.h"

namespace switchyard::pg {

std::string_view to_string(FrameError e) {
  switch (e) {
    case FrameError::kNone: return "no error";
    case FrameError::kBadType: return "invalid message type";
    case FrameError::kBadLength: return "invalid message length";
    case FrameError::kTooLong: return "message longer than max_message_bytes";
    case FrameError::kOverBudget: return "no memory left for messages being assembled (limits.max_assembly_bytes)";
  }
  return "unknown";
}

TypeSet frontend_types() {
  // Bind, Close, CopyData, CopyDone, CopyFail, Describe, Execute, Flush, FunctionCall, Parse,
  // password family (p), Query, Sync, Terminate.
  return TypeSet{'B', 'C', 'd', 'c', 'f', 'D', 'E', 'H', 'F', 'P', 'p', 'Q', 'S', 'X'};
}

TypeSet backend_types() {
  // Authentication, BackendKeyData, BindComplete, CloseComplete, CommandComplete, CopyData,
  // CopyDone, CopyInResponse, CopyOutResponse, CopyBothResponse, DataRow, EmptyQueryResponse,
  // ErrorResponse, FunctionCallResponse, NegotiateProtocolVersion, NoData, NoticeResponse,
  // NotificationResponse, ParameterDescription, ParameterStatus, ParseComplete,
  // PortalSuspended, ReadyForQuery, RowDescription.
  return TypeSet{'R', 'K', '2', '3', 'C', 'd', 'c', 'G', 'H', 'W', 'D', 'I', 'E', 'V',
                 'v', 'n', 'N', 'A', 't', 'S', '1', 's', 'Z', 'T'};
}

void Framer::finish_assembled(FramerCallbacks& cb) {
  capturing_ = false;
  cb.release(body_.size());
  if (cb.inspect(type_, body_)) {
    cb.on_message(type_, body_);
    return;
  }
  // Kept: its header and body go on from storage that lives until the next feed.
  carried_header_[0] = static_cast<unsigned char>(type_);
  const uint32_t length = static_cast<uint32_t>(body_.size() + 4);
  for (int i = 0; i < 4; ++i) carried_header_[1 + i] = static_cast<unsigned char>(length >> (24 - 8 * i));
  kept_.swap(body_);
  cb.on_passthrough(std::string_view(reinterpret_cast<const char*>(carried_header_), sizeof(carried_header_)));
  cb.on_passthrough(kept_);
}

FrameError Framer::feed(std::string_view data, FramerCallbacks& cb) {
  if (error_ != FrameError::kNone) return error_;
  // Pass-through bytes are reported as runs of `data`; `pass_start` opens the pending run.
  size_t pass_start = 0;
  size_t pos = 0;
  auto flush_pass = [&](size_t end) {
    if (end > pass_start) cb.on_passthrough(data.substr(pass_start, end - pass_start));
    pass_start = end;
  };

  while (pos < data.size()) {
    if (remaining_ > 0) {  // inside a body
      const size_t n = std::min(remaining_, data.size() - pos);
      if (capturing_) {
        if (!cb.hold(n)) {
          flush_pass(pass_start);
          error_ = FrameError::kOverBudget;
          return error_;
        }
        body_.append(data.data() + pos, n);
      }
      pos += n;
      remaining_ -= n;
      if (capturing_) {
        pass_start = pos;  // bytes being assembled are not passed through as they come
        if (remaining_ == 0) {
          finish_assembled(cb);
        }
      }
      continue;
    }

    // A header: type byte + Int32 length, possibly split across feeds. Its bytes in earlier
    // feeds were held back in header_, so when it began earlier it is re-emitted from there.
    const size_t header_start = pos;
    const bool began_earlier = header_len_ > 0;
    const size_t n = std::min(sizeof(header_) - header_len_, data.size() - pos);
    std::memcpy(header_ + header_len_, data.data() + pos, n);
    header_len_ += n;
    pos += n;
    if (header_len_ < sizeof(header_)) {  // incomplete: hold it back until the next feed
      flush_pass(header_start);
      return FrameError::kNone;
    }
    header_len_ = 0;

    type_ = static_cast<char>(header_[0]);
    const uint32_t length = get_u32(header_ + 1);
    if (!allowed_.contains(type_)) error_ = FrameError::kBadType;
    else if (length < 4) error_ = FrameError::kBadLength;
    else if (length > max_message_bytes_) error_ = FrameError::kTooLong;
    if (error_ != FrameError::kNone) {
      flush_pass(header_start);  // everything before the bad message still goes on
      return error_;
    }
    remaining_ = length - 4;

    if (capture_.contains(type_)) {
      if (!began_earlier && remaining_ <= data.size() - pos) {
        // Whole in this feed: inspected in place, and if kept it stays in the pass-through run.
        const std::string_view body = data.substr(pos, remaining_);
        pos += remaining_;
        remaining_ = 0;
        if (cb.inspect(type_, body)) {
          flush_pass(header_start);
          cb.on_message(type_, body);
          pass_start = pos;
        }
        continue;
      }
      flush_pass(header_start);
      pass_start = pos;
      capturing_ = true;
      body_.clear();
      body_.reserve(std::min<size_t>(remaining_, 64 * 1024));  // grows only as bytes arrive
      if (remaining_ == 0) finish_assembled(cb);
    } else if (began_earlier) {
      flush_pass(header_start);
      std::memcpy(carried_header_, header_, sizeof(header_));
      cb.on_passthrough(std::string_view(reinterpret_cast<const char*>(carried_header_), sizeof(header_)));
      pass_start = pos;
    }
  }
  flush_pass(pos);
  return FrameError::kNone;
}

}  // namespace switchyard::pg

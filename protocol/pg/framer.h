// Incremental framing of typed PostgreSQL protocol 3.0 messages (PostgreSQL docs,
// "Frontend/Backend Protocol" > "Message Formats": a type byte, then an Int32 length that
// counts itself and the body but not the type byte).
//
// The Framer never buffers a whole message unless asked to: bytes of messages the caller does
// not capture are handed back in place as they arrive, so a 1 GB DataRow or COPY stream costs no
// more memory than one read buffer. Messages whose type the caller captures are assembled whole
// (bounded by max_message_bytes) and delivered in one piece, for inspection or replacement.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/assembly_budget.h"

namespace switchyard::pg {

enum class FrameError {
  kNone,
  kBadType,    // a type byte this side of the protocol never sends
  kBadLength,  // a length below 4
  kTooLong,    // a length above the configured maximum
  kOverBudget, // assembling a captured message would exceed the memory the caller allows
};

std::string_view to_string(FrameError e);

// A set of message type bytes.
class TypeSet {
 public:
  constexpr TypeSet() = default;
  constexpr TypeSet(std::initializer_list<char> types) {
    for (char t : types) add(t);
  }
  constexpr void add(char t) { bits_[static_cast<uint8_t>(t)] = true; }
  constexpr bool contains(char t) const { return bits_[static_cast<uint8_t>(t)]; }
  constexpr void add(const TypeSet& other) {
    for (size_t i = 0; i < bits_.size(); ++i) bits_[i] = bits_[i] || other.bits_[i];
  }

 private:
  std::array<bool, 256> bits_{};
};

// Type bytes a frontend may send after startup, and those a backend may send.
TypeSet frontend_types();
TypeSet backend_types();

// What the Framer reports. Callbacks run synchronously inside Framer::feed.
class FramerCallbacks : public protocol::AssemblyBudget {
 public:
  // Bytes (headers and bodies) of messages that are not captured or are kept, in stream order.
  // The view stays valid until the next call to Framer::feed, so a caller may defer copying it.
  virtual void on_passthrough(std::string_view bytes) = 0;
  // A captured message, whole; `body` excludes the type byte and the length word. Return false
  // to keep the message as it is: its bytes then pass through like any other (without a copy
  // when it arrived in one piece); true to replace it, which on_message then does.
  virtual bool inspect(char type, std::string_view body) = 0;
  // Called right after inspect returned true, at the message's place in the stream: emit the
  // replacement (or nothing, to drop the message).
  virtual void on_message(char type, std::string_view body) = 0;
  // hold() / release() (protocol::AssemblyBudget): memory for a captured message assembled
  // across feeds; refusing it makes feed fail with kOverBudget.
};

class Framer {
 public:
  // `allowed`: types accepted (others are kBadType); `capture`: types delivered whole.
  Framer(TypeSet allowed, TypeSet capture, uint32_t max_message_bytes)
      : allowed_(allowed), capture_(capture), max_message_bytes_(max_message_bytes) {}

  // Consumes all of `data`, reporting through `cb`. Returns kNone, or the first error; after an
  // error the stream is unusable (the protocol has no way to resynchronise) and the caller should
  // end the session.
  FrameError feed(std::string_view data, FramerCallbacks& cb);

  // True between messages: no partial header or body is pending.
  bool at_boundary() const { return header_len_ == 0 && remaining_ == 0; }

  void set_capture(TypeSet capture) { capture_ = capture; }
  void set_allowed(TypeSet allowed) { allowed_ = allowed; }
  void set_max_message_bytes(uint32_t max) { max_message_bytes_ = max; }

  // A captured message is being assembled: its header has come, not all of its body.
  bool assembling() const { return capturing_; }
  // Frees the memory assembled messages left behind. REQUIRES: no view handed out by the last
  // feed is still in use (after its bytes were written on).
  void trim() {
    constexpr size_t kKeep = 4096;
    if (!capturing_ && body_.capacity() > kKeep) std::string().swap(body_);
    if (kept_.capacity() > kKeep) std::string().swap(kept_);
  }

 private:
  // A captured message assembled across feeds is complete: inspect it, then replace or keep it.
  void finish_assembled(FramerCallbacks& cb);

  TypeSet allowed_;
  TypeSet capture_;
  uint32_t max_message_bytes_;

  unsigned char header_[5] = {};
  // A header split across feeds, or the header of a kept message assembled across feeds, is
  // emitted from here, which later headers of the same feed do not overwrite (on_passthrough's
  // views must live until the next feed). Only a feed's first message can need it.
  unsigned char carried_header_[5] = {};
  std::string kept_;        // the body of a kept message assembled across feeds, likewise
  size_t header_len_ = 0;   // bytes of the current header seen so far (0..5)
  size_t remaining_ = 0;    // body bytes of the current message still to come
  bool capturing_ = false;  // whether the current message is being assembled
  char type_ = 0;
  std::string body_;        // the captured message so far
  FrameError error_ = FrameError::kNone;
};

}  // namespace switchyard::pg

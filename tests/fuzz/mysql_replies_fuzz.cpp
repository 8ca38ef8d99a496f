// Fuzzes the MySQL ReplyTracker and the result set and response decoders on any server bytes
// after any command: nothing may crash, pending() only falls as replies complete, and every
// payload the decoders accept re-encodes to something they accept again.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/mysql/constants.h"
#include "protocol/mysql/framer.h"
#include "protocol/mysql/reply_tracker.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/resultset.h"

namespace {

using namespace switchyard::mysql;

struct Feed : FramerCallbacks {
  ReplyTracker* tracker;
  uint32_t caps;
  void on_packet(const Packet& p) override {
    const size_t before = tracker->pending();
    const auto progress = tracker->on_server_packet(p.payload);
    if (tracker->pending() > before) std::abort();
    if (progress == ReplyTracker::Progress::kComplete && tracker->pending() != before - 1) std::abort();
    if (progress == ReplyTracker::Progress::kLocalInfile) tracker->on_client_packet({});
    if (const auto ok = decode_ok(p.payload, caps)) {
      std::string again;
      encode_ok(again, *ok, caps);
      if (!decode_ok(again, caps)) std::abort();
    }
    if (const auto err = decode_err(p.payload, caps)) {
      std::string again;
      encode_err(again, *err, caps);
      if (!decode_err(again, caps)) std::abort();
    }
    if (const auto column = decode_column_definition(p.payload)) {
      std::string again;
      encode_column_definition(again, *column);
      if (!decode_column_definition(again)) std::abort();
    }
    (void)decode_text_row(p.payload, 3);
    const ColumnType types[] = {ColumnType::kLongLong, ColumnType::kVarString, ColumnType::kDateTime};
    (void)decode_binary_row(p.payload, types);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // First byte: capabilities (DEPRECATE_EOF, SESSION_TRACK) and the command.
  const uint8_t knobs = data[0];
  uint32_t caps = cap::kProtocol41 | cap::kTransactions;
  if (knobs & 1) caps |= cap::kDeprecateEof;
  if (knobs & 2) caps |= cap::kSessionTrack;
  static const char* const kCommands[] = {"\x03SELECT 1", "\x16SELECT ?", "\x17\x01\x00\x00\x00\x01\x01\x00\x00\x00",
                                          "\x1c\x01\x00\x00\x00\x05\x00\x00\x00", "\x0e", "\x04t", "\x09", "\x11u"};
  const std::string_view command(kCommands[(knobs >> 2) % 8]);
  ReplyTracker tracker(caps);
  tracker.on_command(command);
  tracker.on_command(command);  // a pipelined second one
  Framer framer(1 << 16);
  Feed feed;
  feed.tracker = &tracker;
  feed.caps = caps;
  const size_t chunk = 1 + (knobs >> 5) * 7;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  for (size_t i = 0; i < input.size(); i += chunk) {
    if (framer.feed(input.substr(i, chunk), feed) != FrameError::kNone) break;
  }
  return 0;
}

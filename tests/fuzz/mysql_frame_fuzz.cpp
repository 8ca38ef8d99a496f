// Fuzzes the MySQL Framer: any bytes, split anywhere, must frame without crashing, and the
// packets it delivers, encoded again, must be exactly the input's prefix.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/mysql/framer.h"

namespace {

struct Reencoder : switchyard::mysql::FramerCallbacks {
  std::string out;
  size_t held = 0;
  void on_packet(const switchyard::mysql::Packet& p) override {
    if (held != 0) std::abort();  // everything held was released before delivery
    switchyard::mysql::encode_packet(out, p.sequence_id, p.payload);
  }
  bool hold(size_t n) override {
    held += n;
    return held <= 8192;
  }
  void release(size_t n) override { held -= n; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  using namespace switchyard::mysql;
  const size_t chunk = 1 + data[0];  // the first byte picks the chunk size
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  Framer framer(4096);
  Reencoder r;
  FrameError err = FrameError::kNone;
  for (size_t i = 0; i < input.size() && err == FrameError::kNone; i += chunk) err = framer.feed(input.substr(i, chunk), r);
  if (r.out.size() > input.size() || input.compare(0, r.out.size(), r.out) != 0) std::abort();
  if (err == FrameError::kNone && framer.at_boundary() && r.out.size() != input.size()) std::abort();
  return 0;
}

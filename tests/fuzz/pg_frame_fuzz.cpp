// Fuzzes the PostgreSQL Framer: any bytes, split anywhere, must frame without crashing, and the
// bytes it passes through plus the messages it captures must be exactly the input's prefix.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/pg/backend.h"
#include "protocol/pg/framer.h"

namespace {

// Keeps every other captured message and replaces (re-encodes) the rest: either way the output
// must be the input.
struct Collector : switchyard::pg::FramerCallbacks {
  std::string out;
  bool replace_next = false;
  void on_passthrough(std::string_view b) override { out.append(b); }
  bool inspect(char, std::string_view) override { return replace_next = !replace_next; }
  void on_message(char type, std::string_view body) override { switchyard::pg::encode_message(out, type, body); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  using namespace switchyard::pg;
  // The first byte picks the side, the captured set and the chunk size.
  const uint8_t knobs = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool backend = knobs & 1;
  const TypeSet capture = (knobs & 2) ? TypeSet{'Q', 'P', 'Z', 'K', 'd'} : TypeSet{};
  const size_t chunk = 1 + (knobs >> 2);
  Framer framer(backend ? backend_types() : frontend_types(), capture, 4096);
  Collector c;
  FrameError err = FrameError::kNone;
  for (size_t i = 0; i < input.size() && err == FrameError::kNone; i += chunk)
    err = framer.feed(input.substr(i, chunk), c);
  // Whatever came out is the input, in order, never more of it.
  if (c.out.size() > input.size() || input.compare(0, c.out.size(), c.out) != 0) std::abort();
  if (err == FrameError::kNone && framer.at_boundary() && c.out.size() != input.size()) std::abort();
  return 0;
}

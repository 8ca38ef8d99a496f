// Fuzzes the startup-packet decoder: no crash, and a decoded StartupMessage re-encodes to the
// same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/pg/startup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard::pg;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto d = decode_startup(input);
  if (d.status != StartupStatus::kComplete) return 0;
  if (d.consumed > size) std::abort();
  if (d.packet.kind == StartupKind::kStartup &&
      encode_startup(d.packet.code, d.packet.params) != input.substr(0, d.consumed))
    std::abort();
  return 0;
}

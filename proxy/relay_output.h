// What one direction of a relay writes next: a run of bytes straight from the read buffer
// (`direct`, no copy) while a chunk holds nothing else, or `out` once bytes from elsewhere (a
// framer's assembled packet, a replacement) must follow in order. Not tied to a wire protocol:
// both sessions' pumps use it (proxy/pg_pump.h, proxy/mysql_pump.h).
#pragma once

#include <string>
#include <string_view>

namespace switchyard::proxy {

struct RelayOutput {
  static constexpr size_t kKeepOut = 16 * 1024;  // `out` capacity kept between writes

  // Bytes to relay after what is pending. `bytes` must stay valid until the write completes
  // (the read buffer, or a framer's buffer until its next feed).
  void passthrough(std::string_view bytes) {
    if (out.empty() && direct.empty()) {
      direct = bytes;
      return;
    }
    materialize();
    out.append(bytes);
  }
  // Moves a pending zero-copy run into `out`, to keep the stream's order when more follows.
  void materialize() {
    out.append(direct);
    direct = {};
  }
  std::string_view pending() const { return out.empty() ? direct : std::string_view(out); }
  // After a write: nothing points into the read buffer or `out` any more.
  void clear() {
    if (out.capacity() > kKeepOut) std::string().swap(out);
    else out.clear();
    direct = {};
  }

  std::string out;
  std::string_view direct;
};

}  // namespace switchyard::proxy

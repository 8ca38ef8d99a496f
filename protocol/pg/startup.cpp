// Startup-phase packet codec; see startup.h.
#include "protocol/pg/startup.h"

#include "protocol/pg/coding.h"

namespace switchyard::pg {

std::string_view StartupPacket::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

static StartupDecode fail(std::string why) {
  StartupDecode d;
  d.status = StartupStatus::kError;
  d.error = std::move(why);
  return d;
}

StartupDecode decode_startup(std::string_view data) {
  StartupDecode d;
  if (data.size() < 4) return d;
  const uint32_t length = get_u32(reinterpret_cast<const unsigned char*>(data.data()));
  if (length < 8 || length > kMaxStartupPacket) return fail("invalid startup packet length");
  if (data.size() < length) return d;

  ByteReader r(data.substr(4, length - 4));
  uint32_t code = 0;
  r.u32(code);
  d.packet.code = code;
  switch (code) {
    case kSslRequestCode:
    case kGssEncRequestCode:
      if (!r.at_end()) return fail("invalid encryption request length");
      d.packet.kind = code == kSslRequestCode ? StartupKind::kSslRequest : StartupKind::kGssEncRequest;
      break;
    case kCancelRequestCode:
      if (!r.u32(d.packet.cancel_pid) || !r.u32(d.packet.cancel_secret) || !r.at_end())
        return fail("invalid cancel request length");
      d.packet.kind = StartupKind::kCancelRequest;
      break;
    default: {
      if ((code >> 16) != 3) return fail("unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                         std::to_string(code & 0xffff));
      d.packet.kind = StartupKind::kStartup;
      // Pairs of C strings, closed by an empty name.
      for (;;) {
        std::string_view name, value;
        if (!r.cstring(name)) return fail("startup packet has no terminator");
        if (name.empty()) break;
        if (!r.cstring(value)) return fail("startup parameter has no value");
        d.packet.params.emplace_back(std::string(name), std::string(value));
      }
      if (!r.at_end()) return fail("startup packet has bytes after its terminator");
    }
  }
  d.status = StartupStatus::kComplete;
  d.consumed = length;
  return d;
}

std::string encode_startup(uint32_t version, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body;
  put_u32(body, version);
  for (const auto& [k, v] : params) {
    put_cstring(body, k);
    put_cstring(body, v);
  }
  body.push_back('\0');
  std::string out;
  put_u32(out, static_cast<uint32_t>(body.size() + 4));
  return out + body;
}

std::string encode_cancel_request(uint32_t pid, uint32_t secret) {
  std::string out;
  put_u32(out, 16);
  put_u32(out, kCancelRequestCode);
  put_u32(out, pid);
  put_u32(out, secret);
  return out;
}

std::string encode_request_code(uint32_t code) {
  std::string out;
  put_u32(out, 8);
  put_u32(out, code);
  return out;
}

}  // namespace switchyard::pg

// Greeting, SSLRequest and HandshakeResponse41 codecs; see handshake.h.
#include "protocol/mysql/handshake.h"

#include <algorithm>

#include "protocol/mysql/constants.h"

namespace switchyard::mysql {
namespace {

using Greeting = Decoded<HandshakeV10>;
using Response = Decoded<HandshakeResponse41>;

constexpr size_t kResponseFiller = 23;  // MariaDB: 19 zero bytes, then its 4 extended capability bytes

// MariaDB reads a clear bit 0 (CLIENT_LONG_PASSWORD, "CLIENT_MYSQL") as "a MariaDB peer", and
// then carries its extended capabilities in reserved bytes.
bool carries_mariadb_caps(uint32_t capabilities) { return (capabilities & cap::kLongPassword) == 0; }

size_t part2_length(const HandshakeV10& hs) {
  return std::max<size_t>(13, hs.auth_plugin_data_len > 8 ? hs.auth_plugin_data_len - 8 : 0);
}

}  // namespace

std::string HandshakeV10::scramble() const {
  std::string s = auth_plugin_data_1 + auth_plugin_data_2;
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

uint32_t HandshakeV10::mariadb_capabilities() const {
  if (!carries_mariadb_caps(capabilities) || reserved.size() != 10) return 0;
  return static_cast<uint32_t>(get_int(reinterpret_cast<const unsigned char*>(reserved.data() + 6), 4));
}

void HandshakeV10::set_mariadb_capabilities(uint32_t caps) {
  reserved.resize(10, '\0');
  std::string bytes;
  put_u32(bytes, caps);
  reserved.replace(6, 4, bytes);
}

Greeting decode_handshake_v10(std::string_view payload) {
  ByteReader r(payload);
  HandshakeV10 hs;
  std::string_view s;
  if (!r.u8(hs.protocol_version)) return Greeting::fail("empty greeting");
  if (hs.protocol_version == kErrHeader) return Greeting::fail("server sent an error");
  if (hs.protocol_version != 10) return Greeting::fail("unsupported protocol version (not 10)");
  if (!r.cstring(s)) return Greeting::fail("greeting: server version has no terminator");
  hs.server_version = s;
  if (!r.u32(hs.connection_id) || !r.bytes(8, s)) return Greeting::fail("greeting: truncated scramble");
  hs.auth_plugin_data_1 = s;
  uint8_t filler = 0;
  uint16_t caps_low = 0;
  if (!r.u8(filler) || !r.u16(caps_low)) return Greeting::fail("greeting: truncated capabilities");
  hs.capabilities = caps_low;
  if (r.at_end()) {
    hs.short_form = true;
    return Greeting::ok(std::move(hs));
  }
  uint16_t caps_high = 0;
  if (!r.u8(hs.character_set) || !r.u16(hs.status_flags) || !r.u16(caps_high) || !r.u8(hs.auth_plugin_data_len) ||
      !r.bytes(10, s)) {
    return Greeting::fail("greeting: truncated after capabilities");
  }
  hs.capabilities |= uint32_t{caps_high} << 16;
  hs.reserved = s;
  if (hs.capabilities & cap::kSecureConnection) {
    if (!r.bytes(part2_length(hs), s)) return Greeting::fail("greeting: truncated scramble");
    hs.auth_plugin_data_2 = s;
  }
  if (hs.capabilities & cap::kPluginAuth) {
    // Some servers (MySQL 5.5.7-5.5.9) leave out the name's terminator at the end of the packet.
    if (r.cstring(s)) hs.auth_plugin_name = s;
    else hs.auth_plugin_name = r.rest();
  }
  return Greeting::ok(std::move(hs));
}

void encode_handshake_v10(std::string& out, const HandshakeV10& hs) {
  put_u8(out, hs.protocol_version);
  put_cstring(out, hs.server_version);
  put_u32(out, hs.connection_id);
  std::string part1 = hs.auth_plugin_data_1;
  part1.resize(8, '\0');
  out.append(part1);
  put_u8(out, 0);
  put_u16(out, static_cast<uint16_t>(hs.capabilities));
  if (hs.short_form) return;
  put_u8(out, hs.character_set);
  put_u16(out, hs.status_flags);
  put_u16(out, static_cast<uint16_t>(hs.capabilities >> 16));
  put_u8(out, hs.auth_plugin_data_len);  // as decoded: it sets part 2's length either way
  std::string reserved = hs.reserved;
  reserved.resize(10, '\0');
  out.append(reserved);
  if (hs.capabilities & cap::kSecureConnection) out.append(hs.auth_plugin_data_2);
  if (hs.capabilities & cap::kPluginAuth) put_cstring(out, hs.auth_plugin_name);
}

void mask_capabilities(HandshakeV10& hs, uint32_t mask, uint32_t mariadb_mask) {
  const uint32_t mariadb = hs.mariadb_capabilities();
  hs.capabilities &= ~mask;
  if (carries_mariadb_caps(hs.capabilities) && hs.reserved.size() == 10) {
    hs.set_mariadb_capabilities(mariadb & ~mariadb_mask);
  }
}

std::string_view HandshakeResponse41::attr(std::string_view name) const {
  for (const auto& [k, v] : connect_attrs)
    if (k == name) return v;
  return {};
}

bool is_ssl_request(std::string_view payload) {
  if (payload.size() != kSslRequestLength) return false;
  const auto caps = static_cast<uint32_t>(get_int(reinterpret_cast<const unsigned char*>(payload.data()), 4));
  return (caps & cap::kSsl) != 0;
}

Response decode_handshake_response(std::string_view payload) {
  ByteReader r(payload);
  HandshakeResponse41 hr;
  std::string_view s;
  if (!r.u32(hr.capabilities)) return Response::fail("handshake response: truncated capabilities");
  if ((hr.capabilities & cap::kProtocol41) == 0) return Response::fail("client does not speak protocol 4.1");
  if (!r.u32(hr.max_packet_size) || !r.u8(hr.character_set) || !r.bytes(kResponseFiller, s)) {
    return Response::fail("handshake response: truncated header");
  }
  if (carries_mariadb_caps(hr.capabilities)) {
    hr.mariadb_capabilities = static_cast<uint32_t>(get_int(reinterpret_cast<const unsigned char*>(s.data() + 19), 4));
  }
  if (r.at_end() && (hr.capabilities & cap::kSsl)) return Response::ok(std::move(hr));  // an SSLRequest
  if (!r.cstring(s)) return Response::fail("handshake response: user name has no terminator");
  hr.username = s;
  if (hr.capabilities & cap::kPluginAuthLenencClientData) {
    if (!r.lenenc_str(s)) return Response::fail("handshake response: truncated auth response");
  } else if (hr.capabilities & cap::kSecureConnection) {
    uint8_t n = 0;
    if (!r.u8(n) || !r.bytes(n, s)) return Response::fail("handshake response: truncated auth response");
  } else if (!r.cstring(s)) {
    return Response::fail("handshake response: auth response has no terminator");
  }
  hr.auth_response = s;
  if (hr.capabilities & cap::kConnectWithDb) {
    // A packet that ends here has an empty database (nothing else can follow it then).
    if (!r.at_end()) {
      if (!r.cstring(s)) return Response::fail("handshake response: database has no terminator");
      hr.database = s;
    }
  }
  if (hr.capabilities & cap::kPluginAuth) {
    if (r.cstring(s)) hr.auth_plugin_name = s;
    else hr.auth_plugin_name = r.rest();  // without its terminator at the end of the packet
  }
  if ((hr.capabilities & cap::kConnectAttrs) && !r.at_end()) {
    uint64_t total = 0;
    std::string_view attrs;
    if (!r.lenenc_int(total) || total > r.remaining() || !r.bytes(static_cast<size_t>(total), attrs)) {
      return Response::fail("handshake response: truncated connection attributes");
    }
    ByteReader a(attrs);
    while (!a.at_end()) {
      std::string_view k, v;
      if (!a.lenenc_str(k) || !a.lenenc_str(v)) return Response::fail("handshake response: malformed connection attribute");
      hr.connect_attrs.emplace_back(std::string(k), std::string(v));
    }
  }
  if ((hr.capabilities & cap::kZstdCompression) && !r.u8(hr.zstd_compression_level)) {
    return Response::fail("handshake response: truncated zstd compression level");
  }
  if (!r.at_end()) return Response::fail("handshake response: bytes after its last field");
  return Response::ok(std::move(hr));
}

static void encode_response_header(std::string& out, const HandshakeResponse41& r, uint32_t capabilities) {
  put_u32(out, capabilities);
  put_u32(out, r.max_packet_size);
  put_u8(out, r.character_set);
  out.append(19, '\0');
  put_u32(out, carries_mariadb_caps(capabilities) ? r.mariadb_capabilities : 0);
}

void encode_ssl_request(std::string& out, const HandshakeResponse41& r) {
  encode_response_header(out, r, r.capabilities | cap::kSsl);
}

void encode_handshake_response(std::string& out, const HandshakeResponse41& r) {
  encode_response_header(out, r, r.capabilities);
  put_cstring(out, r.username);
  if (r.capabilities & cap::kPluginAuthLenencClientData) {
    put_lenenc_str(out, r.auth_response);
  } else if (r.capabilities & cap::kSecureConnection) {
    put_u8(out, static_cast<uint8_t>(r.auth_response.size()));
    out.append(r.auth_response);
  } else {
    put_cstring(out, r.auth_response);
  }
  if (r.capabilities & cap::kConnectWithDb) put_cstring(out, r.database);
  if (r.capabilities & cap::kPluginAuth) put_cstring(out, r.auth_plugin_name);
  if (r.capabilities & cap::kConnectAttrs) {
    std::string attrs;
    for (const auto& [k, v] : r.connect_attrs) {
      put_lenenc_str(attrs, k);
      put_lenenc_str(attrs, v);
    }
    put_lenenc_str(out, attrs);
  }
  if (r.capabilities & cap::kZstdCompression) put_u8(out, r.zstd_compression_level);
}

}  // namespace switchyard::mysql

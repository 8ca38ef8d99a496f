// Codecs for the few backend messages the proxy handles itself; see backend.h.
#include "protocol/pg/backend.h"

#include "protocol/pg/coding.h"

namespace switchyard::pg {

std::optional<BackendKeyData> decode_backend_key_data(std::string_view body) {
  ByteReader r(body);
  BackendKeyData k;
  if (!r.u32(k.pid) || !r.u32(k.secret) || !r.at_end()) return std::nullopt;
  return k;
}

std::optional<char> decode_ready_for_query(std::string_view body) {
  if (body.size() != 1) return std::nullopt;
  const char s = body[0];
  if (s != 'I' && s != 'T' && s != 'E') return std::nullopt;
  return s;
}

void encode_message(std::string& out, char type, std::string_view body) {
  out.push_back(type);
  put_u32(out, static_cast<uint32_t>(body.size() + 4));
  out.append(body);
}

void encode_backend_key_data(std::string& out, BackendKeyData key) {
  out.push_back('K');
  put_u32(out, 12);
  put_u32(out, key.pid);
  put_u32(out, key.secret);
}

void encode_ready_for_query(std::string& out, char status) {
  out.push_back('Z');
  put_u32(out, 5);
  out.push_back(status);
}

void encode_error_response(std::string& out, std::string_view severity, std::string_view sqlstate,
                           std::string_view message) {
  std::string body;
  body.push_back('S');
  put_cstring(body, severity);
  body.push_back('V');
  put_cstring(body, severity);
  body.push_back('C');
  put_cstring(body, sqlstate);
  body.push_back('M');
  put_cstring(body, message);
  body.push_back('\0');
  encode_message(out, 'E', body);
}

std::string_view error_field(std::string_view body, char field) {
  ByteReader r(body);
  for (;;) {
    uint8_t code = 0;
    if (!r.u8(code) || code == 0) return {};
    std::string_view value;
    if (!r.cstring(value)) return {};
    if (static_cast<char>(code) == field) return value;
  }
}

bool encode_with_error_fields(std::string& out, char type, std::string_view body, const ErrorFieldEdits& edits) {
  std::string kept;
  ByteReader r(body);
  for (;;) {
    uint8_t code = 0;
    if (!r.u8(code)) return false;
    if (code == 0) break;
    std::string_view value;
    if (!r.cstring(value)) return false;
    const auto edit = edits.find(static_cast<char>(code));
    if (edit == edits.end()) {
      kept.push_back(static_cast<char>(code));
      put_cstring(kept, value);
    } else if (edit->second) {
      kept.push_back(static_cast<char>(code));
      put_cstring(kept, *edit->second);
    }
  }
  kept.push_back('\0');
  encode_message(out, type, kept);
  return true;
}

}  // namespace switchyard::pg

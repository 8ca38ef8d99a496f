// Authentication ('R') codecs; see authentication.h.
#include "protocol/pg/authentication.h"

#include "protocol/pg/coding.h"

namespace switchyard::pg {

namespace {

void encode_message(std::string& out, char type, std::string_view body) {
  out.push_back(type);
  put_u32(out, static_cast<uint32_t>(body.size() + 4));
  out.append(body);
}

}  // namespace

std::optional<uint32_t> decode_authentication_code(std::string_view body) {
  ByteReader r(body);
  uint32_t code = 0;
  if (!r.u32(code)) return std::nullopt;
  return code;
}

std::optional<std::vector<std::string_view>> decode_sasl_mechanisms(std::string_view body) {
  ByteReader r(body);
  uint32_t code = 0;
  if (!r.u32(code) || code != kAuthSasl) return std::nullopt;
  std::vector<std::string_view> out;
  for (;;) {
    std::string_view name;
    if (!r.cstring(name)) return std::nullopt;
    if (name.empty()) break;
    out.push_back(name);
  }
  if (!r.at_end() || out.empty()) return std::nullopt;
  return out;
}

void encode_authentication_sasl(std::string& out, const std::vector<std::string_view>& mechanisms) {
  std::string body;
  put_u32(body, kAuthSasl);
  for (const auto m : mechanisms) put_cstring(body, m);
  body.push_back('\0');
  encode_message(out, 'R', body);
}

void encode_authentication_sasl_data(std::string& out, uint32_t code, std::string_view data) {
  std::string body;
  put_u32(body, code);
  body.append(data);
  encode_message(out, 'R', body);
}

std::optional<std::string_view> decode_authentication_sasl_data(std::string_view body, uint32_t code) {
  const auto actual = decode_authentication_code(body);
  if (!actual || *actual != code) return std::nullopt;
  return body.substr(4);
}

std::optional<SaslInitialResponse> decode_sasl_initial_response(std::string_view body) {
  ByteReader r(body);
  SaslInitialResponse out;
  uint32_t length = 0;
  if (!r.cstring(out.mechanism) || !r.u32(length)) return std::nullopt;
  if (length == 0xffffffffu) return r.at_end() ? std::optional(out) : std::nullopt;
  if (!r.bytes(length, out.data) || !r.at_end()) return std::nullopt;
  return out;
}

void encode_sasl_initial_response(std::string& out, std::string_view mechanism, std::string_view data) {
  std::string body;
  put_cstring(body, mechanism);
  put_u32(body, static_cast<uint32_t>(data.size()));
  body.append(data);
  encode_message(out, 'p', body);
}

void encode_sasl_response(std::string& out, std::string_view data) { encode_message(out, 'p', data); }

std::vector<std::string_view> without_mechanism(const std::vector<std::string_view>& mechanisms,
                                                std::string_view drop) {
  std::vector<std::string_view> out;
  for (const auto m : mechanisms)
    if (m != drop) out.push_back(m);
  return out;
}

}  // namespace switchyard::pg

// Authentication ('R') codecs; see authentication.h.
#include "protocol/pg/authentication.h"

#include "protocol/pg/coding.h"

namespace switchyard::pg {

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
  out.push_back('R');
  put_u32(out, static_cast<uint32_t>(body.size() + 4));
  out.append(body);
}

std::vector<std::string_view> without_mechanism(const std::vector<std::string_view>& mechanisms,
                                                std::string_view drop) {
  std::vector<std::string_view> out;
  for (const auto m : mechanisms)
    if (m != drop) out.push_back(m);
  return out;
}

}  // namespace switchyard::pg

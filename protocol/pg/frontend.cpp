// Query, Parse and Bind codecs; see frontend.h.
#include "protocol/pg/frontend.h"

#include "protocol/pg/backend.h"
#include "protocol/pg/coding.h"

namespace switchyard::pg {

std::optional<std::string_view> decode_query(std::string_view body) {
  ByteReader r(body);
  std::string_view sql;
  if (!r.cstring(sql) || !r.at_end()) return std::nullopt;
  return sql;
}

void encode_query(std::string& out, std::string_view sql) {
  std::string body(sql);
  body.push_back('\0');
  encode_message(out, 'Q', body);
}

std::optional<ParseMessage> decode_parse(std::string_view body) {
  ByteReader r(body);
  ParseMessage m;
  uint16_t n = 0;
  if (!r.cstring(m.statement) || !r.cstring(m.query) || !r.u16(n)) return std::nullopt;
  m.param_types.resize(n);
  for (auto& t : m.param_types)
    if (!r.u32(t)) return std::nullopt;
  if (!r.at_end()) return std::nullopt;
  return m;
}

void encode_parse(std::string& out, const ParseMessage& m) {
  std::string body;
  put_cstring(body, m.statement);
  put_cstring(body, m.query);
  put_u16(body, static_cast<uint16_t>(m.param_types.size()));
  for (uint32_t t : m.param_types) put_u32(body, t);
  encode_message(out, 'P', body);
}

std::optional<BindMessage> decode_bind(std::string_view body) {
  ByteReader r(body);
  BindMessage m;
  uint16_t nformats = 0, nparams = 0;
  if (!r.cstring(m.portal) || !r.cstring(m.statement) || !r.u16(nformats)) return std::nullopt;
  m.param_formats.resize(nformats);
  for (auto& f : m.param_formats)
    if (!r.u16(f)) return std::nullopt;
  if (!r.u16(nparams)) return std::nullopt;
  m.params.resize(nparams);
  for (auto& p : m.params) {
    uint32_t len = 0;
    if (!r.u32(len)) return std::nullopt;
    if (len == 0xffffffffu) continue;  // -1: NULL
    std::string_view v;
    if (!r.bytes(len, v)) return std::nullopt;
    p = v;
  }
  uint16_t nresults = 0;
  const size_t result_start = body.size() - r.remaining();
  if (!r.u16(nresults)) return std::nullopt;
  std::string_view codes;
  if (!r.bytes(size_t{nresults} * 2, codes) || !r.at_end()) return std::nullopt;
  m.result_formats = body.substr(result_start);
  return m;
}

void encode_bind(std::string& out, const BindMessage& m) {
  std::string body;
  put_cstring(body, m.portal);
  put_cstring(body, m.statement);
  put_u16(body, static_cast<uint16_t>(m.param_formats.size()));
  for (uint16_t f : m.param_formats) put_u16(body, f);
  put_u16(body, static_cast<uint16_t>(m.params.size()));
  for (const auto& p : m.params) {
    if (!p) {
      put_u32(body, 0xffffffffu);
      continue;
    }
    put_u32(body, static_cast<uint32_t>(p->size()));
    body.append(*p);
  }
  body.append(m.result_formats);
  encode_message(out, 'B', body);
}

std::optional<BindNames> decode_bind_names(std::string_view body) {
  ByteReader r(body);
  BindNames b;
  if (!r.cstring(b.portal) || !r.cstring(b.statement)) return std::nullopt;
  return b;
}

std::optional<Target> decode_describe_or_close(std::string_view body) {
  ByteReader r(body);
  uint8_t kind = 0;
  Target t;
  if (!r.u8(kind) || (kind != 'S' && kind != 'P') || !r.cstring(t.name) || !r.at_end()) return std::nullopt;
  t.kind = static_cast<char>(kind);
  return t;
}

void encode_describe_or_close(std::string& out, char type, const Target& t) {
  std::string body(1, t.kind);
  put_cstring(body, t.name);
  encode_message(out, type, body);
}

void encode_execute(std::string& out, std::string_view portal, uint32_t max_rows) {
  std::string body;
  put_cstring(body, portal);
  put_u32(body, max_rows);
  encode_message(out, 'E', body);
}

std::optional<std::string_view> decode_execute_portal(std::string_view body) {
  ByteReader r(body);
  std::string_view portal;
  uint32_t max_rows = 0;
  if (!r.cstring(portal) || !r.u32(max_rows) || !r.at_end()) return std::nullopt;
  return portal;
}

}  // namespace switchyard::pg

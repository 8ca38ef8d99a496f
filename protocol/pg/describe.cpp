// ParameterDescription and RowDescription codecs; see describe.h.
#include "protocol/pg/describe.h"

#include "protocol/pg/backend.h"
#include "protocol/pg/coding.h"

namespace switchyard::pg {

std::optional<std::vector<uint32_t>> decode_parameter_description(std::string_view body) {
  ByteReader r(body);
  uint16_t n = 0;
  if (!r.u16(n)) return std::nullopt;
  std::vector<uint32_t> types(n);
  for (auto& t : types)
    if (!r.u32(t)) return std::nullopt;
  if (!r.at_end()) return std::nullopt;
  return types;
}

std::optional<std::vector<FieldDescription>> decode_row_description(std::string_view body) {
  ByteReader r(body);
  uint16_t n = 0;
  if (!r.u16(n)) return std::nullopt;
  std::vector<FieldDescription> fields(n);
  for (auto& f : fields) {
    if (!r.cstring(f.name) || !r.u32(f.table_oid) || !r.u16(f.column) || !r.u32(f.type_oid) || !r.u16(f.type_size) ||
        !r.u32(f.type_modifier) || !r.u16(f.format))
      return std::nullopt;
  }
  if (!r.at_end()) return std::nullopt;
  return fields;
}

void encode_row_description(std::string& out, const std::vector<FieldDescription>& fields) {
  std::string body;
  put_u16(body, static_cast<uint16_t>(fields.size()));
  for (const auto& f : fields) {
    put_cstring(body, f.name);
    put_u32(body, f.table_oid);
    put_u16(body, f.column);
    put_u32(body, f.type_oid);
    put_u16(body, f.type_size);
    put_u32(body, f.type_modifier);
    put_u16(body, f.format);
  }
  encode_message(out, 'T', body);
}

std::optional<std::string> restore_row_origins(std::string_view before, std::string_view now) {
  const auto old_fields = decode_row_description(before);
  auto new_fields = decode_row_description(now);
  if (!old_fields || !new_fields || old_fields->size() != new_fields->size()) return std::nullopt;
  for (size_t i = 0; i < new_fields->size(); ++i) {
    const auto& o = (*old_fields)[i];
    auto& f = (*new_fields)[i];
    if (o.name != f.name || o.type_oid != f.type_oid || o.type_modifier != f.type_modifier) return std::nullopt;
    f.table_oid = o.table_oid;
    f.column = o.column;
  }
  std::string out;
  encode_row_description(out, *new_fields);
  return out;
}

}  // namespace switchyard::pg

// Result set packet codecs; see resultset.h.
#include "protocol/mysql/resultset.h"

#include "protocol/mysql/binary_value.h"
#include "protocol/mysql/coding.h"

namespace switchyard::mysql {

std::optional<uint64_t> decode_column_count(std::string_view payload) {
  ByteReader r(payload);
  uint64_t n = 0;
  // MySQL 8's optional metadata adds a byte after the count; the proxy does not agree to it.
  if (!r.lenenc_int(n) || n == 0 || !r.at_end()) return std::nullopt;
  return n;
}

void encode_column_count(std::string& out, uint64_t count) { put_lenenc_int(out, count); }

std::optional<ColumnDefinition> decode_column_definition(std::string_view payload, bool extended_metadata) {
  ByteReader r(payload);
  ColumnDefinition d;
  uint64_t fixed_length = 0;
  uint8_t type = 0;
  if (!r.lenenc_str(d.catalog) || !r.lenenc_str(d.schema) || !r.lenenc_str(d.table) || !r.lenenc_str(d.org_table) ||
      !r.lenenc_str(d.name) || !r.lenenc_str(d.org_name)) {
    return std::nullopt;
  }
  if (extended_metadata && !r.lenenc_str(d.extended_metadata)) return std::nullopt;
  // The fixed-length fields: always 0x0C bytes, the last two of them filler.
  if (!r.lenenc_int(fixed_length) || fixed_length != 0x0C || !r.u16(d.character_set) || !r.u32(d.column_length) ||
      !r.u8(type) || !r.u16(d.flags) || !r.u8(d.decimals) || !r.skip(2)) {
    return std::nullopt;
  }
  d.type = static_cast<ColumnType>(type);
  // COM_FIELD_LIST adds the column's default value; nothing else follows.
  return d;
}

void encode_column_definition(std::string& out, const ColumnDefinition& d, bool extended_metadata) {
  put_lenenc_str(out, d.catalog);
  put_lenenc_str(out, d.schema);
  put_lenenc_str(out, d.table);
  put_lenenc_str(out, d.org_table);
  put_lenenc_str(out, d.name);
  put_lenenc_str(out, d.org_name);
  if (extended_metadata) put_lenenc_str(out, d.extended_metadata);
  put_lenenc_int(out, 0x0C);
  put_u16(out, d.character_set);
  put_u32(out, d.column_length);
  put_u8(out, static_cast<uint8_t>(d.type));
  put_u16(out, d.flags);
  put_u8(out, d.decimals);
  put_u16(out, 0);
}

std::optional<Row> decode_text_row(std::string_view payload, size_t columns) {
  ByteReader r(payload);
  Row row;
  row.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    uint8_t first = 0;
    if (!r.peek(first)) return std::nullopt;
    if (first == kLenencNull) {
      r.skip(1);
      row.emplace_back(std::nullopt);
      continue;
    }
    std::string_view v;
    if (!r.lenenc_str(v)) return std::nullopt;
    row.emplace_back(v);
  }
  if (!r.at_end()) return std::nullopt;
  return row;
}

void encode_text_row(std::string& out, const std::vector<std::optional<std::string>>& values) {
  for (const auto& v : values) {
    if (v) put_lenenc_str(out, *v);
    else put_u8(out, kLenencNull);
  }
}

std::optional<Row> decode_binary_row(std::string_view payload, std::span<const ColumnType> types) {
  ByteReader r(payload);
  uint8_t header = 0;
  std::string_view bitmap;
  if (!r.u8(header) || header != 0x00 || !r.bytes((types.size() + 7 + 2) / 8, bitmap)) return std::nullopt;
  Row row;
  row.reserve(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    const size_t bit = i + 2;  // the first two bits are reserved
    if ((static_cast<uint8_t>(bitmap[bit / 8]) >> (bit % 8)) & 1) {
      row.emplace_back(std::nullopt);
      continue;
    }
    const std::optional<size_t> n = binary_value_length(types[i], payload.substr(payload.size() - r.remaining()));
    std::string_view v;
    if (!n || !r.bytes(*n, v)) return std::nullopt;
    row.emplace_back(v);
  }
  if (!r.at_end()) return std::nullopt;
  return row;
}

}  // namespace switchyard::mysql

// The answers to Describe (PostgreSQL docs, "Message Formats"): ParameterDescription ('t') and
// RowDescription ('T'). The proxy keeps a statement's first answers so that, after it prepared
// the statement again under another phase, the client is told exactly what it was told before.
// Bodies exclude the type byte and length word, as the Framer delivers them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::pg {

// ParameterDescription: the type OID of each parameter.
std::optional<std::vector<uint32_t>> decode_parameter_description(std::string_view body);

struct FieldDescription {
  std::string_view name;
  uint32_t table_oid = 0;   // 0: not a column of a table
  uint16_t column = 0;      // the column's attribute number, or 0
  uint32_t type_oid = 0;
  uint16_t type_size = 0;   // pg_type.typlen (Int16)
  uint32_t type_modifier = 0;
  uint16_t format = 0;      // 0 text, 1 binary
};
// Views into `body`.
std::optional<std::vector<FieldDescription>> decode_row_description(std::string_view body);
void encode_row_description(std::string& out, const std::vector<FieldDescription>& fields);

// `now` with each column's table and attribute number taken from `before` where the two
// describe the same output: the same number of fields, each with the same name, type and type
// modifier (the format may differ: a portal's Describe carries its Bind's result formats). The
// whole RowDescription message, or nullopt when they differ in anything else.
std::optional<std::string> restore_row_origins(std::string_view before, std::string_view now);

}  // namespace switchyard::pg

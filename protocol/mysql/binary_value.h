// The binary protocol's value encoding, shared by COM_STMT_EXECUTE parameters and binary result
// rows (MySQL source docs, page_protocol_binary_resultset "Binary Protocol Value"; MariaDB KB
// "Resultset row" > "Binary resultset row"): fixed-width integers and floats, a length byte then
// up to 11 bytes for temporal types, string<lenenc> for the rest.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/mysql/constants.h"

namespace switchyard::mysql {

// How many bytes the value of `type` at the front of `data` takes (length prefix included);
// nullopt when `data` is too short for it or `type` has no binary encoding.
std::optional<size_t> binary_value_length(ColumnType type, std::string_view data);

// The SQL literal, in MySQL's syntax, that the server reads as the value a COM_STMT_EXECUTE bound
// for a parameter of `type` (`value`: its binary bytes, length prefix included; exactly one
// value): an integer; a float or double in exponent form (a DOUBLE, never a DECIMAL, with every
// digit needed to read back the same bits); a DECIMAL's digits; DATE'...', TIMESTAMP'...' and
// TIME'...' with microseconds; NULL for kNull; a string as _charset X'hex', its exact bytes in
// `string_charset` (the session's character_set_client, which string parameters arrive in) and
// a BLOB-typed one as _binary X'hex', as the server reads them. nullopt for what it cannot say
// as exactly (a zero or malformed date, BIT, GEOMETRY, a charset name that is not a word).
std::optional<std::string> binary_value_literal(ColumnType type, bool is_unsigned, std::string_view value,
                                                std::string_view string_charset);

}  // namespace switchyard::mysql

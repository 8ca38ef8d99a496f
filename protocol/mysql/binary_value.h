// The binary protocol's value encoding, shared by COM_STMT_EXECUTE parameters and binary result
// rows (MySQL source docs, page_protocol_binary_resultset "Binary Protocol Value"; MariaDB KB
// "Resultset row" > "Binary resultset row"): fixed-width integers and floats, a length byte then
// up to 11 bytes for temporal types, string<lenenc> for the rest.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "protocol/mysql/constants.h"

namespace switchyard::mysql {

// How many bytes the value of `type` at the front of `data` takes (length prefix included);
// nullopt when `data` is too short for it or `type` has no binary encoding.
std::optional<size_t> binary_value_length(ColumnType type, std::string_view data);

}  // namespace switchyard::mysql

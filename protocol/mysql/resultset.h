// Result set packets (MySQL source docs, page_protocol_com_query_response_text_resultset,
// page_protocol_com_query_response_text_resultset_column_definition,
// page_protocol_binary_resultset; MariaDB KB "Result Set Packets"): the column count, one
// ColumnDefinition41 per column, then rows (text: string<lenenc> or 0xFB for NULL per column;
// binary: 0x00, a NULL bitmap offset by 2 bits, then binary protocol values).
//
// Which packets come when is the ReplyTracker's business (reply_tracker.h); these decode and
// encode their contents. Views point into the payload.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/mysql/constants.h"

namespace switchyard::mysql {

// The result set's first packet: int<lenenc> column count, never 0 (0x00 starts an OK).
std::optional<uint64_t> decode_column_count(std::string_view payload);
void encode_column_count(std::string& out, uint64_t count);

struct ColumnDefinition {
  std::string_view catalog = "def";
  std::string_view schema;
  std::string_view table;      // its alias in the query
  std::string_view org_table;  // the physical table
  std::string_view name;       // its alias in the query
  std::string_view org_name;   // the physical column
  // MariaDB's extended type info (MARIADB_CLIENT_EXTENDED_METADATA): raw, empty without it.
  std::string_view extended_metadata;
  uint16_t character_set = 0;
  uint32_t column_length = 0;
  ColumnType type = ColumnType::kVarString;
  uint16_t flags = 0;
  uint8_t decimals = 0;
};
// `extended_metadata`: MariaDB's extended metadata capability was agreed on.
std::optional<ColumnDefinition> decode_column_definition(std::string_view payload, bool extended_metadata = false);
void encode_column_definition(std::string& out, const ColumnDefinition& def, bool extended_metadata = false);

// A row's values; nullopt for SQL NULL. Text values are the server's text; binary values are raw
// binary protocol bytes, length prefix included (binary_value.h).
using Row = std::vector<std::optional<std::string_view>>;
std::optional<Row> decode_text_row(std::string_view payload, size_t columns);
void encode_text_row(std::string& out, const std::vector<std::optional<std::string>>& values);
std::optional<Row> decode_binary_row(std::string_view payload, std::span<const ColumnType> types);

}  // namespace switchyard::mysql

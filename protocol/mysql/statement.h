// Prepared statement commands (MySQL source docs, page_protocol_com_stmt_prepare,
// page_protocol_com_stmt_execute, page_protocol_com_stmt_fetch, page_protocol_com_stmt_close,
// page_protocol_com_stmt_reset, page_protocol_com_stmt_send_long_data; MariaDB KB
// "COM_STMT_PREPARE", "COM_STMT_EXECUTE", ...).
//
// COM_STMT_EXECUTE does not say how many parameters it carries: that number comes from the
// COM_STMT_PREPARE OK, and when the client does not send types again (new_params_bound_flag 0)
// the types are those of the statement's previous execution. The caller keeps both per statement.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/mysql/coding.h"
#include "protocol/mysql/constants.h"

namespace switchyard::mysql {

std::optional<std::string_view> decode_stmt_prepare(std::string_view payload);  // the SQL
void encode_stmt_prepare(std::string& out, std::string_view sql);

// COM_STMT_PREPARE_OK: then num_params parameter definitions and num_columns column definitions
// follow, each group closed by an EOF unless CLIENT_DEPRECATE_EOF (and absent when empty).
struct StmtPrepareOk {
  uint32_t statement_id = 0;
  uint16_t num_columns = 0;
  uint16_t num_params = 0;
  uint16_t warnings = 0;
};
std::optional<StmtPrepareOk> decode_stmt_prepare_ok(std::string_view payload);
void encode_stmt_prepare_ok(std::string& out, const StmtPrepareOk& ok);

struct ParamType {
  ColumnType type = ColumnType::kNull;
  bool is_unsigned = false;
  bool operator==(const ParamType&) const = default;
};

struct ExecuteParam {
  ParamType type;
  bool is_null = false;
  bool long_data = false;   // its value came in COM_STMT_SEND_LONG_DATA, not here
  std::string_view value;   // raw binary protocol bytes (length prefix included), empty if null
};

// Cursor flags of COM_STMT_EXECUTE.
inline constexpr uint8_t kCursorTypeNoCursor = 0x00;
inline constexpr uint8_t kCursorTypeReadOnly = 0x01;

struct StmtExecute {
  uint32_t statement_id = 0;
  uint8_t flags = 0;
  uint32_t iteration_count = 1;
  bool new_params_bound = false;  // the packet carries the parameter types
  std::vector<ExecuteParam> params;

  std::vector<ParamType> types() const;
};

// `num_params` from the statement's prepare OK; `previous_types` used when the packet carries
// none; `long_data[i]` true for parameters sent by COM_STMT_SEND_LONG_DATA since the last
// execute (absent: false). Views point into `payload`.
Decoded<StmtExecute> decode_stmt_execute(std::string_view payload, uint16_t num_params,
                                         std::span<const ParamType> previous_types = {},
                                         const std::vector<bool>& long_data = {});
// Writes types whenever new_params_bound; values of params neither null nor long_data.
void encode_stmt_execute(std::string& out, const StmtExecute& execute);

struct StmtFetch {
  uint32_t statement_id = 0;
  uint32_t num_rows = 0;
};
std::optional<StmtFetch> decode_stmt_fetch(std::string_view payload);
void encode_stmt_fetch(std::string& out, const StmtFetch& fetch);

// COM_STMT_CLOSE (no reply) and COM_STMT_RESET (OK or ERR): the statement id.
std::optional<uint32_t> decode_stmt_close(std::string_view payload);
std::optional<uint32_t> decode_stmt_reset(std::string_view payload);
void encode_stmt_close(std::string& out, uint32_t statement_id);
void encode_stmt_reset(std::string& out, uint32_t statement_id);

// COM_STMT_SEND_LONG_DATA (no reply): a chunk of one parameter's value.
struct StmtSendLongData {
  uint32_t statement_id = 0;
  uint16_t param_id = 0;
  std::string_view data;
};
std::optional<StmtSendLongData> decode_stmt_send_long_data(std::string_view payload);
void encode_stmt_send_long_data(std::string& out, const StmtSendLongData& chunk);

}  // namespace switchyard::mysql

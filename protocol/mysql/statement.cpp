// Prepared statement command codecs; see statement.h.
#include "protocol/mysql/statement.h"

#include "protocol/mysql/binary_value.h"

namespace switchyard::mysql {
namespace {

constexpr uint8_t kUnsignedFlag = 0x80;  // the parameter type's flag byte

// A command byte followed by a statement id and nothing else.
std::optional<uint32_t> decode_id_only(std::string_view payload, Command command) {
  ByteReader r(payload);
  uint8_t c = 0;
  uint32_t id = 0;
  if (!r.u8(c) || c != static_cast<uint8_t>(command) || !r.u32(id) || !r.at_end()) return std::nullopt;
  return id;
}

void encode_id_only(std::string& out, Command command, uint32_t id) {
  put_u8(out, static_cast<uint8_t>(command));
  put_u32(out, id);
}

}  // namespace

std::optional<std::string_view> decode_stmt_prepare(std::string_view payload) {
  if (payload.empty() || static_cast<uint8_t>(payload[0]) != static_cast<uint8_t>(Command::kStmtPrepare)) {
    return std::nullopt;
  }
  return payload.substr(1);
}

void encode_stmt_prepare(std::string& out, std::string_view sql) {
  put_u8(out, static_cast<uint8_t>(Command::kStmtPrepare));
  out.append(sql);
}

std::optional<StmtPrepareOk> decode_stmt_prepare_ok(std::string_view payload) {
  ByteReader r(payload);
  uint8_t status = 0, reserved = 0;
  StmtPrepareOk ok;
  if (!r.u8(status) || status != kOkHeader || !r.u32(ok.statement_id) || !r.u16(ok.num_columns) ||
      !r.u16(ok.num_params) || !r.u8(reserved)) {
    return std::nullopt;
  }
  if (!r.at_end() && !r.u16(ok.warnings)) return std::nullopt;
  return ok;
}

void encode_stmt_prepare_ok(std::string& out, const StmtPrepareOk& ok) {
  put_u8(out, kOkHeader);
  put_u32(out, ok.statement_id);
  put_u16(out, ok.num_columns);
  put_u16(out, ok.num_params);
  put_u8(out, 0);
  put_u16(out, ok.warnings);
}

std::vector<ParamType> StmtExecute::types() const {
  std::vector<ParamType> t;
  t.reserve(params.size());
  for (const ExecuteParam& p : params) t.push_back(p.type);
  return t;
}

Decoded<StmtExecute> decode_stmt_execute(std::string_view payload, uint16_t num_params,
                                         std::span<const ParamType> previous_types, const std::vector<bool>& long_data) {
  using Result = Decoded<StmtExecute>;
  ByteReader r(payload);
  uint8_t command = 0;
  StmtExecute ex;
  if (!r.u8(command) || command != static_cast<uint8_t>(Command::kStmtExecute)) return Result::fail("not a COM_STMT_EXECUTE");
  if (!r.u32(ex.statement_id) || !r.u8(ex.flags) || !r.u32(ex.iteration_count)) {
    return Result::fail("COM_STMT_EXECUTE: truncated header");
  }
  if (num_params == 0) {
    if (!r.at_end()) return Result::fail("COM_STMT_EXECUTE: bytes after a statement without parameters");
    return Result::ok(std::move(ex));
  }
  std::string_view null_bitmap;
  uint8_t bound = 0;
  if (!r.bytes((num_params + 7) / 8, null_bitmap) || !r.u8(bound)) return Result::fail("COM_STMT_EXECUTE: truncated null bitmap");
  ex.new_params_bound = bound == 1;
  ex.params.resize(num_params);
  for (uint16_t i = 0; i < num_params; ++i) {
    ExecuteParam& p = ex.params[i];
    p.is_null = (static_cast<uint8_t>(null_bitmap[i / 8]) >> (i % 8)) & 1;
    p.long_data = i < long_data.size() && long_data[i];
    if (ex.new_params_bound) {
      uint8_t type = 0, flags = 0;
      if (!r.u8(type) || !r.u8(flags)) return Result::fail("COM_STMT_EXECUTE: truncated parameter types");
      p.type = ParamType{static_cast<ColumnType>(type), (flags & kUnsignedFlag) != 0};
    } else if (i < previous_types.size()) {
      p.type = previous_types[i];
    } else {
      return Result::fail("COM_STMT_EXECUTE: no parameter types sent, and none known from an earlier execution");
    }
  }
  for (ExecuteParam& p : ex.params) {
    if (p.is_null || p.long_data) continue;
    std::string_view rest = payload.substr(payload.size() - r.remaining());
    const std::optional<size_t> n = binary_value_length(p.type.type, rest);
    if (!n) return Result::fail("COM_STMT_EXECUTE: truncated or untyped parameter value");
    r.bytes(*n, p.value);
  }
  if (!r.at_end()) return Result::fail("COM_STMT_EXECUTE: bytes after the last parameter");
  return Result::ok(std::move(ex));
}

void encode_stmt_execute(std::string& out, const StmtExecute& ex) {
  put_u8(out, static_cast<uint8_t>(Command::kStmtExecute));
  put_u32(out, ex.statement_id);
  put_u8(out, ex.flags);
  put_u32(out, ex.iteration_count);
  if (ex.params.empty()) return;
  std::string bitmap((ex.params.size() + 7) / 8, '\0');
  for (size_t i = 0; i < ex.params.size(); ++i) {
    if (ex.params[i].is_null) bitmap[i / 8] = static_cast<char>(bitmap[i / 8] | (1 << (i % 8)));
  }
  out.append(bitmap);
  put_u8(out, ex.new_params_bound ? 1 : 0);
  if (ex.new_params_bound) {
    for (const ExecuteParam& p : ex.params) {
      put_u8(out, static_cast<uint8_t>(p.type.type));
      put_u8(out, p.type.is_unsigned ? kUnsignedFlag : 0);
    }
  }
  for (const ExecuteParam& p : ex.params) {
    if (!p.is_null && !p.long_data) out.append(p.value);
  }
}

std::optional<StmtFetch> decode_stmt_fetch(std::string_view payload) {
  ByteReader r(payload);
  uint8_t c = 0;
  StmtFetch f;
  if (!r.u8(c) || c != static_cast<uint8_t>(Command::kStmtFetch) || !r.u32(f.statement_id) || !r.u32(f.num_rows) ||
      !r.at_end()) {
    return std::nullopt;
  }
  return f;
}

void encode_stmt_fetch(std::string& out, const StmtFetch& fetch) {
  encode_id_only(out, Command::kStmtFetch, fetch.statement_id);
  put_u32(out, fetch.num_rows);
}

std::optional<uint32_t> decode_stmt_close(std::string_view payload) { return decode_id_only(payload, Command::kStmtClose); }
std::optional<uint32_t> decode_stmt_reset(std::string_view payload) { return decode_id_only(payload, Command::kStmtReset); }
void encode_stmt_close(std::string& out, uint32_t id) { encode_id_only(out, Command::kStmtClose, id); }
void encode_stmt_reset(std::string& out, uint32_t id) { encode_id_only(out, Command::kStmtReset, id); }

std::optional<StmtSendLongData> decode_stmt_send_long_data(std::string_view payload) {
  ByteReader r(payload);
  uint8_t c = 0;
  StmtSendLongData d;
  if (!r.u8(c) || c != static_cast<uint8_t>(Command::kStmtSendLongData) || !r.u32(d.statement_id) ||
      !r.u16(d.param_id)) {
    return std::nullopt;
  }
  d.data = r.rest();
  return d;
}

void encode_stmt_send_long_data(std::string& out, const StmtSendLongData& chunk) {
  encode_id_only(out, Command::kStmtSendLongData, chunk.statement_id);
  put_u16(out, chunk.param_id);
  out.append(chunk.data);
}

}  // namespace switchyard::mysql

// Backend messages the proxy reads or writes itself (PostgreSQL docs, "Message Formats"):
// BackendKeyData, ReadyForQuery, ErrorResponse / NoticeResponse fields. Everything else the
// backend sends streams through the Framer untouched.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard::pg {

struct BackendKeyData {
  uint32_t pid = 0;
  uint32_t secret = 0;
};

// Bodies (without type byte and length word), as delivered by Framer::on_message.
std::optional<BackendKeyData> decode_backend_key_data(std::string_view body);
// 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block.
std::optional<char> decode_ready_for_query(std::string_view body);

// Whole messages, type byte and length included.
void encode_backend_key_data(std::string& out, BackendKeyData key);
void encode_ready_for_query(std::string& out, char status);

// An ErrorResponse ('E') with severity (S and V), SQLSTATE code (C) and message (M).
void encode_error_response(std::string& out, std::string_view severity, std::string_view sqlstate,
                           std::string_view message);

// Appends any message given its type and body.
void encode_message(std::string& out, char type, std::string_view body);

// The value of one field (e.g. 'C' for SQLSTATE, 'M' for message) of an ErrorResponse or
// NoticeResponse body; empty if absent or malformed.
std::string_view error_field(std::string_view body, char field);

// Field code -> its new value, or nullopt to remove the field.
using ErrorFieldEdits = std::map<char, std::optional<std::string>>;
// Appends the whole message (of `type`: 'E' or 'N') whose body is `body` with `edits` applied to
// the fields it has (fields it lacks are not added; the others keep their order). False, and
// `out` untouched, if `body` is malformed.
bool encode_with_error_fields(std::string& out, char type, std::string_view body, const ErrorFieldEdits& edits);

}  // namespace switchyard::pg

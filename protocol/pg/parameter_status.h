// ParameterStatus ('S', PostgreSQL docs 55.7 "Message Formats"): the backend reports a run-time
// parameter's value at start-up and whenever it changes for a parameter marked GUC_REPORT
// (standard_conforming_strings, client_encoding, ...). The session follows the ones that change
// how the server's lexer reads SQL text (rewrite/pg/lexical.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchyard::pg {

struct ParameterStatus {
  std::string_view name;   // views into the body given to decode_parameter_status
  std::string_view value;
};

// The body (without type byte and length word): name NUL value NUL, nothing after. nullopt if
// malformed.
std::optional<ParameterStatus> decode_parameter_status(std::string_view body);

// The whole message, type byte and length included.
void encode_parameter_status(std::string& out, std::string_view name, std::string_view value);

}  // namespace switchyard::pg

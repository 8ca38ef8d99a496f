// ParameterStatus codec; see parameter_status.h.
#include "protocol/pg/parameter_status.h"

#include "protocol/pg/backend.h"

namespace switchyard::pg {

std::optional<ParameterStatus> decode_parameter_status(std::string_view body) {
  const size_t end_name = body.find('\0');
  if (end_name == std::string_view::npos) return std::nullopt;
  const size_t end_value = body.find('\0', end_name + 1);
  if (end_value == std::string_view::npos || end_value + 1 != body.size()) return std::nullopt;
  return ParameterStatus{body.substr(0, end_name), body.substr(end_name + 1, end_value - end_name - 1)};
}

void encode_parameter_status(std::string& out, std::string_view name, std::string_view value) {
  std::string body;
  body.append(name);
  body.push_back('\0');
  body.append(value);
  body.push_back('\0');
  encode_message(out, 'S', body);
}

}  // namespace switchyard::pg

// SQL spelling of config names; see identifier.h.
#include "config/identifier.h"

namespace switchyard::config {

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

std::string quote_table(const TableName& table) { return quote_ident(table.schema) + "." + quote_ident(table.name); }

}  // namespace switchyard::config

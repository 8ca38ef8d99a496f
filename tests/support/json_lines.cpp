// Parsing JSON-lines output in tests (see json_lines.h).
#include "tests/support/json_lines.h"

#include <boost/json/src.hpp>

namespace switchyard::test_support {

bool parse_json_lines(const std::string& text, std::vector<boost::json::object>& out, std::string& error) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) {
      error = "not a JSON object (" + (ec ? ec.message() : std::string("another JSON value")) + "): " + line;
      return false;
    }
    out.push_back(std::move(value.as_object()));
  }
  return true;
}

std::vector<std::string> string_array(const boost::json::value& value) {
  if (!value.is_array()) return {"<not an array>"};
  std::vector<std::string> out;
  for (const boost::json::value& v : value.as_array()) {
    out.push_back(v.is_null() ? "<null>" : v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v));
  }
  return out;
}

}  // namespace switchyard::test_support

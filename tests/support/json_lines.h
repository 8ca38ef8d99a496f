// Parsing JSON-lines output (e.g. the shadow mismatch log) in tests, with Boost.JSON. This file's
// .cpp is the one place that compiles Boost.JSON (boost/json/src.hpp) into the test binaries.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace switchyard::test_support {

// Each non-empty line of `text` as a JSON object. False, with the line and why in `error`, if a
// line is not a JSON object.
bool parse_json_lines(const std::string& text, std::vector<boost::json::object>& out, std::string& error);

// The array of strings (or nulls, as "<null>") `value` holds, for comparisons; {"<not an array>"}
// if it is not an array.
std::vector<std::string> string_array(const boost::json::value& value);

}  // namespace switchyard::test_support

// The round-trip property for the MySQL front end, shared by its tests: parse, print, parse
// again, and the two trees are the same (same_tree). Returns "" when it holds, else what broke.
#pragma once

#include <string>
#include <string_view>

#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/printer.h"

namespace switchyard::rewrite::mysql::testing {

inline std::string round_trip_failure(std::string_view sql, const LexicalSettings& settings = {},
                                      std::string* printed = nullptr) {
  const Parsed first = parse(sql, settings);
  if (!first) return "does not parse: " + first.error().message;
  const std::string text = print(first.tree());
  if (printed != nullptr) *printed = text;
  const Parsed again = parse(text, settings);
  if (!again) return "the printed text does not parse: " + text + " (" + again.error().message + ")";
  if (!same_tree(first.tree(), first.tree().root(), again.tree(), again.tree().root()))
    return "another tree after printing: " + text + "\n  was " + debug_string(first.tree(), first.tree().root()) +
           "\n  now " + debug_string(again.tree(), again.tree().root());
  return "";
}

}  // namespace switchyard::rewrite::mysql::testing

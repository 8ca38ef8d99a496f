// Placeholders replaced by literals; see placeholders.h.
#include "rewrite/mysql/placeholders.h"

#include "rewrite/mysql/lexer.h"

namespace switchyard::rewrite::mysql {

std::optional<std::string> with_parameters(std::string_view sql, const std::vector<std::string>& values,
                                           const LexicalSettings& settings) {
  Lexer lexer(sql, settings);
  std::string out;
  size_t copied = 0, used = 0;
  for (Token t = lexer.next(); t.type != Tok::kEnd; t = lexer.next()) {
    if (t.type == Tok::kError) return std::nullopt;
    if (t.type != Tok::kParam) continue;
    if (used == values.size()) return std::nullopt;
    if (out.empty()) out.reserve(sql.size() + 32 * values.size());
    out.append(sql.substr(copied, t.begin - copied));
    // Spaces keep the literal apart from its neighbours, except after '-', where a space would
    // make "--?" a "-- " comment: there parentheses do it (a ? after '-' is an operand).
    const bool after_minus = t.begin > 0 && sql[t.begin - 1] == '-';
    out.push_back(after_minus ? '(' : ' ');
    out += values[used++];
    out.push_back(after_minus ? ')' : ' ');
    copied = t.end;
  }
  if (used != values.size()) return std::nullopt;
  out.append(sql.substr(copied));
  return out;
}

}  // namespace switchyard::rewrite::mysql

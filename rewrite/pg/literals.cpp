// Literal placeholders for shape caching, using libpg_query's scanner; see literals.h.
#include "rewrite/pg/literals.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {
namespace {

bool is_literal(PgQuery__Token t) {
  switch (t) {
    case PG_QUERY__TOKEN__SCONST:
    case PG_QUERY__TOKEN__USCONST:
    case PG_QUERY__TOKEN__BCONST:
    case PG_QUERY__TOKEN__XCONST:
    case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__FCONST:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<Shape> shape_of(std::string_view sql) {
  const std::string text(sql);  // the scanner needs a NUL-terminated string
  PgQueryScanResult scanned = pg_query_scan(text.c_str());
  if (scanned.error != nullptr) {
    pg_query_free_scan_result(scanned);
    return std::nullopt;
  }
  PgQuery__ScanResult* tokens = pg_query__scan_result__unpack(
      nullptr, scanned.pbuf.len, reinterpret_cast<const uint8_t*>(scanned.pbuf.data));
  pg_query_free_scan_result(scanned);
  if (tokens == nullptr) return std::nullopt;

  // Placeholders continue after the statement's own highest parameter.
  int max_param = 0;
  for (size_t i = 0; i < tokens->n_tokens; ++i) {
    const auto* t = tokens->tokens[i];
    if (t->token != PG_QUERY__TOKEN__PARAM) continue;
    int n = 0;
    const char* begin = text.data() + t->start + 1;
    std::from_chars(begin, text.data() + t->end, n);
    max_param = std::max(max_param, n);
  }
  Shape shape;
  shape.first = max_param + 1;
  size_t copied = 0;
  for (size_t i = 0; i < tokens->n_tokens; ++i) {
    const auto* t = tokens->tokens[i];
    if (!is_literal(t->token)) continue;
    const auto start = static_cast<size_t>(t->start), end = static_cast<size_t>(t->end);
    shape.text.append(text, copied, start - copied);
    shape.text += "$" + std::to_string(shape.first + static_cast<int>(shape.literals.size()));
    shape.literals.emplace_back(text.substr(start, end - start));
    copied = end;
  }
  shape.text.append(text, copied, std::string::npos);
  pg_query__scan_result__free_unpacked(tokens, nullptr);
  return shape;
}

std::optional<std::string> with_literals(std::string_view s, const Shape& shape) {
  std::string out;
  out.reserve(s.size() + 16 * shape.literals.size());
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\'' || c == '"') {
      // A quoted string or identifier, with doubled quotes inside: copied as it is.
      size_t j = i + 1;
      while (j < s.size()) {
        if (s[j] == c) {
          if (j + 1 < s.size() && s[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        if (c == '\'' && s[j] == '\\' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e')) ++j;  // E'..\'..'
        ++j;
      }
      out.append(s.substr(i, j + 1 - i));
      i = j + 1;
      continue;
    }
    if (c == '$' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9' &&
        (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_'))) {
      size_t j = i + 1;
      int n = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') n = n * 10 + (s[j++] - '0');
      if (n >= shape.first) {
        const size_t k = static_cast<size_t>(n - shape.first);
        if (k >= shape.literals.size()) return std::nullopt;
        out += shape.literals[k];
      } else {
        out.append(s.substr(i, j - i));
      }
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace switchyard::rewrite::pg

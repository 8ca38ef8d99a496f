// Literal placeholders for shape caching: a fast scan of the common lexical rules, else
// libpg_query's scanner; see literals.h.
#include "rewrite/pg/literals.h"

#include <algorithm>
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

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool ident_cont(char c) { return ident_start(c) || is_digit(c) || c == '$'; }
// PostgreSQL's {space}: [ \t\n\r\f] (a vertical tab is not one in every version: declined).
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The end of the comment or space run at `i` (i itself when there is none); npos when a
// block comment does not end.
size_t skip_space_and_comments(std::string_view s, size_t i) {
  while (i < s.size()) {
    if (is_space(s[i])) {
      ++i;
    } else if (s[i] == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      const size_t nl = s.find_first_of("\n\r", i);  // PostgreSQL's non_newline is [^\n\r]
      i = nl == std::string_view::npos ? s.size() : nl;
    } else if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int depth = 0;  // block comments nest
      do {
        if (i + 1 < s.size() && s[i] == '/' && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (i + 1 < s.size() && s[i] == '*' && s[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      } while (depth > 0 && i < s.size());
      if (depth > 0) return std::string_view::npos;
    } else {
      break;
    }
  }
  return i;
}

// The quote that closes the string or identifier opening at `open` (a doubled quote is one
// character of it), or npos when none does.
size_t closing_quote(std::string_view s, size_t open) {
  const char q = s[open];
  for (size_t j = open + 1;; j += 2) {
    j = s.find(q, j);
    if (j == std::string_view::npos || j + 1 >= s.size() || s[j + 1] != q) return j;
  }
}

// Whether a placeholder put at `at` would join the word before it: `date'2024-01-01'` would
// shape as `date$1`, one identifier, so the shape would mean another statement. Such a text
// has no shape (it is rewritten from itself).
bool merges_with_word(std::string_view s, size_t at) { return at > 0 && ident_cont(s[at - 1]); }

}  // namespace

std::optional<Shape> fast_shape_of(std::string_view s) {
  // The scanner reads a C string, so a NUL anywhere (inside a literal too) ends its text there.
  if (s.find('\0') != std::string_view::npos) return std::nullopt;
  std::vector<std::pair<size_t, size_t>> literals;  // [begin, end)
  int max_param = 0;
  size_t i = 0;
  while (i < s.size()) {
    const size_t after = skip_space_and_comments(s, i);
    if (after == std::string_view::npos) return std::nullopt;
    if (after != i) {
      i = after;
      continue;
    }
    const char c = s[i];
    if (ident_start(c)) {
      size_t j = i + 1;
      while (j < s.size() && ident_cont(s[j])) ++j;
      // E'', B'', X'', N'', a typed literal written against its type, U&'' and U&"".
      if (j < s.size() && (s[j] == '\'' || (s[j] == '&' && j == i + 1 && (c == 'u' || c == 'U')))) return std::nullopt;
      i = j;
    } else if (c == '"') {
      const size_t j = closing_quote(s, i);
      if (j == std::string_view::npos || j == i + 1) return std::nullopt;  // "" is a zero-length identifier: an error
      i = j + 1;
    } else if (c == '\'') {
      const size_t j = closing_quote(s, i);
      if (j == std::string_view::npos) return std::nullopt;
      // 'a' <newline> 'b' is one string: declined, as is any string that a quote follows.
      const size_t next = skip_space_and_comments(s, j + 1);
      if (next == std::string_view::npos || (next < s.size() && s[next] == '\'')) return std::nullopt;
      literals.emplace_back(i, j + 1);
      i = j + 1;
    } else if (c == '.' && i + 1 < s.size() && s[i + 1] == '.') {
      i += 2;  // DOT_DOT: `..2` is `..` then 2, not `.` then .2
    } else if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      if (j < s.size() && s[j] == '.') {
        if (j + 1 < s.size() && s[j + 1] == '.') return std::nullopt;  // 1..2
        ++j;
        while (j < s.size() && is_digit(s[j])) ++j;
      }
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (k >= s.size() || !is_digit(s[k])) return std::nullopt;
        while (k < s.size() && is_digit(s[k])) ++k;
        j = k;
      }
      if (j < s.size() && (ident_cont(s[j]) || s[j] == '.')) return std::nullopt;  // trailing junk
      literals.emplace_back(i, j);
      i = j;
    } else if (c == '$') {
      size_t j = i + 1;
      if (j >= s.size() || !is_digit(s[j])) return std::nullopt;  // a dollar quote
      int n = 0;
      while (j < s.size() && is_digit(s[j])) {
        if (n > 100000) return std::nullopt;
        n = n * 10 + (s[j++] - '0');
      }
      if (j < s.size() && ident_cont(s[j])) return std::nullopt;
      max_param = std::max(max_param, n);
      i = j;
    } else if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return std::nullopt;  // outside a string; control bytes (NUL, a vertical tab)
    } else if (std::string_view("~!@#^&|`?+-*/%<>=").find(c) != std::string_view::npos) {
      // An operator: PostgreSQL refuses one of NAMEDATALEN (64) characters or more ("operator
      // too long"); a long run is declined (a comment start inside it is found by the next turn).
      size_t j = i;
      while (j < s.size() && std::string_view("~!@#^&|`?+-*/%<>=").find(s[j]) != std::string_view::npos) ++j;
      if (j - i >= 32) return std::nullopt;
      ++i;
    } else {
      ++i;  // punctuation
    }
  }
  Shape shape;
  shape.first = max_param + 1;
  size_t copied = 0;
  for (const auto& [begin, end] : literals) {
    if (merges_with_word(s, begin)) return std::nullopt;
    shape.text.append(s.substr(copied, begin - copied));
    shape.text += "$" + std::to_string(shape.first + static_cast<int>(shape.literals.size()));
    shape.literals.emplace_back(s.substr(begin, end - begin));
    copied = end;
  }
  shape.text.append(s.substr(copied));
  return shape;
}

std::optional<Shape> shape_of(std::string_view sql) {
  if (auto fast = fast_shape_of(sql)) return fast;
  return scanned_shape_of(sql);
}

std::optional<Shape> scanned_shape_of(std::string_view sql) {
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
    if (merges_with_word(text, start)) {
      pg_query__scan_result__free_unpacked(tokens, nullptr);
      return std::nullopt;
    }
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
    if ((c == '-' || c == '/') && i + 1 < s.size() && s[i + 1] == (c == '-' ? '-' : '*')) {
      // A comment, copied as it is: a $1 in it is no placeholder.
      const size_t end = skip_space_and_comments(s, i);
      const size_t j = end == std::string_view::npos ? s.size() : end;
      out.append(s.substr(i, j - i));
      i = j;
      continue;
    }
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
    if (ident_start(c)) {
      // A word, `$` and digits included (`a$1` is an identifier), copied as it is. After a
      // number, `$2` is a parameter again (`'a'7` shapes as `$1$2`).
      size_t j = i + 1;
      while (j < s.size() && ident_cont(s[j])) ++j;
      out.append(s.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '$' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
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

// Reading string literals under the session's lexical settings; see lexical.h. The states follow
// PostgreSQL's scan.l (xq, xe, xb, xh, xus, xd, xdolq, xc and the continuation rule).
#include "rewrite/pg/lexical.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace switchyard::rewrite::pg {
namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}
bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// After a closing quote at `i - 1`: where the next segment's quote is, if the literal goes on
// (whitespace with at least one newline, or -- comments each ending in a newline), else npos.
size_t continuation(std::string_view s, size_t i) {
  bool newline = false;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n' || c == '\r') newline = true, ++i;
    else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') ++i;
    else if (newline && c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      const size_t nl = s.find('\n', i);
      if (nl == std::string_view::npos) return std::string_view::npos;
      i = nl;
    } else {
      break;
    }
  }
  return newline && i < s.size() && s[i] == '\'' ? i : std::string_view::npos;
}

// One quoted segment from the quote at `i`: the index after its closing quote, or npos.
size_t segment_end(std::string_view s, size_t i, bool escapes, bool& backslash) {
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (escapes && s[j] == '\\') {
      backslash = true;
      ++j;
    } else if (s[j] == '\'') {
      if (j + 1 < s.size() && s[j + 1] == '\'') ++j;
      else return j + 1;
    } else if (s[j] == '\\') {
      backslash = true;
    }
  }
  return std::string_view::npos;
}

}  // namespace

StringReading read_strings(std::string_view s, bool standard_strings) {
  StringReading out;
  size_t copied = 0;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const bool after_ident = i > 0 && ident_char(s[i - 1]);
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      const size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int depth = 0;  // comments nest
      size_t j = i;
      for (; j + 1 < s.size(); ++j) {
        if (s[j] == '/' && s[j + 1] == '*') ++depth, ++j;
        else if (s[j] == '*' && s[j + 1] == '/' && --depth == 0) break;
      }
      if (j + 1 >= s.size()) return out.ok = false, out;
      i = j + 2;
    } else if (c == '"') {
      const size_t j = s.find('"', i + 1);
      if (j == std::string_view::npos) return out.ok = false, out;
      i = j + 1;  // a doubled quote is two identifiers back to back: the same skip
    } else if (c == '$' && !after_ident) {
      size_t j = i + 1;
      if (j < s.size() && ident_start(s[j]))
        while (j < s.size() && ident_char(s[j]) && s[j] != '$') ++j;
      if (j < s.size() && s[j] == '$') {
        const std::string_view tag = s.substr(i, j + 1 - i);
        const size_t close = s.find(tag, j + 1);
        if (close == std::string_view::npos) return out.ok = false, out;
        i = close + tag.size();
      } else {
        i = j;  // a parameter $1, or a lone $
      }
    } else if (c == '\'') {
      // The literal's kind from the letters just before the quote: E, B, X, U&, or none (also
      // N, which is NCHAR followed by a plain literal, and a type name such as date'...').
      bool escapes = false, plain = false;
      if (i >= 1 && (s[i - 1] == 'E' || s[i - 1] == 'e') && !(i >= 2 && ident_char(s[i - 2]))) escapes = true;
      else if (i >= 1 && s[i - 1] != '\0' && std::strchr("BbXx", s[i - 1]) && !(i >= 2 && ident_char(s[i - 2]))) escapes = false;
      else if (i >= 2 && s[i - 1] == '&' && (s[i - 2] == 'U' || s[i - 2] == 'u')) escapes = false;
      else plain = true, escapes = !standard_strings;
      bool backslash = false;
      size_t end = segment_end(s, i, escapes, backslash);
      for (size_t next; end != std::string_view::npos && (next = continuation(s, end)) != std::string_view::npos;)
        end = segment_end(s, next, escapes, backslash);
      if (end == std::string_view::npos) return out.ok = false, out;
      if (plain && backslash) {
        out.plain_backslash = true;
        if (!standard_strings) {
          // The same literal as an escape string, which every setting reads alike. After N
          // (NCHAR), NCHAR E'...'; after another word (a type name), a space first.
          out.text.append(s, copied, i - copied);
          const bool nchar = i >= 1 && (s[i - 1] == 'N' || s[i - 1] == 'n') && !(i >= 2 && ident_char(s[i - 2]));
          if (nchar) out.text.append("CHAR E");
          else out.text.append(after_ident ? " E" : "E");
          copied = i;
        }
      }
      i = end;
    } else {
      ++i;
    }
  }
  out.text.append(s, copied, std::string_view::npos);
  return out;
}

}  // namespace switchyard::rewrite::pg

namespace switchyard::rewrite {

// The neutral settings (rewrite/lexical.h) under PostgreSQL's names and encodings.
bool Lexical::unsafe_encoding() const {
  static constexpr std::string_view kUnsafe[] = {"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "GB18030", "UHC", "JOHAB"};
  const std::string e = pg::upper(client_encoding);
  return std::find(std::begin(kUnsafe), std::end(kUnsafe), e) != std::end(kUnsafe);
}

void Lexical::follow(std::string_view name, std::string_view value) {
  if (name == "standard_conforming_strings") standard_strings = value != "off";
  else if (name == "client_encoding") client_encoding = std::string(value);
}

}  // namespace switchyard::rewrite

// MySQL literal shapes; see literal_shape.h.
#include "rewrite/mysql/literal_shape.h"

#include <charconv>

#include "rewrite/mysql/lexer.h"

namespace switchyard::rewrite::mysql {
namespace {

constexpr std::string_view kStringHead = "'sy~lit~";
constexpr uint64_t kIntegerBase = 8437519260000000000ULL;
constexpr std::string_view kDecimalHead = "8437519260.";
constexpr uint64_t kDecimalBase = 1000000;

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

enum class Kind { kNone, kString, kInteger, kDecimal };

// What of `t` may be lifted: a plain string, an integer, or a decimal without exponent.
Kind liftable(const Lexer& lex, const Token& t) {
  const std::string_view s = lex.text(t);
  if (t.type == Tok::kString) return Kind::kString;
  if (t.type != Tok::kNumber) return Kind::kNone;
  if (digits(s)) return Kind::kInteger;
  const size_t dot = s.find('.');
  if (dot != std::string_view::npos && (dot == 0 || digits(s.substr(0, dot))) && digits(s.substr(dot + 1))) return Kind::kDecimal;
  return Kind::kNone;
}

std::string sentinel(Kind k, size_t i) {
  switch (k) {
    case Kind::kString: return std::string(kStringHead) + std::to_string(i) + "~'";
    case Kind::kInteger: return std::to_string(kIntegerBase + i);
    case Kind::kDecimal: return std::string(kDecimalHead) + std::to_string(kDecimalBase + i);
    case Kind::kNone: break;
  }
  return {};
}

// The literal index a sentinel token stands for, or -1.
long long sentinel_index(const Lexer& lex, const Token& t) {
  const std::string_view s = lex.text(t);
  uint64_t n = 0;
  if (t.type == Tok::kString) {
    if (s.size() < kStringHead.size() + 2 || s.substr(0, kStringHead.size()) != kStringHead || s.substr(s.size() - 2) != "~'")
      return -1;
    const std::string_view num = s.substr(kStringHead.size(), s.size() - kStringHead.size() - 2);
    if (!digits(num) || std::from_chars(num.data(), num.data() + num.size(), n).ec != std::errc()) return -1;
    return static_cast<long long>(n);
  }
  if (t.type != Tok::kNumber) return -1;
  if (s.size() > kDecimalHead.size() && s.substr(0, kDecimalHead.size()) == kDecimalHead) {
    const std::string_view num = s.substr(kDecimalHead.size());
    if (!digits(num) || std::from_chars(num.data(), num.data() + num.size(), n).ec != std::errc() || n < kDecimalBase) return -1;
    return static_cast<long long>(n - kDecimalBase);
  }
  if (!digits(s) || std::from_chars(s.data(), s.data() + s.size(), n).ec != std::errc() || n < kIntegerBase ||
      n - kIntegerBase > 1000000)
    return -1;
  return static_cast<long long>(n - kIntegerBase);
}

}  // namespace

std::optional<Shape> literal_shape(std::string_view sql, const LexicalSettings& settings) {
  Lexer lex(sql, settings);
  Shape shape;
  shape.first = 0;
  size_t copied = 0;
  bool in_by_list = false;  // inside ORDER BY / GROUP BY, where a number is a column position
  Kw previous = Kw::kNone;
  for (Token t = lex.next(); t.type != Tok::kEnd; t = lex.next()) {
    if (t.type == Tok::kError || t.type == Tok::kParam) return std::nullopt;
    if (t.type == Tok::kWord) {
      if (t.kw == Kw::kBY && (previous == Kw::kORDER || previous == Kw::kGROUP)) in_by_list = true;
      else if (t.kw != Kw::kASC && t.kw != Kw::kDESC && t.kw != Kw::kNone) in_by_list = false;
      previous = t.kw;
    } else {
      previous = Kw::kNone;
      if (t.type == Tok::kOp && (t.op == Op::kRParen || t.op == Op::kSemicolon)) in_by_list = false;
    }
    const Kind k = liftable(lex, t);
    if (k == Kind::kNone || (in_by_list && k != Kind::kString)) continue;
    shape.text.append(sql.substr(copied, t.begin - copied));
    shape.display.append(sql.substr(copied, t.begin - copied));
    shape.text += sentinel(k, shape.literals.size());
    shape.display += '?';
    shape.literals.emplace_back(lex.text(t));
    copied = t.end;
  }
  if (shape.literals.empty()) return std::nullopt;
  shape.text.append(sql.substr(copied));
  shape.display.append(sql.substr(copied));
  return shape;
}

std::optional<std::string> fill_literals(std::string_view rewritten, const Shape& shape, const LexicalSettings& settings) {
  Lexer lex(rewritten, settings);
  std::string out;
  out.reserve(rewritten.size() + 8 * shape.literals.size());
  size_t copied = 0;
  for (Token t = lex.next(); t.type != Tok::kEnd; t = lex.next()) {
    if (t.type == Tok::kError) return std::nullopt;
    const long long i = sentinel_index(lex, t);
    if (i < 0) continue;
    if (static_cast<size_t>(i) >= shape.literals.size()) return std::nullopt;
    out.append(rewritten.substr(copied, t.begin - copied));
    out += shape.literals[static_cast<size_t>(i)];
    copied = t.end;
  }
  out.append(rewritten.substr(copied));
  return out;
}

}  // namespace switchyard::rewrite::mysql

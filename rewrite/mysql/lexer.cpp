// The MySQL tokenizer (lexer.h): one pass, no allocation except the error message.
#include "rewrite/mysql/lexer.h"

#include <array>
#include <cstring>

namespace switchyard::rewrite::mysql {
namespace {

unsigned char byte(char c) { return static_cast<unsigned char>(c); }

// Byte classes, looked up once per byte instead of a chain of comparisons.
enum : uint8_t {
  kAsciiWord = 1,  // a-z A-Z 0-9 _ $
  kWord = 2,       // kAsciiWord, or a byte >= 0x80 (part of a multi-byte character)
  kDigit = 4,
  kSpace = 8,        // ' ' \t \n \r \f \v
  kSkipStart = 16,   // what may start space or a comment: the spaces, # - / * (for the end of /*!)
  kWordStart = 32,   // a-z A-Z _ $: a word, unless a quote follows (X'0F', N'x') or a qualifier's dot precedes
  kSimpleOp = 64,    // ( ) , ; = ~ + * / % ^ { }: one-character operators that start no longer token
};
constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t k = 0;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$')
      k |= kAsciiWord | kWord;
    if (c >= 0x80) k |= kWord;
    if (c >= '0' && c <= '9') k |= kDigit;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') k |= kSpace | kSkipStart;
    if (c == '#' || c == '-' || c == '/' || c == '*') k |= kSkipStart;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$') k |= kWordStart;
    for (const char op : {'(', ')', ',', ';', '=', '~', '+', '*', '/', '%', '^', '{', '}'})
      if (c == op) k |= kSimpleOp;
    t[static_cast<size_t>(c)] = k;
  }
  return t;
}();
bool has(char c, uint8_t cls) { return (kClass[byte(c)] & cls) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) { return has(c, kSpace); }

}  // namespace

size_t Lexer::char_len(size_t at) const {
  const unsigned char b = byte(sql_[at]);
  if (b < 0x81 || settings_.charset == ClientCharset::kAsciiCompatible || at + 1 >= sql_.size()) return 1;
  const unsigned char t = byte(sql_[at + 1]);
  switch (settings_.charset) {
    case ClientCharset::kBig5:
      return (b <= 0xFE && ((t >= 0x40 && t <= 0x7E) || (t >= 0xA1 && t <= 0xFE))) ? 2 : 1;
    case ClientCharset::kGbk:
      return (b <= 0xFE && t >= 0x40 && t <= 0xFE && t != 0x7F) ? 2 : 1;
    case ClientCharset::kGb18030:
      if (b > 0xFE) return 1;
      if (t >= 0x30 && t <= 0x39 && at + 3 < sql_.size()) return 4;
      return ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE)) ? 2 : 1;
    case ClientCharset::kSjis:
    case ClientCharset::kCp932:
      return (((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC)) &&
              ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC)))
                 ? 2
                 : 1;
    case ClientCharset::kAsciiCompatible:
      break;
  }
  return 1;
}

bool Lexer::word_char(size_t at) const {
  return at < sql_.size() && has(sql_[at], kWord);
}

Token Lexer::error_token(uint32_t begin, const char* message) {
  error_ = message;
  pos_ = sql_.size();
  return Token{Tok::kError, Op::kNone, Kw::kNone, begin, static_cast<uint32_t>(sql_.size())};
}

bool Lexer::skip_space_and_comments() {
  const size_t n = sql_.size();
  while (pos_ < n) {
    const char c = sql_[pos_];
    if (is_space(c)) {
      ++pos_;
    } else if (c == '#' || (c == '-' && pos_ + 1 < n && sql_[pos_ + 1] == '-' &&
                            (pos_ + 2 == n || byte(sql_[pos_ + 2]) <= 0x20))) {
      while (pos_ < n && sql_[pos_] != '\n') ++pos_;
    } else if (c == '*' && in_versioned_ && pos_ + 1 < n && sql_[pos_ + 1] == '/') {
      in_versioned_ = false;  // the end of a versioned comment whose content was code
      pos_ += 2;
    } else if (c == '/' && pos_ + 1 < n && sql_[pos_ + 1] == '*') {
      const size_t start = pos_;
      size_t p = pos_ + 2;
      bool code = false;
      if (!in_versioned_ && p < n && (sql_[p] == '!' || (sql_[p] == 'M' && p + 1 < n && sql_[p + 1] == '!'))) {
        const bool maria_only = sql_[p] == 'M';
        p += maria_only ? 2 : 1;
        // Five digits give the version (MySQL: /*!50700 ... */); MariaDB also reads six
        // (/*M!100301 ... */). Fewer digits are no version: they are part of the code.
        size_t digits = 0;
        while (p + digits < n && digits < 6 && is_digit(sql_[p + digits])) ++digits;
        if (digits == 6 && !settings_.mariadb) digits = 5;
        if (digits < 5) digits = 0;
        uint32_t version = 0;
        for (size_t i = 0; i < digits; ++i) version = version * 10 + static_cast<uint32_t>(sql_[p + i] - '0');
        p += digits;
        code = (!maria_only || settings_.mariadb) && (digits == 0 || version <= settings_.server_version);
      }
      if (code) {
        in_versioned_ = true;
        pos_ = p;
        continue;
      }
      const size_t close = sql_.find("*/", start + 2);
      if (close == std::string_view::npos) {
        error_ = "unterminated /* comment";
        pos_ = start;
        return false;
      }
      pos_ = close + 2;
    } else {
      break;
    }
  }
  return true;
}

Token Lexer::quoted(uint32_t begin, char quote, Tok type) {
  const size_t n = sql_.size();
  size_t p = pos_ + 1;
  const bool escapes = quote != '`' && !settings_.no_backslash_escapes;
  while (p < n) {
    const char c = sql_[p];
    if (c == quote) {
      if (p + 1 < n && sql_[p + 1] == quote) {
        p += 2;
        continue;
      }
      pos_ = p + 1;
      return Token{type, Op::kNone, Kw::kNone, begin, static_cast<uint32_t>(pos_)};
    }
    if (c == '\\' && escapes) {
      p += 1;
      if (p < n) p += char_len(p);
      continue;
    }
    p += char_len(p);
  }
  return error_token(begin, quote == '`' ? "unterminated quoted identifier" : "unterminated string");
}

size_t Lexer::word_end(size_t p) const {
  const size_t n = sql_.size();
  while (p < n) {  // ASCII first; a multi-byte character as the client's character set says
    const char w = sql_[p];
    if (has(w, kAsciiWord)) {
      ++p;
    } else if (byte(w) >= 0x80) {
      p += char_len(p);
    } else {
      break;
    }
  }
  return p > n ? n : p;
}

Token Lexer::word(uint32_t begin) {
  const size_t p = word_end(pos_);
  pos_ = p;
  Token t{Tok::kWord, Op::kNone, Kw::kNone, begin, static_cast<uint32_t>(p)};
  t.kw = lookup_keyword(text(t));
  after_name_ = t.kw == Kw::kNone || !is_reserved(t.kw);
  return t;
}

Token Lexer::next() {
  const size_t n = sql_.size();
  while (pos_ < n && sql_[pos_] == ' ') ++pos_;  // the common case: single spaces, no comments
  if (pos_ < n) {
    const char s = sql_[pos_];
    if (has(s, kSkipStart) && !skip_space_and_comments())
      return error_token(static_cast<uint32_t>(pos_), error_.c_str());
  }
  if (pos_ >= n) {
    if (in_versioned_) {
      in_versioned_ = false;
      return error_token(static_cast<uint32_t>(n), "unterminated /*! comment");
    }
    return Token{Tok::kEnd, Op::kNone, Kw::kNone, static_cast<uint32_t>(n), static_cast<uint32_t>(n)};
  }
  const bool after_name = after_name_;
  const bool after_qualifier_dot = after_dot_;
  after_name_ = false;
  after_dot_ = false;
  const uint32_t begin = static_cast<uint32_t>(pos_);
  const char c = sql_[pos_];
  auto make = [&](Tok type, size_t len, Op op = Op::kNone) {
    pos_ += len;
    return Token{type, op, Kw::kNone, begin, static_cast<uint32_t>(pos_)};
  };
  // The common tokens first: a word (the checks below would all fail for it and end in the word
  // case) and a one-character operator. Comments and "*/" were skipped above.
  const char c1 = pos_ + 1 < n ? sql_[pos_ + 1] : '\0';
  if (has(c, kWordStart) && !after_qualifier_dot && c1 != '\'') return word(begin);
  if (has(c, kSimpleOp)) return make(Tok::kOp, 1, op_char(c));

  if (c == '\'') return quoted(begin, '\'', Tok::kString);
  if (c == '"') {
    const Token t = quoted(begin, '"', settings_.ansi_quotes ? Tok::kQuotedIdent : Tok::kString);
    after_name_ = t.type == Tok::kQuotedIdent;
    return t;
  }
  if (c == '`') {
    const Token t = quoted(begin, '`', Tok::kQuotedIdent);
    after_name_ = t.type == Tok::kQuotedIdent;
    return t;
  }
  // X'..', B'..', N'..' (the prefix must touch the quote).
  if ((c == 'x' || c == 'X' || c == 'b' || c == 'B' || c == 'n' || c == 'N') && c1 == '\'') {
    const Tok type = (c == 'x' || c == 'X') ? Tok::kHex : (c == 'b' || c == 'B') ? Tok::kBit : Tok::kNational;
    ++pos_;
    Token t = quoted(begin, '\'', type);
    if (t.type == Tok::kError) return t;
    if (type != Tok::kNational) {  // only hex / binary digits, no escapes
      for (uint32_t i = begin + 2; i + 1 < t.end; ++i) {
        const char d = sql_[i];
        if (type == Tok::kHex ? !is_hex(d) : (d != '0' && d != '1'))
          return error_token(begin, "malformed hexadecimal or bit literal");
      }
    }
    return t;
  }
  if (after_qualifier_dot && word_char(pos_)) {  // t.5col, t.1: a name part, even if digits
    Token t = make(Tok::kWord, word_end(pos_) - pos_);
    after_name_ = true;
    return t;
  }
  if (c == '.' && after_name) {
    after_dot_ = true;
    return make(Tok::kOp, 1, op_char('.'));
  }
  if (is_digit(c) || (c == '.' && is_digit(c1))) {
    // 0x.. / 0b.. when only such digits follow and no word character after them.
    if (c == '0' && (c1 == 'x' || c1 == 'b')) {
      size_t p = pos_ + 2;
      while (p < n && (c1 == 'x' ? is_hex(sql_[p]) : (sql_[p] == '0' || sql_[p] == '1'))) ++p;
      if (p > pos_ + 2 && !word_char(p)) return make(c1 == 'x' ? Tok::kHex : Tok::kBit, p - pos_);
    }
    size_t p = pos_;
    while (p < n && is_digit(sql_[p])) ++p;
    bool number = true;
    if (p < n && sql_[p] == '.') {
      ++p;
      while (p < n && is_digit(sql_[p])) ++p;
    } else if (word_char(p) && !((sql_[p] == 'e' || sql_[p] == 'E') &&
                                 (is_digit(p + 1 < n ? sql_[p + 1] : '\0') ||
                                  ((p + 1 < n && (sql_[p + 1] == '+' || sql_[p + 1] == '-')) && p + 2 < n &&
                                   is_digit(sql_[p + 2]))))) {
      number = false;  // 1abc: an identifier that starts with digits
    }
    if (number) {
      if (p < n && (sql_[p] == 'e' || sql_[p] == 'E')) {
        size_t q = p + 1;
        if (q < n && (sql_[q] == '+' || sql_[q] == '-')) ++q;
        if (q < n && is_digit(sql_[q])) {
          while (q < n && is_digit(sql_[q])) ++q;
          p = q;
        }
      }
      return make(Tok::kNumber, p - pos_);
    }
  }
  if (word_char(pos_)) return word(begin);
  if (c == '?') return make(Tok::kParam, 1);
  if (c == '@') {
    const bool sys = c1 == '@';
    size_t p = pos_ + (sys ? 2 : 1);
    if (!sys && p < n && (sql_[p] == '\'' || sql_[p] == '"' || sql_[p] == '`')) {
      pos_ = p;
      return quoted(begin, sql_[p], Tok::kUserVar);
    }
    const size_t start = p;
    while (p < n && (word_char(p) || sql_[p] == '.')) p += char_len(p);
    if (p > n) p = n;
    if (p == start) return error_token(begin, "a variable name must follow @");
    return make(sys ? Tok::kSysVar : Tok::kUserVar, p - pos_);
  }
  // Operators, longest first.
  const char c2 = pos_ + 2 < n ? sql_[pos_ + 2] : '\0';
  switch (c) {
    case '<':
      if (c1 == '=') return c2 == '>' ? make(Tok::kOp, 3, Op::kNullSafeEq) : make(Tok::kOp, 2, Op::kLe);
      if (c1 == '>') return make(Tok::kOp, 2, Op::kNe);
      if (c1 == '<') return make(Tok::kOp, 2, Op::kShl);
      break;
    case '>':
      if (c1 == '=') return make(Tok::kOp, 2, Op::kGe);
      if (c1 == '>') return make(Tok::kOp, 2, Op::kShr);
      break;
    case '-':
      if (c1 == '>') return c2 == '>' ? make(Tok::kOp, 3, Op::kJsonUnquote) : make(Tok::kOp, 2, Op::kJson);
      break;
    case '!':
      if (c1 == '=') return make(Tok::kOp, 2, Op::kBangEq);
      break;
    case ':':
      if (c1 == '=') return make(Tok::kOp, 2, Op::kAssign);
      return error_token(begin, "unexpected character");
    case '|':
      if (c1 == '|') return make(Tok::kOp, 2, Op::kPipes);
      break;
    case '&':
      if (c1 == '&') return make(Tok::kOp, 2, Op::kAmps);
      break;
    case '=': case '~': case '+': case '*': case '/': case '%': case '^': case '(': case ')': case ',':
    case '.': case ';': case '{': case '}':
      break;
    default:
      return error_token(begin, "unexpected character");
  }
  return make(Tok::kOp, 1, op_char(c));
}

bool tokenize(std::string_view sql, const LexicalSettings& settings, std::vector<Token>& out, std::string& error,
              uint32_t& error_at) {
  Lexer lexer(sql, settings);
  for (;;) {
    const Token t = lexer.next();
    if (t.type == Tok::kEnd) return true;
    if (t.type == Tok::kError) {
      error = lexer.error();
      error_at = t.begin;
      return false;
    }
    out.push_back(t);
  }
}

bool single_statement(std::string_view sql, StatementRange& out) {
  if (sql.empty() || !has(sql[0], kWordStart)) return false;
  if (std::memchr(sql.data(), ';', sql.size()) != nullptr || std::memchr(sql.data(), '#', sql.size()) != nullptr) return false;
  if (sql.find("--") != std::string_view::npos || sql.find("/*") != std::string_view::npos) return false;
  size_t end = sql.size();
  while (end > 0 && is_space(sql[end - 1])) --end;
  out = StatementRange{0, static_cast<uint32_t>(end)};
  return true;
}

bool split_statements(std::string_view sql, const LexicalSettings& settings, std::vector<StatementRange>& out,
                      std::string& error) {
  Lexer lexer(sql, settings);
  bool open = false;
  StatementRange current;
  for (;;) {
    const Token t = lexer.next();
    if (t.type == Tok::kError) {
      error = lexer.error();
      return false;
    }
    const bool semicolon = t.op == op_char(';');
    if (t.type == Tok::kEnd || semicolon) {
      if (open) out.push_back(current);
      open = false;
      if (t.type == Tok::kEnd) return true;
      continue;
    }
    if (!open) current.begin = t.begin;
    open = true;
    current.end = t.end;
  }
}

}  // namespace switchyard::rewrite::mysql

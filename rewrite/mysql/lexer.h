// The MySQL/MariaDB tokenizer: turns SQL text into tokens by MySQL's lexical rules, as the
// session's LexicalSettings say (ANSI_QUOTES, NO_BACKSLASH_ESCAPES, character_set_client, the
// server version for /*!NNNNN */ comments). Pure; tokens are byte ranges into the text, which must
// outlive them.
//
// What it knows: `backtick` identifiers (`` doubled), '' and "" strings (doubled quotes, and
// backslash escapes unless NO_BACKSLASH_ESCAPES; "" is an identifier under ANSI_QUOTES), N'..',
// X'..', 0x.., B'..', 0b.. literals, numbers (1, 1.5, .5, 1e3; 1abc is an identifier, as in
// MySQL), ? placeholders, @var, @'var', @@var, @@session.var, operators (:= <=> -> ->> || && <=
// >= <> != << >>), and comments: # and "-- " to the end of the line, /* */, and /*!NNNNN ... */ /
// /*M!NNNNNN ... */, whose content is code when the server version is at least NNNNN (and, for
// M!, the server is MariaDB). Optimizer hints (/*+ ... */) are comments. Introducers (_utf8mb4)
// are plain words; the parser pairs them with the literal that follows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/mysql/keywords.h"
#include "rewrite/mysql/lexical.h"

namespace switchyard::rewrite::mysql {

enum class Tok : uint8_t {
  kEnd,          // end of text
  kWord,         // bare word: identifier or keyword (see Token::kw)
  kQuotedIdent,  // `x`, or "x" under ANSI_QUOTES
  kString,       // 'x', or "x" without ANSI_QUOTES
  kNational,     // N'x'
  kNumber,       // 1, 1.5, .5, 1e-3
  kHex,          // X'0F', 0x0F
  kBit,          // B'01', 0b01
  kParam,        // ?
  kUserVar,      // @x, @'x', @`x`
  kSysVar,       // @@x, @@global.x
  kOp,           // punctuation and operators
  kError,        // unterminated string, identifier or comment; Lexer::error() says which
};

// Which operator a kOp token is, decided once by the lexer so the parser compares a byte rather
// than text: a one-character operator is its own character (op_char('(') == Op::kLParen); the
// longer ones are the values from 0x80. Op::kNone for every other token.
enum class Op : uint8_t {
  kNone = 0,
  kEq = '=', kLt = '<', kGt = '>', kBang = '!', kTilde = '~', kPlus = '+', kMinus = '-', kStar = '*',
  kSlash = '/', kPercent = '%', kCaret = '^', kAmp = '&', kPipe = '|', kLParen = '(', kRParen = ')',
  kComma = ',', kDot = '.', kSemicolon = ';', kLBrace = '{', kRBrace = '}',
  kNullSafeEq = 0x80,  // <=>
  kJsonUnquote,        // ->>
  kLe,                 // <=
  kGe,                 // >=
  kNe,                 // <>
  kBangEq,             // !=
  kShl,                // <<
  kShr,                // >>
  kAssign,             // :=
  kJson,               // ->
  kPipes,              // ||
  kAmps,               // &&
};
constexpr Op op_char(char c) { return static_cast<Op>(static_cast<unsigned char>(c)); }

struct Token {
  Tok type = Tok::kEnd;
  Op op = Op::kNone;  // for kOp: which operator
  Kw kw = Kw::kNone;  // for kWord: the keyword it spells, if any
  uint32_t begin = 0;  // byte offsets into the text: [begin, end)
  uint32_t end = 0;
};

class Lexer {
 public:
  // REQUIRES: `sql` stays alive and unchanged while tokens from this lexer are used.
  Lexer(std::string_view sql, const LexicalSettings& settings) : sql_(sql), settings_(settings) {}

  // The next token; kEnd at the end (and for ever after), kError on malformed input.
  Token next();
  const std::string& error() const { return error_; }
  std::string_view text(const Token& t) const { return sql_.substr(t.begin, t.end - t.begin); }

 private:
  bool skip_space_and_comments();  // false on an unterminated comment (error_ set)
  Token error_token(uint32_t begin, const char* message);
  Token quoted(uint32_t begin, char quote, Tok type);  // scans from the opening quote at pos_
  Token word(uint32_t begin);                          // a bare word from pos_ (== begin), keyword looked up
  size_t word_end(size_t at) const;                    // where the word characters from `at` end
  size_t char_len(size_t at) const;                    // bytes of the character at `at` (>= 1)
  bool word_char(size_t at) const;

  std::string_view sql_;
  LexicalSettings settings_;
  size_t pos_ = 0;
  bool in_versioned_ = false;  // inside /*!NNNNN ... */ whose content is code
  bool after_name_ = false;    // the previous token was a word or quoted identifier (for t.5)
  bool after_dot_ = false;     // the previous token was a '.' right after such a name
  std::string error_;
};

// Every token up to (not including) kEnd. On a kError token: returns false with the message and
// the byte offset in `error` / `error_at`; `out` then holds the tokens before it.
bool tokenize(std::string_view sql, const LexicalSettings& settings, std::vector<Token>& out, std::string& error,
              uint32_t& error_at);

// The statements of a multi-statement text: byte ranges [begin, end) between top-level ';'
// (never one inside a string, identifier or comment), each trimmed of surrounding space and
// comments; empty statements are skipped. False (with error as in tokenize) on malformed text.
struct StatementRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};
bool split_statements(std::string_view sql, const LexicalSettings& settings, std::vector<StatementRange>& out,
                      std::string& error);
// The common case without lexing: a text that starts with a letter and holds no ';', '#', "--"
// or "/*" anywhere (so no comment and no second statement, whatever its strings hold) is one
// statement, `out`, to its last non-space byte. False: split_statements decides.
bool single_statement(std::string_view sql, StatementRange& out);

}  // namespace switchyard::rewrite::mysql

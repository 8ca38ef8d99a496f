// The MySQL DDL lint's reader (ddl_lint.cpp): a cursor over one statement's tokens (from
// lexer.h, versioned comments already read as code or comment) with the few things a DDL
// statement is read by: words compared without case, identifiers unquoted, qualified table
// names, comma-separated items outside parentheses, and the ALGORITHM= / LOCK= clauses. Internal
// to rewrite/mysql.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rewrite/mysql/keywords.h"
#include "rewrite/mysql/lexer.h"
#include "rewrite/mysql/statement_facts.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::mysql::ddl {

struct Table {
  std::string schema;  // "" when unqualified
  std::string name;
  std::string to_string() const { return schema.empty() ? name : schema + "." + name; }
};

// One statement's tokens [begin, end) of `sql` and a cursor over them. REQUIRES: `sql` and
// `tokens` outlive the reader. Reading past the end is harmless: done() is true, words match
// nothing, name() is "".
class Reader {
 public:
  Reader(std::string_view sql, const std::vector<Token>& t, size_t begin, size_t end)
      : sql_(sql), t_(t), i_(begin), end_(end) {}

  bool done() const { return i_ >= end_; }
  size_t pos() const { return i_; }
  void seek(size_t i) { i_ = i; }
  size_t end() const { return end_; }
  std::string_view text(size_t k) const { return sql_.substr(t_[k].begin, t_[k].end - t_[k].begin); }
  // The text of tokens [from, to), to > from.
  std::string_view span(size_t from, size_t to) const { return sql_.substr(t_[from].begin, t_[to - 1].end - t_[from].begin); }
  bool is(std::string_view word, size_t ahead = 0) const {
    const size_t k = i_ + ahead;
    return k < end_ && t_[k].type == Tok::kWord && same_word(text(k), word);
  }
  bool accept(std::string_view word) {
    if (!is(word)) return false;
    ++i_;
    return true;
  }
  bool accept_op(Op op) {
    if (i_ >= end_ || t_[i_].op != op) return false;
    ++i_;
    return true;
  }
  bool name_here() const { return i_ < end_ && (t_[i_].type == Tok::kWord || t_[i_].type == Tok::kQuotedIdent); }
  // An identifier's value; "" (nothing consumed) if none is here.
  std::string name() {
    if (!name_here()) return "";
    return identifier_value(text(i_++));
  }
  Table table() {
    Table out;
    out.name = name();
    if (accept_op(Op::kDot)) out.schema = std::exchange(out.name, name());
    return out;
  }
  void skip_if_exists() {
    if (is("if") && is("exists", 1)) i_ += 2;
    if (is("if") && is("not", 1) && is("exists", 2)) i_ += 3;
  }
  // The end of the comma-separated item that starts here: the next ',' outside parentheses.
  size_t item_end() const {
    int depth = 0;
    for (size_t k = i_; k < end_; ++k) {
      if (t_[k].op == Op::kLParen) ++depth;
      if (t_[k].op == Op::kRParen) --depth;
      if (depth == 0 && t_[k].op == Op::kComma) return k;
    }
    return end_;
  }
  const std::vector<Token>& tokens() const { return t_; }
  std::string_view sql() const { return sql_; }

 private:
  std::string_view sql_;
  const std::vector<Token>& t_;
  size_t i_;
  size_t end_;
};

// ALGORITHM= and LOCK= of one ALTER TABLE or CREATE INDEX.
struct Clauses {
  std::string algorithm;  // lower case; "" when not given
  std::string lock;
  // The server refuses rather than lock or copy.
  bool guarded() const { return lock == "none" || algorithm == "instant"; }
  // The server refuses rather than copy (it may still lock).
  bool no_copy() const { return guarded() || algorithm == "inplace" || algorithm == "nocopy"; }
};

// Reads ALGORITHM [=] x or LOCK [=] x at the reader's position into `c`; false if neither is there.
inline bool read_clause(Reader& r, Clauses& c) {
  std::string* into = r.is("algorithm") ? &c.algorithm : r.is("lock") ? &c.lock : nullptr;
  if (into == nullptr) return false;
  const size_t at = r.pos();
  r.seek(at + 1);
  r.accept_op(Op::kEq);
  if (!r.name_here()) {
    r.seek(at);
    return false;
  }
  *into = Prefilter::lower_case(r.name());
  return true;
}

}  // namespace switchyard::rewrite::mysql::ddl

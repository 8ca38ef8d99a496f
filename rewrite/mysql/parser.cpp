// parse() and the Parser's token and error helpers (parser_impl.h).
#include "rewrite/mysql/parser.h"

#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql {
namespace detail {
void Parser::Children::add_first(NodeId child) {
  NodeId c = tree_.node(parent_).first_child;  // the parent may already hold children
  if (c == kNoNode) {
    tree_.node(parent_).first_child = child;
  } else {
    while (tree_.node(c).next_sibling != kNoNode) c = tree_.node(c).next_sibling;
    tree_.node(c).next_sibling = child;
  }
}

bool Parser::at_word_ci(std::string_view word, size_t k) const {
  const Token& t = peek(k);
  return t.type == Tok::kWord && same_word(text(t), word);
}

bool Parser::expect_kw(Kw kw) {
  if (accept_kw(kw)) return true;
  fail((std::string("expected ") + std::string(keyword_text(kw))).c_str());
  return false;
}

bool Parser::expect_op(char c) {
  if (accept_op(c)) return true;
  const char what[] = {'e', 'x', 'p', 'e', 'c', 't', 'e', 'd', ' ', '\'', c, '\'', '\0'};
  fail(what);
  return false;
}

NodeId Parser::fail(const char* what) {
  if (failed_) return kNoNode;
  failed_ = true;
  error_.kind = ParseError::Kind::kSyntax;
  const Token& t = peek();
  error_.offset = t.begin;
  if (at_end()) {
    error_.message = std::string("syntax error at the end: ") + what;
  } else {
    std::string_view near = sql_.substr(t.begin, std::min<size_t>(40, sql_.size() - t.begin));
    error_.message = "syntax error near '" + std::string(near) + "': " + what;
  }
  return kNoNode;
}

NodeId Parser::unsupported(std::string what) {
  if (failed_) return kNoNode;
  failed_ = true;
  error_.kind = ParseError::Kind::kUnsupported;
  error_.offset = peek().begin;
  error_.message = "unsupported: " + what;
  return kNoNode;
}

bool Parser::too_deep() {
  if (!failed_) unsupported("nesting deeper than 200 levels");
  return false;
}

bool Parser::run() {
  toks_.clear();
  toks_.reserve(sql_.size() / 3 + 8);  // a token per 3 bytes or so: no regrowth for most statements
  std::string lex_error;
  uint32_t at = 0;
  if (!tokenize(sql_, settings_, toks_, lex_error, at)) {
    tree_.reset(sql_);
    failed_ = true;
    error_ = ParseError{ParseError::Kind::kSyntax, lex_error, at};
    return false;
  }
  end_ = Token{Tok::kEnd, Op::kNone, Kw::kNone, static_cast<uint32_t>(sql_.size()), static_cast<uint32_t>(sql_.size())};
  tok_ = toks_.data();
  n_ = toks_.size();
  tree_.reset(sql_, toks_.size() * 2 + 8);
  if (toks_.empty()) {
    fail("empty statement");
    return false;
  }
  const NodeId root = statement();
  if (root == kNoNode) return false;
  accept_op(';');
  if (!at_end()) {
    fail("unexpected text after the statement");
    return false;
  }
  tree_.set_root(root);
  return true;
}

}  // namespace detail

Parsed parse(std::string_view sql, const LexicalSettings& settings) {
  Tree tree;
  detail::Parser parser(sql, settings, tree, {});
  if (!parser.run()) return parser.error();
  return tree;
}

Tree* StatementParser::parse(std::string_view sql, const LexicalSettings& settings) {
  detail::Parser parser(sql, settings, tree_, std::move(tokens_));
  const bool ok = parser.run();
  tokens_ = parser.release_tokens();
  if (ok) return &tree_;
  error_ = parser.error();
  tree_.reset({});
  return nullptr;
}

}  // namespace switchyard::rewrite::mysql

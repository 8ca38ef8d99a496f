// The recursive-descent parser behind parse() (parser.h), shared by its three source files:
// parse_expr.cpp (expressions), parse_query.cpp (SELECT and table references) and
// parse_dml.cpp (INSERT / REPLACE / UPDATE / DELETE / TRUNCATE and the statement entry). Internal
// to rewrite/mysql/.
//
// Every grammar function returns the NodeId it built, or kNoNode after recording the first error
// (fail / unsupported); callers return kNoNode at once when a callee did (SY_TRY). One that
// parses an optional part returns kAbsent when the part is not there: no node is made, and
// Children::add turns it into a gap before the parent's next child (ast.h, Node::gap).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rewrite/mysql/ast.h"
#include "rewrite/mysql/lexer.h"
#include "rewrite/mysql/parser.h"

namespace switchyard::rewrite::mysql::detail {

#define SY_TRY(var, call)      \
  const NodeId var = (call);   \
  if (var == kNoNode) return kNoNode

class Parser {
 public:
  // `tokens` is scratch for the statement's tokens (cleared first; its capacity reused, and
  // handed back by release_tokens()). Held by value: peek() is the hottest call.
  Parser(std::string_view sql, const LexicalSettings& settings, Tree& tree, std::vector<Token> tokens)
      : sql_(sql), settings_(settings), tree_(tree), toks_(std::move(tokens)) {}
  std::vector<Token> release_tokens() { return std::move(toks_); }
  // Tokenizes and parses one statement into tree_ (reset first; its root set). False: error()
  // says why.
  bool run();
  const ParseError& error() const { return error_; }

  // --- expressions (parse_expr.cpp)
  NodeId expr();          // the whole expression grammar, := included
  NodeId bit_expr(int level = 0);
  NodeId simple_expr();   // unary operators, COLLATE and a primary
  NodeId primary();       // literals, names, calls, CASE, CAST, subqueries, rows (parse_primary.cpp)
  NodeId call(const Token& name, NodeId qualifier);  // name( args ): after the name, at the (
  NodeId type_spec();     // a CAST / CONVERT target type, up to its closing parenthesis
  NodeId expr_list_in_parens(NodeId parent);  // "(a, b, ...)" appended to parent; the ')' consumed
  NodeId name();          // ident { . ident }  (kName)
  NodeId ident();         // one identifier (kIdent): non-reserved word or quoted
  // --- queries (parse_query.cpp)
  NodeId query();              // [WITH ...] set expression [ORDER BY] [LIMIT] [locking]
  NodeId table_refs();         // kList of table references (FROM a, b JOIN c)
  NodeId table_ref();          // one reference with its joins
  NodeId order_by();           // after ORDER BY: kList of kOrderItem
  NodeId limit();              // after LIMIT: kLimit
  NodeId select_items();       // kList of kSelectItem (SELECT list, RETURNING)
  NodeId optional_alias(bool allow_string);  // [AS] alias as kIdent, or kAbsent
  // --- statements (parse_dml.cpp)
  NodeId statement();
  NodeId insert();
  NodeId update();
  NodeId del();
  NodeId truncate();
  NodeId assignments();  // a = x, b = DEFAULT, ...  (kList of kAssign)

  // --- tokens
  // tok_ and n_ are toks_'s data and size, fixed once tokenized (the hottest calls read them).
  const Token& peek(size_t k = 0) const { return i_ + k < n_ ? tok_[i_ + k] : end_; }
  std::string_view text(const Token& t) const { return sql_.substr(t.begin, t.end - t.begin); }
  // Only kWord tokens carry a keyword and only kOp tokens an operator, so one compare says both.
  bool at_kw(Kw kw, size_t k = 0) const { return peek(k).kw == kw; }
  bool at_op(char c, size_t k = 0) const { return peek(k).op == op_char(c); }
  bool at_op(Op op, size_t k = 0) const { return peek(k).op == op; }
  bool at_word_ci(std::string_view word, size_t k = 0) const;  // a bare word spelled `word` in any case
  bool accept_kw(Kw kw) {
    if (!at_kw(kw)) return false;
    ++i_;
    return true;
  }
  bool accept_op(char c) { return accept_op(op_char(c)); }
  bool accept_op(Op op) {
    if (!at_op(op)) return false;
    ++i_;
    return true;
  }
  bool expect_kw(Kw kw);
  bool expect_op(char c);
  const Token& take() { return tok_[i_++]; }
  uint32_t here() const { return peek().begin; }       // where the next token starts
  uint32_t last_end() const { return i_ == 0 ? 0 : tok_[i_ - 1].end; }
  bool at_end() const { return i_ >= n_; }

  // --- nodes
  NodeId add(Kind kind, uint32_t begin, std::string_view text = {}, uint32_t flags = 0) {
    return tree_.add(kind, begin, begin, text, flags);
  }
  static constexpr NodeId kAbsent = kNoNode - 1;  // an optional part that is not there
  static NodeId empty() { return kAbsent; }
  NodeId finish(NodeId id) {  // the node ends where the last consumed token ends
    tree_.node(id).end = last_end();
    return id;
  }
  // Appends children while remembering the tail (O(1) each).
  class Children {
   public:
    Children(Tree& tree, NodeId parent) : tree_(tree), parent_(parent) {}
    // kAbsent: one more absent child before the next one added. Inline: a call per child.
    void add(NodeId child) {
      if (child == kAbsent) {
        ++gap_;
        return;
      }
      tree_.node(child).gap = gap_;
      gap_ = 0;
      if (last_ == kNoNode) {
        add_first(child);
      } else {
        tree_.node(last_).next_sibling = child;
      }
      last_ = child;
    }
   private:
    void add_first(NodeId child);
    Tree& tree_;
    NodeId parent_;
    NodeId last_ = kNoNode;
    uint8_t gap_ = 0;
  };
  // item {, item} into a new node of `kind` starting at `begin`; `item` returns a NodeId.
  template <class Item>
  NodeId comma_list(Kind kind, uint32_t begin, Item item) {
    const NodeId list = tree_.add(kind, begin, begin);
    Children items(tree_, list);
    for (;;) {
      const NodeId x = item();
      if (x == kNoNode) return kNoNode;
      items.add(x);
      if (!accept_op(',')) break;
    }
    return finish(list);
  }
  NodeId ident_list() { return comma_list(Kind::kList, here(), [this] { return ident(); }); }
  NodeId binary(std::string_view op, NodeId left, NodeId right, Kind kind = Kind::kBinary, uint32_t flags = 0);

  // --- errors: record the first one, return kNoNode.
  NodeId fail(const char* what);            // "syntax error near '<token>'" + what
  NodeId unsupported(std::string what);     // "unsupported: <what>"
  bool enter() { return ++depth_ <= kMaxDepth || too_deep(); }  // false (and an error) past the limit
  void leave() { --depth_; }
  bool too_deep();
  static constexpr int kMaxDepth = 200;  // nesting of parentheses, subqueries and joins

  std::string_view sql_;
  LexicalSettings settings_;
  Tree& tree_;
  std::vector<Token> toks_;
  const Token* tok_ = nullptr;
  size_t n_ = 0;
  Token end_;
  size_t i_ = 0;
  int depth_ = 0;
  uint32_t params_ = 0;  // ? placeholders seen so far
  bool failed_ = false;
  ParseError error_;
};

// Whether `t` is an INTERVAL / EXTRACT unit (DAY, HOUR_MINUTE, ...).
bool is_unit(const Parser& p, const Token& t);

// Guards one level of recursion (parenthesised expressions, subqueries, joins).
class Depth {
 public:
  explicit Depth(Parser& p) : p_(p), ok_(p.enter()) {}
  ~Depth() { p_.leave(); }
  Depth(const Depth&) = delete;
  Depth& operator=(const Depth&) = delete;
  bool ok() const { return ok_; }
 private:
  Parser& p_;
  bool ok_;
};

}  // namespace switchyard::rewrite::mysql::detail

// Expressions by MySQL's precedence, lowest first: :=, OR (and || without PIPES_AS_CONCAT), XOR,
// AND (&&), NOT, IS [NOT] TRUE/FALSE/UNKNOWN, comparisons and IS [NOT] NULL, the predicates (IN,
// BETWEEN, LIKE, REGEXP, SOUNDS LIKE, MEMBER OF), | & << >> + - * / DIV MOD % ^, || (with
// PIPES_AS_CONCAT), the unary operators (- ~ ! BINARY) with COLLATE, and the primaries
// (parse_primary.cpp). The grammar follows sql_yacc.yy's expr / bool_pri / predicate / bit_expr.
#include <array>

#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql::detail {
namespace {

}  // namespace

NodeId Parser::binary(std::string_view op, NodeId left, NodeId right, Kind kind, uint32_t flags) {
  const NodeId id = tree_.add(kind, tree_.node(left).begin, tree_.node(right).end, op, flags);
  tree_.node(id).first_child = left;
  tree_.node(left).next_sibling = right;
  return id;
}

namespace {

// The bit_expr operator at the cursor and its level (0 loosest: | & << >> + - * / % DIV MOD ^
// and, with PIPES_AS_CONCAT, ||), or level -1.
int bit_op(const Parser& p, std::string_view& op) {
  const Token& t = p.peek();
  if (t.type == Tok::kWord) {
    if (t.kw == Kw::kDIV) op = "DIV";
    else if (t.kw == Kw::kMOD) op = "MOD";
    else return -1;
    return 4;
  }
  int level = -1;
  switch (t.op) {
    case Op::kPipe: level = 0; break;
    case Op::kAmp: level = 1; break;
    case Op::kShl: case Op::kShr: level = 2; break;
    case Op::kPlus: case Op::kMinus: level = 3; break;
    case Op::kStar: case Op::kSlash: case Op::kPercent: level = 4; break;
    case Op::kCaret: level = 5; break;
    case Op::kPipes: level = p.settings_.pipes_as_concat ? 6 : -1; break;
    default: break;
  }
  if (level >= 0) op = p.text(t);
  return level;
}

std::string_view comparison_op(const Parser& p) {
  const Token& t = p.peek();
  switch (t.op) {
    case Op::kEq: case Op::kNullSafeEq: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe:
    case Op::kNe:
      return p.text(t);
    case Op::kBangEq:
      return "<>";
    default:
      return {};
  }
}

}  // namespace

// Precedence climbing over the bit_expr levels: operators of level >= `level` are taken here,
// each right operand parsed for the levels above its operator's (left-associative).
NodeId Parser::bit_expr(int level) {
  SY_TRY(first, simple_expr());
  NodeId left = first;
  for (;;) {
    std::string_view op;
    const int op_level = bit_op(*this, op);
    if (op_level < level) return left;
    take();
    // d + INTERVAL 1 DAY: the primary parses INTERVAL.
    const NodeId right = (op_level == 3 && at_kw(Kw::kINTERVAL)) ? simple_expr() : bit_expr(op_level + 1);
    if (right == kNoNode) return kNoNode;
    left = binary(op, left, right);
  }
}

namespace {

bool at_predicate_word(const Parser& p, size_t k) {
  return p.at_kw(Kw::kIN, k) || p.at_kw(Kw::kBETWEEN, k) || p.at_kw(Kw::kLIKE, k) || p.at_kw(Kw::kREGEXP, k) ||
         p.at_kw(Kw::kRLIKE, k);
}

}  // namespace

// predicate: bit_expr [NOT] IN (...) | [NOT] BETWEEN | [NOT] LIKE | [NOT] REGEXP | SOUNDS LIKE |
// MEMBER [OF] (...) | bit_expr
static NodeId predicate(Parser& p) {
  SY_TRY(left, p.bit_expr());
  const bool negated = p.at_kw(Kw::kNOT) && at_predicate_word(p, 1);
  if (negated) p.take();
  const uint32_t neg = negated ? flag::kNot : 0;
  if (p.accept_kw(Kw::kIN)) {
    if (!p.expect_op('(')) return kNoNode;
    const uint32_t begin = p.tree_.node(left).begin;
    NodeId rhs = kNoNode;
    if (p.at_kw(Kw::kSELECT) || p.at_kw(Kw::kWITH)) {
      const uint32_t qbegin = p.here();
      SY_TRY(q, p.query());
      if (!p.expect_op(')')) return kNoNode;
      rhs = p.tree_.add(Kind::kSubquery, qbegin, p.last_end());
      p.tree_.node(rhs).first_child = q;
    } else {
      if (p.at_op(')')) return p.fail("IN needs at least one value");
      rhs = p.add(Kind::kList, p.here());
      if (p.expr_list_in_parens(rhs) == kNoNode) return kNoNode;
      p.finish(rhs);
    }
    const NodeId id = p.binary("", left, rhs, Kind::kIn, neg);
    p.tree_.node(id).begin = begin;
    return id;
  }
  if (p.accept_kw(Kw::kBETWEEN)) {
    SY_TRY(low, p.bit_expr());
    if (!p.expect_kw(Kw::kAND)) return kNoNode;
    SY_TRY(high, predicate(p));
    const NodeId id = p.binary("", left, low, Kind::kBetween, neg);
    p.tree_.node(low).next_sibling = high;
    p.tree_.node(id).end = p.tree_.node(high).end;
    return id;
  }
  if (p.accept_kw(Kw::kLIKE)) {
    SY_TRY(pattern, p.bit_expr());
    const NodeId id = p.binary("", left, pattern, Kind::kLike, neg);
    if (p.at_word_ci("ESCAPE")) {
      p.take();
      SY_TRY(escape, p.simple_expr());
      p.tree_.node(pattern).next_sibling = escape;
      p.tree_.node(id).end = p.tree_.node(escape).end;
    }
    return id;
  }
  if (p.accept_kw(Kw::kREGEXP) || p.accept_kw(Kw::kRLIKE)) {
    SY_TRY(pattern, p.bit_expr());
    return p.binary("", left, pattern, Kind::kRegexp, neg);
  }
  if (negated) return p.fail("expected IN, BETWEEN, LIKE or REGEXP after NOT");
  if (p.at_kw(Kw::kSOUNDS) && p.at_kw(Kw::kLIKE, 1)) {
    p.take();
    p.take();
    SY_TRY(right, p.bit_expr());
    return p.binary("", left, right, Kind::kSoundsLike);
  }
  if (p.at_kw(Kw::kMEMBER) && (p.at_kw(Kw::kOF, 1) || p.at_op('(', 1))) {
    p.take();
    p.accept_kw(Kw::kOF);
    if (!p.expect_op('(')) return kNoNode;
    SY_TRY(right, p.expr());
    if (!p.expect_op(')')) return kNoNode;
    const NodeId id = p.binary("", left, right, Kind::kMemberOf);
    p.tree_.node(id).end = p.last_end();
    return id;
  }
  return left;
}

// bool_pri: bool_pri comparison predicate | bool_pri comparison ANY/ALL/SOME (query) |
// bool_pri IS [NOT] NULL | predicate
static NodeId bool_primary(Parser& p) {
  SY_TRY(first, predicate(p));
  NodeId left = first;
  for (;;) {
    if (p.at_kw(Kw::kIS) && (p.at_kw(Kw::kNULL, 1) || (p.at_kw(Kw::kNOT, 1) && p.at_kw(Kw::kNULL, 2)))) {
      p.take();
      const bool negated = p.accept_kw(Kw::kNOT);
      p.take();
      const NodeId id = p.tree_.add(Kind::kIs, p.tree_.node(left).begin, p.last_end(), {},
                                    flag::kIsNull | (negated ? flag::kIsNot : 0));
      p.tree_.node(id).first_child = left;
      left = id;
      continue;
    }
    const std::string_view op = comparison_op(p);
    if (op.empty()) return left;
    p.take();
    uint32_t quantifier = p.at_kw(Kw::kANY) ? flag::kAny
                          : p.at_kw(Kw::kALL) ? flag::kAllSub
                          : p.at_kw(Kw::kSOME) ? flag::kSome
                                               : 0;
    if (quantifier != 0 && p.at_op('(', 1)) {
      p.take();
      p.take();
      const uint32_t qbegin = p.last_end() - 1;
      SY_TRY(q, p.query());
      if (!p.expect_op(')')) return kNoNode;
      const NodeId sub = p.tree_.add(Kind::kSubquery, qbegin, p.last_end());
      p.tree_.node(sub).first_child = q;
      left = p.binary(op, left, sub, Kind::kCompareSub, quantifier);
      continue;
    }
    SY_TRY(right, predicate(p));
    left = p.binary(op, left, right);
  }
}

// IS [NOT] TRUE / FALSE / UNKNOWN over a bool_pri.
static NodeId boolean_test(Parser& p) {
  SY_TRY(first, bool_primary(p));
  NodeId left = first;
  while (p.at_kw(Kw::kIS)) {
    const size_t k = p.at_kw(Kw::kNOT, 1) ? 2 : 1;
    const uint32_t what = p.at_kw(Kw::kTRUE, k)      ? flag::kIsTrue
                          : p.at_kw(Kw::kFALSE, k)   ? flag::kIsFalse
                          : p.at_kw(Kw::kUNKNOWN, k) ? flag::kIsUnknown
                                                     : 0;
    if (what == 0) return p.fail("expected NULL, TRUE, FALSE or UNKNOWN after IS");
    for (size_t i = 0; i <= k; ++i) p.take();
    const NodeId id = p.tree_.add(Kind::kIs, p.tree_.node(left).begin, p.last_end(), {},
                                  what | (k == 2 ? flag::kIsNot : 0));
    p.tree_.node(id).first_child = left;
    left = id;
  }
  return left;
}

static NodeId not_expr(Parser& p) {
  if (p.at_kw(Kw::kNOT)) {
    const Depth depth(p);
    if (!depth.ok()) return kNoNode;
    const uint32_t begin = p.take().begin;
    SY_TRY(operand, not_expr(p));
    const NodeId id = p.tree_.add(Kind::kUnary, begin, p.tree_.node(operand).end, "NOT");
    p.tree_.node(id).first_child = operand;
    return id;
  }
  return boolean_test(p);
}

// next { op next }, left-associative, where `match` says whether the cursor is at the operator.
template <class Next, class Match>
static NodeId left_assoc(Parser& p, std::string_view op, Next next, Match match) {
  SY_TRY(first, next(p));
  NodeId left = first;
  while (match(p)) {
    p.take();
    SY_TRY(right, next(p));
    left = p.binary(op, left, right);
  }
  return left;
}

static NodeId and_expr(Parser& p) {
  return left_assoc(p, "AND", not_expr, [](const Parser& q) { return q.at_kw(Kw::kAND) || q.at_op(Op::kAmps); });
}

static NodeId xor_expr(Parser& p) {
  return left_assoc(p, "XOR", and_expr, [](const Parser& q) { return q.at_kw(Kw::kXOR); });
}

static NodeId or_expr(Parser& p) {
  return left_assoc(p, "OR", xor_expr, [](const Parser& q) {
    return q.at_kw(Kw::kOR) || (q.at_op(Op::kPipes) && !q.settings_.pipes_as_concat);
  });
}

// A one-token operand (a number, ?, a string, an unqualified name) right before a token that no
// operator level takes: ',' ')' ';' the end, or a word other than the ones the levels below look
// for after an operand (COLLATE, DIV, MOD, [NOT] IN / BETWEEN / LIKE / REGEXP / RLIKE, SOUNDS,
// MEMBER, IS, AND, XOR, OR, and ESCAPE). Every level from OR down to the unary operators would
// find no operator and return the operand unchanged. (Not a string: one continues a string
// literal, 'a' 'b', or follows an introducer.)
// Tables, as this runs before every expression: a token's Op is kNone (0) unless it is an
// operator and its Kw kNone (0) unless it is a keyword, so both index safely.
constexpr auto kStopOp = [] {
  std::array<bool, 256> t{};
  t[static_cast<uint8_t>(Op::kComma)] = t[static_cast<uint8_t>(Op::kRParen)] =
      t[static_cast<uint8_t>(Op::kSemicolon)] = true;
  return t;
}();
constexpr auto kContinues = [] {
  std::array<bool, 256> t{};
  for (const Kw kw : {Kw::kCOLLATE, Kw::kDIV, Kw::kMOD, Kw::kNOT, Kw::kIN, Kw::kBETWEEN, Kw::kLIKE, Kw::kREGEXP,
                      Kw::kRLIKE, Kw::kSOUNDS, Kw::kMEMBER, Kw::kIS, Kw::kAND, Kw::kXOR, Kw::kOR, Kw::kESCAPE})
    t[static_cast<size_t>(kw)] = true;
  return t;
}();
static_assert(static_cast<size_t>(Kw::kXOR) < 256);

static bool lone_operand(const Parser& p) {
  const Token& u = p.peek(1);
  const bool stop = kStopOp[static_cast<uint8_t>(u.op)] || u.type == Tok::kEnd ||
                    (u.type == Tok::kWord && !kContinues[static_cast<size_t>(u.kw)]);
  if (!stop) return false;
  const Token& t = p.peek();
  return t.type == Tok::kNumber || t.type == Tok::kParam || t.type == Tok::kString || t.type == Tok::kQuotedIdent ||
         (t.type == Tok::kWord && t.kw == Kw::kNone);
}

NodeId Parser::expr() {
  const Depth depth(*this);
  if (!depth.ok()) return kNoNode;
  if (lone_operand(*this)) return simple_expr();  // what the levels below would return, cheaper
  SY_TRY(left, or_expr(*this));
  if (!at_op(Op::kAssign)) return left;
  if (tree_.node(left).kind != Kind::kVariable) return fail("only a user variable can be assigned with :=");
  take();
  SY_TRY(right, expr());
  return binary(":=", left, right);
}

NodeId Parser::simple_expr() {
  const Depth depth(*this);
  if (!depth.ok()) return kNoNode;
  const Token& t = peek();
  std::string_view op;
  if (t.op == op_char('-') || t.op == op_char('+') || t.op == op_char('~') || t.op == op_char('!')) {
    op = text(t);
  } else if (t.kw == Kw::kBINARY) {
    op = "BINARY";
  }
  if (!op.empty()) {
    const uint32_t begin = take().begin;
    SY_TRY(operand, simple_expr());
    const NodeId id = tree_.add(Kind::kUnary, begin, tree_.node(operand).end, op);
    tree_.node(id).first_child = operand;
    return id;
  }
  NodeId primary_id = primary();
  if (primary_id == kNoNode) return kNoNode;
  while (at_kw(Kw::kCOLLATE)) {
    take();
    const Token& c = peek();
    if (c.type != Tok::kWord && c.type != Tok::kQuotedIdent && c.type != Tok::kString)
      return fail("expected a collation name");
    take();
    const NodeId id = tree_.add(Kind::kCollate, tree_.node(primary_id).begin, c.end, text(c));
    tree_.node(id).first_child = primary_id;
    primary_id = id;
  }
  return primary_id;
}

NodeId Parser::expr_list_in_parens(NodeId parent) {
  Children kids(tree_, parent);
  if (accept_op(')')) return parent;
  for (;;) {
    SY_TRY(item, expr());
    kids.add(item);
    if (accept_op(',')) continue;
    if (!expect_op(')')) return kNoNode;
    return parent;
  }
}

}  // namespace switchyard::rewrite::mysql::detail

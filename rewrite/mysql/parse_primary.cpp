// Primary expressions: literals (strings and their adjacent parts, N'', X'', B'', numbers,
// NULL/TRUE/FALSE, DATE/TIME/TIMESTAMP '...', _charset introducers), placeholders, variables,
// column references (db.t.c, t.*), JSON -> / ->>, function calls (parse_call.cpp), CASE, CAST,
// CONVERT, INTERVAL, EXISTS, ROW(...), (a, b), (subquery), DEFAULT, NEXT VALUE FOR.

#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql::detail {

namespace {

// MySQL 8 / MariaDB 10.11 character sets, for telling `_latin1 'x'` from a column named _x.
constexpr std::string_view kCharsets[] = {
    "armscii8", "ascii", "big5", "binary", "cp1250", "cp1251", "cp1256", "cp1257", "cp850", "cp852", "cp866",
    "cp932", "dec8", "eucjpms", "euckr", "gb18030", "gb2312", "gbk", "geostd8", "greek", "hebrew", "hp8",
    "keybcs2", "koi8r", "koi8u", "latin1", "latin2", "latin5", "latin7", "macce", "macroman", "sjis", "swe7",
    "tis620", "ucs2", "ujis", "utf16", "utf16le", "utf32", "utf8", "utf8mb3", "utf8mb4"};

bool is_introducer(std::string_view word) {
  if (word.size() < 2 || word[0] != '_') return false;
  for (std::string_view c : kCharsets)
    if (same_word(word.substr(1), c)) return true;
  return false;
}

}  // namespace

constexpr std::string_view kUnits[] = {
    "MICROSECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR",
    "SECOND_MICROSECOND", "MINUTE_MICROSECOND", "MINUTE_SECOND", "HOUR_MICROSECOND", "HOUR_SECOND",
    "HOUR_MINUTE", "DAY_MICROSECOND", "DAY_SECOND", "DAY_MINUTE", "DAY_HOUR", "YEAR_MONTH"};

bool is_unit(const Parser& p, const Token& t) {
  if (t.type != Tok::kWord) return false;
  for (std::string_view u : kUnits)
    if (same_word(p.text(t), u)) return true;
  return false;
}

namespace {

// Reserved words that are also built-in functions when a '(' follows.
bool callable_reserved(Kw kw) {
  switch (kw) {
    case Kw::kINSERT: case Kw::kREPLACE: case Kw::kLEFT: case Kw::kRIGHT: case Kw::kMOD: case Kw::kVALUES:
    case Kw::kDEFAULT: case Kw::kCHAR: case Kw::kCURRENT_DATE: case Kw::kCURRENT_TIME:
    case Kw::kCURRENT_TIMESTAMP: case Kw::kCURRENT_USER: case Kw::kLOCALTIME: case Kw::kLOCALTIMESTAMP:
    case Kw::kUTC_DATE: case Kw::kUTC_TIME: case Kw::kUTC_TIMESTAMP:
      return true;
    default:
      return false;
  }
}

bool no_parens_function(Kw kw) {
  switch (kw) {
    case Kw::kCURRENT_DATE: case Kw::kCURRENT_TIME: case Kw::kCURRENT_TIMESTAMP: case Kw::kCURRENT_USER:
    case Kw::kLOCALTIME: case Kw::kLOCALTIMESTAMP: case Kw::kUTC_DATE: case Kw::kUTC_TIME:
    case Kw::kUTC_TIMESTAMP:
      return true;
    default:
      return false;
  }
}

}  // namespace

static NodeId string_literal(Parser& p) {
  const Token first = p.take();
  const NodeId id = p.add(Kind::kLiteral, first.begin, p.text(first),
                          first.type == Tok::kNational ? flag::kNational : flag::kString);
  Parser::Children parts(p.tree_, id);
  while (p.peek().type == Tok::kString) {
    const Token& part = p.take();
    parts.add(p.tree_.add(Kind::kLiteral, part.begin, part.end, p.text(part), flag::kString));
  }
  return p.finish(id);
}

static NodeId subquery_in_parens(Parser& p, uint32_t begin) {  // after '(', at SELECT / WITH
  SY_TRY(q, p.query());
  if (!p.expect_op(')')) return kNoNode;
  const NodeId id = p.tree_.add(Kind::kSubquery, begin, p.last_end());
  p.tree_.node(id).first_child = q;
  return id;
}

static NodeId case_expr(Parser& p) {
  const NodeId id = p.add(Kind::kCase, p.take().begin);
  Parser::Children kids(p.tree_, id);
  if (p.at_kw(Kw::kWHEN)) {
    kids.add(p.empty());
  } else {
    SY_TRY(operand, p.expr());
    kids.add(operand);
  }
  if (!p.at_kw(Kw::kWHEN)) return p.fail("expected WHEN");
  while (p.at_kw(Kw::kWHEN)) {
    const NodeId when = p.add(Kind::kWhen, p.take().begin);
    SY_TRY(cond, p.expr());
    if (!p.expect_kw(Kw::kTHEN)) return kNoNode;
    SY_TRY(result, p.expr());
    p.tree_.node(when).first_child = cond;
    p.tree_.node(cond).next_sibling = result;
    kids.add(p.finish(when));
  }
  if (p.accept_kw(Kw::kELSE)) {
    SY_TRY(otherwise, p.expr());
    kids.add(otherwise);
  } else {
    kids.add(p.empty());
  }
  if (!p.expect_kw(Kw::kEND)) return kNoNode;
  return p.finish(id);
}

// A column reference (db.t.c), t.* / db.t.*, or a call db.f(...), from its first part at the
// cursor; then JSON c->'$.a' / c->>'$.a'.
static NodeId name_or_call(Parser& p) {
  Token parts[4];
  size_t count = 0;
  parts[count++] = p.take();
  if (p.at_op('(')) return p.call(parts[0], kNoNode);
  bool star = false;
  while (p.at_op('.')) {
    if (count == 3 || star) return p.fail("too many parts in a name");
    p.take();
    const Token& t = p.peek();
    if (t.type == Tok::kOp && p.at_op('*')) {
      p.take();
      star = true;
      break;
    }
    if (t.type != Tok::kWord && t.type != Tok::kQuotedIdent) return p.fail("expected a name after '.'");
    parts[count++] = p.take();
  }
  auto build = [&](size_t n) {
    const NodeId name = p.tree_.add(Kind::kName, parts[0].begin, parts[n - 1].end);
    Parser::Children kids(p.tree_, name);
    for (size_t i = 0; i < n; ++i)
      kids.add(p.tree_.add(Kind::kIdent, parts[i].begin, parts[i].end, p.text(parts[i])));
    return name;
  };
  if (star) {
    const NodeId id = p.tree_.add(Kind::kStar, parts[0].begin, p.last_end());
    p.tree_.node(id).first_child = build(count);
    return id;
  }
  if (p.at_op('(') && count >= 2) return p.call(parts[count - 1], build(count - 1));
  NodeId id = build(count);
  if (p.at_op(Op::kJson) || p.at_op(Op::kJsonUnquote)) {
    const Token& op = p.take();
    if (p.peek().type != Tok::kString) return p.fail("expected a JSON path string");
    const Token& path = p.take();
    const NodeId lit = p.tree_.add(Kind::kLiteral, path.begin, path.end, p.text(path), flag::kString);
    id = p.binary(p.text(op), id, lit);
  }
  return id;
}

static NodeId interval(Parser& p) {
  const uint32_t begin = p.take().begin;
  const size_t saved = p.i_;
  const uint32_t saved_params = p.params_;
  const bool paren = p.at_op('(');
  SY_TRY(value, p.expr());
  if (is_unit(p, p.peek())) {
    const Token& unit = p.take();
    const NodeId id = p.tree_.add(Kind::kInterval, begin, unit.end, p.text(unit));
    p.tree_.node(id).first_child = value;
    return id;
  }
  if (paren) {
    p.i_ = saved;  // INTERVAL(N, N1, ...): the function
    p.params_ = saved_params;
    const Token name{Tok::kWord, Op::kNone, Kw::kINTERVAL, begin, begin + 8};
    return p.call(name, kNoNode);
  }
  return p.fail("expected an interval unit");
}

NodeId Parser::primary() {
  const Token t = peek();
  switch (t.type) {
    case Tok::kString:
    case Tok::kNational:
      return string_literal(*this);
    case Tok::kNumber:
    case Tok::kHex:
    case Tok::kBit:
      take();
      return tree_.add(Kind::kLiteral, t.begin, t.end, text(t),
                       t.type == Tok::kNumber ? flag::kNumber : t.type == Tok::kHex ? flag::kHex : flag::kBit);
    case Tok::kParam:
      take();
      return tree_.add(Kind::kParam, t.begin, t.end, "?", params_++);
    case Tok::kUserVar:
    case Tok::kSysVar:
      take();
      return tree_.add(Kind::kVariable, t.begin, t.end, text(t));
    case Tok::kQuotedIdent:
      return name_or_call(*this);
    case Tok::kOp:
      if (at_op('(')) {
        const Depth depth(*this);
        if (!depth.ok()) return kNoNode;
        take();
        if (at_kw(Kw::kSELECT) || at_kw(Kw::kWITH)) return subquery_in_parens(*this, t.begin);
        SY_TRY(first, expr());
        if (!at_op(',')) {
          if (!expect_op(')')) return kNoNode;
          return first;
        }
        const NodeId row = add(Kind::kRow, t.begin);
        Children kids(tree_, row);
        kids.add(first);
        while (accept_op(',')) {
          SY_TRY(item, expr());
          kids.add(item);
        }
        if (!expect_op(')')) return kNoNode;
        return finish(row);
      }
      if (at_op('{')) return unsupported("ODBC escapes ({d '...'}, {fn ...})");
      return fail("expected an expression");
    case Tok::kWord:
      break;
    default:
      return fail("expected an expression");
  }
  switch (t.kw) {
    case Kw::kNULL:
      take();
      return tree_.add(Kind::kLiteral, t.begin, t.end, "NULL", flag::kNull);
    case Kw::kTRUE:
      take();
      return tree_.add(Kind::kLiteral, t.begin, t.end, "TRUE", flag::kTrue);
    case Kw::kFALSE:
      take();
      return tree_.add(Kind::kLiteral, t.begin, t.end, "FALSE", flag::kFalse);
    case Kw::kDATE:
    case Kw::kTIME:
    case Kw::kTIMESTAMP:
      if (peek(1).type == Tok::kString) {
        take();
        const NodeId id = add(Kind::kTypedLiteral, t.begin, keyword_text(t.kw));
        SY_TRY(lit, string_literal(*this));
        tree_.node(id).first_child = lit;
        return finish(id);
      }
      break;
    case Kw::kCASE:
      return case_expr(*this);
    case Kw::kCAST:
    case Kw::kCONVERT: {
      if (!at_op('(', 1)) break;
      take();
      take();
      const NodeId id = add(t.kw == Kw::kCAST ? Kind::kCast : Kind::kConvert, t.begin);
      SY_TRY(value, expr());
      NodeId target = kNoNode;
      if (t.kw == Kw::kCAST) {
        if (!expect_kw(Kw::kAS)) return kNoNode;
        target = type_spec();
      } else if (accept_kw(Kw::kUSING)) {
        const Token& cs = peek();
        if (cs.type != Tok::kWord && cs.type != Tok::kQuotedIdent && cs.type != Tok::kString)
          return fail("expected a character set");
        take();
        target = tree_.add(Kind::kIdent, cs.begin, cs.end, text(cs));
        tree_.node(id).flags = flag::kConvertUsing;
      } else if (expect_op(',')) {
        target = type_spec();
      }
      if (target == kNoNode) return kNoNode;
      if (!expect_op(')')) return kNoNode;
      tree_.node(id).first_child = value;
      tree_.node(value).next_sibling = target;
      return finish(id);
    }
    case Kw::kEXISTS: {
      take();
      const uint32_t begin = here();
      if (!expect_op('(')) return kNoNode;
      if (!at_kw(Kw::kSELECT) && !at_kw(Kw::kWITH) && !at_op('(')) return fail("expected a subquery after EXISTS");
      SY_TRY(sub, subquery_in_parens(*this, begin));
      const NodeId id = tree_.add(Kind::kExists, t.begin, last_end());
      tree_.node(id).first_child = sub;
      return id;
    }
    case Kw::kINTERVAL:
      return interval(*this);
    case Kw::kROW:
      if (at_op('(', 1)) {
        take();
        take();
        const NodeId row = add(Kind::kRow, t.begin, {}, flag::kRowKeyword);
        if (expr_list_in_parens(row) == kNoNode) return kNoNode;
        return finish(row);
      }
      break;
    case Kw::kDEFAULT:
      if (at_op('(', 1)) return name_or_call(*this);
      take();
      return tree_.add(Kind::kDefault, t.begin, t.end, "DEFAULT");
    case Kw::kNEXT:
      if (at_kw(Kw::kVALUE, 1) && at_kw(Kw::kFOR, 2)) {
        take();
        take();
        take();
        const Token& first = peek();
        if (first.type != Tok::kWord && first.type != Tok::kQuotedIdent) return fail("expected a sequence name");
        SY_TRY(seq, name());
        const NodeId id = tree_.add(Kind::kNextValue, t.begin, last_end());
        tree_.node(id).first_child = seq;
        return id;
      }
      break;
    case Kw::kSELECT:
    case Kw::kWITH:
      return fail("a subquery must be in parentheses");
    default:
      break;
  }
  if (no_parens_function(t.kw) && !at_op('(', 1)) {
    take();
    const NodeId fn = tree_.add(Kind::kFunction, t.begin, t.end, text(t), flag::kNoParens);
    return fn;
  }
  if (is_reserved(t.kw) && !(callable_reserved(t.kw) && at_op('(', 1)))
    return fail("a reserved word cannot start an expression");
  if (is_introducer(text(t))) {
    const Token& lit = peek(1);
    if (lit.type == Tok::kString || lit.type == Tok::kHex || lit.type == Tok::kBit) {
      take();
      const NodeId id = add(Kind::kIntroduced, t.begin, text(t));
      NodeId value = kNoNode;
      if (lit.type == Tok::kString) {
        value = string_literal(*this);
      } else {
        take();
        value = tree_.add(Kind::kLiteral, lit.begin, lit.end, text(lit), lit.type == Tok::kHex ? flag::kHex : flag::kBit);
      }
      if (value == kNoNode) return kNoNode;
      tree_.node(id).first_child = value;
      return finish(id);
    }
  }
  return name_or_call(*this);
}

}  // namespace switchyard::rewrite::mysql::detail

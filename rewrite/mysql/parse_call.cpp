// Function calls: name(args) with DISTINCT and COUNT(*), qualified db.f(...), GROUP_CONCAT
// (ORDER BY, SEPARATOR), the calls with their own syntax (TRIM([LEADING|TRAILING|BOTH] x FROM y),
// SUBSTRING(s FROM p FOR n), EXTRACT(unit FROM d), POSITION(a IN b), CHAR(... USING cs)), and the
// CAST / CONVERT target type.
#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql::detail {

NodeId Parser::type_spec() {
  // The type's tokens up to the ')' closing the CAST / CONVERT, joined with single spaces (no
  // comments, so the text prints back the same under any setting).
  std::string spelled;
  int depth = 0;
  const uint32_t begin = here();
  while (!at_end()) {
    if (at_op(')') && depth == 0) break;
    // A ? here would be a placeholder the tree does not show (and the server refuses anyway).
    if (peek().type == Tok::kParam) return fail("a placeholder in a type");
    if (at_op('(')) ++depth;
    if (at_op(')')) --depth;
    const Token& t = take();
    const std::string_view s = text(t);
    const bool glue = spelled.empty() || s == "(" || s == ")" || s == "," || spelled.back() == '(';
    if (!glue) spelled += ' ';
    spelled += s;
  }
  if (spelled.empty()) return fail("expected a type");
  return tree_.add(Kind::kType, begin, last_end(), tree_.own(std::move(spelled)));
}

static NodeId special_call(Parser& p, const Token& name, NodeId fn) {
  // At the first token after '('; fn is a kSpecialCall already holding nothing.
  Parser::Children kids(p.tree_, fn);
  const Kw kw = name.kw;
  if (kw == Kw::kTRIM) {
    uint32_t f = p.accept_kw(Kw::kLEADING)    ? flag::kTrimLeading
                 : p.accept_kw(Kw::kTRAILING) ? flag::kTrimTrailing
                 : p.accept_kw(Kw::kBOTH)     ? flag::kTrimBoth
                                              : 0;
    if (f != 0 && p.accept_kw(Kw::kFROM)) {
      f |= flag::kTrimFrom;
    } else {
      SY_TRY(first, p.expr());
      kids.add(first);
      if (p.accept_kw(Kw::kFROM)) {
        f |= flag::kTrimFrom;
      } else if (f != 0) {
        return p.fail("expected FROM in TRIM");
      }
    }
    if (f & flag::kTrimFrom) {
      SY_TRY(str, p.expr());
      kids.add(str);
    }
    p.tree_.node(fn).flags = f;
  } else if (kw == Kw::kEXTRACT) {
    const Token& unit = p.peek();
    if (!is_unit(p, unit)) return p.fail("expected a unit in EXTRACT");
    p.take();
    kids.add(p.tree_.add(Kind::kIdent, unit.begin, unit.end, p.text(unit)));
    if (!p.expect_kw(Kw::kFROM)) return kNoNode;
    SY_TRY(from, p.expr());
    kids.add(from);
  } else if (kw == Kw::kPOSITION) {
    SY_TRY(needle, p.bit_expr());
    if (!p.expect_kw(Kw::kIN)) return kNoNode;
    SY_TRY(hay, p.expr());
    kids.add(needle);
    kids.add(hay);
  } else {  // SUBSTRING / SUBSTR (str FROM pos [FOR len]), CHAR(... USING cs)
    // FROM only right after the string, FOR only once after FROM's position: the printer's
    // FROM/FOR form has exactly those two or three arguments (the fuzzer found SUBSTRING(a, b
    // FROM c FOR d) accepted and printed without b).
    size_t args = 0;
    for (;;) {
      SY_TRY(arg, p.expr());
      kids.add(arg);
      ++args;
      if (kw == Kw::kCHAR && p.accept_kw(Kw::kUSING)) {
        const Token& cs = p.peek();
        if (cs.type != Tok::kWord && cs.type != Tok::kQuotedIdent && cs.type != Tok::kString)
          return p.fail("expected a character set");
        p.take();
        kids.add(p.tree_.add(Kind::kIdent, cs.begin, cs.end, p.text(cs)));
        p.tree_.node(fn).flags |= flag::kCharUsing;
        break;
      }
      if (kw != Kw::kCHAR && args == 1 && p.tree_.node(fn).flags == 0 && p.accept_kw(Kw::kFROM)) {
        p.tree_.node(fn).flags |= flag::kSubstrFrom;
        continue;
      }
      if (kw != Kw::kCHAR && args == 2 && (p.tree_.node(fn).flags & flag::kSubstrFrom) &&
          (p.tree_.node(fn).flags & flag::kSubstrFor) == 0 && p.accept_kw(Kw::kFOR)) {
        p.tree_.node(fn).flags |= flag::kSubstrFor;
        continue;
      }
      if ((p.tree_.node(fn).flags & flag::kSubstrFrom) == 0 && p.accept_op(',')) continue;
      break;
    }
  }
  if (!p.expect_op(')')) return kNoNode;
  return p.finish(fn);
}

NodeId Parser::call(const Token& name, NodeId qualifier) {
  const uint32_t begin = qualifier != kNoNode ? tree_.node(qualifier).begin : name.begin;
  take();  // (
  const bool plain = qualifier == kNoNode && name.type == Tok::kWord;
  if (plain && (name.kw == Kw::kTRIM || name.kw == Kw::kEXTRACT || name.kw == Kw::kPOSITION ||
                name.kw == Kw::kSUBSTRING || name.kw == Kw::kSUBSTR || name.kw == Kw::kCHAR)) {
    const NodeId fn = add(Kind::kSpecialCall, begin, text(name));
    return special_call(*this, name, fn);
  }
  if (plain && same_word(text(name), "GROUP_CONCAT")) {
    const NodeId fn = add(Kind::kGroupConcat, begin, text(name));
    Children kids(tree_, fn);
    if (accept_kw(Kw::kDISTINCT)) tree_.node(fn).flags = flag::kFnDistinct;
    SY_TRY(args, comma_list(Kind::kList, here(), [this] { return expr(); }));
    kids.add(args);
    if (at_kw(Kw::kORDER) && at_kw(Kw::kBY, 1)) {
      take();
      take();
      SY_TRY(order, order_by());
      kids.add(order);
    } else {
      kids.add(empty());
    }
    if (accept_kw(Kw::kSEPARATOR)) {
      if (peek().type != Tok::kString) return fail("expected a string after SEPARATOR");
      const Token& s = take();
      kids.add(tree_.add(Kind::kLiteral, s.begin, s.end, text(s), flag::kString));
    } else {
      kids.add(empty());
    }
    if (!expect_op(')')) return kNoNode;
    return finish(fn);
  }
  if (plain && same_word(text(name), "MATCH")) return unsupported("MATCH ... AGAINST");
  const NodeId fn = add(Kind::kFunction, begin, text(name));
  Children kids(tree_, fn);
  kids.add(qualifier != kNoNode ? qualifier : empty());
  if (!accept_op(')')) {
    if (accept_kw(Kw::kDISTINCT)) {
      tree_.node(fn).flags |= flag::kFnDistinct;
    } else if (at_kw(Kw::kALL) && !at_op('(', 1)) {
      take();  // COUNT(ALL x) is COUNT(x)
    }
    if (at_op('*') && at_op(')', 1)) {
      const Token& star = take();
      const NodeId star_id = tree_.add(Kind::kStar, star.begin, star.end);
      kids.add(star_id);
      take();
    } else {
      for (;;) {
        SY_TRY(arg, expr());
        kids.add(arg);
        if (accept_op(',')) continue;
        if (!expect_op(')')) return kNoNode;
        break;
      }
    }
  }
  if (at_kw(Kw::kOVER)) return unsupported("window functions (OVER)");
  return finish(fn);
}

}  // namespace switchyard::rewrite::mysql::detail

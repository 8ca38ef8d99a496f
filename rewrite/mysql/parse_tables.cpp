// Table references: FROM a, b JOIN c ON ..., LEFT / RIGHT [OUTER] JOIN, CROSS / INNER JOIN,
// STRAIGHT_JOIN, NATURAL [LEFT | RIGHT] JOIN, USING (...), parenthesised joins, derived tables
// ([LATERAL] (SELECT ...) AS d (cols)), aliases and index hints; and the names they use.
#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql::detail {

NodeId Parser::ident() {
  const Token& t = peek();
  if (t.type == Tok::kQuotedIdent || (t.type == Tok::kWord && !is_reserved(t.kw))) {
    take();
    return tree_.add(Kind::kIdent, t.begin, t.end, text(t));
  }
  return fail("expected an identifier");
}

NodeId Parser::name() {
  const NodeId id = add(Kind::kName, here());
  Children kids(tree_, id);
  SY_TRY(first, ident());
  kids.add(first);
  for (int parts = 1; at_op('.') && !at_op('*', 1); ++parts) {  // t.* is the caller's
    if (parts == 3) return fail("too many parts in a name");
    take();
    const Token& t = peek();  // after '.', reserved words are names too (t.order)
    if (t.type != Tok::kWord && t.type != Tok::kQuotedIdent) return fail("expected a name after '.'");
    take();
    kids.add(tree_.add(Kind::kIdent, t.begin, t.end, text(t)));
  }
  return finish(id);
}

static NodeId index_hints(Parser& p) {
  if (!p.at_kw(Kw::kUSE) && !p.at_kw(Kw::kFORCE) && !(p.at_kw(Kw::kIGNORE) && (p.at_kw(Kw::kINDEX, 1) || p.at_kw(Kw::kKEY, 1))))
    return p.empty();
  const NodeId list = p.add(Kind::kList, p.here());
  Parser::Children hints(p.tree_, list);
  while (p.at_kw(Kw::kUSE) || p.at_kw(Kw::kFORCE) || p.at_kw(Kw::kIGNORE)) {
    const Token& verb = p.take();
    uint32_t f = 0;
    if (p.accept_kw(Kw::kKEY)) {
      f = flag::kHintKey;
    } else if (!p.expect_kw(Kw::kINDEX)) {
      return kNoNode;
    }
    if (p.accept_kw(Kw::kFOR)) {
      if (p.accept_kw(Kw::kJOIN)) {
        f |= flag::kHintForJoin;
      } else if (p.accept_kw(Kw::kORDER) && p.expect_kw(Kw::kBY)) {
        f |= flag::kHintForOrderBy;
      } else if (p.accept_kw(Kw::kGROUP) && p.expect_kw(Kw::kBY)) {
        f |= flag::kHintForGroupBy;
      } else {
        return p.fail("expected JOIN, ORDER BY or GROUP BY");
      }
    }
    const NodeId hint = p.add(Kind::kIndexHint, verb.begin, keyword_text(verb.kw), f);
    const NodeId names = p.add(Kind::kList, p.here());
    Parser::Children items(p.tree_, names);
    if (!p.expect_op('(')) return kNoNode;
    while (!p.at_op(')')) {
      const Token& t = p.peek();
      if (t.type != Tok::kWord && t.type != Tok::kQuotedIdent) return p.fail("expected an index name");
      p.take();
      items.add(p.tree_.add(Kind::kIdent, t.begin, t.end, p.text(t)));  // PRIMARY is reserved, yet an index name here
      if (!p.accept_op(',')) break;
    }
    if (!p.expect_op(')')) return kNoNode;
    p.tree_.node(hint).first_child = p.finish(names);
    hints.add(p.finish(hint));
  }
  return p.finish(list);
}

static NodeId table_factor(Parser& p) {
  const Depth depth(p);
  if (!depth.ok()) return kNoNode;
  const uint32_t begin = p.here();
  const bool lateral = p.at_kw(Kw::kLATERAL) && p.at_op('(', 1);
  if (lateral) p.take();
  if (p.at_op('(')) {
    const bool derived = p.at_kw(Kw::kSELECT, 1) || p.at_kw(Kw::kWITH, 1) || (p.at_op('(', 1) && (p.at_kw(Kw::kSELECT, 2) || p.at_kw(Kw::kWITH, 2)));
    if (derived || lateral) {
      p.take();
      SY_TRY(q, p.query());
      if (!p.expect_op(')')) return kNoNode;
      const NodeId id = p.add(Kind::kDerived, begin, {}, lateral ? flag::kLateral : 0);
      Parser::Children kids(p.tree_, id);
      kids.add(q);
      SY_TRY(alias, p.optional_alias(false));
      if (alias == Parser::kAbsent) return p.fail("a derived table needs an alias");
      kids.add(alias);
      if (p.at_op('(')) {
        p.take();
        SY_TRY(cols, p.ident_list());
        if (!p.expect_op(')')) return kNoNode;
        kids.add(cols);
      } else {
        kids.add(p.empty());
      }
      return p.finish(id);
    }
    p.take();
    SY_TRY(inner, p.table_ref());
    NodeId joined = inner;
    while (p.accept_op(',')) {  // (a, b): a comma join
      SY_TRY(right, p.table_ref());
      joined = p.binary("", joined, right, Kind::kJoin, flag::kJoinComma);
    }
    if (!p.expect_op(')')) return kNoNode;
    return joined;
  }
  if (p.at_word_ci("JSON_TABLE") && p.at_op('(', 1)) return p.unsupported("JSON_TABLE");
  if (p.at_op('{')) return p.unsupported("ODBC { OJ ... } joins");
  const NodeId id = p.add(Kind::kTable, begin);
  Parser::Children kids(p.tree_, id);
  SY_TRY(table, p.name());
  kids.add(table);
  if (p.at_kw(Kw::kPARTITION)) return p.unsupported("PARTITION clause");
  if (p.at_kw(Kw::kFOR) && p.at_word_ci("SYSTEM_TIME", 1)) return p.unsupported("FOR SYSTEM_TIME");
  SY_TRY(alias, p.optional_alias(false));
  kids.add(alias);
  SY_TRY(hints, index_hints(p));
  kids.add(hints);
  return p.finish(id);
}

NodeId Parser::table_ref() {
  SY_TRY(first, table_factor(*this));
  NodeId left = first;
  for (;;) {
    uint32_t f = 0;
    bool natural = false;
    if (at_kw(Kw::kJOIN)) {
      f = flag::kJoinInner;
    } else if (at_kw(Kw::kINNER) && at_kw(Kw::kJOIN, 1)) {
      f = flag::kJoinInner | flag::kJoinInnerKeyword;
      take();
    } else if (at_kw(Kw::kCROSS) && at_kw(Kw::kJOIN, 1)) {
      f = flag::kJoinCross;
      take();
    } else if (at_kw(Kw::kSTRAIGHT_JOIN)) {
      f = flag::kJoinStraight;
    } else if (at_kw(Kw::kLEFT) || at_kw(Kw::kRIGHT)) {
      f = at_kw(Kw::kLEFT) ? flag::kJoinLeft : flag::kJoinRight;
      take();
      if (accept_kw(Kw::kOUTER)) f |= flag::kJoinOuterKeyword;
      if (!at_kw(Kw::kJOIN)) return fail("expected JOIN");
    } else if (at_kw(Kw::kNATURAL)) {
      take();
      natural = true;
      f = flag::kJoinNatural;
      if (accept_kw(Kw::kLEFT)) f = flag::kJoinNaturalLeft;
      else if (accept_kw(Kw::kRIGHT)) f = flag::kJoinNaturalRight;
      else if (accept_kw(Kw::kINNER)) f |= flag::kJoinInnerKeyword;
      if (accept_kw(Kw::kOUTER)) f |= flag::kJoinOuterKeyword;
      if (!at_kw(Kw::kJOIN)) return fail("expected JOIN");
    } else {
      return left;
    }
    take();  // JOIN / STRAIGHT_JOIN
    SY_TRY(right, table_factor(*this));
    NodeId condition = kNoNode;
    if (!natural && at_kw(Kw::kON)) {
      const uint32_t begin = take().begin;
      SY_TRY(on, expr());
      condition = tree_.add(Kind::kOn, begin, last_end());
      tree_.node(condition).first_child = on;
    } else if (!natural && at_kw(Kw::kUSING)) {
      const uint32_t begin = take().begin;
      if (!expect_op('(')) return kNoNode;
      condition = comma_list(Kind::kUsing, begin, [this] { return ident(); });
      if (condition == kNoNode || !expect_op(')')) return kNoNode;
      finish(condition);
    } else {
      const uint32_t type = f & 15;
      if (type == flag::kJoinLeft || type == flag::kJoinRight) return fail("LEFT / RIGHT JOIN needs ON or USING");
      condition = empty();
    }
    left = binary("", left, right, Kind::kJoin, f);
    if (condition != kAbsent) tree_.node(right).next_sibling = condition;
    tree_.node(left).end = last_end();
  }
}

NodeId Parser::table_refs() { return comma_list(Kind::kList, here(), [this] { return table_ref(); }); }

}  // namespace switchyard::rewrite::mysql::detail

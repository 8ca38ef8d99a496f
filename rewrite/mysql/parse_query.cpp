// Queries: WITH, UNION / EXCEPT / INTERSECT (INTERSECT binds tighter, as in MariaDB 10.4+ and
// MySQL 8.0.31+), parenthesised query blocks, SELECT with its options, list, FROM (joins,
// derived tables, index hints), WHERE, GROUP BY [WITH ROLLUP], HAVING, ORDER BY, LIMIT and the
// locking clauses.
#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql::detail {
namespace {

// The children of kSelect (ast.h), by index.
constexpr size_t kSelectOrder = 5, kSelectLimit = 6, kSelectLock = 7;
constexpr size_t kSetOpOrder = 2, kSetOpLimit = 3;

bool can_be_implicit_alias(const Token& t) {
  if (t.type == Tok::kQuotedIdent) return true;
  return t.type == Tok::kWord && !is_reserved(t.kw) && t.kw != Kw::kRETURNING;
}

}  // namespace

NodeId Parser::optional_alias(bool allow_string) {
  const bool as = accept_kw(Kw::kAS);
  const Token& t = peek();
  if (can_be_implicit_alias(t) || (as && t.type == Tok::kWord) || (allow_string && t.type == Tok::kString)) {
    if (t.type == Tok::kWord && is_reserved(t.kw)) return fail("a reserved word cannot be an alias");
    take();
    return tree_.add(Kind::kIdent, t.begin, t.end, text(t));
  }
  if (as) return fail("expected an alias after AS");
  return empty();
}

NodeId Parser::select_items() {
  return comma_list(Kind::kList, here(), [this]() -> NodeId {
    const uint32_t begin = here();
    NodeId value = kNoNode;
    if (at_op('*')) {
      const Token& star = take();
      value = tree_.add(Kind::kStar, star.begin, star.end);
    } else {
      value = expr();
    }
    if (value == kNoNode) return kNoNode;
    const NodeId item = add(Kind::kSelectItem, begin);
    tree_.node(item).first_child = value;
    const NodeId alias = tree_.node(value).kind == Kind::kStar ? empty() : optional_alias(true);
    if (alias == kNoNode) return kNoNode;
    if (alias != kAbsent) tree_.node(value).next_sibling = alias;
    return finish(item);
  });
}

NodeId Parser::order_by() {
  return comma_list(Kind::kList, here(), [this]() -> NodeId {
    const uint32_t begin = here();
    SY_TRY(value, expr());
    const uint32_t dir = accept_kw(Kw::kASC) ? flag::kAsc : accept_kw(Kw::kDESC) ? flag::kDesc : 0;
    const NodeId item = add(Kind::kOrderItem, begin, {}, dir);
    tree_.node(item).first_child = value;
    return finish(item);
  });
}

NodeId Parser::limit() {
  const NodeId id = add(Kind::kLimit, last_end());
  SY_TRY(first, simple_expr());
  NodeId count = first;
  NodeId offset = kNoNode;
  if (accept_op(',')) {
    offset = first;
    count = simple_expr();
    if (count == kNoNode) return kNoNode;
    tree_.node(id).flags = flag::kLimitComma;
  } else if (accept_kw(Kw::kOFFSET)) {
    offset = simple_expr();
    if (offset == kNoNode) return kNoNode;
  } else {
    offset = empty();
  }
  tree_.node(id).first_child = count;
  if (offset != kAbsent) tree_.node(count).next_sibling = offset;
  return finish(id);
}

static NodeId locking(Parser& p) {
  const uint32_t begin = p.here();
  uint32_t f = 0;
  if (p.at_kw(Kw::kFOR) && p.at_kw(Kw::kUPDATE, 1)) {
    f = flag::kForUpdate;
  } else if (p.at_kw(Kw::kFOR) && p.at_kw(Kw::kSHARE, 1)) {
    f = flag::kForShare;
  } else if (p.at_kw(Kw::kLOCK) && p.at_kw(Kw::kIN, 1) && p.at_kw(Kw::kSHARE, 2) && p.at_kw(Kw::kMODE, 3)) {
    f = flag::kLockInShareMode;
    p.take();
    p.take();
  } else {
    return p.empty();
  }
  p.take();
  p.take();
  const NodeId id = p.add(Kind::kLock, begin, {}, f);
  Parser::Children kids(p.tree_, id);
  if (f != flag::kLockInShareMode && p.accept_kw(Kw::kOF)) {
    SY_TRY(tables, p.comma_list(Kind::kList, p.here(), [&p] { return p.name(); }));
    kids.add(tables);
  } else {
    kids.add(p.empty());
  }
  if (p.accept_kw(Kw::kNOWAIT)) {
    p.tree_.node(id).flags |= flag::kNoWait;
    kids.add(p.empty());
  } else if (p.at_kw(Kw::kSKIP) && p.at_kw(Kw::kLOCKED, 1)) {
    p.take();
    p.take();
    p.tree_.node(id).flags |= flag::kSkipLocked;
    kids.add(p.empty());
  } else if (p.accept_kw(Kw::kWAIT)) {
    if (p.peek().type != Tok::kNumber) return p.fail("expected seconds after WAIT");
    const Token& n = p.take();
    p.tree_.node(id).flags |= flag::kWait;
    kids.add(p.tree_.add(Kind::kLiteral, n.begin, n.end, p.text(n), flag::kNumber));
  } else {
    kids.add(p.empty());
  }
  return p.finish(id);
}

static NodeId select_core(Parser& p) {
  const NodeId id = p.add(Kind::kSelect, p.take().begin);
  uint32_t f = 0;
  for (;;) {
    const Kw kw = p.peek().type == Tok::kWord ? p.peek().kw : Kw::kNone;
    const uint32_t bit = kw == Kw::kDISTINCT              ? flag::kDistinct
                         : kw == Kw::kDISTINCTROW         ? flag::kDistinctRow
                         : kw == Kw::kALL                 ? flag::kAll
                         : kw == Kw::kHIGH_PRIORITY       ? flag::kHighPriority
                         : kw == Kw::kSTRAIGHT_JOIN       ? flag::kStraightJoin
                         : kw == Kw::kSQL_SMALL_RESULT    ? flag::kSmallResult
                         : kw == Kw::kSQL_BIG_RESULT      ? flag::kBigResult
                         : kw == Kw::kSQL_BUFFER_RESULT   ? flag::kBufferResult
                         : kw == Kw::kSQL_NO_CACHE        ? flag::kNoCache
                         : kw == Kw::kSQL_CACHE           ? flag::kCache
                         : kw == Kw::kSQL_CALC_FOUND_ROWS ? flag::kCalcFoundRows
                                                          : 0;
    if (bit == 0) break;
    p.take();
    f |= bit;
  }
  Parser::Children kids(p.tree_, id);
  SY_TRY(list, p.select_items());
  kids.add(list);
  if (p.at_kw(Kw::kINTO)) return p.unsupported("SELECT ... INTO");
  if (p.accept_kw(Kw::kFROM)) {
    if (p.at_word_ci("DUAL")) {
      return p.unsupported("FROM DUAL");
    }
    SY_TRY(from, p.table_refs());
    kids.add(from);
  } else {
    kids.add(p.empty());
  }
  if (p.accept_kw(Kw::kWHERE)) {
    SY_TRY(where, p.expr());
    kids.add(where);
  } else {
    kids.add(p.empty());
  }
  if (p.at_kw(Kw::kGROUP) && p.at_kw(Kw::kBY, 1)) {
    p.take();
    p.take();
    SY_TRY(group, p.order_by());
    kids.add(group);
    if (p.at_kw(Kw::kWITH) && p.at_kw(Kw::kROLLUP, 1)) {
      p.take();
      p.take();
      f |= flag::kWithRollup;
    }
  } else {
    kids.add(p.empty());
  }
  if (p.accept_kw(Kw::kHAVING)) {
    SY_TRY(having, p.expr());
    kids.add(having);
  } else {
    kids.add(p.empty());
  }
  if (p.at_kw(Kw::kWINDOW)) return p.unsupported("WINDOW clause");
  kids.add(p.empty());  // order, limit, lock: filled by the query around it
  kids.add(p.empty());
  kids.add(p.empty());
  p.tree_.node(id).flags = f;
  return p.finish(id);
}

// A query block: SELECT ..., or ( query ) (with its own ORDER BY / LIMIT inside).
static NodeId query_primary(Parser& p) {
  if (p.at_kw(Kw::kSELECT)) return select_core(p);
  if (p.at_op('(')) {
    const Depth depth(p);
    if (!depth.ok()) return kNoNode;
    p.take();
    SY_TRY(q, p.query());
    if (!p.expect_op(')')) return kNoNode;
    return q;
  }
  if (p.at_kw(Kw::kVALUES) || p.at_kw(Kw::kTABLE)) return p.unsupported("VALUES and TABLE statements");
  return p.fail("expected SELECT");
}

static NodeId set_operand(Parser& p, bool intersect_level);

static NodeId set_chain(Parser& p, bool intersect_level) {
  SY_TRY(first, intersect_level ? query_primary(p) : set_operand(p, true));
  NodeId left = first;
  for (;;) {
    const Kw kw = p.peek().type == Tok::kWord ? p.peek().kw : Kw::kNone;
    const bool is_op = intersect_level ? kw == Kw::kINTERSECT
                                       : (kw == Kw::kUNION || kw == Kw::kEXCEPT || kw == Kw::kMINUS);
    if (!is_op) return left;
    if (kw == Kw::kMINUS) return p.unsupported("MINUS");
    p.take();
    const uint32_t f = p.accept_kw(Kw::kALL) ? flag::kSetAll : p.accept_kw(Kw::kDISTINCT) ? flag::kSetDistinct : 0;
    SY_TRY(right, intersect_level ? query_primary(p) : set_operand(p, true));
    const NodeId op = p.binary(keyword_text(kw), left, right, Kind::kSetOp, f);
    left = op;
  }
}

static NodeId set_operand(Parser& p, bool intersect_level) { return set_chain(p, intersect_level); }

NodeId Parser::query() {
  const Depth depth(*this);
  if (!depth.ok()) return kNoNode;
  if (at_kw(Kw::kWITH)) {
    const NodeId with = add(Kind::kWith, take().begin);
    if (accept_kw(Kw::kRECURSIVE)) tree_.node(with).flags = flag::kRecursive;
    Children kids(tree_, with);
    for (;;) {
      const Token& name_tok = peek();
      SY_TRY(cte_name, ident());
      const NodeId cte = add(Kind::kCte, name_tok.begin, tree_.node(cte_name).text);
      Children parts(tree_, cte);
      if (at_op('(')) {
        take();
        SY_TRY(cols, ident_list());
        if (!expect_op(')')) return kNoNode;
        parts.add(cols);
      } else {
        parts.add(empty());
      }
      if (!expect_kw(Kw::kAS) || !expect_op('(')) return kNoNode;
      SY_TRY(body, query());
      if (!expect_op(')')) return kNoNode;
      parts.add(body);
      kids.add(finish(cte));
      if (!accept_op(',')) break;
    }
    if (!at_kw(Kw::kSELECT) && !at_op('(')) return unsupported("WITH before a statement other than SELECT");
    SY_TRY(body, query());
    kids.add(body);
    return finish(with);
  }
  SY_TRY(chain, set_chain(*this, false));
  const bool order = at_kw(Kw::kORDER) && at_kw(Kw::kBY, 1);
  const bool lim = at_kw(Kw::kLIMIT);
  const bool lock = (at_kw(Kw::kFOR) && (at_kw(Kw::kUPDATE, 1) || at_kw(Kw::kSHARE, 1))) || at_kw(Kw::kLOCK);
  if (!order && !lim && !lock) return chain;
  // ORDER BY / LIMIT after the chain belong to it (a select, or the whole UNION), unless a
  // parenthesised block already has its own: then they apply to the block, (q) ORDER BY ...
  NodeId target = chain;
  size_t order_slot = kSelectOrder, limit_slot = kSelectLimit;
  const Kind kind = tree_.node(chain).kind;
  if (kind == Kind::kSetOp) {
    order_slot = kSetOpOrder;
    limit_slot = kSetOpLimit;
  }
  const bool free_slots =
      (kind == Kind::kSelect || kind == Kind::kSetOp) &&
      tree_.child(chain, order_slot) == kNoNode && tree_.child(chain, limit_slot) == kNoNode &&
      (kind != Kind::kSelect || tree_.child(chain, kSelectLock) == kNoNode);
  if (!free_slots) {
    target = add(Kind::kParenQuery, tree_.node(chain).begin);
    tree_.node(target).first_child = chain;  // its order and limit: absent until set below
    order_slot = 1;
    limit_slot = 2;
  }
  if (order) {
    take();
    take();
    SY_TRY(o, order_by());
    tree_.replace_child(target, order_slot, o);
  }
  if (at_kw(Kw::kLIMIT)) {
    take();
    SY_TRY(l, limit());
    tree_.replace_child(target, limit_slot, l);
  }
  if ((at_kw(Kw::kFOR) && (at_kw(Kw::kUPDATE, 1) || at_kw(Kw::kSHARE, 1))) || at_kw(Kw::kLOCK)) {
    if (tree_.node(target).kind != Kind::kSelect) return unsupported("a locking clause on a UNION or parenthesised query");
    SY_TRY(l, locking(*this));
    if (l != kAbsent) tree_.replace_child(target, kSelectLock, l);
  }
  return finish(target);
}

}  // namespace switchyard::rewrite::mysql::detail

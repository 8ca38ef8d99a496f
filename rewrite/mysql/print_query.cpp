// Printing statements, queries and table references (printer.h): clauses in MySQL's order,
// set operations with the parentheses their operands need (INTERSECT binds tighter; a block
// with its own ORDER BY / LIMIT / locking is parenthesised), joins with a parenthesised right
// side, and comma joins from "(a, b)" kept in parentheses.
#include "rewrite/mysql/printer.h"

#include "rewrite/mysql/printer_impl.h"

namespace switchyard::rewrite::mysql::detail {
namespace {

int set_level(std::string_view op) { return op == "INTERSECT" ? 2 : 1; }

}  // namespace

static bool has_own_tail(const Printer& p, NodeId q) {
  const Node& x = p.n(q);
  if (x.kind == Kind::kSelect)
    return !p.empty(p.child(q, 5)) || !p.empty(p.child(q, 6)) || !p.empty(p.child(q, 7));
  if (x.kind == Kind::kSetOp) return !p.empty(p.child(q, 2)) || !p.empty(p.child(q, 3));
  return true;  // kParenQuery, kWith
}

static void set_operand(Printer& p, NodeId q, std::string_view parent_op, bool right) {
  const Node& x = p.n(q);
  bool parens = has_own_tail(p, q);
  // Set operations are left-associative: a right operand needs parentheses unless it binds
  // tighter (INTERSECT under UNION).
  if (x.kind == Kind::kSetOp)
    parens = parens || (right ? set_level(x.text) <= set_level(parent_op) : set_level(x.text) < set_level(parent_op));
  if (parens) p.put("(");
  p.query_or_clause(q);
  if (parens) p.put(")");
}

static void order_limit(Printer& p, NodeId order, NodeId limit) {
  if (!p.empty(order)) {
    p.put(" ORDER BY ");
    p.list(order, ", ");
  }
  if (!p.empty(limit)) {
    p.put(" LIMIT ");
    p.node(limit);
  }
}

static void join_operand(Printer& p, NodeId ref, bool parens) {
  if (parens) p.put("(");
  p.node(ref);
  if (parens) p.put(")");
}

static void select(Printer& p, NodeId id) {
  const uint32_t f = p.n(id).flags;
  p.put("SELECT");
  static constexpr struct {
    uint32_t bit;
    const char* word;
  } kOptions[] = {{flag::kAll, " ALL"},
                  {flag::kDistinct, " DISTINCT"},
                  {flag::kDistinctRow, " DISTINCTROW"},
                  {flag::kHighPriority, " HIGH_PRIORITY"},
                  {flag::kStraightJoin, " STRAIGHT_JOIN"},
                  {flag::kSmallResult, " SQL_SMALL_RESULT"},
                  {flag::kBigResult, " SQL_BIG_RESULT"},
                  {flag::kBufferResult, " SQL_BUFFER_RESULT"},
                  {flag::kCache, " SQL_CACHE"},
                  {flag::kNoCache, " SQL_NO_CACHE"},
                  {flag::kCalcFoundRows, " SQL_CALC_FOUND_ROWS"}};
  for (const auto& o : kOptions)
    if (f & o.bit) p.put(o.word);
  p.put(" ");
  p.list(p.child(id, 0), ", ");
  if (!p.empty(p.child(id, 1))) {
    p.put(" FROM ");
    p.list(p.child(id, 1), ", ");
  }
  if (!p.empty(p.child(id, 2))) {
    p.put(" WHERE ");
    p.node(p.child(id, 2));
  }
  if (!p.empty(p.child(id, 3))) {
    p.put(" GROUP BY ");
    p.list(p.child(id, 3), ", ");
    if (f & flag::kWithRollup) p.put(" WITH ROLLUP");
  }
  if (!p.empty(p.child(id, 4))) {
    p.put(" HAVING ");
    p.node(p.child(id, 4));
  }
  order_limit(p, p.child(id, 5), p.child(id, 6));
  if (!p.empty(p.child(id, 7))) {
    p.put(" ");
    p.node(p.child(id, 7));
  }
}

static void lock(Printer& p, NodeId id) {
  const uint32_t f = p.n(id).flags;
  p.put((f & flag::kForUpdate) ? "FOR UPDATE" : (f & flag::kForShare) ? "FOR SHARE" : "LOCK IN SHARE MODE");
  if (!p.empty(p.child(id, 0))) {
    p.put(" OF ");
    p.list(p.child(id, 0), ", ");
  }
  if (f & flag::kNoWait) p.put(" NOWAIT");
  if (f & flag::kSkipLocked) p.put(" SKIP LOCKED");
  if (f & flag::kWait) {
    p.put(" WAIT ");
    p.node(p.child(id, 1));
  }
}

static void join(Printer& p, NodeId id) {
  const uint32_t f = p.n(id).flags;
  const NodeId left = p.child(id, 0);
  const NodeId right = p.child(id, 1);
  const NodeId cond = p.child(id, 2);
  const uint32_t type = f & 15;
  if (type == flag::kJoinComma) {
    p.put("(");
    p.node(left);
    p.put(", ");
    p.node(right);
    p.put(")");
    return;
  }
  join_operand(p, left, false);
  const bool outer = f & flag::kJoinOuterKeyword;
  switch (type) {
    case flag::kJoinInner: p.put((f & flag::kJoinInnerKeyword) ? " INNER JOIN " : " JOIN "); break;
    case flag::kJoinCross: p.put(" CROSS JOIN "); break;
    case flag::kJoinLeft: p.put(outer ? " LEFT OUTER JOIN " : " LEFT JOIN "); break;
    case flag::kJoinRight: p.put(outer ? " RIGHT OUTER JOIN " : " RIGHT JOIN "); break;
    case flag::kJoinStraight: p.put(" STRAIGHT_JOIN "); break;
    default:
      p.put(" NATURAL");
      if (type == flag::kJoinNaturalLeft) p.put(" LEFT");
      if (type == flag::kJoinNaturalRight) p.put(" RIGHT");
      if (f & flag::kJoinInnerKeyword) p.put(" INNER");
      if (outer) p.put(" OUTER");
      p.put(" JOIN ");
      break;
  }
  join_operand(p, right, p.n(right).kind == Kind::kJoin && (p.n(right).flags & 15) != flag::kJoinComma);
  if (!p.empty(cond)) {
    p.put(" ");
    p.node(cond);
  }
}

static void insert(Printer& p, NodeId id) {
  const uint32_t f = p.n(id).flags;
  p.put((f & flag::kReplace) ? "REPLACE" : "INSERT");
  if (f & flag::kLowPriority) p.put(" LOW_PRIORITY");
  if (f & flag::kDelayed) p.put(" DELAYED");
  if (f & flag::kInsertHighPriority) p.put(" HIGH_PRIORITY");
  if (f & flag::kIgnore) p.put(" IGNORE");
  p.put(" INTO ");
  p.node(p.child(id, 0));
  if (!p.empty(p.child(id, 1))) {
    p.put(" (");
    p.list(p.child(id, 1), ", ");
    p.put(")");
  }
  const NodeId source = p.child(id, 2);
  if (f & flag::kSourceSet) {
    p.put(" SET ");
    p.list(source, ", ");
  } else {
    p.put(" ");
    p.node(source);
  }
  const NodeId alias = p.child(id, 3);
  if (!p.empty(alias)) {
    p.put(" AS ");
    p.put(p.n(alias).text);
    if (!p.empty(p.child(alias, 0))) {
      p.put(" (");
      p.list(p.child(alias, 0), ", ");
      p.put(")");
    }
  }
  if (!p.empty(p.child(id, 4))) {
    p.put(" ON DUPLICATE KEY UPDATE ");
    p.list(p.child(id, 4), ", ");
  }
  if (!p.empty(p.child(id, 5))) {
    p.put(" RETURNING ");
    p.list(p.child(id, 5), ", ");
  }
}

static void where_tail(Printer& p, NodeId id, size_t first) {
  if (!p.empty(p.child(id, first))) {
    p.put(" WHERE ");
    p.node(p.child(id, first));
  }
  order_limit(p, p.child(id, first + 1), p.child(id, first + 2));
}

void Printer::query_or_clause(NodeId id) {
  if (empty(id)) return;
  const Node& x = n(id);
  switch (x.kind) {
    case Kind::kSelect:
      select(*this, id);
      return;
    case Kind::kSetOp:
      set_operand(*this, child(id, 0), x.text, false);
      put(" ");
      put(x.text);
      if (x.flags & flag::kSetAll) put(" ALL");
      if (x.flags & flag::kSetDistinct) put(" DISTINCT");
      put(" ");
      set_operand(*this, child(id, 1), x.text, true);
      order_limit(*this, child(id, 2), child(id, 3));
      return;
    case Kind::kParenQuery:
      put("(");
      query_or_clause(child(id, 0));
      put(")");
      order_limit(*this, child(id, 1), child(id, 2));
      return;
    case Kind::kWith: {
      put((x.flags & flag::kRecursive) ? "WITH RECURSIVE " : "WITH ");
      bool first = true;
      for (NodeId c = x.first_child; c != kNoNode; c = n(c).next_sibling) {
        if (n(c).kind != Kind::kCte) {
          put(" ");
          query_or_clause(c);
          break;
        }
        if (!first) put(", ");
        first = false;
        put(n(c).text);
        if (!empty(child(c, 0))) {
          put(" (");
          list(child(c, 0), ", ");
          put(")");
        }
        put(" AS (");
        query_or_clause(child(c, 1));
        put(")");
      }
      return;
    }
    case Kind::kList:
      list(id, ", ");
      return;
    case Kind::kSelectItem:
      node(x.first_child);
      if (!empty(child(id, 1))) {
        put(" AS ");
        put(n(child(id, 1)).text);
      }
      return;
    case Kind::kOrderItem:
      node(x.first_child);
      if (x.flags & flag::kAsc) put(" ASC");
      if (x.flags & flag::kDesc) put(" DESC");
      return;
    case Kind::kLimit:
      if (x.flags & flag::kLimitComma) {
        node(child(id, 1), kPrecUnary);
        put(", ");
        node(child(id, 0), kPrecUnary);
      } else {
        node(child(id, 0), kPrecUnary);
        if (!empty(child(id, 1))) {
          put(" OFFSET ");
          node(child(id, 1), kPrecUnary);
        }
      }
      return;
    case Kind::kLock:
      lock(*this, id);
      return;
    case Kind::kTable:
      node(child(id, 0));
      if (!empty(child(id, 1))) {
        put(" AS ");
        put(n(child(id, 1)).text);
      }
      if (!empty(child(id, 2))) {
        put(" ");
        list(child(id, 2), " ");
      }
      return;
    case Kind::kIndexHint:
      put(x.text);
      put((x.flags & flag::kHintKey) ? " KEY" : " INDEX");
      if (x.flags & flag::kHintForJoin) put(" FOR JOIN");
      if (x.flags & flag::kHintForOrderBy) put(" FOR ORDER BY");
      if (x.flags & flag::kHintForGroupBy) put(" FOR GROUP BY");
      put(" (");
      list(child(id, 0), ", ");
      put(")");
      return;
    case Kind::kDerived:
      if (x.flags & flag::kLateral) put("LATERAL ");
      put("(");
      query_or_clause(child(id, 0));
      put(") AS ");
      put(n(child(id, 1)).text);
      if (!empty(child(id, 2))) {
        put(" (");
        list(child(id, 2), ", ");
        put(")");
      }
      return;
    case Kind::kJoin:
      join(*this, id);
      return;
    case Kind::kOn:
      put("ON ");
      node(x.first_child);
      return;
    case Kind::kUsing:
      put("USING (");
      list(id, ", ");
      put(")");
      return;
    case Kind::kInsert:
      insert(*this, id);
      return;
    case Kind::kValues:
      put("VALUES ");
      list(id, ", ");
      return;
    case Kind::kAssign:
      node(child(id, 0));
      put(" = ");
      node(child(id, 1));
      return;
    case Kind::kUpdate:
      put("UPDATE");
      if (x.flags & flag::kLowPriority) put(" LOW_PRIORITY");
      if (x.flags & flag::kIgnore) put(" IGNORE");
      put(" ");
      list(child(id, 0), ", ");
      put(" SET ");
      list(child(id, 1), ", ");
      where_tail(*this, id, 2);
      return;
    case Kind::kDelete:
      put("DELETE");
      if (x.flags & flag::kLowPriority) put(" LOW_PRIORITY");
      if (x.flags & flag::kQuick) put(" QUICK");
      if (x.flags & flag::kIgnore) put(" IGNORE");
      if (x.flags & flag::kDeleteMulti) {
        put(" ");
        list(child(id, 0), ", ");
        put(" FROM ");
      } else if (x.flags & flag::kDeleteUsing) {
        put(" FROM ");
        list(child(id, 0), ", ");
        put(" USING ");
      } else {
        put(" FROM ");
      }
      list(child(id, 1), ", ");
      where_tail(*this, id, 2);
      if (!empty(child(id, 5))) {
        put(" RETURNING ");
        list(child(id, 5), ", ");
      }
      return;
    case Kind::kTruncate:
      put((x.flags & flag::kTableKeyword) ? "TRUNCATE TABLE " : "TRUNCATE ");
      node(x.first_child);
      return;
    default:
      if (is_expression(x.kind)) expr(id, kPrecAny);
      return;
  }
}

}  // namespace switchyard::rewrite::mysql::detail

namespace switchyard::rewrite::mysql {

std::string print(const Tree& tree, NodeId id) {
  detail::Printer p(tree);
  p.node(id);
  return p.take();
}

}  // namespace switchyard::rewrite::mysql

namespace switchyard::rewrite::mysql {

std::string debug_string(const Tree& tree, NodeId id) {
  if (id == kNoNode) return "null";
  const Node& x = tree.node(id);
  if (x.kind == Kind::kEmpty) return "_";
  std::string s = "(";
  s += kind_name(x.kind);
  if (!x.text.empty()) {
    s += " ";
    s += x.text;
  }
  if (x.flags != 0) s += " #" + std::to_string(x.flags);
  for (NodeId c = x.first_child; c != kNoNode; c = tree.node(c).next_sibling) {
    for (uint8_t i = 0; i < tree.node(c).gap; ++i) s += " _";
    s += " " + debug_string(tree, c);
  }
  return s + ")";
}

}  // namespace switchyard::rewrite::mysql

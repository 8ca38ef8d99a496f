// Statements: the entry point (SELECT / WITH / ( query ), INSERT, REPLACE, UPDATE, DELETE,
// TRUNCATE; anything else is unsupported), and the writes' own clauses.
#include "rewrite/mysql/parser_impl.h"

namespace switchyard::rewrite::mysql::detail {

NodeId Parser::assignments() {
  return comma_list(Kind::kList, here(), [this]() -> NodeId {
    const uint32_t begin = here();
    SY_TRY(column, name());
    if (!accept_op('=') && !accept_op(Op::kAssign)) return fail("expected '='");
    SY_TRY(value, expr());
    const NodeId assign = add(Kind::kAssign, begin);
    tree_.node(assign).first_child = column;
    tree_.node(column).next_sibling = value;
    return finish(assign);
  });
}

static NodeId returning(Parser& p) {
  if (!p.accept_kw(Kw::kRETURNING)) return p.empty();
  return p.select_items();
}

static NodeId column_list(Parser& p) {  // after '(': a, t.b, ... ')'
  const NodeId cols = p.add(Kind::kList, p.last_end() - 1);
  Parser::Children items(p.tree_, cols);
  if (p.accept_op(')')) return p.finish(cols);
  for (;;) {
    SY_TRY(col, p.name());
    items.add(col);
    if (!p.accept_op(',')) break;
  }
  if (!p.expect_op(')')) return kNoNode;
  return p.finish(cols);
}

NodeId Parser::insert() {
  const Token& verb = take();
  uint32_t f = verb.kw == Kw::kREPLACE ? flag::kReplace : 0;
  if (accept_kw(Kw::kLOW_PRIORITY)) f |= flag::kLowPriority;
  else if (accept_kw(Kw::kDELAYED)) f |= flag::kDelayed;
  else if (accept_kw(Kw::kHIGH_PRIORITY)) f |= flag::kInsertHighPriority;
  if (accept_kw(Kw::kIGNORE)) f |= flag::kIgnore;
  accept_kw(Kw::kINTO);
  const NodeId id = add(Kind::kInsert, verb.begin);
  Children kids(tree_, id);
  SY_TRY(table, name());
  kids.add(table);
  if (at_kw(Kw::kPARTITION)) return unsupported("PARTITION clause");
  // (cols) unless the '(' opens a query: INSERT INTO t (SELECT ...)
  if (at_op('(') && !at_kw(Kw::kSELECT, 1) && !at_kw(Kw::kWITH, 1) && !at_op('(', 1)) {
    take();
    SY_TRY(cols, column_list(*this));
    kids.add(cols);
  } else {
    kids.add(empty());
  }
  bool rows = false;
  if (at_kw(Kw::kVALUES) || at_kw(Kw::kVALUE)) {
    const uint32_t begin = take().begin;
    const NodeId values = add(Kind::kValues, begin);
    Children list(tree_, values);
    for (;;) {
      const uint32_t row_begin = here();
      if (at_kw(Kw::kROW)) return unsupported("VALUES ROW(...)");
      if (!expect_op('(')) return kNoNode;
      const NodeId row = add(Kind::kRow, row_begin);
      if (expr_list_in_parens(row) == kNoNode) return kNoNode;
      list.add(finish(row));
      if (!accept_op(',')) break;
    }
    kids.add(finish(values));
    rows = true;
  } else if (accept_kw(Kw::kSET)) {
    SY_TRY(set, assignments());
    kids.add(set);
    f |= flag::kSourceSet;
    rows = true;
  } else if (at_kw(Kw::kSELECT) || at_kw(Kw::kWITH) || at_op('(')) {
    SY_TRY(q, query());
    kids.add(q);
    f |= flag::kSourceQuery;
  } else if (at_kw(Kw::kTABLE)) {
    return unsupported("INSERT ... TABLE");
  } else {
    return fail("expected VALUES, SET or SELECT");
  }
  // The row alias (MySQL 8.0.19+): VALUES (...) AS new [(a, b)] / SET ... AS new.
  if (rows && at_kw(Kw::kAS)) {
    const uint32_t begin = take().begin;
    const Token& alias = peek();
    SY_TRY(alias_id, ident());
    const NodeId ra = add(Kind::kRowAlias, begin, tree_.node(alias_id).text);
    (void)alias;
    if (accept_op('(')) {
      SY_TRY(cols, column_list(*this));
      tree_.node(ra).first_child = cols;
    }
    kids.add(finish(ra));
  } else {
    kids.add(empty());
  }
  if (at_kw(Kw::kON) && at_kw(Kw::kDUPLICATE, 1)) {
    if (f & flag::kReplace) return fail("REPLACE has no ON DUPLICATE KEY UPDATE");
    take();
    take();
    if (!expect_kw(Kw::kKEY) || !expect_kw(Kw::kUPDATE)) return kNoNode;
    SY_TRY(updates, assignments());
    kids.add(updates);
  } else {
    kids.add(empty());
  }
  SY_TRY(ret, returning(*this));
  kids.add(ret);
  tree_.node(id).flags = f;
  return finish(id);
}

static bool where_order_limit(Parser& p, Parser::Children& kids, bool order_and_limit) {
  if (p.accept_kw(Kw::kWHERE)) {
    const NodeId where = p.expr();
    if (where == kNoNode) return false;
    kids.add(where);
  } else {
    kids.add(p.empty());
  }
  if (order_and_limit && p.at_kw(Kw::kORDER) && p.at_kw(Kw::kBY, 1)) {
    p.take();
    p.take();
    const NodeId order = p.order_by();
    if (order == kNoNode) return false;
    kids.add(order);
  } else {
    kids.add(p.empty());
  }
  if (order_and_limit && p.accept_kw(Kw::kLIMIT)) {
    const NodeId lim = p.limit();
    if (lim == kNoNode) return false;
    kids.add(lim);
  } else {
    kids.add(p.empty());
  }
  return true;
}

NodeId Parser::update() {
  const NodeId id = add(Kind::kUpdate, take().begin);
  uint32_t f = 0;
  if (accept_kw(Kw::kLOW_PRIORITY)) f |= flag::kLowPriority;
  if (accept_kw(Kw::kIGNORE)) f |= flag::kIgnore;
  tree_.node(id).flags = f;
  Children kids(tree_, id);
  SY_TRY(tables, table_refs());
  kids.add(tables);
  if (!expect_kw(Kw::kSET)) return kNoNode;
  SY_TRY(set, assignments());
  kids.add(set);
  if (!where_order_limit(*this, kids, true)) return kNoNode;
  return finish(id);
}

// A multi-table DELETE target: t, t.*, db.t, db.t.*
static NodeId delete_target(Parser& p) {
  SY_TRY(n, p.name());
  if (p.at_op('.') && p.at_op('*', 1)) {
    p.take();
    p.take();
    const NodeId star = p.tree_.add(Kind::kStar, p.tree_.node(n).begin, p.last_end());
    p.tree_.node(star).first_child = n;
    return star;
  }
  return n;
}

NodeId Parser::del() {
  const NodeId id = add(Kind::kDelete, take().begin);
  uint32_t f = 0;
  for (;;) {
    if (accept_kw(Kw::kLOW_PRIORITY)) f |= flag::kLowPriority;
    else if (accept_kw(Kw::kQUICK)) f |= flag::kQuick;
    else if (accept_kw(Kw::kIGNORE)) f |= flag::kIgnore;
    else break;
  }
  Children kids(tree_, id);
  const bool from_first = accept_kw(Kw::kFROM);
  const NodeId targets = add(Kind::kList, here());
  Children items(tree_, targets);
  for (;;) {
    SY_TRY(t, delete_target(*this));
    items.add(t);
    if (!accept_op(',')) break;
  }
  finish(targets);
  const bool several = tree_.child_count(targets) > 1 || tree_.node(tree_.node(targets).first_child).kind == Kind::kStar;
  if (from_first && accept_kw(Kw::kUSING)) {
    f |= flag::kDeleteUsing;
  } else if (!from_first) {
    if (!expect_kw(Kw::kFROM)) return kNoNode;
    f |= flag::kDeleteMulti;
  } else if (several) {
    return fail("expected USING");
  }
  tree_.node(id).flags = f;
  if (f & (flag::kDeleteUsing | flag::kDeleteMulti)) {
    kids.add(targets);
    SY_TRY(tables, table_refs());
    kids.add(tables);
    if (!where_order_limit(*this, kids, false)) return kNoNode;
  } else {
    // DELETE FROM t [[AS] alias]: the target is the one table reference.
    kids.add(empty());
    const NodeId tables = add(Kind::kList, tree_.node(targets).begin);
    const NodeId table = add(Kind::kTable, tree_.node(targets).begin);
    tree_.node(table).first_child = tree_.node(targets).first_child;
    if (at_kw(Kw::kPARTITION)) return unsupported("PARTITION clause");
    SY_TRY(alias, optional_alias(false));
    if (alias != kAbsent) tree_.append(table, alias);  // its hints: absent
    tree_.node(tables).first_child = finish(table);
    kids.add(finish(tables));
    if (!where_order_limit(*this, kids, true)) return kNoNode;
  }
  SY_TRY(ret, returning(*this));
  kids.add(ret);
  return finish(id);
}

NodeId Parser::truncate() {
  const NodeId id = add(Kind::kTruncate, take().begin);
  if (accept_kw(Kw::kTABLE)) tree_.node(id).flags = flag::kTableKeyword;
  SY_TRY(table, name());
  tree_.node(id).first_child = table;
  return finish(id);
}

NodeId Parser::statement() {
  const Token& t = peek();
  if (t.type == Tok::kWord) {
    switch (t.kw) {
      case Kw::kSELECT:
      case Kw::kWITH:
        return query();
      case Kw::kINSERT:
      case Kw::kREPLACE:
        return insert();
      case Kw::kUPDATE:
        return update();
      case Kw::kDELETE:
        return del();
      case Kw::kTRUNCATE:
        return truncate();
      default:
        break;
    }
    std::string verb(text(t));
    for (char& c : verb)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return unsupported(verb + " statements");
  }
  if (at_op('(')) return query();
  return fail("expected a statement");
}

}  // namespace switchyard::rewrite::mysql::detail

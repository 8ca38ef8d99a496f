// UPDATE and DELETE for same-table column migrations; see column_writes.h.
#include "rewrite/mysql/column_writes.h"

#include <algorithm>

#include "rewrite/mysql/statement_facts.h"
#include "rewrite/mysql/write_plan.h"

namespace switchyard::rewrite::mysql {
namespace {

using namespace detail;

// The single table of an UPDATE's or DELETE's reference list, or kNoNode when there are several
// (a join, a comma list).
NodeId single_table(const Tree& t, NodeId refs) {
  const std::vector<NodeId> items = children(t, refs);
  return items.size() == 1 && t.node(items[0]).kind == Kind::kTable ? items[0] : kNoNode;
}

// The names a reference to the table may be qualified by: its alias, else its name (folded).
std::vector<std::string> qualifiers_of(const Tree& t, NodeId table) {
  const NodeId alias = t.child(table, 1);
  if (alias != kNoNode) return {fold(identifier_value(t.node(alias).text))};
  return {column_ref(t, t.child(table, 0)).column};
}

bool touches(const ColumnMigration& cm, const std::string& c) {
  if (is_old(cm, c) || is_new(cm, c)) return true;
  for (const auto* maps : {&cm.up, &cm.down})
    for (const Mapping& m : *maps)
      if (m.expr.reads().count(c) > 0) return true;
  return false;
}

// A multi-table UPDATE or DELETE: MySQL does not define the order of a multi-table SET, so a
// mirror cannot read the column just set; refused when it sets a column of the migration (or,
// in new_only, names an old one).
WriteEdit multi_table(const Tree& t, NodeId root, const ColumnMigration& cm, bool is_update) {
  if (is_update)
    for (NodeId a : children(t, t.child(root, 1)))
      if (touches(cm, column_ref(t, t.child(a, 0)).column))
        return refuse("a multi-table UPDATE that sets " + column_name(cm, column_ref(t, t.child(a, 0)).column) +
                      " cannot be mirrored: MySQL does not define the order of its assignments; update the table alone");
  if (translates_reads(cm))
    for (const ColumnRef& r : column_refs(t, root, true))
      if (is_old(cm, r.column))
        return refuse("a multi-table " + std::string(is_update ? "UPDATE" : "DELETE") + " that reads the old column " +
                      column_name(cm, r.column) + " is not translated in new_only; name the new column");
  return {};
}

}  // namespace

WriteEdit mirror_update(const Tree& t, NodeId root, const ColumnMigration& cm, TextEdits& edits, bool simultaneous) {
  const NodeId table = single_table(t, t.child(root, 0));
  if (table == kNoNode) return multi_table(t, root, cm, true);
  const std::vector<std::string> qualifiers = qualifiers_of(t, table);
  const std::vector<NodeId> assigns = children(t, t.child(root, 1));
  std::vector<std::string> written;
  for (NodeId a : assigns) written.push_back(column_ref(t, t.child(a, 0)).column);
  const auto pos = [&](const std::string& c) {
    const auto it = std::find(written.begin(), written.end(), c);
    return it == written.end() ? ptrdiff_t{-1} : it - written.begin();
  };
  WriteEdit total;
  const size_t before = edits.size();
  // new_only: every read of an old column (WHERE, ORDER BY, the values) becomes down.
  for (NodeId part : {t.child(root, 2), t.child(root, 3)})
    if (auto why = translate_old_reads(t, part, cm, qualifiers, edits); !why.empty()) return refuse(why);
  for (NodeId a : assigns)
    if (auto why = translate_old_reads(t, t.child(a, 1), cm, qualifiers, edits); !why.empty()) return refuse(why);
  total.changed = edits.size() != before;

  const Plan p = plan_for(cm, written, true);
  if (p.both) {
    if (const Mapping* m = inconsistent_assignment(t, cm, written, assigns, simultaneous))
      return refuse("the UPDATE sets both " + m->column + " and columns of the other shape with values switchyard cannot tell are "
                    "equal; set one shape");
    return total;
  }
  if (p.add.empty()) return total;
  if (!p.translate) return append_mirrors(t, p, assigns.back(), edits, simultaneous);
  if (p.add.size() != 1) return refuse("translating this UPDATE to the new shape needs one old column to one new one");
  const Mapping& m = *p.add[0];
  size_t olds = 0;
  for (size_t i = 0; i < assigns.size(); ++i) {
    const std::string& o = written[i];
    if (!is_old(cm, o)) continue;
    if (++olds > 1) return refuse("the UPDATE sets more than one old column of " + cm.migration->spec.name);
    for (const std::string& c : m.expr.reads())
      if (c != o && (pos(c) > static_cast<ptrdiff_t>(i) || (simultaneous && pos(c) >= 0)))
        return refuse(m.column + " is computed from " + column_name(cm, c) + ", which the UPDATE sets after " + column_name(cm, o) +
                      "; set it first");
    const NodeId v = t.child(assigns[i], 1);
    RefusalReason code = RefusalReason::kUnsupportedForm;
    if (auto why = substitution_check(t, v, m.expr.reads_count(o), column_name(cm, o), m, code); !why.empty())
      return refuse(why, code);
    const Range r = expression_range(t, v);
    const ColumnInfo* info = cm.column(o);
    const std::string value = t.node(v).kind == Kind::kDefault
                                  ? (info == nullptr || info->default_expr.empty() ? "NULL" : info->default_expr)
                                  : edits.text(t.source(), r.begin, r.end);
    const std::string text = m.expr.text([&](const std::string& c) -> std::optional<std::string> {
      if (c == o) return value;
      return std::nullopt;
    });
    edits.replace(t.node(assigns[i]).begin, t.node(assigns[i]).end, quote_identifier(m.column) + " = " + text);
    total.changed = true;
  }
  return total;
}

WriteEdit mirror_delete(const Tree& t, NodeId root, const ColumnMigration& cm, TextEdits& edits) {
  // A deleted row leaves both shapes at once: they are one table. Only new_only's reads of old
  // columns, which may be gone, need translating.
  const uint32_t f = t.node(root).flags;
  const NodeId table = (f & (flag::kDeleteMulti | flag::kDeleteUsing)) ? kNoNode : single_table(t, t.child(root, 1));
  if (table == kNoNode) return multi_table(t, root, cm, false);
  const std::vector<std::string> qualifiers = qualifiers_of(t, table);
  const size_t before = edits.size();
  for (NodeId part : {t.child(root, 2), t.child(root, 3)})
    if (auto why = translate_old_reads(t, part, cm, qualifiers, edits); !why.empty()) return refuse(why);
  if (translates_reads(cm) && t.child(root, 5) != kNoNode) {
    bool old = false;
    for (NodeId item : children(t, t.child(root, 5))) old |= t.node(t.child(item, 0)).kind == Kind::kStar;
    for (const ColumnRef& r : column_refs(t, t.child(root, 5), true)) old |= is_old(cm, r.column);
    if (old) return refuse("RETURNING of old columns (or *) is not translated in new_only; return the new columns");
  }
  return WriteEdit{edits.size() != before, {}, {}};
}

}  // namespace switchyard::rewrite::mysql

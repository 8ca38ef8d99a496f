// ON DUPLICATE KEY UPDATE for same-table column migrations; see column_writes.h.
#include <algorithm>

#include "rewrite/mysql/statement_facts.h"
#include "rewrite/mysql/write_plan.h"

namespace switchyard::rewrite::mysql::detail {

// ON DUPLICATE KEY UPDATE: the same rules as a single-table UPDATE's SET (left to right, a
// bare column is the row's current value), with VALUES(col) / alias.col for the inserted values.
WriteEdit mirror_duplicate_update(const Tree& t, NodeId root, const ColumnMigration& cm, TextEdits& edits, bool simultaneous) {
  const NodeId list = t.child(root, 4);
  if (list == kNoNode) return {};
  const std::vector<NodeId> assigns = children(t, list);
  std::vector<std::string> written;
  for (NodeId a : assigns) written.push_back(column_ref(t, t.child(a, 0)).column);
  const NodeId table = t.child(root, 0);
  std::vector<std::string> qualifiers{column_ref(t, table).column};
  const NodeId alias = t.child(root, 3);
  if (alias != kNoNode) {
    if (translates_reads(cm) && t.node(alias).first_child != kNoNode)
      return refuse("a row alias with a column list is not translated in new_only; use VALUES(col)");
    qualifiers.push_back(fold(identifier_value(t.node(alias).text)));
  }
  WriteEdit total;
  const size_t before = edits.size();
  for (NodeId a : assigns) {
    if (auto why = translate_old_reads(t, t.child(a, 1), cm, qualifiers, edits); !why.empty()) return refuse(why);
  }
  const Plan p = plan_for(cm, written, true);
  const auto pos = [&](const std::string& c) {
    const auto it = std::find(written.begin(), written.end(), c);
    return it == written.end() ? ptrdiff_t{-1} : it - written.begin();
  };
  if (p.both) {
    if (inconsistent_assignment(t, cm, written, assigns, simultaneous))
      return refuse("ON DUPLICATE KEY UPDATE sets both shapes' columns with values switchyard cannot tell are equal; set one shape");
    return total;
  }
  total.changed = edits.size() != before;
  if (p.add.empty()) return total;
  if (!p.translate) return append_mirrors(t, p, assigns.back(), edits, simultaneous);
  for (size_t i = 0; i < assigns.size(); ++i) {
    const std::string& o = written[i];
    if (!is_old(cm, o)) continue;
    const std::vector<const Mapping*> into = p.add;
    if (into.size() != 1) return refuse("translating this ON DUPLICATE KEY UPDATE needs one old column to one new one");
    const Mapping& m = *into[0];
    for (const std::string& c : m.expr.reads())
      if (c != o && (pos(c) > static_cast<ptrdiff_t>(i) || (simultaneous && pos(c) >= 0)))
        return refuse(m.column + " is computed from " + column_name(cm, c) + ", which is set after " + column_name(cm, o));
    const NodeId v = t.child(assigns[i], 1);
    RefusalReason code = RefusalReason::kUnsupportedForm;
    if (auto why = substitution_check(t, v, m.expr.reads_count(o), column_name(cm, o), m, code); !why.empty())
      return refuse(why, code);
    const Range r = expression_range(t, v);
    std::string value = t.node(v).kind == Kind::kDefault ? default_text(cm, o) : edits.text(t.source(), r.begin, r.end);
    std::string text;
    // old = VALUES(old) (or alias.old): new = VALUES(new) (alias.new), exact where up(down(x))
    // need not be.
    const Mapping* d = cm.down_of(o);
    const bool inverse = m.expr.reads() == std::set<std::string>{o} && d->expr.reads() == std::set<std::string>{m.folded};
    const bool values_of_old = t.node(v).kind == Kind::kFunction && fold(t.node(v).text) == "VALUES" && t.child_count(v) == 2 &&
                               column_ref(t, t.child(v, 1)).column == o;
    const bool alias_of_old = alias != kNoNode && t.node(v).kind == Kind::kName && t.child_count(v) == 2 &&
                              column_ref(t, v).column == o && column_ref(t, v).qualifier == qualifiers.back();
    if (inverse && values_of_old) {
      text = "VALUES(" + quote_identifier(m.column) + ")";
    } else if (inverse && alias_of_old) {
      text = std::string(t.source_text(t.child(v, 0))) + "." + quote_identifier(m.column);
    } else {
      text = m.expr.text([&](const std::string& c) -> std::optional<std::string> {
        if (c == o) return value;
        return std::nullopt;
      });
    }
    edits.replace(t.node(assigns[i]).begin, t.node(assigns[i]).end, quote_identifier(m.column) + " = " + text);
    total.changed = true;
  }
  return total;
}

}  // namespace switchyard::rewrite::mysql::detail

// Deciding a column migration's edits to one write (write_plan.h).
#include "rewrite/mysql/write_plan.h"

#include <algorithm>

#include "rewrite/mysql/printer.h"
#include "rewrite/mysql/statement_facts.h"

namespace switchyard::rewrite::mysql::detail {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

bool translates_reads(const ColumnMigration& cm) {
  return cm.migration->spec.phase == config::Phase::kNewOnly && !cm.down.empty();
}

Plan plan_for(const ColumnMigration& cm, const std::vector<std::string>& written, bool only_if_read) {
  Plan p;
  const bool has_new = std::any_of(cm.up.begin(), cm.up.end(), [&](const Mapping& m) { return contains(written, m.folded); });
  const bool has_old = std::any_of(cm.down.begin(), cm.down.end(), [&](const Mapping& m) { return contains(written, m.folded); });
  const auto relevant = [&](const Mapping& m) {
    return !only_if_read ||
           std::any_of(m.expr.reads().begin(), m.expr.reads().end(), [&](const std::string& c) { return contains(written, c); });
  };
  if (has_new && has_old) {
    p.both = true;
    return p;
  }
  if (translates_reads(cm)) {
    if (has_new || !has_old) return p;  // new-shaped, or no old column set: nothing to translate
    p.translate = true;
    for (const auto& u : cm.up)
      if (relevant(u)) p.add.push_back(&u);
    return p;
  }
  for (const auto& m : has_new ? cm.down : cm.up)
    if (!contains(written, m.folded) && relevant(m)) p.add.push_back(&m);
  return p;
}

namespace {

bool is_values_call(const Tree& t, NodeId id) {
  const Node& n = t.node(id);
  return n.kind == Kind::kFunction && fold(n.text) == "VALUES" && t.child(id, 0) == kNoNode && t.child_count(id) == 2 &&
         t.node(t.child(id, 1)).kind == Kind::kName;
}

struct Translator {
  const Tree& t;
  const ColumnMigration& cm;
  const std::vector<std::string>& qualifiers;
  TextEdits& edits;
  std::string refusal;

  bool ours(const ColumnRef& r) const {
    return r.parts == 1 || std::find(qualifiers.begin(), qualifiers.end(), r.qualifier) != qualifiers.end();
  }

  void walk(NodeId id) {
    if (!refusal.empty()) return;
    const Node& n = t.node(id);
    switch (n.kind) {
      case Kind::kName: {
        const ColumnRef r = column_ref(t, id);
        const Mapping* d = cm.down_of(r.column);
        if (d == nullptr || !ours(r)) return;
        const std::string prefix = r.parts >= 2 ? r.qualifier : "";
        // down reads the new columns of the same row: qualified as the reference was.
        const std::string text = d->expr.text([&](const std::string& c) -> std::optional<std::string> {
          if (r.parts < 2) return std::nullopt;
          return std::string(t.source_text(t.child(id, r.parts - 2))) + "." + quote_identifier(cm.column(c) ? cm.column(c)->name : c);
        });
        edits.replace(n.begin, n.end, text);
        return;
      }
      case Kind::kFunction:
        if (is_values_call(t, id)) {
          const ColumnRef r = column_ref(t, t.child(id, 1));
          if (const Mapping* d = cm.down_of(r.column)) {
            edits.replace(n.begin, n.end, d->expr.text([&](const std::string& c) -> std::optional<std::string> {
              return "VALUES(" + quote_identifier(cm.column(c) ? cm.column(c)->name : c) + ")";
            }));
          }
          return;
        }
        break;
      case Kind::kSubquery:
      case Kind::kExists:
      case Kind::kDerived: {
        for (const ColumnRef& r : column_refs(t, id, true))
          if (cm.down_of(r.column) != nullptr) {
            refusal = "a subquery names the old column " + cm.down_of(r.column)->column +
                      ", which new_only no longer has and switchyard does not translate inside subqueries";
            return;
          }
        return;
      }
      case Kind::kStar:
      case Kind::kTable:
      case Kind::kType:
      case Kind::kIdent: return;
      case Kind::kAssign:  // a target is not a read
        if (n.first_child != kNoNode && t.node(n.first_child).next_sibling != kNoNode) walk(t.node(n.first_child).next_sibling);
        return;
      default: break;
    }
    size_t i = 0;
    for (NodeId c = n.first_child; c != kNoNode; c = t.node(c).next_sibling) {
      i += t.node(c).gap;
      if (!(n.kind == Kind::kFunction && i == 0)) walk(c);  // a function's qualifier is no column
      ++i;
    }
  }
};

}  // namespace

std::string translate_old_reads(const Tree& tree, NodeId id, const ColumnMigration& cm,
                                const std::vector<std::string>& qualifiers, TextEdits& edits) {
  if (id == kNoNode || !translates_reads(cm)) return "";
  Translator tr{tree, cm, qualifiers, edits, {}};
  tr.walk(id);
  return tr.refusal;
}

bool same_value(const Tree& tree, NodeId a, NodeId b) {
  if (a == kNoNode || b == kNoNode) return false;
  if (tree.node(a).kind == Kind::kDefault || tree.node(b).kind == Kind::kDefault) return false;
  return !may_be_volatile(tree, a) && same_tree(tree, a, tree, b);
}

bool constant_default(const ColumnInfo& c) {
  const std::string& d = c.default_expr;
  if (d.empty() || fold(d) == "NULL" || d.front() == '\'') return true;
  return std::all_of(d.begin(), d.end(), [](char ch) { return (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == 'e' || ch == 'E' || ch == '+'; });
}

bool refers_to(const Tree& t, NodeId value, const std::string& c) {
  return value != kNoNode && t.node(value).kind == Kind::kName && t.child_count(value) == 1 && column_ref(t, value).column == c;
}

std::string column_name(const ColumnMigration& cm, const std::string& folded) {
  const ColumnInfo* c = cm.column(folded);
  return c ? c->name : folded;
}

std::string default_text(const ColumnMigration& cm, const std::string& c) {
  const ColumnInfo* info = cm.column(c);
  return info == nullptr || info->default_expr.empty() ? "NULL" : info->default_expr;
}

std::string substitution_check(const Tree& t, NodeId value, size_t uses, const std::string& column, const Mapping& into,
                               RefusalReason& code) {
  std::string why;
  if (uses > 1 && may_be_volatile(t, value, &why)) {
    code = RefusalReason::kVolatile;
    return "the value for " + column + " holds " + why + ", which " + into.column + " would evaluate twice";
  }
  if (uses != 1 && has_placeholder(t, value)) {
    code = RefusalReason::kUnsupportedForm;
    return "the value for " + column + " holds a ? placeholder, which mirroring into " + into.column + " would " +
           (uses == 0 ? "drop" : "repeat") + "; bind it to one column only";
  }
  return "";
}

std::string simultaneous_refusal(const Mapping& m) {
  // Computing it from the values assigned (as PostgreSQL's rewriter does) would skip their
  // conversion to the column's type: a CHAR(1) truncates 'XX' (under IGNORE, or a non-strict
  // sql_mode), a DECIMAL(10,2) rounds 3.333, and a rename would warn twice. Checked on MariaDB.
  return "under sql_mode SIMULTANEOUS_ASSIGNMENT a SET reads the row as it was, so " + m.column +
         " could only be computed from the value as written, not as stored; turn the mode off for this session or write "
         "both columns";
}

const Mapping* inconsistent_assignment(const Tree& t, const ColumnMigration& cm, const std::vector<std::string>& written,
                                       const std::vector<NodeId>& assigns, bool simultaneous) {
  const auto pos = [&](const std::string& c) {
    const auto it = std::find(written.begin(), written.end(), c);
    return it == written.end() ? ptrdiff_t{-1} : it - written.begin();
  };
  for (size_t i = 0; i < written.size(); ++i) {
    const Mapping* m = cm.up_of(written[i]) ? cm.up_of(written[i]) : cm.down_of(written[i]);
    if (m == nullptr) continue;
    const ptrdiff_t j = m->expr.bare_column().empty() ? -1 : pos(m->expr.bare_column());
    if (j < 0) return m;
    const auto k = static_cast<size_t>(j);
    const NodeId vi = t.child(assigns[i], 1);
    const NodeId vj = t.child(assigns[k], 1);
    const bool reads_earlier = !simultaneous && ((i > k && refers_to(t, vi, written[k])) || (k > i && refers_to(t, vj, written[i])));
    if (!reads_earlier && !same_value(t, vi, vj)) return m;
  }
  return nullptr;
}

WriteEdit append_mirrors(const Tree& t, const Plan& p, NodeId last_assign, TextEdits& edits, bool simultaneous) {
  std::string text;
  for (const Mapping* m : p.add) {
    if (simultaneous) return refuse(simultaneous_refusal(*m));
    text += ", " + quote_identifier(m->column) + " = " + m->expr.text();
  }
  edits.insert(t.node(last_assign).end, text);
  WriteEdit e;
  e.changed = true;
  return e;
}

}  // namespace switchyard::rewrite::mysql::detail

// INSERT and REPLACE (with ON DUPLICATE KEY UPDATE) for same-table column migrations; see
// column_writes.h. UPDATE and DELETE are in update_writes.cpp.
#include "rewrite/mysql/column_writes.h"

#include <algorithm>

#include "rewrite/mysql/statement_facts.h"
#include "rewrite/mysql/write_plan.h"

namespace switchyard::rewrite::mysql {
namespace {

using namespace detail;

// The columns an INSERT sets and, per row, the value of each.
struct InsertShape {
  enum Form { kValues, kSet, kQuery } form = kValues;
  std::vector<std::string> cols;          // folded
  std::vector<NodeId> col_nodes;          // the kName naming each (kNoNode: spelt from the table)
  std::vector<std::vector<NodeId>> rows;  // VALUES rows, the SET values (one row), or each SELECT leaf's outputs
  std::vector<NodeId> row_nodes;          // kRow of each VALUES row; the item list of each SELECT leaf
  bool star = false;                      // a SELECT leaf outputs *
  bool spelled_out = false;               // no column list: the table's columns, in order

  ptrdiff_t position(const std::string& c) const {
    const auto it = std::find(cols.begin(), cols.end(), c);
    return it == cols.end() ? -1 : it - cols.begin();
  }
};

// False: the INSERT is the server's to reject (rows of another length than the columns).
bool insert_shape(const Tree& t, NodeId root, const ColumnMigration& cm, InsertShape& s, std::string& refusal) {
  const uint32_t f = t.node(root).flags;
  const NodeId list = t.child(root, 1);
  const NodeId source = t.child(root, 2);
  if (f & flag::kSourceSet) {
    s.form = InsertShape::kSet;
    s.rows.emplace_back();
    for (NodeId a : children(t, source)) {
      s.col_nodes.push_back(t.child(a, 0));
      s.cols.push_back(column_ref(t, t.child(a, 0)).column);
      s.rows[0].push_back(t.child(a, 1));
    }
    return true;
  }
  for (NodeId c : children(t, list)) {
    s.col_nodes.push_back(c);
    s.cols.push_back(column_ref(t, c).column);
  }
  if (f & flag::kSourceQuery) {
    s.form = InsertShape::kQuery;
    for (NodeId leaf : select_leaves(t, source)) {
      const NodeId items = t.child(leaf, 0);
      s.row_nodes.push_back(items);
      s.rows.emplace_back();
      for (NodeId item : children(t, items)) {
        const NodeId e = t.child(item, 0);
        if (t.node(e).kind == Kind::kStar) s.star = true;
        s.rows.back().push_back(e);
      }
    }
  } else {
    for (NodeId row : children(t, source)) {
      s.row_nodes.push_back(row);
      s.rows.push_back(children(t, row));
    }
  }
  if (list == kNoNode) {
    if (s.form == InsertShape::kQuery) {
      refusal = "INSERT ... SELECT into a migrated table needs a column list, so that its columns are known";
      return true;
    }
    const auto& columns = cm.migration->old_rel.columns;
    if (columns.empty() || std::any_of(columns.begin(), columns.end(), [](const ColumnInfo& c) { return c.dropped; })) {
      refusal = "INSERT without a column list into a migrated table: list the columns";
      return true;
    }
    s.spelled_out = true;
    for (const auto& c : columns) {
      s.cols.push_back(fold(c.name));
      s.col_nodes.push_back(kNoNode);
    }
  }
  if (s.star) return true;
  return std::all_of(s.rows.begin(), s.rows.end(), [&](const std::vector<NodeId>& r) { return r.size() == s.cols.size(); });
}

// The write sets both shapes: consistent only for mappings that are just the other column, with
// the same value (or the other column, read after it is set) in every row.
std::string both_shapes(const Tree& t, const ColumnMigration& cm, const InsertShape& s) {
  for (size_t i = 0; i < s.cols.size(); ++i) {
    const Mapping* m = cm.up_of(s.cols[i]);
    if (m == nullptr) m = cm.down_of(s.cols[i]);
    if (m == nullptr) continue;
    const ptrdiff_t j = m->expr.bare_column().empty() ? -1 : s.position(m->expr.bare_column());
    if (j < 0) return "it sets " + m->column + " and columns of the other shape, which switchyard cannot tell agree; write one shape";
    for (const auto& row : s.rows) {
      const NodeId a = row[i], b = row[static_cast<size_t>(j)];
      const bool later_reads_earlier = s.form != InsertShape::kQuery && ((static_cast<ptrdiff_t>(i) > j && refers_to(t, a, s.cols[j])) ||
                                                                         (j > static_cast<ptrdiff_t>(i) && refers_to(t, b, s.cols[i])));
      if (!later_reads_earlier && !same_value(t, a, b))
        return "it sets both " + m->column + " and " + column_name(cm, s.cols[j]) +
               " with values switchyard cannot tell are equal; write one shape";
    }
  }
  return "";
}

// The columns `m` reads that this INSERT does not set must read as their defaults.
std::string check_reads(const ColumnMigration& cm, const Mapping& m, const InsertShape& s, const std::string& skip) {
  for (const std::string& c : m.expr.reads()) {
    const ColumnInfo* info = cm.column(c);
    if (info == nullptr) return m.column + "'s expression reads " + c + ", which the table does not have";
    if (info->auto_increment)
      return m.column + " is computed from the AUTO_INCREMENT column " + info->name +
             ", whose value MySQL assigns after the row's other values, so one INSERT cannot mirror it";
    if (c == skip || s.position(c) >= 0) continue;
    if (s.form == InsertShape::kQuery)
      return "INSERT ... SELECT leaves " + info->name + " to its default, which " + m.column + " is computed from; list it";
    if (!constant_default(*info))
      return "the INSERT leaves " + info->name + " to its default " + info->default_expr + ", which MySQL computes after the values " +
             m.column + " is computed from; list " + info->name;
  }
  return "";
}

// The text of a SELECT output for the mapping, with the outputs it reads substituted.
// `replaced`: the old column whose output the mapping replaces (new_only), so that it is used
// where it stood rather than again.
std::optional<std::string> from_outputs(const Tree& t, const ColumnMigration& cm, const Mapping& m, const InsertShape& s,
                                        const std::vector<NodeId>& row, const TextEdits& edits, std::string& refusal,
                                        const std::string& replaced = "") {
  for (const std::string& c : m.expr.reads()) {
    const NodeId v = row[static_cast<size_t>(s.position(c))];
    if (c == replaced) {
      RefusalReason code = RefusalReason::kUnsupportedForm;
      refusal = substitution_check(t, v, m.expr.reads_count(c), column_name(cm, c), m, code);
      if (!refusal.empty()) return std::nullopt;
      continue;
    }
    if (has_placeholder(t, v)) {
      refusal = "INSERT ... SELECT: the output for " + column_name(cm, c) + " holds a ? placeholder, which mirroring into " +
                m.column + " would repeat; bind it to one column only";
      return std::nullopt;
    }
    std::string why;
    if (may_be_volatile(t, v, &why)) {
      refusal = "INSERT ... SELECT: the output for " + column_name(cm, c) + " holds " + why + ", which mirroring into " + m.column +
                " would evaluate twice";
      return std::nullopt;
    }
  }
  return m.expr.text([&](const std::string& c) -> std::optional<std::string> {
    const Range r = expression_range(t, row[static_cast<size_t>(s.position(c))]);
    return edits.text(t.source(), r.begin, r.end);
  });
}

// Dual phases: each mirror appended to the column list and to every row (the expression reads
// the columns just set), or to the SET list, or as one more output of each SELECT.
WriteEdit append_mirrors(const Tree& t, NodeId root, const ColumnMigration& cm, const InsertShape& s, const Plan& p,
                         TextEdits& edits) {
  for (const Mapping* m : p.add)
    if (auto why = check_reads(cm, *m, s, ""); !why.empty()) return refuse(why, RefusalReason::kVolatile);
  const NodeId list = t.child(root, 1);
  if (s.form == InsertShape::kSet) {
    std::string text;
    for (const Mapping* m : p.add) text += ", " + quote_identifier(m->column) + " = " + m->expr.text();
    edits.insert(t.node(s.rows[0].back()).end, text);
    return WriteEdit{true, {}, {}};
  }
  std::string names;
  for (const Mapping* m : p.add) names += ", " + quote_identifier(m->column);
  if (s.spelled_out) {
    std::string all;
    for (const auto& c : cm.migration->old_rel.columns) all += (all.empty() ? "" : ", ") + quote_identifier(c.name);
    edits.insert(t.node(t.child(root, 0)).end, " (" + all + names + ")");
  } else {
    edits.insert(t.node(list).end - 1, s.cols.empty() ? names.substr(2) : names);
  }
  if (const NodeId alias = t.child(root, 3); alias != kNoNode && t.node(alias).first_child != kNoNode) {
    const NodeId alias_cols = t.node(alias).first_child;
    for (NodeId c : children(t, alias_cols))
      for (const Mapping* m : p.add)
        if (column_ref(t, c).column == m->folded)
          return refuse("the row alias names a column " + m->column + ", which switchyard adds to the INSERT");
    edits.insert(t.node(alias_cols).end - 1, t.child_count(alias_cols) == 0 ? names.substr(2) : names);
  }
  for (size_t r = 0; r < s.rows.size(); ++r) {
    std::string text;
    for (const Mapping* m : p.add) {
      if (s.form == InsertShape::kQuery) {
        std::string why;
        auto e = from_outputs(t, cm, *m, s, s.rows[r], edits, why);
        if (!e) return refuse(why, RefusalReason::kVolatile);
        text += ", " + *e;
      } else {
        text += ", " + m->expr.text();
      }
    }
    if (s.form == InsertShape::kQuery) edits.insert(t.node(s.row_nodes[r]).end, text);
    else edits.insert(t.node(s.row_nodes[r]).end - 1, s.rows[r].empty() ? text.substr(2) : text);
  }
  return WriteEdit{true, {}, {}};
}

// new_only: the old column's place in the list and in each row is taken by the new column, its
// value `up` over the value written.
WriteEdit translate_insert(const Tree& t, const ColumnMigration& cm, const InsertShape& s, const Plan& p, TextEdits& edits) {
  std::vector<size_t> old_at;
  for (size_t i = 0; i < s.cols.size(); ++i)
    if (is_old(cm, s.cols[i])) old_at.push_back(i);
  if (old_at.size() != 1 || p.add.size() != 1)
    return refuse("translating this INSERT to the new shape needs one old column to one new one");
  const size_t k = old_at[0];
  const std::string& o = s.cols[k];
  const Mapping& a = *p.add[0];
  if (auto why = check_reads(cm, a, s, o); !why.empty()) return refuse(why, RefusalReason::kVolatile);
  for (const std::string& c : a.expr.reads())
    if (c != o && s.position(c) > static_cast<ptrdiff_t>(k) && s.form != InsertShape::kQuery)
      return refuse(a.column + " is computed from " + column_name(cm, c) + ", which the INSERT sets after " + column_name(cm, o) +
                    "; list it first");
  for (const auto& row : s.rows) {
    RefusalReason code = RefusalReason::kUnsupportedForm;
    if (auto why = substitution_check(t, row[k], a.expr.reads_count(o), column_name(cm, o), a, code); !why.empty())
      return refuse(why, code);
    if (s.form == InsertShape::kQuery) continue;
    for (size_t j = 0; j < row.size(); ++j)
      for (const ColumnRef& r : column_refs(t, row[j], false))
        if (j != k && r.column == o && r.parts == 1)
          return refuse("a value reads the old column " + column_name(cm, o) + ", which new_only no longer writes");
  }
  if (s.spelled_out) return refuse("INSERT without a column list in new_only: list the columns");
  const Node& name = t.node(s.col_nodes[k]);
  edits.replace(name.begin, name.end, quote_identifier(a.column));
  for (const auto& row : s.rows) {
    const NodeId v = row[k];
    std::string text;
    if (s.form == InsertShape::kQuery) {
      std::string why;
      auto e = from_outputs(t, cm, a, s, row, edits, why, o);
      if (!e) return refuse(why, RefusalReason::kVolatile);
      text = *e;
    } else {
      const Range r = expression_range(t, v);
      const std::string value = t.node(v).kind == Kind::kDefault ? default_text(cm, o) : edits.text(t.source(), r.begin, r.end);
      text = a.expr.text([&](const std::string& c) -> std::optional<std::string> {
        if (c == o) return value;
        return std::nullopt;
      });
    }
    const Range r = expression_range(t, v);
    edits.replace(r.begin, r.end, text);
  }
  return WriteEdit{true, {}, {}};
}

// new_only: an INSERT that sets no column of either shape leaves the old columns (which may be
// gone) to their defaults; a trigger-kept new column would be `up` of them. Where the new column
// has no default of its own, it is written so: up over the old defaults.
WriteEdit supply_old_defaults(const Tree& t, NodeId root, const ColumnMigration& cm, const InsertShape& s, TextEdits& edits) {
  std::vector<const Mapping*> add;
  for (const Mapping& u : cm.up) {
    const ColumnInfo* info = cm.column(u.folded);
    if (s.position(u.folded) >= 0 || (info != nullptr && !info->default_expr.empty() && fold(info->default_expr) != "NULL")) continue;
    if (std::any_of(u.expr.reads().begin(), u.expr.reads().end(), [&](const std::string& c) { return is_old(cm, c); }))
      add.push_back(&u);
  }
  if (add.empty()) return {};
  if (s.form == InsertShape::kQuery || s.spelled_out)
    return refuse("in new_only this INSERT leaves the old columns to their defaults, which switchyard writes as the new column's "
                  "value only for INSERT ... VALUES or SET with a column list");
  for (const Mapping* m : add)
    for (const std::string& c : m->expr.reads())
      if (!is_old(cm, c))
        if (auto why = check_reads(cm, *m, s, c); !why.empty()) return refuse(why, RefusalReason::kVolatile);
  const auto text_of = [&](const Mapping& m) {
    return m.expr.text([&](const std::string& c) -> std::optional<std::string> {
      if (is_old(cm, c)) return default_text(cm, c);
      return std::nullopt;
    });
  };
  if (s.form == InsertShape::kSet) {
    std::string text;
    for (const Mapping* m : add) text += ", " + quote_identifier(m->column) + " = " + text_of(*m);
    edits.insert(t.node(s.rows[0].back()).end, text);
    return WriteEdit{true, {}, {}};
  }
  std::string names, values;
  for (const Mapping* m : add) {
    names += ", " + quote_identifier(m->column);
    values += ", " + text_of(*m);
  }
  const NodeId list = t.child(root, 1);
  edits.insert(t.node(list).end - 1, s.cols.empty() ? names.substr(2) : names);
  if (const NodeId alias = t.child(root, 3); alias != kNoNode && t.node(alias).first_child != kNoNode)
    return refuse("a row alias with a column list is not translated in new_only");
  for (size_t r = 0; r < s.rows.size(); ++r)
    edits.insert(t.node(s.row_nodes[r]).end - 1, s.rows[r].empty() ? values.substr(2) : values);
  return WriteEdit{true, {}, {}};
}

}  // namespace

WriteEdit mirror_insert(const Tree& t, NodeId root, const ColumnMigration& cm, TextEdits& edits, bool simultaneous) {
  InsertShape s;
  std::string refusal;
  const bool well_formed = insert_shape(t, root, cm, s, refusal);
  const Plan p = plan_for(cm, s.cols, false);
  WriteEdit total;
  // Once old columns are dropped, a row without a column list would fill the new table's columns.
  if (!refusal.empty() && translates_reads(cm) && t.child(root, 1) == kNoNode) return refuse(refusal);
  if (p.both || !p.add.empty()) {
    if (!refusal.empty()) return refuse(refusal);
    if (s.star) return refuse("INSERT ... SELECT * into a migrated table: name the SELECT's outputs");
    if (!well_formed) return {};  // the server reports the error itself
    if (p.both) {
      if (auto why = both_shapes(t, cm, s); !why.empty()) return refuse(why);
    } else {
      total = p.translate ? translate_insert(t, cm, s, p, edits) : append_mirrors(t, root, cm, s, p, edits);
      if (!total.refusal.empty()) return total;
    }
  } else if (translates_reads(cm) && refusal.empty() && well_formed && !s.star &&
             std::none_of(s.cols.begin(), s.cols.end(), [&](const std::string& c) { return is_new(cm, c); })) {
    total = supply_old_defaults(t, root, cm, s, edits);
    if (!total.refusal.empty()) return total;
  }
  const WriteEdit odku = mirror_duplicate_update(t, root, cm, edits, simultaneous);
  if (!odku.refusal.empty()) return odku;
  total.changed |= odku.changed;
  if (translates_reads(cm) && t.child(root, 5) != kNoNode) {
    bool star = false;
    for (NodeId item : children(t, t.child(root, 5))) star |= t.node(t.child(item, 0)).kind == Kind::kStar;
    for (const ColumnRef& r : column_refs(t, t.child(root, 5), true)) star |= is_old(cm, r.column);
    if (star) return refuse("RETURNING of old columns (or *) is not translated in new_only; return the new columns");
  }
  return total;
}

}  // namespace switchyard::rewrite::mysql

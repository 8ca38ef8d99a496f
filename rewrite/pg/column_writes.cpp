// Dual writes for same-table column migrations; see column_writes.h.
#include "rewrite/pg/column_writes.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rewrite/pg/expr.h"
#include "rewrite/pg/expression_text.h"
#include "rewrite/pg/multi_assign.h"
#include "rewrite/pg/new_only_reads.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

using config::ColumnMap;
using config::Phase;

constexpr char kValuesAlias[] = "switchyard_v";

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// What a migration adds to a statement that writes `written` columns.
struct Plan {
  std::vector<ColumnMap> add;         // columns to set, with the expression over the written row
  std::vector<std::string> drop;      // written columns to stop writing (new_only)
};

Plan plan_for(const ResolvedMigration& m, const std::vector<std::string>& written, bool only_if_read) {
  Plan p;
  const auto writes_any = [&](const std::vector<ColumnMap>& maps) {
    return std::any_of(maps.begin(), maps.end(), [&](const ColumnMap& c) { return contains(written, c.column); });
  };
  const bool has_new = writes_any(m.spec.up);
  const bool has_old = writes_any(m.spec.down);
  // UPDATE only needs a column mirrored when what it is computed from changes.
  const auto relevant = [&](const ColumnMap& c) {
    if (!only_if_read) return true;
    const auto reads = columns_read(c.expr);
    return std::any_of(reads.begin(), reads.end(), [&](const std::string& r) { return contains(written, r); });
  };
  if (m.spec.phase == Phase::kNewOnly && !m.spec.down.empty()) {
    // Old-shaped writes become new-shaped; the old columns may no longer exist.
    if (has_new) return p;
    for (const auto& d : m.spec.down)
      if (contains(written, d.column)) p.drop.push_back(d.column);
    for (const auto& u : m.spec.up)
      if (relevant(u) && (!p.drop.empty() || !only_if_read)) p.add.push_back(u);
    if (p.drop.empty()) p.add.clear();  // it wrote nothing of the old shape: nothing to translate
    return p;
  }
  if (has_new && has_old) return p;  // the application writes both shapes itself
  for (const auto& c : has_new ? m.spec.down : m.spec.up)
    if (!contains(written, c.column) && relevant(c)) p.add.push_back(c);
  return p;
}

std::string name_of_target(const PgQuery__Node* n) {
  return n->node_case == PG_QUERY__NODE__NODE_RES_TARGET && n->res_target->name ? n->res_target->name : "";
}

bool is_default(const PgQuery__Node* n) { return n->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT; }

// --- INSERT -------------------------------------------------------------------------------

// The row's written values, by column. DEFAULT counts as not written.
RowValues row_values(const std::vector<std::string>& cols, PgQuery__List* row) {
  RowValues v;
  for (size_t i = 0; i < cols.size() && i < row->n_items; ++i)
    if (!is_default(row->items[i])) v[cols[i]] = row->items[i];
  return v;
}

// True if evaluating the plan per row would evaluate a volatile value or default twice.
bool needs_single_evaluation(const Plan& plan, const std::vector<std::string>& cols, PgQuery__SelectStmt* values,
                             const RelationInfo& rel, const VolatilityCatalog& volatility) {
  std::set<std::string> read;
  for (const auto& a : plan.add)
    for (const auto& c : columns_read(a.expr)) read.insert(c);
  for (const auto& c : read) {
    // new_only: a dropped old column's value is evaluated only where the added ones read it,
    // once if one of them is that column as it is.
    if (contains(plan.drop, c) && std::count_if(plan.add.begin(), plan.add.end(), [&](const ColumnMap& a) {
                                    return columns_read(a.expr).count(c) > 0;
                                  }) == 1 &&
        std::any_of(plan.add.begin(), plan.add.end(), [&](const ColumnMap& a) { return bare_column(a.expr) == c; }))
      continue;
    const ColumnInfo* info = rel.column(c);
    const auto at = std::find(cols.begin(), cols.end(), c);
    if (at == cols.end()) {
      if (info && default_may_be_volatile(info->default_expr, volatility)) return true;
      continue;
    }
    const size_t i = static_cast<size_t>(at - cols.begin());
    for (size_t r = 0; r < values->n_values_lists; ++r) {
      const PgQuery__List* row = values->values_lists[r]->list;
      if (i >= row->n_items) continue;
      const PgQuery__Node* item = row->items[i];
      if (is_default(item) ? (info && default_may_be_volatile(info->default_expr, volatility)) : may_be_volatile(item, volatility)) return true;
    }
  }
  return false;
}

// Replaces the INSERT's source with `SELECT v.c1, ..., added FROM (<source>) AS v(c1, ...)`,
// so each source value is computed once and the added columns are computed from it. With
// `cast_columns`, v's columns are cast to the target columns' base types (a sub-select no longer
// resolves untyped literals against the target columns, as a top-level INSERT ... SELECT does).
StatementEdit select_from_source(PgQuery__InsertStmt* stmt, const std::vector<std::string>& cols, const Plan& plan,
                                 const RelationInfo& rel, bool cast_columns) {
  NodePtr select = new_node(PG_QUERY__NODE__NODE_SELECT_STMT);
  PgQuery__SelectStmt* s = select->select_stmt;
  s->op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  s->limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  std::vector<NodePtr> refs;
  RowValues from_v;
  for (const auto& c : cols) {
    const ColumnInfo* info = rel.column(c);
    if (info == nullptr) return {false, "column " + c + " is not in " + rel.name.to_string()};
    NodePtr target = column_ref(kValuesAlias, c);
    if (cast_columns && !info->base_type.empty()) {  // untyped: an old column contract dropped
      auto cast = type_cast(std::move(target), info->base_type);
      if (!cast) return {false, cast.error().message};
      target = std::move(cast.value());
    }
    append_node(&s->target_list, &s->n_target_list, res_target("", std::move(target)));
    refs.push_back(column_ref(kValuesAlias, c));
    from_v[c] = refs.back().get();
  }
  for (const auto& a : plan.add) {
    auto e = instantiate(a.expr, rel, from_v, Unwritten::kColumnDefault);
    if (!e) return {false, "expression for " + a.column + ": " + e.error().message};
    append_node(&s->target_list, &s->n_target_list, res_target("", std::move(e.value())));
    append_node(&stmt->cols, &stmt->n_cols, res_target(a.column, nullptr));
  }
  NodePtr sub = new_node(PG_QUERY__NODE__NODE_RANGE_SUBSELECT);
  sub->range_subselect->subquery = take_node(&stmt->select_stmt).release();
  auto alias = new_message_of<PgQuery__Alias>(pg_query__alias__descriptor);
  alias->aliasname = dup_string(kValuesAlias);
  for (const auto& c : cols) append_node(&alias->colnames, &alias->n_colnames, string_node(c));
  sub->range_subselect->alias = alias.release();
  append_node(&s->from_clause, &s->n_from_clause, std::move(sub));
  // new_only: the old columns are read by the added ones but no longer written.
  for (size_t i = cols.size(); i-- > 0;) {
    if (!contains(plan.drop, cols[i])) continue;
    remove_node(&s->target_list, &s->n_target_list, i);
    remove_node(&stmt->cols, &stmt->n_cols, i);
  }
  stmt->select_stmt = select.release();
  return {true, ""};
}

// In a top-level INSERT ... SELECT, PostgreSQL types an untyped parameter or literal of the
// select list by its target column; inside a sub-select it would become text. Casting such
// outputs to their column's base type keeps the parameter types a client sees in Describe.
std::string type_untyped_outputs(PgQuery__SelectStmt* source, const std::vector<std::string>& cols,
                                 const RelationInfo& rel) {
  if (source->op != PG_QUERY__SET_OPERATION__SETOP_NONE) return "";
  for (size_t i = 0; i < source->n_target_list && i < cols.size(); ++i) {
    PgQuery__ResTarget* t = source->target_list[i]->res_target;
    if (t->val == nullptr) continue;
    const auto kind = t->val->node_case;
    const bool untyped = kind == PG_QUERY__NODE__NODE_PARAM_REF ||
                         (kind == PG_QUERY__NODE__NODE_A_CONST && t->val->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL);
    const ColumnInfo* info = rel.column(cols[i]);
    if (!untyped || info == nullptr || info->base_type.empty()) continue;
    auto cast = type_cast(take_node(&t->val), info->base_type);
    if (!cast) return cast.error().message;
    t->val = cast.value().release();
  }
  return "";
}

// Rewrites `INSERT INTO t (cols) VALUES rows` into
// `INSERT INTO t (cols, added) SELECT v.cols, up(v) FROM (VALUES rows') AS v(cols)`, so each
// value is evaluated once. DEFAULT becomes the column's default expression (or NULL); unwritten
// columns with a volatile default that the plan reads are written explicitly.
StatementEdit single_evaluation_insert(PgQuery__InsertStmt* stmt, std::vector<std::string> cols, const Plan& plan,
                                       const RelationInfo& rel, const VolatilityCatalog& volatility) {
  PgQuery__SelectStmt* values = stmt->select_stmt->select_stmt;
  std::set<std::string> read;
  for (const auto& a : plan.add)
    for (const auto& c : columns_read(a.expr)) read.insert(c);
  for (const auto& c : read) {
    const ColumnInfo* info = rel.column(c);
    if (info && !contains(cols, c) && default_may_be_volatile(info->default_expr, volatility)) {
      cols.push_back(c);
      append_node(&stmt->cols, &stmt->n_cols, res_target(c, nullptr));
      for (size_t r = 0; r < values->n_values_lists; ++r) {
        PgQuery__List* row = values->values_lists[r]->list;
        append_node(&row->items, &row->n_items, new_node(PG_QUERY__NODE__NODE_SET_TO_DEFAULT));
      }
    }
  }
  // Values typed as their columns, DEFAULT spelt out.
  for (size_t r = 0; r < values->n_values_lists; ++r) {
    PgQuery__List* row = values->values_lists[r]->list;
    for (size_t i = 0; i < row->n_items && i < cols.size(); ++i) {
      const ColumnInfo* info = rel.column(cols[i]);
      if (info == nullptr) return {false, "column " + cols[i] + " is not in " + rel.name.to_string()};
      NodePtr value;
      if (is_default(row->items[i])) {
        if (info->default_expr.empty()) {
          value = null_const();
        } else {
          auto d = parse_expression(info->default_expr);
          if (!d) return {false, "cannot parse the default of " + cols[i]};
          value = std::move(d.value());
        }
      } else {
        value = copy_node(row->items[i]);
      }
      if (info->base_type.empty()) {  // an old column contract dropped: untyped
        replace_node(&row->items[i], std::move(value));
        continue;
      }
      auto cast = type_cast(std::move(value), info->base_type);
      if (!cast) return {false, cast.error().message};
      replace_node(&row->items[i], std::move(cast.value()));
    }
  }
  return select_from_source(stmt, cols, plan, rel, false);
}

// Accumulates edits; false once one refuses.
bool add(StatementEdit& total, const StatementEdit& e) {
  total.changed |= e.changed;
  if (!e.refusal.empty()) {
    total.refusal = e.refusal;
    total.code = e.code;
  }
  return e.refusal.empty();
}

// An INSERT's source as `VALUES ()`: one row of no column, for DEFAULT VALUES (never deparsed
// so: the mirrors add its columns).
NodePtr values_of_no_column() {
  NodePtr select = new_node(PG_QUERY__NODE__NODE_SELECT_STMT);
  select->select_stmt->op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  select->select_stmt->limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  append_node(&select->select_stmt->values_lists, &select->select_stmt->n_values_lists, new_node(PG_QUERY__NODE__NODE_LIST));
  return select;
}

// The mirrors of an INSERT whose columns are `cols` (spelt out; empty for DEFAULT VALUES).
StatementEdit mirror_values(PgQuery__InsertStmt* stmt, const std::vector<std::string>& cols, const ResolvedMigration& m,
                            const VolatilityCatalog& volatility) {
  const RelationInfo& rel = m.old_rel;
  StatementEdit edit;
  PgQuery__SelectStmt* source = stmt->select_stmt->select_stmt;
  const bool is_values = source->n_values_lists > 0;
  const Plan plan = plan_for(m, cols, false);
  if (plan.add.empty() && plan.drop.empty()) return edit;
  // A VALUES row of another length than the column list is the server's error to report ("INSERT
  // has more expressions than target columns"): leave the statement as written. Found by the
  // rewriter's fuzzer: the mirrors below index each row by column position.
  for (size_t r = 0; r < source->n_values_lists; ++r)
    if (source->values_lists[r]->node_case != PG_QUERY__NODE__NODE_LIST || source->values_lists[r]->list->n_items != cols.size())
      return edit;
  if (stmt->n_cols == 0)
    for (const auto& c : cols) append_node(&stmt->cols, &stmt->n_cols, res_target(c, nullptr));

  if (!is_values) {
    // INSERT ... SELECT: the select becomes a sub-select, so its values are computed once.
    if (const auto why = type_untyped_outputs(source, cols, rel); !why.empty()) return {edit.changed, why};
    return select_from_source(stmt, cols, plan, rel, true);
  }

  if (needs_single_evaluation(plan, cols, source, rel, volatility))
    return single_evaluation_insert(stmt, cols, plan, rel, volatility);

  // Plain VALUES: each added column's expression is appended to every row.
  for (size_t r = 0; r < source->n_values_lists; ++r) {
    PgQuery__List* row = source->values_lists[r]->list;
    const RowValues values = row_values(cols, row);
    for (const auto& a : plan.add) {
      auto e = instantiate(a.expr, rel, values, Unwritten::kColumnDefault);
      if (!e) return {edit.changed, "expression for " + a.column + ": " + e.error().message};
      append_node(&row->items, &row->n_items, std::move(e.value()));
    }
  }
  for (const auto& a : plan.add) append_node(&stmt->cols, &stmt->n_cols, res_target(a.column, nullptr));
  // new_only: stop writing the old columns, from the highest position down.
  for (size_t i = cols.size(); i-- > 0;) {
    if (!contains(plan.drop, cols[i])) continue;
    remove_node(&stmt->cols, &stmt->n_cols, i);
    for (size_t r = 0; r < source->n_values_lists; ++r) {
      PgQuery__List* row = source->values_lists[r]->list;
      remove_node(&row->items, &row->n_items, i);
    }
  }
  return {true, ""};
}

StatementEdit mirror_update_targets(PgQuery__Node*** list, size_t* n, const ResolvedMigration& m,
                                    const PgQuery__RangeVar* target, const VolatilityCatalog& volatility);

// new_only: RETURNING * spelt out while an old column is still in the table, so it is served
// from the new one (new_only_reads.h) as a trigger-kept old column would read.
StatementEdit expand_star(PgQuery__Node*** items, size_t* n, const ResolvedMigration& m, const PgQuery__RangeVar* target,
                          bool reads_others) {
  if (m.spec.phase != Phase::kNewOnly || m.spec.down.empty()) return {};
  const bool old_kept = std::any_of(m.spec.down.begin(), m.spec.down.end(), [&](const ColumnMap& d) {
    const ColumnInfo* c = m.old_rel.column(d.column);
    return c && !c->dropped;
  });
  if (!old_kept) return {};  // * lists what the table has, which is new-shaped
  std::vector<std::string> columns;
  for (const auto& c : m.old_rel.columns)
    if (!c.dropped) columns.push_back(c.name);
  return expand_returning_star(items, n, columns, target, reads_others);
}

}  // namespace

StatementEdit supply_old_defaults(PgQuery__InsertStmt* s, const ResolvedMigration& m) {
  if (m.spec.phase != Phase::kNewOnly) return {};
  const bool two_tables = is_two_table(m);
  if (!two_tables && m.spec.down.empty()) return {};  // add_column: up is mirrored in every phase
  if (s->select_stmt != nullptr && s->select_stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return {};
  PgQuery__SelectStmt* source = s->select_stmt ? s->select_stmt->select_stmt : nullptr;
  std::vector<std::string> cols;
  for (size_t i = 0; i < s->n_cols; ++i) cols.push_back(s->cols[i]->res_target->name ? s->cols[i]->res_target->name : "");
  const bool positional = s->n_cols == 0 && source != nullptr;
  if (positional) {  // the old table's first columns (copy_table has named them already)
    const size_t k = source->n_values_lists > 0 ? source->values_lists[0]->list->n_items : source->n_target_list;
    if (k > m.old_rel.columns.size() ||
        (source->n_values_lists == 0 && source->op != PG_QUERY__SET_OPERATION__SETOP_NONE) ||
        std::any_of(m.old_rel.columns.begin(), m.old_rel.columns.end(), [](const ColumnInfo& c) { return c.dropped; }))
      return {};  // mirror_insert answers these
    for (size_t i = 0; i < k; ++i) cols.push_back(m.old_rel.columns[i].name);
  }
  const auto written = [&](const std::string& c) { return contains(cols, c); };
  const auto is_old = [&](const std::string& c) {
    return two_tables ||
           std::any_of(m.spec.down.begin(), m.spec.down.end(), [&](const ColumnMap& d) { return d.column == c; });
  };
  // A same-table INSERT that writes a new column writes the new shape itself.
  if (!two_tables && std::any_of(m.spec.up.begin(), m.spec.up.end(), [&](const ColumnMap& u) { return written(u.column); }))
    return {};
  // The old columns whose value a new column without a default of its own would be computed from.
  std::vector<std::pair<std::string, NodePtr>> needed;
  for (const auto& old_col : m.old_rel.columns) {
    if (!is_old(old_col.name)) continue;
    const bool has_default = !old_col.default_expr.empty();
    const bool reaches_undefaulted = std::any_of(m.spec.up.begin(), m.spec.up.end(), [&](const ColumnMap& u) {
      const ColumnInfo* new_col = m.new_rel.column(u.column);
      // A column written under its own name still takes the default where a row says DEFAULT.
      // Without a default the old column is NULL, which a column copied as it is keeps.
      return new_col && new_col->default_expr.empty() && (!written(u.column) || u.column == old_col.name) &&
             columns_read(u.expr).count(old_col.name) && (has_default || bare_column(u.expr) != old_col.name);
    });
    if (!reaches_undefaulted) continue;
    if (!has_default) {  // typed where it is substituted into up, as any written value
      needed.emplace_back(old_col.name, null_const());
      continue;
    }
    auto d = parse_expression(old_col.default_expr);
    if (!d) return {false, "cannot parse the default of " + old_col.name + " in " + m.old_rel.name.to_string()};
    needed.emplace_back(old_col.name, std::move(d.value()));
  }
  if (needed.empty()) return {};
  if (source == nullptr) {  // DEFAULT VALUES: one row of the values supplied
    s->select_stmt = values_of_no_column().release();
    source = s->select_stmt->select_stmt;
  }
  const bool is_values = source->n_values_lists > 0;
  // A plain SELECT computes the default per row as well; DISTINCT would not (a NULL added to its
  // rows changes nothing), and a set operation has no select list of its own.
  const bool only_nulls = std::all_of(needed.begin(), needed.end(), [](const auto& n) {
    return n.second->node_case == PG_QUERY__NODE__NODE_A_CONST && n.second->a_const->isnull;
  });
  if (!is_values && (source->op != PG_QUERY__SET_OPERATION__SETOP_NONE || (source->n_distinct_clause > 0 && !only_nulls)))
    return {false, "in new_only, an INSERT ... SELECT DISTINCT or of a set operation that leaves out " + needed.front().first +
                       " of " + m.old_rel.name.to_string() + " is not translated (" + m.new_rel.name.to_string() +
                       " has no default for what it maps to); list the column"};
  if (positional)
    for (const auto& c : cols) append_node(&s->cols, &s->n_cols, res_target(c, nullptr));
  for (const auto& [name, expr] : needed) {
    if (!written(name)) {
      append_node(&s->cols, &s->n_cols, res_target(name, nullptr));
      cols.push_back(name);
      if (!is_values) append_node(&source->target_list, &source->n_target_list, res_target("", copy_node(expr.get())));
    }
    const size_t i = static_cast<size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
    for (size_t r = 0; r < source->n_values_lists; ++r) {
      PgQuery__List* row = source->values_lists[r]->list;
      if (i == row->n_items) append_node(&row->items, &row->n_items, copy_node(expr.get()));
      else if (i < row->n_items && is_default(row->items[i])) replace_node(&row->items[i], copy_node(expr.get()));
    }
  }
  return {true, ""};
}

StatementEdit mirror_insert(PgQuery__InsertStmt* stmt, const ResolvedMigration& m, const VolatilityCatalog& volatility) {
  const RelationInfo& rel = m.old_rel;
  StatementEdit edit;
  if (!add(edit, expand_star(&stmt->returning_list, &stmt->n_returning_list, m, stmt->relation, false)) ||
      !add(edit, translate_list(stmt->returning_list, stmt->n_returning_list, m, stmt->relation, false)))
    return edit;
  if (stmt->on_conflict_clause && stmt->on_conflict_clause->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) {
    auto* oc = stmt->on_conflict_clause;
    if (!add(edit, assign_new_from_excluded(oc, m)) ||
        !add(edit, translate_list(oc->target_list, oc->n_target_list, m, stmt->relation, false, true)) ||
        !add(edit, translate_one(&oc->where_clause, m, stmt->relation, false, true)) ||
        !add(edit, mirror_update_targets(&oc->target_list, &oc->n_target_list, m, stmt->relation, volatility)))
      return edit;
  }
  // new_only: the old columns' defaults, where a new column has none (copy_table's were supplied
  // before its columns were translated over the new table).
  if (!is_two_table(m) && !add(edit, supply_old_defaults(stmt, m))) return edit;
  if (stmt->select_stmt == nullptr) {
    // DEFAULT VALUES: every column takes its default, so the mirrors are computed from the
    // defaults, as for the columns any INSERT leaves out: `INSERT INTO t (added) VALUES (up)`, or
    // the single-evaluation form when up reads a volatile default.
    if (plan_for(m, {}, false).add.empty()) return edit;
    stmt->select_stmt = values_of_no_column().release();
    StatementEdit e = mirror_values(stmt, {}, m, volatility);
    if (!e.refusal.empty()) take_node(&stmt->select_stmt);  // as written again
    add(edit, e);
    return edit;
  }
  if (stmt->select_stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return {edit.changed, "unexpected INSERT source"};
  PgQuery__SelectStmt* source = stmt->select_stmt->select_stmt;
  const bool is_values = source->n_values_lists > 0;

  // The written columns, spelt out when the statement relies on table order.
  std::vector<std::string> cols;
  for (size_t i = 0; i < stmt->n_cols; ++i) {
    if (stmt->cols[i]->res_target->n_indirection > 0) return {edit.changed, "INSERT into a subscript or field of a column is not mirrored"};
    cols.push_back(name_of_target(stmt->cols[i]));
  }
  if (cols.empty() && !is_values)
    return {edit.changed, "INSERT ... SELECT into a migrated table needs a column list, so its columns are known"};
  if (cols.empty() && std::any_of(rel.columns.begin(), rel.columns.end(), [](const ColumnInfo& c) { return c.dropped; }))
    return {edit.changed, "INSERT without a column list cannot be translated once old columns are dropped; list the columns"};
  if (cols.empty()) {
    const size_t k = is_values ? source->values_lists[0]->list->n_items : source->n_target_list;
    if (k > rel.columns.size()) return edit;  // the server reports the error itself
    for (size_t i = 0; i < k; ++i) cols.push_back(rel.columns[i].name);
  }
  add(edit, mirror_values(stmt, cols, m, volatility));
  return edit;
}

namespace {

// --- UPDATE (and ON CONFLICT DO UPDATE) ----------------------------------------------------

// What a SET list assigns to one column.
struct SetSource {
  const PgQuery__Node* value = nullptr;  // a plain assignment's value; null for DEFAULT
  bool opaque = false;                   // into a subscript or field, or from a ROW of another length
  int group = -1;                        // else the sub-select assignment (AssignGroup) it is in
  bool is_volatile = false;              // a plain value, or default, that a second evaluation may change
};

struct SetSources {
  std::map<std::string, SetSource> columns;
  std::vector<AssignGroup> groups;
  std::vector<bool> group_volatile;
  std::vector<int> group_of;  // per entry of the list: its group, or -1
};

SetSources set_sources(PgQuery__Node** items, size_t n, const RelationInfo& rel, const VolatilityCatalog& volatility) {
  SetSources s;
  s.groups = assignment_groups(items, n);
  s.group_of.assign(n, -1);
  for (size_t g = 0; g < s.groups.size(); ++g) {
    s.group_volatile.push_back(may_be_volatile(items[s.groups[g].first]->res_target->val->multi_assign_ref->source, volatility));
    for (size_t i = s.groups[g].first; i < s.groups[g].first + s.groups[g].count; ++i) s.group_of[i] = static_cast<int>(g);
  }
  for (size_t i = 0; i < n; ++i) {
    const PgQuery__ResTarget* t = items[i]->res_target;
    SetSource& src = s.columns[t->name ? t->name : ""];
    if (t->n_indirection > 0 || t->val == nullptr) {
      src.opaque = true;
    } else if (s.group_of[i] >= 0) {
      src.group = s.group_of[i];
    } else if (t->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
      src.opaque = true;  // a ROW that split_row_assignments left: the server refuses it
    } else if (is_default(t->val)) {
      const ColumnInfo* info = rel.column(t->name);
      src.is_volatile = info && default_may_be_volatile(info->default_expr, volatility);
    } else {
      src.value = t->val;
      src.is_volatile = may_be_volatile(t->val, volatility);
    }
  }
  return s;
}

StatementEdit mirror_update_targets(PgQuery__Node*** list, size_t* n, const ResolvedMigration& m,
                                    const PgQuery__RangeVar* target, const VolatilityCatalog& volatility) {
  std::vector<std::string> written;
  for (size_t i = 0; i < *n; ++i) written.push_back(name_of_target((*list)[i]));
  const Plan plan = plan_for(m, written, true);
  if (plan.add.empty() && plan.drop.empty()) return {};
  split_row_assignments(*list, *n);
  const SetSources sources = set_sources(*list, *n, m.old_rel, volatility);
  const std::string qualifier = target->alias && target->alias->aliasname && target->alias->aliasname[0]
                                    ? target->alias->aliasname
                                    : target->relname;

  // Where each added column is computed: beside the SET (kPlain); inside the sub-select that
  // assigns a column it reads; or inside one new per-row sub-select of the volatile values it reads.
  constexpr int kPlain = -1, kPerRow = -2;
  std::vector<int> placement;
  std::vector<std::string> moved;  // SET columns whose volatile value moves into the per-row sub-select
  for (const auto& a : plan.add) {
    std::set<int> groups;
    std::vector<std::string> volatile_read;
    bool reads_row = false;  // a current value, or a value the SET computes outside a sub-select
    for (const auto& c : columns_read(a.expr)) {
      const auto it = sources.columns.find(c);
      if (it == sources.columns.end()) {
        reads_row = true;
      } else if (it->second.opaque) {
        return {false, "SET of " + c + " into a subscript or field cannot be mirrored into " + a.column};
      } else if (it->second.group >= 0) {
        groups.insert(it->second.group);
      } else if (it->second.is_volatile) {
        volatile_read.push_back(c);
      } else {
        reads_row = true;
      }
    }
    if (groups.size() + (volatile_read.empty() ? 0 : 1) > 1)
      return {false, a.column + " would be computed from two sub-selects (or a sub-select and a volatile value), "
                                "which one evaluation cannot give; assign those columns from one sub-select",
                RefusalReason::kVolatile};
    if (!groups.empty()) {
      const int g = *groups.begin();
      // The wrapper would read the row, so a sub-select evaluated once per statement would be
      // evaluated once per row: a different value, if it is volatile.
      if (reads_row && sources.group_volatile[g])
        return {false, "mirroring " + a.column + " from the volatile sub-select that sets " +
                           written[sources.groups[g].first] + " needs other columns of the row; set them in that sub-select too",
                RefusalReason::kVolatile};
      placement.push_back(g);
    } else if (!volatile_read.empty()) {
      placement.push_back(kPerRow);
      for (const auto& c : volatile_read)
        if (!contains(moved, c)) moved.push_back(c);
    } else {
      placement.push_back(kPlain);
    }
  }

  // Everything is built before the list changes, so a refusal leaves the statement as it was.
  RowValues plain;
  for (const auto& [c, src] : sources.columns)
    if (src.group < 0 && !src.opaque && !contains(moved, c)) plain[c] = src.value;
  // The mirrors placed at `where`: SET targets (kPlain), or outputs of a sub-select and their
  // targets, appended to `outputs` and `targets`.
  const auto mirrors = [&](int where, const RowValues& values, std::vector<NodePtr>& outputs,
                           std::vector<NodePtr>& targets) -> std::string {
    for (size_t i = 0; i < plan.add.size(); ++i) {
      if (placement[i] != where) continue;
      auto e = instantiate(plan.add[i].expr, m.old_rel, values, Unwritten::kCurrentValue, where == kPlain ? "" : qualifier);
      if (!e) return "expression for " + plan.add[i].column + ": " + e.error().message;
      if (where == kPlain) {
        targets.push_back(res_target(plan.add[i].column, std::move(e.value())));
      } else {
        outputs.push_back(std::move(e.value()));
        targets.push_back(res_target(plan.add[i].column, nullptr));
      }
    }
    return "";
  };
  std::vector<std::vector<NodePtr>> rebuilt(sources.groups.size());  // empty: kept as written
  for (size_t g = 0; g < sources.groups.size(); ++g) {
    const AssignGroup& group = sources.groups[g];
    bool touched = std::find(placement.begin(), placement.end(), static_cast<int>(g)) != placement.end();
    for (size_t i = group.first; i < group.first + group.count; ++i) touched |= contains(plan.drop, written[i]);
    if (!touched) continue;
    const std::vector<std::string> names = output_names(*list, group);
    RowValues values = plain;
    std::vector<NodePtr> refs, outputs;
    for (size_t k = 0; k < group.count; ++k) {
      const size_t i = group.first + k;
      if ((*list)[i]->res_target->n_indirection == 0) {
        refs.push_back(source_column(names[k]));
        values[written[i]] = refs.back().get();
      }
      if (contains(plan.drop, written[i])) continue;  // new_only: the old column is no longer set
      outputs.push_back(source_column(names[k]));
      rebuilt[g].push_back(copy_node((*list)[i]));
    }
    if (const auto why = mirrors(static_cast<int>(g), values, outputs, rebuilt[g]); !why.empty()) return {false, why};
    if (rebuilt[g].empty()) return {false, "a multi-column SET of old columns only is not translated in new_only"};
    const NodePtr source = wrapped_source(group, names, std::move(outputs));
    assign_from(rebuilt[g], source.get());
  }
  std::vector<NodePtr> added, per_row;
  std::vector<NodePtr> none;
  if (const auto why = mirrors(kPlain, plain, none, added); !why.empty()) return {false, why};
  if (!moved.empty()) {
    RowValues values = plain;
    std::vector<std::pair<std::string, NodePtr>> moved_values;
    std::vector<NodePtr> refs, outputs;
    for (const auto& c : moved) {
      const PgQuery__Node* v = sources.columns.at(c).value;
      if (v != nullptr) {
        moved_values.emplace_back(c, copy_node(v));
      } else {  // DEFAULT, spelt out: a sub-select has no DEFAULT
        auto d = parse_expression(m.old_rel.column(c)->default_expr);
        if (!d) return {false, "cannot parse the default of " + c};
        moved_values.emplace_back(c, std::move(d.value()));
      }
      refs.push_back(source_column(c));
      values[c] = refs.back().get();
      if (contains(plan.drop, c)) continue;
      outputs.push_back(source_column(c));
      per_row.push_back(res_target(c, nullptr));
    }
    if (const auto why = mirrors(kPerRow, values, outputs, per_row); !why.empty()) return {false, why};
    const NodePtr source = per_row_source(std::move(moved_values), std::move(outputs), qualifier);
    assign_from(per_row, source.get());
  }

  // The new list: the sub-select assignments first (libpg_query's deparser prints only the first
  // column of one that follows a plain target), as written or rebuilt, then the per-row one, then
  // the plain targets and mirrors. The order of a SET list does not change what it does.
  std::vector<NodePtr> items;
  while (*n > 0) items.insert(items.begin(), remove_node(list, n, *n - 1));
  for (size_t g = 0; g < sources.groups.size(); ++g) {
    const AssignGroup& group = sources.groups[g];
    for (size_t k = 0; k < group.count; ++k) {
      if (rebuilt[g].empty()) append_node(list, n, std::move(items[group.first + k]));
      else if (k < rebuilt[g].size()) append_node(list, n, std::move(rebuilt[g][k]));
    }
    for (size_t k = group.count; k < rebuilt[g].size(); ++k) append_node(list, n, std::move(rebuilt[g][k]));
  }
  for (auto& t : per_row) append_node(list, n, std::move(t));
  for (size_t i = 0; i < items.size(); ++i)
    if (sources.group_of[i] < 0 && !contains(moved, written[i]) && !contains(plan.drop, written[i]))
      append_node(list, n, std::move(items[i]));
  for (auto& t : added) append_node(list, n, std::move(t));
  return {true, ""};
}

}  // namespace

StatementEdit mirror_update(PgQuery__UpdateStmt* stmt, const ResolvedMigration& m, const VolatilityCatalog& volatility) {
  StatementEdit total;
  const bool ambiguous = stmt->n_from_clause > 0;
  if (!add(total, expand_star(&stmt->returning_list, &stmt->n_returning_list, m, stmt->relation, ambiguous)) ||
      !add(total, translate_list(stmt->target_list, stmt->n_target_list, m, stmt->relation, ambiguous)) ||
      !add(total, translate_one(&stmt->where_clause, m, stmt->relation, ambiguous)) ||
      !add(total, translate_list(stmt->returning_list, stmt->n_returning_list, m, stmt->relation, ambiguous)))
    return total;
  add(total, mirror_update_targets(&stmt->target_list, &stmt->n_target_list, m, stmt->relation, volatility));
  return total;
}

StatementEdit mirror_delete(PgQuery__DeleteStmt* stmt, const ResolvedMigration& m) {
  StatementEdit total;
  const bool ambiguous = stmt->n_using_clause > 0;
  if (add(total, expand_star(&stmt->returning_list, &stmt->n_returning_list, m, stmt->relation, ambiguous)) &&
      add(total, translate_one(&stmt->where_clause, m, stmt->relation, ambiguous)))
    add(total, translate_list(stmt->returning_list, stmt->n_returning_list, m, stmt->relation, ambiguous));
  return total;
}

}  // namespace switchyard::rewrite::pg

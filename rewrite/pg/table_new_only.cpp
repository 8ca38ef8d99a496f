// new_only for the two-table kinds: old-shaped writes retargeted to the new table; see
// table_writes.h.
//
// rename_table: the relation is renamed and aliased by the old name, so every qualified reference
// still resolves. copy_table: the same, and the columns are translated by the same-table
// machinery of column_writes.h, run over a view of the new table that also knows the old-only
// columns (as dropped ones): written old columns become their new columns through `up`, reads
// of old columns become `down` over the new row. Columns with the same name in both tables, and
// mapped to themselves, are written as they are.
#include <algorithm>
#include <utility>
#include <vector>

#include "rewrite/pg/column_writes.h"
#include "rewrite/pg/expr.h"
#include "rewrite/pg/expression_text.h"
#include "rewrite/pg/merge_writes.h"
#include "rewrite/pg/new_only_reads.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {
namespace {

using config::ColumnMap;
using config::Phase;

void set_string(char** field, const std::string& value) {
  if (*field != nullptr && *field != protobuf_c_empty_string) free(*field);
  *field = dup_string(value);
}

// `old_table AS alias` becomes `new_table AS alias` (the alias defaulting to the old name).
void retarget(PgQuery__RangeVar* rv, const ResolvedMigration& m) {
  const std::string old_name = rv->relname;
  set_string(&rv->relname, m.spec.new_table.name);
  if ((rv->schemaname && rv->schemaname[0]) || m.spec.new_table.schema != m.spec.old_table.schema)
    set_string(&rv->schemaname, m.spec.new_table.schema);
  if (rv->alias == nullptr) {
    auto alias = new_message_of<PgQuery__Alias>(pg_query__alias__descriptor);
    alias->aliasname = dup_string(old_name);
    rv->alias = alias.release();
  }
}

// A same-table view of copy_table in new_only: one relation with the new columns and, marked
// dropped, the old-only ones; up and down only for the columns that are not mapped to
// themselves.
ResolvedMigration same_table_view(const ResolvedMigration& m) {
  ResolvedMigration v;
  v.spec = m.spec;
  v.spec.old_table = m.spec.new_table;
  v.spec.up.clear();
  v.spec.down.clear();
  RelationInfo rel = m.new_rel;
  const auto identity = [&](const ColumnMap& c) { return bare_column(c.expr) == c.column && m.new_rel.column(c.column) != nullptr; };
  for (const auto& u : m.spec.up)
    if (!identity(u) || (m.old_rel.exists && !m.old_rel.column(u.column))) {
      // Typed as its column: an INSERT no longer casts it by assignment (text into an enum).
      const ColumnInfo* col = m.new_rel.column(u.column);
      v.spec.up.push_back({u.column, col && !col->base_type.empty() ? "(" + u.expr + ")::" + col->base_type : u.expr});
    }
  for (const auto& d : m.spec.down) {
    if (m.new_rel.column(d.column)) continue;
    v.spec.down.push_back(d);
    ColumnInfo ghost{d.column, "", "", "", false, true};
    if (const ColumnInfo* old_col = m.old_rel.column(d.column)) {
      ghost = *old_col;
      ghost.dropped = true;
    }
    rel.columns.push_back(ghost);
  }
  v.old_rel = v.new_rel = rel;
  return v;
}

// A positional INSERT lists the old table's columns, whose order the new table need not share.
StatementEdit name_columns(PgQuery__InsertStmt* s, const ResolvedMigration& m) {
  if (s->n_cols > 0 || s->select_stmt == nullptr || s->select_stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    return {};
  const PgQuery__SelectStmt* src = s->select_stmt->select_stmt;
  const size_t k = src->n_values_lists > 0 ? src->values_lists[0]->list->n_items : src->n_target_list;
  if (!m.old_rel.exists) return {false, "an INSERT without a column list cannot be translated once the old table is dropped"};
  if (src->n_values_lists == 0 && src->op != PG_QUERY__SET_OPERATION__SETOP_NONE)
    return {false, "INSERT ... SELECT without a column list is not translated; list the columns"};
  for (size_t i = 0; i < k && i < m.old_rel.columns.size(); ++i)
    append_node(&s->cols, &s->n_cols, res_target(m.old_rel.columns[i].name, nullptr));
  return {true, ""};
}

// ON CONFLICT ON CONSTRAINT <old table's constraint>: the write now goes to the new table, so
// the name becomes that of the new table's constraint of the same kind over the same columns
// (mapped through `up` where a column is copied under another name), or the INSERT is refused.
StatementEdit map_conflict_constraint(PgQuery__InsertStmt* s, const ResolvedMigration& m) {
  PgQuery__InferClause* infer = s->on_conflict_clause ? s->on_conflict_clause->infer : nullptr;
  if (infer == nullptr || infer->conname == nullptr || infer->conname[0] == '\0') return {};
  const auto named = [&](const RelationInfo& rel) {
    return std::find_if(rel.constraints.begin(), rel.constraints.end(), [&](const ConstraintInfo& c) { return c.name == infer->conname; });
  };
  const auto old_con = named(m.old_rel);
  if (old_con == m.old_rel.constraints.end()) return {};  // not the old table's: the server answers as it would
  std::vector<std::string> columns;
  for (const auto& c : old_con->columns) {
    std::string mapped = m.spec.all_columns ? c : "";
    for (const auto& u : m.spec.up)
      if (bare_column(u.expr) == c) mapped = u.column;
    if (mapped.empty()) break;
    columns.push_back(mapped);
  }
  std::sort(columns.begin(), columns.end());
  const ConstraintInfo* match = nullptr;
  for (const auto& c : m.new_rel.constraints)
    if (c.columns == columns && (match == nullptr || c.type == old_con->type)) match = &c;
  if (match == nullptr)
    return {false, "ON CONFLICT ON CONSTRAINT " + old_con->name + ": " + m.new_rel.name.to_string() +
                       " has no constraint over the same columns; name the conflict columns instead"};
  set_string(&infer->conname, match->name);
  return {true, ""};
}

bool same_order(const ResolvedMigration& m) {
  if (!m.old_rel.exists) return true;
  for (size_t i = 0; i < m.old_rel.columns.size(); ++i)
    if (i >= m.new_rel.columns.size() || m.new_rel.columns[i].name != m.old_rel.columns[i].name) return false;
  return true;
}

// MERGE into the old table: each INSERT action prepared as an INSERT is (its columns named, the
// old columns' defaults supplied), then the target retargeted and, for copy_table, every action
// translated over the same-table view (merge_writes.h).
StatementEdit translate_merge(PgQuery__MergeStmt* merge, const ResolvedMigration& m, const VolatilityCatalog& volatility) {
  if (!names_table(merge->relation, m.spec.old_table)) return {};  // new-shaped: already right
  const bool reorder = !m.spec.all_columns || !same_order(m);
  const StatementEdit prepared = edit_merge_actions(merge, [&](ProtobufCMessage* w) -> StatementEdit {
    if (w->descriptor != &pg_query__insert_stmt__descriptor) return {};
    auto* insert = reinterpret_cast<PgQuery__InsertStmt*>(w);
    StatementEdit e;
    if (reorder) e = name_columns(insert, m);
    if (e.refusal.empty() && !m.spec.all_columns && m.old_rel.exists) e = supply_old_defaults(insert, m);
    return e;
  });
  if (!prepared.refusal.empty()) return prepared;
  retarget(merge->relation, m);
  if (m.spec.all_columns) return {true, ""};
  const StatementEdit e = mirror_merge(merge, same_table_view(m), volatility);
  return {true, e.refusal, e.code};
}

}  // namespace

StatementEdit translate_table_write(ProtobufCMessage* write, const ResolvedMigration& m,
                                    const VolatilityCatalog& volatility) {
  if (m.spec.phase != Phase::kNewOnly) return {};
  PgQuery__InsertStmt* insert = nullptr;
  PgQuery__UpdateStmt* update = nullptr;
  PgQuery__DeleteStmt* del = nullptr;
  PgQuery__RangeVar* rel = nullptr;
  PgQuery__Node*** returning = nullptr;
  size_t* n_returning = nullptr;
  if (write->descriptor == &pg_query__insert_stmt__descriptor) {
    insert = reinterpret_cast<PgQuery__InsertStmt*>(write);
    rel = insert->relation, returning = &insert->returning_list, n_returning = &insert->n_returning_list;
  } else if (write->descriptor == &pg_query__update_stmt__descriptor) {
    update = reinterpret_cast<PgQuery__UpdateStmt*>(write);
    rel = update->relation, returning = &update->returning_list, n_returning = &update->n_returning_list;
  } else if (write->descriptor == &pg_query__delete_stmt__descriptor) {
    del = reinterpret_cast<PgQuery__DeleteStmt*>(write);
    rel = del->relation, returning = &del->returning_list, n_returning = &del->n_returning_list;
  } else if (write->descriptor == &pg_query__merge_stmt__descriptor) {
    return translate_merge(reinterpret_cast<PgQuery__MergeStmt*>(write), m, volatility);
  } else {
    return {};
  }
  if (!names_table(rel, m.spec.old_table)) return {};  // new-shaped: already right

  StatementEdit edit{true, ""};
  const bool reorder = !m.spec.all_columns || !same_order(m);
  if (insert && reorder) edit = name_columns(insert, m);
  if (insert && edit.refusal.empty()) {
    const StatementEdit constraint = map_conflict_constraint(insert, m);
    if (!constraint.refusal.empty()) return constraint;
  }
  if (insert && edit.refusal.empty() && !m.spec.all_columns && m.old_rel.exists) {
    const StatementEdit defaults = supply_old_defaults(insert, m);
    if (!defaults.refusal.empty()) return defaults;
  }
  if (edit.refusal.empty() && reorder) {
    // RETURNING * would list the new table's columns: spell out the old ones instead.
    std::vector<std::string> columns;
    for (const auto& c : m.old_rel.columns) columns.push_back(c.name);
    const bool reads_others = (update && update->n_from_clause > 0) || (del && del->n_using_clause > 0);
    edit.refusal = expand_returning_star(returning, n_returning, columns, rel, reads_others).refusal;
  }
  if (!edit.refusal.empty()) return edit;
  retarget(rel, m);
  if (m.spec.all_columns) return {true, ""};

  const ResolvedMigration view = same_table_view(m);
  StatementEdit e = insert   ? mirror_insert(insert, view, volatility)
                    : update ? mirror_update(update, view, volatility)
                             : mirror_delete(del, view);
  return {true, e.refusal, e.code};
}

}  // namespace switchyard::rewrite::pg

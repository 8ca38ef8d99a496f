// MERGE into a migrated table, action by action; see merge_writes.h.
#include "rewrite/pg/merge_writes.h"

#include <utility>

#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/new_only_reads.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;

// Why no single evaluation exists for a MERGE INSERT (merge_writes.h).
constexpr char kInsertNeedsOneEvaluation[] =
    "MERGE ... THEN INSERT: a mirrored column would be computed from a volatile value or default (a serial, "
    "random(), ...), and MERGE's one VALUES row has no form that evaluates it once for both columns; compute "
    "that value in the USING source (USING (SELECT nextval(...) AS k, ...) s ... VALUES (s.k, ...))";

// Why the two-table kinds refuse MERGE before new_only (docs/migrations.md, "MERGE").
constexpr char kTwoTablesNeedRows[] =
    "MERGE into a table of a rename_table or copy_table migration cannot be mirrored: the other table must be "
    "written from the rows the MERGE changed, which PostgreSQL 15 cannot return (MERGE has no RETURNING and "
    "cannot be a WITH query; PostgreSQL 17's MERGE ... RETURNING would allow it), and rewriting it into "
    "INSERT/UPDATE/DELETE would change its concurrency and its errors; write with INSERT ... ON CONFLICT, "
    "UPDATE or DELETE";

// The lists an action lends to its temporary statement, given back however the edit ends (a
// std::bad_alloc included), so the tree keeps exactly one owner of every node.
struct Lent {
  PgQuery__Node*** items;
  size_t* n;
  PgQuery__Node*** to_items;
  size_t* to_n;
  ~Lent() {
    *to_items = std::exchange(*items, nullptr);
    *to_n = std::exchange(*n, 0);
  }
};
struct LentOne {
  PgQuery__Node** slot;
  PgQuery__Node** to;
  ~LentOne() { *to = std::exchange(*slot, nullptr); }
};

StatementEdit edit_update(PgQuery__MergeStmt* stmt, PgQuery__MergeWhenClause* c, const MergeActionEdit& edit) {
  PgQuery__UpdateStmt u = PG_QUERY__UPDATE_STMT__INIT;
  u.relation = stmt->relation;
  u.from_clause = &stmt->source_relation;  // read only: it says the statement reads another table
  u.n_from_clause = 1;
  u.target_list = std::exchange(c->target_list, nullptr);
  u.n_target_list = std::exchange(c->n_target_list, 0);
  u.where_clause = std::exchange(c->condition, nullptr);
  const Lent set{&u.target_list, &u.n_target_list, &c->target_list, &c->n_target_list};
  const LentOne where{&u.where_clause, &c->condition};
  return edit(&u.base);
}

StatementEdit edit_delete(PgQuery__MergeStmt* stmt, PgQuery__MergeWhenClause* c, const MergeActionEdit& edit) {
  PgQuery__DeleteStmt d = PG_QUERY__DELETE_STMT__INIT;
  d.relation = stmt->relation;
  d.using_clause = &stmt->source_relation;
  d.n_using_clause = 1;
  d.where_clause = std::exchange(c->condition, nullptr);
  const LentOne where{&d.where_clause, &c->condition};
  return edit(&d.base);
}

StatementEdit edit_insert(PgQuery__MergeStmt* stmt, PgQuery__MergeWhenClause* c, const MergeActionEdit& edit) {
  PgQuery__InsertStmt ins = PG_QUERY__INSERT_STMT__INIT;
  ins.relation = stmt->relation;
  ins.override = c->override;
  ins.cols = std::exchange(c->target_list, nullptr);
  ins.n_cols = std::exchange(c->n_target_list, 0);
  const Lent cols{&ins.cols, &ins.n_cols, &c->target_list, &c->n_target_list};
  // The source, owned here: `VALUES (<the action's values>)`, or none for DEFAULT VALUES.
  NodePtr source;
  const bool default_values = c->n_values == 0;
  if (!default_values) {
    NodePtr row = new_node(PG_QUERY__NODE__NODE_LIST);
    row->list->items = std::exchange(c->values, nullptr);
    row->list->n_items = std::exchange(c->n_values, 0);
    source = new_node(PG_QUERY__NODE__NODE_SELECT_STMT);
    source->select_stmt->op = PG_QUERY__SET_OPERATION__SETOP_NONE;
    source->select_stmt->limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
    append_node(&source->select_stmt->values_lists, &source->select_stmt->n_values_lists, std::move(row));
  }
  ins.select_stmt = source.release();
  StatementEdit e;
  {
    const struct Owned {  // the source back in `source`, whatever the edit made of it
      PgQuery__Node** slot;
      NodePtr* to;
      ~Owned() { to->reset(std::exchange(*slot, nullptr)); }
    } owned{&ins.select_stmt, &source};
    e = edit(&ins.base);
  }
  c->override = ins.override;
  if (source == nullptr) return e;  // still DEFAULT VALUES
  PgQuery__SelectStmt* s = source->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ? source->select_stmt : nullptr;
  if (s == nullptr || s->n_values_lists != 1 || s->values_lists[0]->node_case != PG_QUERY__NODE__NODE_LIST ||
      s->n_from_clause > 0) {
    // The mirror needed the single-evaluation form, INSERT ... SELECT FROM (VALUES ...) v.
    if (!e.refusal.empty()) return e;
    return {e.changed, kInsertNeedsOneEvaluation, RefusalReason::kVolatile};
  }
  PgQuery__List* row = s->values_lists[0]->list;
  c->values = std::exchange(row->items, nullptr);
  c->n_values = std::exchange(row->n_items, 0);
  return e;
}

}  // namespace

StatementEdit edit_merge_actions(PgQuery__MergeStmt* stmt, const MergeActionEdit& edit) {
  StatementEdit total;
  for (size_t i = 0; i < stmt->n_merge_when_clauses; ++i) {
    PgQuery__Node* node = stmt->merge_when_clauses[i];
    if (node->node_case != PG_QUERY__NODE__NODE_MERGE_WHEN_CLAUSE) continue;
    PgQuery__MergeWhenClause* c = node->merge_when_clause;
    StatementEdit e;
    switch (c->command_type) {
      case PG_QUERY__CMD_TYPE__CMD_UPDATE: e = edit_update(stmt, c, edit); break;
      case PG_QUERY__CMD_TYPE__CMD_INSERT: e = edit_insert(stmt, c, edit); break;
      case PG_QUERY__CMD_TYPE__CMD_DELETE: e = edit_delete(stmt, c, edit); break;
      default:  // DO NOTHING: only a MATCHED condition reads the target row
        if (c->matched) e = edit_delete(stmt, c, edit);
        break;
    }
    total.changed |= e.changed;
    if (!e.refusal.empty()) return {total.changed, e.refusal, e.code};
  }
  return total;
}

StatementEdit mirror_merge(PgQuery__MergeStmt* stmt, const ResolvedMigration& m, const VolatilityCatalog& volatility) {
  // Edited on a copy, so that a refusal (which `on_unsupported: pass` may waive) leaves the
  // statement as written. Only the ON clause and the actions are taken from the copy: the target
  // and the WITH (whose writes the rewriter holds pointers to) stay the statement's own.
  const MessagePtr<PgQuery__MergeStmt> copy = copy_of(stmt);
  // new_only: the ON clause reads the target row as the MATCHED conditions do.
  StatementEdit on = translate_one(&copy->join_condition, m, copy->relation, true);
  if (!on.refusal.empty()) return {false, on.refusal, on.code};
  const StatementEdit e = edit_merge_actions(copy.get(), [&](ProtobufCMessage* w) -> StatementEdit {
    if (w->descriptor == &pg_query__insert_stmt__descriptor)
      return mirror_insert(reinterpret_cast<PgQuery__InsertStmt*>(w), m, volatility);
    if (w->descriptor == &pg_query__update_stmt__descriptor)
      return mirror_update(reinterpret_cast<PgQuery__UpdateStmt*>(w), m, volatility);
    return mirror_delete(reinterpret_cast<PgQuery__DeleteStmt*>(w), m);
  });
  if (!e.refusal.empty()) return {false, e.refusal, e.code};
  if (!on.changed && !e.changed) return {};
  std::swap(stmt->join_condition, copy->join_condition);
  std::swap(stmt->n_merge_when_clauses, copy->n_merge_when_clauses);
  std::swap(stmt->merge_when_clauses, copy->merge_when_clauses);
  return {true, ""};
}

StatementEdit merge_into_two_tables(PgQuery__MergeStmt* stmt, const ResolvedMigration& m,
                                    const VolatilityCatalog& volatility) {
  if (m.spec.phase == Phase::kNewOnly) return translate_table_write(&stmt->base, m, volatility);
  // A MERGE whose every action is DO NOTHING writes nothing: there is nothing to mirror.
  bool writes = false;
  for (size_t i = 0; i < stmt->n_merge_when_clauses; ++i) {
    const PgQuery__Node* node = stmt->merge_when_clauses[i];
    const auto kind = node->node_case == PG_QUERY__NODE__NODE_MERGE_WHEN_CLAUSE ? node->merge_when_clause->command_type
                                                                                 : PG_QUERY__CMD_TYPE__CMD_UPDATE;
    writes |= kind == PG_QUERY__CMD_TYPE__CMD_UPDATE || kind == PG_QUERY__CMD_TYPE__CMD_INSERT ||
              kind == PG_QUERY__CMD_TYPE__CMD_DELETE;
  }
  if (!writes) return {};
  return {false, kTwoTablesNeedRows};
}

}  // namespace switchyard::rewrite::pg

// TRUNCATE under the two-table migration kinds (rename_table, copy_table); see table_writes.h.
//
// TRUNCATE takes a list, and its options are the statement's: ONLY is per table, RESTART
// IDENTITY and CASCADE apply to every table listed. So the other table joins the list, with the
// ONLY of the table the client named, and the statement stays one atomic TRUNCATE:
//   TRUNCATE ONLY inovices RESTART IDENTITY  =>  TRUNCATE ONLY inovices, ONLY public.invoices RESTART IDENTITY
// RESTART IDENTITY restarts the sequences owned by the columns of every table listed: the other
// table's own sequence restarts as the client asked for the relation (a sequence both tables
// share restarts once, as PostgreSQL skips a table or sequence listed twice).
#include <cstdlib>
#include <string>

#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;

bool dual_phase(Phase p) { return phase_shapes(p).dual; }

PgQuery__RangeVar* range_var(PgQuery__Node* n) {
  return n != nullptr && n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR ? n->range_var : nullptr;
}

// The first table of the list that names `t` (PostgreSQL uses the first of duplicates), or null.
PgQuery__RangeVar* listed(const PgQuery__TruncateStmt* t, const config::TableName& name) {
  for (size_t i = 0; i < t->n_relations; ++i)
    if (PgQuery__RangeVar* rv = range_var(t->relations[i]); rv && names_table(rv, name)) return rv;
  return nullptr;
}

void append_table(PgQuery__TruncateStmt* t, const config::TableName& name, bool inh) {
  NodePtr add = new_node(PG_QUERY__NODE__NODE_RANGE_VAR);
  add->range_var->schemaname = dup_string(name.schema);
  add->range_var->relname = dup_string(name.name);
  add->range_var->inh = inh;
  add->range_var->relpersistence = dup_string("p");
  add->range_var->location = -1;
  append_node(&t->relations, &t->n_relations, std::move(add));
}

// new_only: the old table is replaced by the new one, in place.
void retarget(PgQuery__RangeVar* rv, const config::TableName& other) {
  free(rv->relname);
  rv->relname = dup_string(other.name);
  if (rv->schemaname && rv->schemaname[0]) {
    free(rv->schemaname);
    rv->schemaname = dup_string(other.schema);
  }
}

// A table of the list whose TRUNCATE also empties a table of `rel` without listing it, or null.
const PgQuery__RangeVar* reaches(const PgQuery__TruncateStmt* t, const RelationInfo& rel) {
  const bool cascade = t->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (size_t i = 0; i < t->n_relations; ++i) {
    const PgQuery__RangeVar* rv = range_var(t->relations[i]);
    // Without CASCADE only inheritance reaches further, and only without ONLY. (Through a foreign
    // key without CASCADE, PostgreSQL refuses the TRUNCATE itself; refusing it here says why.)
    if (rv == nullptr || (!cascade && !rv->inh)) continue;
    for (const auto& from : rel.truncated_with)
      if (names_table(rv, from)) return rv;
  }
  return nullptr;
}

}  // namespace

TableMirror mirror_truncate(PgQuery__TruncateStmt* t, const Catalog& catalog) {
  TableMirror out;
  for (const auto& m : catalog.migrations) {
    if (!is_two_table(m) || m.spec.phase != Phase::kNewOnly) continue;
    for (size_t i = 0; i < t->n_relations; ++i) {
      PgQuery__RangeVar* rv = range_var(t->relations[i]);
      if (rv == nullptr || !names_table(rv, m.spec.old_table)) continue;
      retarget(rv, m.spec.new_table);
      out.changed = true;
      out.migration = m.spec.name;
    }
  }
  // Until no migration has one table listed without the other (an added table may be the one
  // that another migration's table reaches, so the list is checked again after each change).
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& m : catalog.migrations) {
      if (!is_two_table(m) || !dual_phase(m.spec.phase)) continue;
      const PgQuery__RangeVar* old_rv = listed(t, m.spec.old_table);
      const PgQuery__RangeVar* new_rv = listed(t, m.spec.new_table);
      if ((old_rv == nullptr) == (new_rv == nullptr)) continue;  // neither, or both as the client wrote
      append_table(t, old_rv ? m.spec.new_table : m.spec.old_table, (old_rv ? old_rv : new_rv)->inh);
      out.changed = grew = true;
      out.migration = m.spec.name;
    }
  }
  for (const auto& m : catalog.migrations) {
    if (!is_two_table(m) || !dual_phase(m.spec.phase)) continue;
    if (listed(t, m.spec.old_table) || listed(t, m.spec.new_table)) continue;
    for (const RelationInfo* rel : {&m.old_rel, &m.new_rel}) {
      const PgQuery__RangeVar* from = reaches(t, *rel);
      if (from == nullptr) continue;
      out.migration = m.spec.name;
      if (m.spec.pass_unsupported) {
        out.relay_unchanged = true;
        continue;
      }
      out.refusal = std::string("TRUNCATE of ") + from->relname + " may also empty " + rel->name.to_string() +
                    " (through a foreign key or inheritance) but not " +
                    (rel == &m.old_rel ? m.spec.new_table : m.spec.old_table).to_string() + "; name " +
                    rel->name.to_string() + " in the TRUNCATE too";
      return out;
    }
  }
  return out;
}

}  // namespace switchyard::rewrite::pg

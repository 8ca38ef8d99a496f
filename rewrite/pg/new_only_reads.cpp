// Reads of dropped old columns in new_only; see new_only_reads.h.
#include "rewrite/pg/new_only_reads.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "rewrite/pg/expr.h"
#include "rewrite/pg/expression_text.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;

// In new_only the old columns may be gone: references to them (unqualified, or qualified by the
// written table's name or alias) in `*slot` become their `down` expression over the new
// columns, and a RETURNING target that was just an old column keeps the old output name.
StatementEdit translate_old_columns(PgQuery__Node** slot_root, const ResolvedMigration& m, const std::string& relname,
                                    const std::string& alias, bool unqualified_is_ambiguous, bool on_conflict) {
  if (m.spec.phase != Phase::kNewOnly || m.spec.down.empty() || *slot_root == nullptr) return {};
  ProtobufCMessage* part = &(*slot_root)->base;
  StatementEdit edit;
  walk_messages(part, [&](ProtobufCMessage* msg) {
    if (msg->descriptor != &pg_query__res_target__descriptor) return WalkAction::kDescend;
    // A RETURNING/SELECT target that is just an old column keeps its output name.
    auto* t = reinterpret_cast<PgQuery__ResTarget*>(msg);
    if (t->val && (t->name == nullptr || t->name[0] == '\0') && t->val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
      const auto* ref = t->val->column_ref;
      const auto* last = ref->n_fields ? ref->fields[ref->n_fields - 1] : nullptr;
      if (last && last->node_case == PG_QUERY__NODE__NODE_STRING)
        for (const auto& d : m.spec.down)
          if (d.column == last->string->sval) {
            t->name = dup_string(d.column);  // was null or protobuf-c's static "": nothing to free
          }
    }
    return WalkAction::kDescend;
  });
  walk_nodes(slot_root, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return WalkAction::kDescend;
    const auto* ref = (*slot)->column_ref;
    std::string qualifier, name;
    if (ref->n_fields == 1 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      name = ref->fields[0]->string->sval;
    } else if (ref->n_fields == 2 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
               ref->fields[1]->node_case == PG_QUERY__NODE__NODE_STRING) {
      qualifier = ref->fields[0]->string->sval;
      name = ref->fields[1]->string->sval;
      // EXCLUDED (in ON CONFLICT DO UPDATE) is the proposed row, whose old columns were not
      // written either: down over its new columns gives them, as for the target row.
      const bool excluded = on_conflict && qualifier == "excluded";
      if (!excluded && qualifier != (alias.empty() ? relname : alias)) return WalkAction::kSkipChildren;
    } else {
      return WalkAction::kSkipChildren;
    }
    for (const auto& d : m.spec.down) {
      if (d.column != name) continue;
      if (qualifier.empty() && unqualified_is_ambiguous) {
        edit.refusal = "in new_only, qualify " + name + " (the statement reads other tables too)";
        return WalkAction::kStop;
      }
      // Typed as the old column was (when the schema still showed it), so RETURNING describes
      // the same column types to the client as before.
      const ColumnInfo* old_col = m.old_rel.column(name);
      auto e = served_value(d.expr, m.new_rel, old_col ? old_col->type : "", qualifier);
      if (!e) {
        edit.refusal = "expression for " + name + ": " + e.error().message;
        return WalkAction::kStop;
      }
      replace_node(slot, std::move(e.value()));
      edit.changed = true;
      return WalkAction::kSkipChildren;
    }
    return WalkAction::kSkipChildren;
  });
  return edit;
}

}  // namespace

Outcome<NodePtr> served_value(const std::string& expr_text, const RelationInfo& rel, const std::string& type,
                              const std::string& qualifier) {
  auto e = instantiate(expr_text, rel, {}, Unwritten::kCurrentValue, qualifier);
  if (!e || type.empty()) return e;
  return type_cast(std::move(e.value()), type);
}

StatementEdit expand_returning_star(PgQuery__Node*** items, size_t* n, const std::vector<std::string>& columns,
                                    const PgQuery__RangeVar* rel, bool reads_others) {
  const std::string own = rel->alias && rel->alias->aliasname && rel->alias->aliasname[0] ? rel->alias->aliasname : rel->relname;
  StatementEdit edit;
  for (size_t i = 0; i < *n; ++i) {
    const PgQuery__ResTarget* t = (*items)[i]->res_target;
    const auto* ref = t->val && t->val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ? t->val->column_ref : nullptr;
    if (ref == nullptr || ref->fields[ref->n_fields - 1]->node_case != PG_QUERY__NODE__NODE_A_STAR) continue;
    std::string qualifier;
    if (ref->n_fields == 2 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) qualifier = ref->fields[0]->string->sval;
    if (ref->n_fields > 2 || (ref->n_fields == 2 && qualifier != own)) continue;  // another table's, or schema-qualified
    if (qualifier.empty() && reads_others)
      return {false, "in new_only, RETURNING * of a statement that reads other tables too is not translated; use " + own +
                         ".* or list the columns"};
    if (columns.empty()) return {false, "RETURNING * cannot be translated once the old table is dropped; list the columns"};
    remove_node(items, n, i);
    for (size_t c = 0; c < columns.size(); ++c)
      insert_node(items, n, i + c, res_target("", qualifier.empty() ? column_ref(columns[c]) : column_ref(qualifier, columns[c])));
    i += columns.size() - 1;
    edit.changed = true;
  }
  return edit;
}

StatementEdit assign_new_from_excluded(PgQuery__OnConflictClause* oc, const ResolvedMigration& m) {
  if (m.spec.phase != Phase::kNewOnly || m.spec.down.empty() || oc == nullptr) return {};
  const auto is_old = [&](const std::string& c) {
    return std::any_of(m.spec.down.begin(), m.spec.down.end(), [&](const config::ColumnMap& d) { return d.column == c; });
  };
  // The old columns set from EXCLUDED's own value, and every column the list sets.
  std::set<std::string> from_excluded, written;
  for (size_t i = 0; i < oc->n_target_list; ++i) {
    const PgQuery__ResTarget* t = oc->target_list[i]->res_target;
    if (t->name == nullptr) continue;
    written.insert(t->name);
    const auto* ref = t->n_indirection == 0 && t->val && t->val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF
                          ? t->val->column_ref
                          : nullptr;
    if (ref && ref->n_fields == 2 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
        ref->fields[1]->node_case == PG_QUERY__NODE__NODE_STRING &&
        std::string(ref->fields[0]->string->sval) == "excluded" && t->name == std::string(ref->fields[1]->string->sval) &&
        is_old(t->name))
      from_excluded.insert(t->name);
  }
  // The new columns computed only from those.
  std::vector<std::string> covered;
  std::set<std::string> still_read;
  for (const auto& u : m.spec.up) {
    const std::set<std::string> reads = columns_read(u.expr);
    const bool all = !reads.empty() && std::all_of(reads.begin(), reads.end(), [&](const std::string& r) { return from_excluded.count(r) > 0; });
    if (all && !written.count(u.column)) covered.push_back(u.column);
    else still_read.insert(reads.begin(), reads.end());
  }
  // An old column another mirror still reads stays in the list, and would make the list look
  // new-shaped beside the added columns: leave such a list to the general translation.
  const bool kept = std::any_of(from_excluded.begin(), from_excluded.end(), [&](const std::string& c) { return still_read.count(c) > 0; });
  if (covered.empty() || kept) return {};
  for (size_t i = oc->n_target_list; i-- > 0;) {
    const char* name = oc->target_list[i]->res_target->name;
    if (name && from_excluded.count(name)) remove_node(&oc->target_list, &oc->n_target_list, i);
  }
  for (const auto& c : covered) append_node(&oc->target_list, &oc->n_target_list, res_target(c, column_ref("excluded", c)));
  return {true, ""};
}

StatementEdit translate_list(PgQuery__Node** items, size_t n, const ResolvedMigration& m, const PgQuery__RangeVar* rel,
                             bool ambiguous, bool on_conflict) {
  StatementEdit total;
  const std::string alias = rel->alias && rel->alias->aliasname ? rel->alias->aliasname : "";
  for (size_t i = 0; i < n; ++i) {
    PgQuery__Node** slot = &items[i];
    if ((*slot)->node_case == PG_QUERY__NODE__NODE_RES_TARGET && (*slot)->res_target->name &&
        (*slot)->res_target->name[0] != '\0' && (*slot)->res_target->val) {
      slot = &(*slot)->res_target->val;  // a SET target: only its value reads columns
    }
    const StatementEdit e = translate_old_columns(slot, m, rel->relname, alias, ambiguous, on_conflict);
    total.changed |= e.changed;
    if (!e.refusal.empty()) return {total.changed, e.refusal};
  }
  return total;
}

StatementEdit translate_one(PgQuery__Node** slot, const ResolvedMigration& m, const PgQuery__RangeVar* rel, bool ambiguous,
                            bool on_conflict) {
  const std::string alias = rel->alias && rel->alias->aliasname ? rel->alias->aliasname : "";
  return translate_old_columns(slot, m, rel->relname, alias, ambiguous, on_conflict);
}

}  // namespace switchyard::rewrite::pg

// Reads of dropped old columns in new_only; see new_only_reads.h.
#include "rewrite/pg/new_only_reads.h"

#include <string>

#include "rewrite/pg/expr.h"
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
                                    const std::string& alias, bool unqualified_is_ambiguous) {
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
      if (qualifier != (alias.empty() ? relname : alias)) return WalkAction::kSkipChildren;
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

StatementEdit translate_list(PgQuery__Node** items, size_t n, const ResolvedMigration& m, const PgQuery__RangeVar* rel,
                             bool ambiguous) {
  StatementEdit total;
  const std::string alias = rel->alias && rel->alias->aliasname ? rel->alias->aliasname : "";
  for (size_t i = 0; i < n; ++i) {
    PgQuery__Node** slot = &items[i];
    if ((*slot)->node_case == PG_QUERY__NODE__NODE_RES_TARGET && (*slot)->res_target->name &&
        (*slot)->res_target->name[0] != '\0' && (*slot)->res_target->val) {
      slot = &(*slot)->res_target->val;  // a SET target: only its value reads columns
    }
    const StatementEdit e = translate_old_columns(slot, m, rel->relname, alias, ambiguous);
    total.changed |= e.changed;
    if (!e.refusal.empty()) return {total.changed, e.refusal};
  }
  return total;
}

StatementEdit translate_one(PgQuery__Node** slot, const ResolvedMigration& m, const PgQuery__RangeVar* rel, bool ambiguous) {
  const std::string alias = rel->alias && rel->alias->aliasname ? rel->alias->aliasname : "";
  return translate_old_columns(slot, m, rel->relname, alias, ambiguous);
}

}  // namespace switchyard::rewrite::pg

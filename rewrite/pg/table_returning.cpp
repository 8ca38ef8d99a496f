// Moving a write's RETURNING list to the outer statement; see table_returning.h.
#include "rewrite/pg/table_returning.h"

#include <cstring>
#include <utility>

#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

std::string alias_of(const PgQuery__RangeVar* rel) {
  return rel->alias && rel->alias->aliasname && rel->alias->aliasname[0] ? rel->alias->aliasname : rel->relname;
}

const char* str(const PgQuery__Node* n) { return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : nullptr; }

// FigureColnameInternal of parse_target.c: the name and its strength (2 strong, 1 weak, 0 none),
// or -1 when the expression is of a kind whose name is not reproduced here.
int figure(const PgQuery__Node* n, std::string& name) {
  if (n == nullptr) return 0;
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
      const char* last = nullptr;
      for (size_t i = 0; i < n->column_ref->n_fields; ++i)
        if (const char* s = str(n->column_ref->fields[i])) last = s;
      if (last == nullptr) return 0;
      name = last;
      return 2;
    }
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {
      const char* last = nullptr;
      for (size_t i = 0; i < n->a_indirection->n_indirection; ++i)
        if (const char* s = str(n->a_indirection->indirection[i])) last = s;
      if (last != nullptr) {
        name = last;
        return 2;
      }
      return figure(n->a_indirection->arg, name);
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
      const auto* f = n->func_call;
      const char* last = f->n_funcname ? str(f->funcname[f->n_funcname - 1]) : nullptr;
      if (last == nullptr) return -1;
      name = last;
      return 2;
    }
    case PG_QUERY__NODE__NODE_A_EXPR:
      if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
        name = "nullif";
        return 2;
      }
      return 0;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      const int s = figure(n->type_cast->arg, name);
      if (s < 0) return s;
      const auto* t = n->type_cast->type_name;
      if (s <= 1 && t != nullptr && t->n_names > 0 && str(t->names[t->n_names - 1])) {
        name = str(t->names[t->n_names - 1]);
        return 1;
      }
      return s;
    }
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: return figure(n->collate_clause->arg, name);
    case PG_QUERY__NODE__NODE_GROUPING_FUNC: name = "grouping"; return 2;
    case PG_QUERY__NODE__NODE_SUB_LINK:
      if (n->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK) name = "exists";
      else if (n->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) name = "array";
      else return -1;  // named after the sub-select's first output: not reproduced
      return 2;
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
      const int s = figure(n->case_expr->defresult, name);
      if (s < 0) return s;
      if (s <= 1) {
        name = "case";
        return 1;
      }
      return s;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: name = "array"; return 1;
    case PG_QUERY__NODE__NODE_ROW_EXPR: name = "row"; return 1;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: name = "coalesce"; return 1;
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
      name = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
      return 1;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
    case PG_QUERY__NODE__NODE_XML_EXPR:
    case PG_QUERY__NODE__NODE_XML_SERIALIZE: return -1;
    default: return 0;
  }
}

// The first system column (xmin, ctid, ...) that `expr` names, or "". PostgreSQL forbids user
// columns of these names, so the last name of a column reference is enough.
std::string system_column(PgQuery__Node* expr) {
  static constexpr const char* kSystem[] = {"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"};
  std::string found;
  if (expr == nullptr) return found;
  walk_nodes(&expr, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return WalkAction::kDescend;
    const auto* ref = (*slot)->column_ref;
    if (const char* last = ref->n_fields > 0 ? str(ref->fields[ref->n_fields - 1]) : nullptr)
      for (const char* s : kSystem)
        if (std::strcmp(last, s) == 0) found = s;
    return found.empty() ? WalkAction::kSkipChildren : WalkAction::kStop;
  });
  return found;
}

bool is_star(const PgQuery__ColumnRef* ref) {
  return ref->n_fields > 0 && ref->fields[ref->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR;
}

// True if every column reference outside sub-selects is the written table's: qualified by its
// name or alias, or an unqualified name of one of its columns.
bool reads_only_table(PgQuery__Node** items, size_t n, const PgQuery__RangeVar* rel, const RelationInfo& table) {
  const std::string alias = alias_of(rel);
  bool only = true;
  for (size_t i = 0; i < n && only; ++i) {
    walk_nodes(&items[i], [&](PgQuery__Node** slot) {
      const PgQuery__Node* node = *slot;
      if (node->node_case == PG_QUERY__NODE__NODE_SUB_LINK) only = false;
      if (node->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
        const auto* ref = node->column_ref;
        const char* first = str(ref->fields[0]);
        if (ref->n_fields == 1 && is_star(ref)) only = false;  // * would add the other tables' columns
        else if (ref->n_fields == 1) only = first && table.column(first);
        else only = first && first == alias;
      }
      return only ? WalkAction::kDescend : WalkAction::kStop;
    });
  }
  return only;
}

// In the outer SELECT the CTE stands for the table under its name or alias. References the outer
// statement could not resolve the same way are refused: a whole-row reference (it would become an
// anonymous record, not the table's row type), `schema.table.column` is shortened.
std::string retarget(PgQuery__Node** items, size_t n, const PgQuery__RangeVar* rel, const RelationInfo& table) {
  const std::string alias = alias_of(rel);
  std::string refusal;
  for (size_t i = 0; i < n && refusal.empty(); ++i) {
    PgQuery__ResTarget* t = items[i]->res_target;
    walk_nodes(&t->val, [&](PgQuery__Node** slot) {
      if ((*slot)->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return WalkAction::kDescend;
      auto* ref = (*slot)->column_ref;
      const char* first = str(ref->fields[0]);
      if (ref->n_fields == 3 && rel->schemaname && first && std::string(first) == rel->schemaname &&
          str(ref->fields[1]) && std::string(str(ref->fields[1])) == rel->relname) {
        NodePtr gone = remove_node(&ref->fields, &ref->n_fields, 0);
        first = str(ref->fields[0]);
      }
      const bool whole_row_star = is_star(ref) && ref->n_fields == 2 && *slot != t->val;
      const bool whole_row = ref->n_fields == 1 && first && first == alias && !table.column(first);
      if (whole_row || whole_row_star)
        refusal = "RETURNING a whole row of " + alias + " is not mirrored; return its columns";
      return refusal.empty() ? WalkAction::kSkipChildren : WalkAction::kStop;
    });
  }
  return refusal;
}

// `alias.*`: the written table's columns only (a bare * would add those of FROM / USING tables).
NodePtr star_target(const PgQuery__RangeVar* rel) {
  NodePtr ref = new_node(PG_QUERY__NODE__NODE_COLUMN_REF);
  ref->column_ref->location = -1;
  append_node(&ref->column_ref->fields, &ref->column_ref->n_fields, string_node(alias_of(rel)));
  append_node(&ref->column_ref->fields, &ref->column_ref->n_fields, new_node(PG_QUERY__NODE__NODE_A_STAR));
  return res_target("", std::move(ref));
}

}  // namespace

std::string figure_column_name(const PgQuery__Node* expr) {
  std::string name;
  const int strength = figure(expr, name);
  if (strength < 0) return "";
  return strength == 0 ? "?column?" : name;
}

void return_all_columns(PgQuery__Node*** items, size_t* n, const PgQuery__RangeVar* rel) {
  while (*n > 0) remove_node(items, n, *n - 1);
  append_node(items, n, star_target(rel));
}

MovedReturning move_returning(PgQuery__Node*** items, size_t* n, const PgQuery__RangeVar* rel,
                              const RelationInfo& table, bool reads_other_tables) {
  MovedReturning out;
  // Outside: the list reads the written table only, so the outer SELECT can compute it from the
  // CTE's columns. A target naming a system column is computed in the write even then: the CTE
  // has the table's columns, not its system columns.
  const bool outside = !reads_other_tables || reads_only_table(*items, *n, rel, table);
  std::vector<NodePtr> targets;
  while (*n > 0) targets.push_back(remove_node(items, n, 0));
  append_node(items, n, star_target(rel));
  for (size_t i = 0; i < targets.size(); ++i) {
    PgQuery__ResTarget* t = targets[i]->res_target;
    const std::string system = system_column(t->val);
    if (outside && system.empty()) {
      PgQuery__Node* item = targets[i].get();
      out.refusal = retarget(&item, 1, rel, table);
      if (!out.refusal.empty()) return out;
      out.outer.push_back(std::move(targets[i]));
      continue;
    }
    // Computed in the write, selected by name outside.
    if (t->val && t->val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && is_star(t->val->column_ref)) {
      out.refusal = "RETURNING * of a write that reads other tables is not mirrored; list the columns";
      return out;
    }
    std::string name = t->name && t->name[0] ? t->name : figure_column_name(t->val);
    if (name.empty()) {
      out.refusal = "RETURNING expression " + std::to_string(i + 1) +
                    (system.empty() ? "" : " (of system column " + system + ")") + " needs a name (AS ...) to be mirrored";
      return out;
    }
    const std::string inner = "switchyard_r" + std::to_string(i + 1);
    free(t->name == protobuf_c_empty_string ? nullptr : t->name);
    t->name = dup_string(inner);
    out.outer.push_back(res_target(name, column_ref(inner)));
    append_node(items, n, std::move(targets[i]));
  }
  // The CTE now also carries the computed targets, which a * outside would return too: there a
  // * stands for the table's columns, listed.
  if (*n > 1) {
    std::vector<NodePtr> listed;
    for (NodePtr& t : out.outer) {
      const PgQuery__Node* v = t->res_target->val;
      if (v == nullptr || v->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !is_star(v->column_ref)) {
        listed.push_back(std::move(t));
        continue;
      }
      for (const ColumnInfo& c : table.columns) listed.push_back(res_target("", column_ref(alias_of(rel), c.name)));
    }
    out.outer = std::move(listed);
  }
  return out;
}

}  // namespace switchyard::rewrite::pg

// Multi-column assignments and the single-evaluation forms built on them; see multi_assign.h.
#include "rewrite/pg/multi_assign.h"

#include <cassert>
#include <map>

#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {
namespace {

constexpr char kWrapped[] = "(SELECT FROM (SELECT) switchyard_one LEFT JOIN (SELECT) switchyard_s ON true)";
constexpr char kPerRow[] = "(SELECT FROM (SELECT) switchyard_s WHERE switchyard_q.ctid IS NOT NULL)";

const PgQuery__MultiAssignRef* multi_assign(const PgQuery__Node* target) {
  if (target->node_case != PG_QUERY__NODE__NODE_RES_TARGET) return nullptr;
  const PgQuery__Node* val = target->res_target->val;
  return val && val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF ? val->multi_assign_ref : nullptr;
}

// One of the templates above, parsed: the sub-link and its SELECT.
NodePtr parse_template(const char* text) {
  auto parsed = parse_expression(text);
  assert(parsed && parsed.value()->node_case == PG_QUERY__NODE__NODE_SUB_LINK);
  return std::move(parsed.value());
}

PgQuery__SelectStmt* select_of(PgQuery__Node* node) { return node->select_stmt; }

void set_outputs(PgQuery__SelectStmt* s, std::vector<NodePtr> outputs) {
  for (auto& o : outputs) append_node(&s->target_list, &s->n_target_list, res_target("", std::move(o)));
}

void name_columns(PgQuery__RangeSubselect* sub, const std::vector<std::string>& names) {
  for (const auto& n : names) append_node(&sub->alias->colnames, &sub->alias->n_colnames, string_node(n));
}

}  // namespace

NodePtr source_column(std::string_view name) { return column_ref(kSourceAlias, name); }

void split_row_assignments(PgQuery__Node** items, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const PgQuery__MultiAssignRef* ma = multi_assign(items[i]);
    if (ma == nullptr || ma->source == nullptr || ma->source->node_case != PG_QUERY__NODE__NODE_ROW_EXPR) continue;
    const PgQuery__RowExpr* row = ma->source->row_expr;
    if (ma->ncolumns < 0 || row->n_args != static_cast<std::size_t>(ma->ncolumns) || ma->colno < 1) continue;
    replace_node(&items[i]->res_target->val, copy_node(row->args[ma->colno - 1]));
  }
}

std::vector<AssignGroup> assignment_groups(PgQuery__Node** items, std::size_t n) {
  std::vector<AssignGroup> groups;
  for (std::size_t i = 0; i < n; ++i) {
    const PgQuery__MultiAssignRef* ma = multi_assign(items[i]);
    if (ma == nullptr || ma->colno != 1 || ma->source == nullptr || ma->source->node_case != PG_QUERY__NODE__NODE_SUB_LINK)
      continue;
    AssignGroup g{i, 1, ma->source->sub_link};
    while (g.first + g.count < n && g.count < static_cast<std::size_t>(ma->ncolumns)) {
      const PgQuery__MultiAssignRef* next = multi_assign(items[g.first + g.count]);
      if (next == nullptr || next->colno != static_cast<int>(g.count) + 1) break;
      ++g.count;
    }
    groups.push_back(g);
    i = g.first + g.count - 1;
  }
  return groups;
}

std::vector<std::string> output_names(PgQuery__Node** items, const AssignGroup& group) {
  std::vector<std::string> names;
  std::map<std::string, int> seen;
  for (std::size_t i = group.first; i < group.first + group.count; ++i) {
    const char* name = items[i]->res_target->name;
    names.push_back(name ? name : "");
    ++seen[names.back()];
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    if (seen[names[i]] > 1) names[i] += "_" + std::to_string(i + 1);
  return names;
}

NodePtr wrapped_source(const AssignGroup& group, const std::vector<std::string>& names, std::vector<NodePtr> outputs) {
  NodePtr link = parse_template(kWrapped);
  PgQuery__SelectStmt* outer = select_of(link->sub_link->subselect);
  set_outputs(outer, std::move(outputs));
  PgQuery__RangeSubselect* inner = outer->from_clause[0]->join_expr->rarg->range_subselect;
  replace_node(&inner->subquery, copy_node(group.source->subselect));
  name_columns(inner, names);
  return link;
}

NodePtr per_row_source(std::vector<std::pair<std::string, NodePtr>> values, std::vector<NodePtr> outputs,
                       std::string_view qualifier) {
  NodePtr link = parse_template(kPerRow);
  PgQuery__SelectStmt* outer = select_of(link->sub_link->subselect);
  set_outputs(outer, std::move(outputs));
  PgQuery__RangeSubselect* inner = outer->from_clause[0]->range_subselect;
  std::vector<std::string> names;
  std::vector<NodePtr> exprs;
  for (auto& [name, value] : values) {
    names.push_back(name);
    exprs.push_back(std::move(value));
  }
  set_outputs(select_of(inner->subquery), std::move(exprs));
  name_columns(inner, names);
  replace_node(&outer->where_clause->null_test->arg, column_ref(qualifier, "ctid"));
  return link;
}

void assign_from(std::vector<NodePtr>& targets, const PgQuery__Node* source) {
  assert(!targets.empty());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    NodePtr ref = new_node(PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF);
    ref->multi_assign_ref->source = copy_node(source).release();
    ref->multi_assign_ref->colno = static_cast<int>(i) + 1;
    ref->multi_assign_ref->ncolumns = static_cast<int>(targets.size());
    replace_node(&targets[i]->res_target->val, std::move(ref));
  }
}

}  // namespace switchyard::rewrite::pg

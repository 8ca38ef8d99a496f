// Instantiating migration expressions for a written row; see expr.h.
#include "rewrite/pg/expr.h"

#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/node_volatility.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

// What makes a sub-select give another result when it is evaluated again, besides the calls in
// it: a TABLESAMPLE without REPEATABLE samples anew, and FOR UPDATE / SHARE may wait for and
// then read a row version that a concurrent transaction committed in between.
bool sub_select_may_be_volatile(PgQuery__SubLink* link) {
  bool found = false;
  walk_messages(&link->base, [&](ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__range_table_sample__descriptor)
      found = reinterpret_cast<PgQuery__RangeTableSample*>(m)->repeatable == nullptr;
    if (m->descriptor == &pg_query__select_stmt__descriptor)
      found = found || reinterpret_cast<PgQuery__SelectStmt*>(m)->n_locking_clause > 0;
    return found ? WalkAction::kStop : WalkAction::kDescend;
  });
  return found;
}

}  // namespace

bool may_be_volatile(const PgQuery__Node* node, const VolatilityCatalog& volatility) {
  if (node == nullptr) return false;
  bool volatile_found = false;
  auto check = [&](PgQuery__Node** slot) {
    const PgQuery__Node* n = *slot;
    // A sub-select is volatile iff something in it is: its calls are visited below like any
    // other; what only a query can hold is checked here.
    if (n->node_case == PG_QUERY__NODE__NODE_SUB_LINK && sub_select_may_be_volatile(n->sub_link)) volatile_found = true;
    if (own_volatility(n, volatility) == Volatility::kVolatile) volatile_found = true;
    return volatile_found ? WalkAction::kStop : WalkAction::kDescend;
  };
  PgQuery__Node* root = const_cast<PgQuery__Node*>(node);  // the walk only reads
  walk_nodes(&root, check);
  return volatile_found;
}

bool default_may_be_volatile(const std::string& default_expr, const VolatilityCatalog& volatility) {
  if (default_expr.empty()) return false;
  auto parsed = parse_expression(default_expr);
  return !parsed || may_be_volatile(parsed.value().get(), volatility);
}

Outcome<NodePtr> instantiate(const std::string& expr_text, const RelationInfo& rel, const RowValues& row,
                             Unwritten unwritten, const std::string& qualifier) {
  auto parsed = parse_expression(expr_text);
  if (!parsed) return parsed.error();
  NodePtr expr = std::move(parsed.value());
  std::string failure;

  walk_nodes(expr, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return WalkAction::kDescend;
    const auto* ref = (*slot)->column_ref;
    if (ref->n_fields != 1 || ref->fields[0]->node_case != PG_QUERY__NODE__NODE_STRING) return WalkAction::kDescend;
    const std::string name = ref->fields[0]->string->sval;
    const ColumnInfo* col = rel.column(name);
    if (col == nullptr) return WalkAction::kDescend;  // not a column of this table: leave it

    const auto it = row.find(name);
    NodePtr value;
    if (it != row.end() && it->second != nullptr) {
      value = copy_node(it->second);
    } else if (unwritten == Unwritten::kCurrentValue && it == row.end()) {
      if (!qualifier.empty()) replace_node(slot, column_ref(qualifier, name));
      return WalkAction::kSkipChildren;
    } else if (!col->default_expr.empty()) {
      auto d = parse_expression(col->default_expr);
      if (!d) {
        failure = "cannot parse the default of " + name + ": " + d.error().message;
        return WalkAction::kStop;
      }
      value = std::move(d.value());
    } else {
      value = null_const();
    }
    if (col->base_type.empty()) {  // a dropped column of unknown type: the value as written
      replace_node(slot, std::move(value));
      return WalkAction::kSkipChildren;
    }
    auto cast = type_cast(std::move(value), col->base_type);
    if (!cast) {
      failure = "cannot cast to " + col->base_type + ": " + cast.error().message;
      return WalkAction::kStop;
    }
    replace_node(slot, std::move(cast.value()));
    return WalkAction::kSkipChildren;
  });
  if (!failure.empty()) return PgError{failure, 0};
  return expr;
}

}  // namespace switchyard::rewrite::pg

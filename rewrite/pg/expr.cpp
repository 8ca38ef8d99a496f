// Instantiating migration expressions for a written row; see expr.h.
#include "rewrite/pg/expr.h"

#include <set>
#include <string_view>

#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

// Functions whose result depends only on their arguments within one statement: calling them
// twice with the same arguments gives the same value. Everything else counts as volatile.
const std::set<std::string_view> kStable = {
    "abs", "array_length", "btrim", "ceil", "ceiling", "char_length", "character_length", "concat", "concat_ws",
    "date_part", "date_trunc", "floor", "format", "initcap", "int2", "int4", "int8", "json_build_object",
    "jsonb_build_object", "left", "length", "lower", "lpad", "ltrim", "make_date", "md5", "now", "nullif",
    "numeric", "octet_length", "position", "regexp_replace", "repeat", "replace", "reverse", "right", "round",
    "rpad", "rtrim", "split_part", "statement_timestamp", "strpos", "substr", "substring", "text",
    "to_char", "to_date", "to_number", "to_timestamp", "transaction_timestamp", "translate", "trim", "trunc",
    "upper"};

std::string_view last_name(PgQuery__Node** names, size_t n) {
  if (n == 0 || names[n - 1]->node_case != PG_QUERY__NODE__NODE_STRING) return {};
  return names[n - 1]->string->sval;
}

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

bool may_be_volatile(const PgQuery__Node* node) {
  if (node == nullptr) return false;
  bool volatile_found = false;
  auto check = [&](PgQuery__Node** slot) {
    const PgQuery__Node* n = *slot;
    // A sub-select is volatile iff something in it is: its calls are visited below like any
    // other; what only a query can hold is checked here.
    if (n->node_case == PG_QUERY__NODE__NODE_SUB_LINK && sub_select_may_be_volatile(n->sub_link)) volatile_found = true;
    if (n->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
      const auto* f = n->func_call;
      const auto name = last_name(f->funcname, f->n_funcname);
      const bool catalog_or_plain = f->n_funcname == 1 ||
                                    (f->n_funcname == 2 && std::string_view(f->funcname[0]->string->sval) == "pg_catalog");
      if (!catalog_or_plain || !kStable.count(name)) volatile_found = true;
    }
    return volatile_found ? WalkAction::kStop : WalkAction::kDescend;
  };
  PgQuery__Node* root = const_cast<PgQuery__Node*>(node);  // the walk only reads
  walk_nodes(&root, check);
  return volatile_found;
}

bool default_may_be_volatile(const std::string& default_expr) {
  if (default_expr.empty()) return false;
  auto parsed = parse_expression(default_expr);
  return !parsed || may_be_volatile(parsed.value().get());
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

// Migration expressions as text; see expression_text.h.
#include "rewrite/pg/expression_text.h"

#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {

Outcome<std::string> canonical_expression(std::string_view text) {
  auto parsed = parse_expression(text);
  if (!parsed) return parsed.error();
  return deparse_expression(parsed.value().get());
}

std::optional<std::string> bare_column(std::string_view expr_text) {
  auto parsed = parse_expression(expr_text);
  if (!parsed) return std::nullopt;
  const PgQuery__Node* n = parsed.value().get();
  if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || n->column_ref->n_fields != 1 ||
      n->column_ref->fields[0]->node_case != PG_QUERY__NODE__NODE_STRING)
    return std::nullopt;
  return std::string(n->column_ref->fields[0]->string->sval);
}

std::set<std::string> columns_read(std::string_view expr_text) {
  std::set<std::string> out;
  auto parsed = parse_expression(expr_text);
  if (!parsed) return out;
  walk_nodes(parsed.value(), [&](PgQuery__Node** slot) {
    const auto* ref = (*slot)->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ? (*slot)->column_ref : nullptr;
    if (ref && ref->n_fields == 1 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING)
      out.insert(ref->fields[0]->string->sval);
    return WalkAction::kDescend;
  });
  return out;
}

Outcome<std::string> with_column_renamed(std::string_view expr_text, const std::string& from, const std::string& to) {
  auto parsed = parse_expression(expr_text);
  if (!parsed) return parsed.error();
  NodePtr expr = std::move(parsed.value());
  walk_nodes(expr, [&](PgQuery__Node** slot) {
    const auto* ref = (*slot)->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ? (*slot)->column_ref : nullptr;
    if (ref && ref->n_fields == 1 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
        from == ref->fields[0]->string->sval)
      replace_node(slot, column_ref(to));
    return WalkAction::kDescend;
  });
  return deparse_expression(expr.get());
}

}  // namespace switchyard::rewrite::pg

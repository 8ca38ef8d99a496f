// One node's volatility from the catalog; see node_volatility.h.
#include "rewrite/pg/node_volatility.h"

#include <string_view>

namespace switchyard::rewrite::pg {
namespace {

Volatility call_volatility(const PgQuery__FuncCall* f, const VolatilityCatalog& catalog) {
  std::string_view schema, name;
  if (!dotted_name(f->funcname, f->n_funcname, schema, name)) return Volatility::kVolatile;
  return catalog.function(schema, name, f->n_args);
}

Volatility operator_volatility(const PgQuery__AExpr* e, const VolatilityCatalog& catalog) {
  const int operands = e->lexpr == nullptr ? 1 : 2;
  switch (e->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM:
      // a BETWEEN b AND c is a >= b AND a <= c (the symmetric forms compare both ways).
      return worst(catalog.op("", ">=", 2), catalog.op("", "<=", 2));
    default: break;
  }
  // Every other kind names its operator: "=" for IN, IS DISTINCT FROM and NULLIF, "~~" for
  // LIKE, "~~*" for ILIKE, "~" for SIMILAR TO, the written one for the rest.
  std::string_view schema, name;
  if (!dotted_name(e->name, e->n_name, schema, name)) return Volatility::kVolatile;
  return catalog.op(schema, name, operands);
}

Volatility cast_volatility(const PgQuery__TypeName* t, const VolatilityCatalog& catalog) {
  std::string_view schema, name;
  if (t == nullptr || t->pct_type || !dotted_name(t->names, t->n_names, schema, name)) return Volatility::kVolatile;
  return catalog.cast(schema, name, t->n_array_bounds > 0);
}

}  // namespace

bool dotted_name(PgQuery__Node* const* parts, size_t n, std::string_view& schema, std::string_view& name) {
  if (n == 0 || n > 2) return false;
  for (size_t i = 0; i < n; ++i)
    if (parts[i]->node_case != PG_QUERY__NODE__NODE_STRING || parts[i]->string->sval == nullptr) return false;
  schema = n == 2 ? parts[0]->string->sval : "";
  name = parts[n - 1]->string->sval;
  return true;
}

Volatility own_volatility(const PgQuery__Node* node, const VolatilityCatalog& catalog) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_FUNC_CALL: return call_volatility(node->func_call, catalog);
    case PG_QUERY__NODE__NODE_A_EXPR: return operator_volatility(node->a_expr, catalog);
    case PG_QUERY__NODE__NODE_TYPE_CAST: return cast_volatility(node->type_cast->type_name, catalog);
    default: return Volatility::kImmutable;
  }
}

}  // namespace switchyard::rewrite::pg

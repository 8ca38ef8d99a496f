// The DDL lint's questions to the catalog: columns an active migration uses, and safe type
// widenings; see ddl_lint_catalog.h.
#include "rewrite/pg/ddl_lint_catalog.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "rewrite/ddl_usage.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg::ddl {
namespace {

bool set(const char* s) { return s != nullptr && s[0] != '\0'; }

// Adds the names of the columns `expr` (a migration's up or down expression) reads.
void add_columns_read(const std::string& expr, std::vector<std::string>& out) {
  auto tree = ParseTree::parse("SELECT " + expr);
  if (!tree) return;  // the configuration check parsed it already; nothing to add if not
  for (auto* ref : collect<PgQuery__ColumnRef>(&tree->get()->base, pg_query__column_ref__descriptor)) {
    const PgQuery__Node* last = ref->n_fields == 0 ? nullptr : ref->fields[ref->n_fields - 1];
    if (last != nullptr && last->node_case == PG_QUERY__NODE__NODE_STRING) out.emplace_back(last->string->sval);
  }
}

// A type as the grammar spells it, reduced to what the widening rules compare.
struct Type {
  std::string name;          // "varchar", "numeric", "text", ...; pg_catalog. dropped
  std::vector<int32_t> mods; // the integer modifiers; empty when unconstrained
  bool array = false;
  bool plain = true;         // false if a modifier is not an integer constant
};

Type type_of(const PgQuery__TypeName* t) {
  Type out;
  if (t->n_names == 0 || t->names[t->n_names - 1]->node_case != PG_QUERY__NODE__NODE_STRING) return {"", {}, false, false};
  const bool catalog = t->n_names == 2 && t->names[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
                       std::string_view(t->names[0]->string->sval) == "pg_catalog";
  out.name = t->names[t->n_names - 1]->string->sval;
  if (t->n_names > 1 && !catalog) out.name = "?" + out.name;  // a schema-qualified user type
  out.array = t->n_array_bounds > 0;
  for (size_t i = 0; i < t->n_typmods; ++i) {
    const PgQuery__Node* m = t->typmods[i];
    if (m->node_case != PG_QUERY__NODE__NODE_A_CONST || m->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL) {
      out.plain = false;
      continue;
    }
    out.mods.push_back(m->a_const->ival->ival);
  }
  return out;
}

// The type of the catalog's format_type() text, e.g. "character varying(20)".
std::optional<Type> parse_type(const std::string& text) {
  auto tree = ParseTree::parse("SELECT NULL::" + text);
  if (!tree) return std::nullopt;
  const auto found = collect<PgQuery__TypeName>(&tree->get()->base, pg_query__type_name__descriptor);
  if (found.size() != 1) return std::nullopt;
  return type_of(found[0]);
}

bool widens(const Type& from, const Type& to) {
  if (!from.plain || !to.plain || from.name.empty() || from.array != to.array) return false;
  if (from.name == to.name && from.mods == to.mods) return true;
  if (from.array) return false;
  const bool from_string = from.name == "varchar" || from.name == "text";
  if (from_string && to.name == "text") return true;
  if (from_string && to.name == "varchar") {
    if (to.mods.empty()) return true;
    return from.name == "varchar" && from.mods.size() == 1 && to.mods.size() == 1 && to.mods[0] >= from.mods[0];
  }
  if (from.name == "numeric" && to.name == "numeric") {
    if (to.mods.empty()) return true;
    if (from.mods.empty()) return false;
    const int32_t from_scale = from.mods.size() > 1 ? from.mods[1] : 0;
    const int32_t to_scale = to.mods.size() > 1 ? to.mods[1] : 0;
    return from_scale == to_scale && to.mods[0] >= from.mods[0];
  }
  return false;
}

}  // namespace

Relation relation_of(const PgQuery__RangeVar* rv) {
  if (rv == nullptr) return {};
  return {set(rv->schemaname) ? rv->schemaname : "", set(rv->relname) ? rv->relname : ""};
}

bool names(const Relation& r, const config::TableName& t) {
  return r.name == t.name && (r.schema.empty() || r.schema == t.schema);
}

std::string migration_using(const Catalog& catalog, const Relation& table, const std::string& column) {
  rewrite::ddl::NameRules rules;
  rules.is_table = [&](const config::TableName& t) { return names(table, t); };
  rules.same_column = [](const std::string& a, const std::string& b) { return a == b; };
  rules.columns_read = add_columns_read;
  return rewrite::ddl::migration_using(catalog, rules, column);
}

bool known_widening(const Catalog& catalog, const Relation& table, const std::string& column,
                    const PgQuery__ColumnDef* def) {
  if (def == nullptr || def->type_name == nullptr || def->raw_default != nullptr || def->coll_clause != nullptr)
    return false;
  for (const auto& m : catalog.migrations) {
    for (const RelationInfo* rel : {&m.old_rel, &m.new_rel}) {
      if (!rel->exists || !names(table, rel->name)) continue;
      const ColumnInfo* c = rel->column(column);
      if (c == nullptr || c->dropped) continue;
      const auto from = parse_type(c->type);
      return from && widens(*from, type_of(def->type_name));
    }
  }
  return false;
}

}  // namespace switchyard::rewrite::pg::ddl

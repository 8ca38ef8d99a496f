// Finding the reads of migrated relations in a statement, scope by scope; see read_routing.h.
#include "rewrite/pg/read_routing.h"

#include <algorithm>
#include <string>
#include <vector>

#include "rewrite/pg/read_shape.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"
#include "rewrite/read_phase.h"

namespace switchyard::rewrite::pg {
namespace {

using Scope = std::vector<std::string>;  // CTE names visible here: they shadow tables

bool has_text(const char* s) { return s != nullptr && s[0] != '\0'; }

// As rewriter.cpp matches write targets: unqualified names match whatever schema the migration
// names, since the session's search_path is not known here.
bool names(const PgQuery__RangeVar* rv, const config::TableName& t) {
  if (rv == nullptr || rv->relname == nullptr || t.name != rv->relname) return false;
  return !has_text(rv->schemaname) || t.schema == rv->schemaname;
}

// Only data statements read through their FROM lists; DDL (CREATE VIEW, LOCK, TRUNCATE,
// GRANT...) names relations for other purposes and must keep them.
bool routed_statement(const PgQuery__Node* stmt) {
  switch (stmt == nullptr ? PG_QUERY__NODE__NODE__NOT_SET : stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT: return true;
    default: return false;
  }
}

// A schema-qualified reference to an item that was replaced by one under an alias.
struct Qualified {
  std::string schema;
  std::string relname;
};

class Router {
 public:
  Router(const Catalog& catalog, ReadRoute route, References refs)
      : catalog_(catalog), route_(route), refs_(std::move(refs)) {}

  void walk(PgQuery__Node** root, const Scope& scope) {
    walk_nodes(root, [&](PgQuery__Node** slot) { return visit(slot, scope); });
  }

  // `schema.table.column` names the table, which a replacement hides behind an alias of the
  // same name: keep `table.column`.
  void fix_qualified_references(PgQuery__Node** root) {
    if (qualified_.empty()) return;
    walk_nodes(root, [&](PgQuery__Node** slot) {
      if ((*slot)->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return WalkAction::kDescend;
      PgQuery__ColumnRef* ref = (*slot)->column_ref;
      if (ref->n_fields < 3) return WalkAction::kSkipChildren;
      const auto text = [&](size_t i) -> std::string {
        return ref->fields[i]->node_case == PG_QUERY__NODE__NODE_STRING ? ref->fields[i]->string->sval : "";
      };
      const size_t n = ref->n_fields;
      for (const auto& q : qualified_)
        if (text(n - 2) == q.relname && text(n - 3) == q.schema) {
          while (ref->n_fields > 2) remove_node(&ref->fields, &ref->n_fields, 0);
          break;
        }
      return WalkAction::kSkipChildren;
    });
  }

  const ReadEdit& edit() const { return edit_; }

 private:
  WalkAction visit(PgQuery__Node** slot, const Scope& scope) {
    PgQuery__Node* node = *slot;
    switch (node->node_case) {
      case PG_QUERY__NODE__NODE_SELECT_STMT: return with(&node->select_stmt->base, &node->select_stmt->with_clause, scope);
      case PG_QUERY__NODE__NODE_INSERT_STMT: return with(&node->insert_stmt->base, &node->insert_stmt->with_clause, scope);
      case PG_QUERY__NODE__NODE_UPDATE_STMT: return with(&node->update_stmt->base, &node->update_stmt->with_clause, scope);
      case PG_QUERY__NODE__NODE_DELETE_STMT: return with(&node->delete_stmt->base, &node->delete_stmt->with_clause, scope);
      case PG_QUERY__NODE__NODE_MERGE_STMT: return with(&node->merge_stmt->base, &node->merge_stmt->with_clause, scope);
      case PG_QUERY__NODE__NODE_RANGE_VAR: range_var(slot, scope, true); return WalkAction::kSkipChildren;
      case PG_QUERY__NODE__NODE_RANGE_TABLE_SAMPLE: {
        // TABLESAMPLE applies to a table only: counted, never replaced.
        PgQuery__Node** relation = &node->range_table_sample->relation;
        if (*relation && (*relation)->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) range_var(relation, scope, false);
        return WalkAction::kSkipChildren;
      }
      // FOR UPDATE OF t names FROM items by their alias, which replacements keep.
      case PG_QUERY__NODE__NODE_LOCKING_CLAUSE: return WalkAction::kSkipChildren;
      default: return WalkAction::kDescend;
    }
  }

  // A statement with a WITH clause: each CTE sees the CTEs before it (all of them when
  // RECURSIVE), and the statement's body sees them all. A CTE's own query, unless recursive,
  // reads the real table even when the CTE has the table's name.
  WalkAction with(ProtobufCMessage* stmt, PgQuery__WithClause** with_slot, const Scope& scope) {
    if (*with_slot == nullptr) return WalkAction::kDescend;
    struct Detach {  // the body is walked without its WITH, which is put back whatever happens
      PgQuery__WithClause** slot;
      PgQuery__WithClause* clause;
      ~Detach() { *slot = clause; }
    } detach{with_slot, std::exchange(*with_slot, nullptr)};
    PgQuery__WithClause* w = detach.clause;
    Scope inner = scope;
    if (w->recursive)
      for (size_t i = 0; i < w->n_ctes; ++i) inner.push_back(cte_name(w->ctes[i]));
    for (size_t i = 0; i < w->n_ctes; ++i) {
      if (w->ctes[i]->node_case != PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR) continue;
      walk(&w->ctes[i]->common_table_expr->ctequery, inner);
      if (!w->recursive) inner.push_back(cte_name(w->ctes[i]));
    }
    walk_nodes(stmt, [&](PgQuery__Node** slot) { return visit(slot, inner); });
    return WalkAction::kSkipChildren;
  }

  static std::string cte_name(const PgQuery__Node* cte) {
    return cte->node_case == PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR && has_text(cte->common_table_expr->ctename)
               ? cte->common_table_expr->ctename
               : "";
  }

  void range_var(PgQuery__Node** slot, const Scope& scope, bool replaceable) {
    const PgQuery__RangeVar* rv = (*slot)->range_var;
    if (!has_text(rv->schemaname) && std::find(scope.begin(), scope.end(), rv->relname) != scope.end()) return;
    std::vector<RouteMatch> matches;
    for (size_t i = 0; i < catalog_.migrations.size(); ++i) {
      const ResolvedMigration& m = catalog_.migrations[i];
      if (!routes_reads(m.spec)) continue;
      const bool old_name = names(rv, m.spec.old_table);
      if (!old_name && !names(rv, m.spec.new_table)) continue;
      if (i < 64) edit_.reads_mask |= uint64_t{1} << i;
      matches.push_back(RouteMatch{i, &m, old_name, reads_new_shape(m.spec, i, route_)});
    }
    if (matches.empty() || !replaceable) return;
    NodePtr replacement = served_item(rv, matches, refs_);
    if (replacement == nullptr) return;
    if (rv->alias == nullptr) {
      const auto& named = matches.front().names_old ? matches.front().migration->spec.old_table
                                                    : matches.front().migration->spec.new_table;
      qualified_.push_back(Qualified{named.schema, rv->relname});
    }
    replace_node(slot, std::move(replacement));
    edit_.changed = true;
  }

  const Catalog& catalog_;
  ReadRoute route_;
  References refs_;
  std::vector<Qualified> qualified_;
  ReadEdit edit_;
};

}  // namespace

ReadEdit route_reads(PgQuery__RawStmt* statement, const Catalog& catalog, ReadRoute route) {
  if (statement == nullptr || !routed_statement(statement->stmt)) return {};
  Router router(catalog, route, collect_references(&statement->stmt->base));
  router.walk(&statement->stmt, {});
  router.fix_qualified_references(&statement->stmt);
  return router.edit();
}

bool is_ordered_select(const PgQuery__RawStmt* statement) {
  return statement != nullptr && statement->stmt != nullptr &&
         statement->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && statement->stmt->select_stmt->n_sort_clause > 0;
}

}  // namespace switchyard::rewrite::pg

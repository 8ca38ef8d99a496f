// Mirroring writes between the two tables of rename_table and copy_table; see table_writes.h.
#include "rewrite/pg/table_writes.h"

#include <set>
#include <utility>
#include <vector>

#include "config/identifier.h"
#include "rewrite/pg/expr.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/table_returning.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

using config::MigrationKind;
using config::Phase;

bool dual_phase(Phase p) { return phase_shapes(p).dual; }

std::string q(std::string_view s) { return config::quote_ident(s); }
std::string q(const config::TableName& t) { return config::quote_table(t); }

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The parts of an INSERT, UPDATE or DELETE node that the mirror needs.
struct WriteParts {
  std::string verb;
  ProtobufCMessage* message = nullptr;
  PgQuery__RangeVar* relation = nullptr;
  PgQuery__Node*** returning = nullptr;
  size_t* n_returning = nullptr;
  PgQuery__WithClause** with = nullptr;
  bool reads_other_tables = false;
  std::vector<std::string> set_columns;  // UPDATE SET and ON CONFLICT DO UPDATE SET targets
};

void add_targets(PgQuery__Node** items, size_t n, std::vector<std::string>& out) {
  for (size_t i = 0; i < n; ++i)
    if (items[i]->node_case == PG_QUERY__NODE__NODE_RES_TARGET && items[i]->res_target->name)
      out.push_back(items[i]->res_target->name);
}

bool parts_of(PgQuery__Node* n, WriteParts& p) {
  if (n == nullptr) return false;
  if (n->node_case == PG_QUERY__NODE__NODE_INSERT_STMT) {
    auto* s = n->insert_stmt;
    p = {"INSERT", &s->base, s->relation, &s->returning_list, &s->n_returning_list, &s->with_clause, false, {}};
    if (s->on_conflict_clause) add_targets(s->on_conflict_clause->target_list, s->on_conflict_clause->n_target_list, p.set_columns);
  } else if (n->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT) {
    auto* s = n->update_stmt;
    p = {"UPDATE", &s->base, s->relation, &s->returning_list, &s->n_returning_list, &s->with_clause, s->n_from_clause > 0, {}};
    add_targets(s->target_list, s->n_target_list, p.set_columns);
  } else if (n->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) {
    auto* s = n->delete_stmt;
    p = {"DELETE", &s->base, s->relation, &s->returning_list, &s->n_returning_list, &s->with_clause, s->n_using_clause > 0, {}};
  } else {
    return false;
  }
  return true;
}

PgQuery__WithClause** with_of(PgQuery__Node* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: return &n->select_stmt->with_clause;
    case PG_QUERY__NODE__NODE_INSERT_STMT: return &n->insert_stmt->with_clause;
    case PG_QUERY__NODE__NODE_UPDATE_STMT: return &n->update_stmt->with_clause;
    case PG_QUERY__NODE__NODE_DELETE_STMT: return &n->delete_stmt->with_clause;
    default: return nullptr;
  }
}

// The two-table migration in a dual phase that `rel` belongs to; `from_old` says which side.
const ResolvedMigration* dual_target(const PgQuery__RangeVar* rel, const Catalog& catalog, bool& from_old) {
  for (const auto& m : catalog.migrations) {
    if (!is_two_table(m) || !dual_phase(m.spec.phase)) continue;
    if (names_table(rel, m.spec.old_table)) return from_old = true, &m;
    if (names_table(rel, m.spec.new_table)) return from_old = false, &m;
  }
  return nullptr;
}

// One direction of a mirror: from the written table into the other one.
struct Direction {
  config::TableName dst_name;
  std::vector<std::pair<std::string, std::string>> map;  // dst column, SQL over the src row typed as it
  std::vector<std::string> key;
  std::set<std::string> key_sources;  // src columns whose change would change the key
  std::string cannot_insert;          // non-empty: rows cannot be created in dst from src, and why
  std::string refusal;                // non-empty: nothing can be mirrored, and why
};

Direction direction(const ResolvedMigration& m, bool from_old) {
  Direction d;
  const RelationInfo& src = from_old ? m.old_rel : m.new_rel;
  const RelationInfo& dst = from_old ? m.new_rel : m.old_rel;
  d.dst_name = from_old ? m.spec.new_table : m.spec.old_table;
  d.key = row_key(m).columns;  // the one rule (rewrite/migration_facts.h)
  std::vector<std::pair<std::string, std::string>> raw;  // dst column, expression text over src
  if (m.spec.all_columns) {
    for (const auto& c : dst.columns)
      if (src.column(c.name)) raw.emplace_back(c.name, q(c.name));
  } else if (from_old) {
    for (const auto& u : m.spec.up) raw.emplace_back(u.column, u.expr);
  } else {
    for (const auto& c : dst.columns) {
      const config::ColumnMap* down = nullptr;
      for (const auto& x : m.spec.down)
        if (x.column == c.name) down = &x;
      if (down) raw.emplace_back(c.name, down->expr);
      else if (src.column(c.name)) raw.emplace_back(c.name, q(c.name));
      else if (d.cannot_insert.empty())
        d.cannot_insert = "column " + c.name + " of " + dst.name.to_string() + " cannot be computed from " +
                          src.name.to_string() + " (give it a down: expression)";
    }
  }
  for (auto& [col, expr] : raw) {
    // The mirror is built as text: only ever the one expression of the parse tree goes into it.
    auto one = canonical_expression(expr);
    if (!one) {
      d.refusal = "the expression for " + col + " of " + dst.name.to_string() + " is not exactly one SQL expression";
      return d;
    }
    expr = std::move(one.value());
    const ColumnInfo* dc = dst.column(col);
    const ColumnInfo* sc = bare_column(expr) == col ? src.column(col) : nullptr;
    const bool same = sc && dc && sc->base_type == dc->base_type;
    d.map.emplace_back(col, same ? q(col) : dc && !dc->base_type.empty() ? "(" + expr + ")::" + dc->base_type : "(" + expr + ")");
  }
  for (const auto& k : d.key) {
    d.key_sources.insert(k);
    bool found = false;
    for (const auto& [col, expr] : raw) {
      if (col != k) continue;
      found = true;
      for (const auto& c : columns_read(expr)) d.key_sources.insert(c);
      if (bare_column(expr) == col) d.key_sources.insert(col);
    }
    if (!found) d.refusal = "key column " + k + " of " + dst.name.to_string() + " is not computed from " + src.name.to_string();
  }
  if (d.key.empty()) d.refusal = "no key to match rows of " + dst.name.to_string() + " on";
  return d;
}

// INSERT and UPDATE: an upsert of every returned row (each is inserted or updated exactly once,
// as the DO UPDATE has no WHERE, so its count equals the original's). ORDER BY makes the whole
// original write run before the first mirrored row, so its own errors come first.
std::string upsert_text(const Direction& d, const std::string& w) {
  std::vector<std::string> cols, exprs, order, sets, keys;
  for (size_t i = 0; i < d.map.size(); ++i) {
    const auto& [col, expr] = d.map[i];
    cols.push_back(q(col));
    exprs.push_back(expr);
    bool is_key = false;
    for (const auto& k : d.key) is_key |= k == col;
    if (is_key) order.push_back(std::to_string(i + 1));
    else sets.push_back(q(col) + " = EXCLUDED." + q(col));
  }
  for (const auto& k : d.key) keys.push_back(q(k));
  if (sets.empty()) sets.push_back(keys.front() + " = EXCLUDED." + keys.front());
  return "INSERT INTO " + q(d.dst_name) + " (" + join(cols) + ") OVERRIDING SYSTEM VALUE SELECT " + join(exprs) +
         " FROM " + w + " ORDER BY " + join(order) + " ON CONFLICT (" + join(keys) + ") DO UPDATE SET " + join(sets);
}

// DELETE: the rows of the other table with the deleted rows' keys (rows never backfilled are
// simply not there).
std::string delete_text(const Direction& d, const std::string& w) {
  std::vector<std::string> keys, exprs;
  for (const auto& k : d.key) {
    keys.push_back(q(k));
    for (const auto& [col, expr] : d.map)
      if (col == k) exprs.push_back(expr);
  }
  const std::string lhs = keys.size() == 1 ? keys.front() : "(" + join(keys) + ")";
  return "DELETE FROM " + q(d.dst_name) + " WHERE " + lhs + " IN (SELECT " + join(exprs) + " FROM " + w + ")";
}

Outcome<NodePtr> parse_statement(const std::string& sql) {
  auto parsed = ParseTree::parse(sql);
  if (!parsed) return parsed.error();
  if (parsed->size() != 1) return PgError{"the mirror is not one statement", 0};
  return take_node(&parsed->statement(0)->stmt);
}

PgQuery__CommonTableExpr* cte(PgQuery__WithClause* wc, size_t i) { return wc->ctes[i]->common_table_expr; }

// Replaces a SELECT's target list with `targets`.
void set_targets(PgQuery__Node* select, std::vector<NodePtr> targets) {
  auto* s = select->select_stmt;
  while (s->n_target_list > 0) remove_node(&s->target_list, &s->n_target_list, s->n_target_list - 1);
  for (auto& t : targets) append_node(&s->target_list, &s->n_target_list, std::move(t));
}

// Mirrors one write (`*slot`, described by `p`). With `cte` null the write is the statement and
// the statement is rebuilt around it; else the write is CTE number `j` of `cte_list`, and the
// mirror's CTEs are put before it there, the CTE itself becoming a SELECT of what it returned.
TableMirror mirror_one(PgQuery__Node** slot, WriteParts& p, const ResolvedMigration& m, bool from_old,
                       PgQuery__WithClause* cte_list, size_t j, int serial) {
  TableMirror out;
  out.migration = m.spec.name;
  const Direction d = direction(m, from_old);
  const std::string table = p.relation->relname;
  if (!d.refusal.empty()) return out.refusal = d.refusal, out;
  if (p.verb != "DELETE" && !d.cannot_insert.empty()) return out.refusal = "writes to " + table + ": " + d.cannot_insert, out;
  for (const auto& c : p.set_columns)
    if (d.key_sources.count(c))
      return out.refusal = "an UPDATE of " + c + " changes the row key of " + table +
                           ", which the mirror cannot follow; delete and insert the row instead",
             out;
  const std::string suffix = serial == 0 ? "" : "_" + std::to_string(serial + 1);
  const std::string w = "switchyard_w" + suffix, mname = "switchyard_m" + suffix;
  const std::string mirror = p.verb == "DELETE" ? delete_text(d, w) : upsert_text(d, w);
  const bool returns = *p.n_returning > 0;
  MovedReturning moved;
  if (returns) {
    moved = move_returning(p.returning, p.n_returning, p.relation, from_old ? m.old_rel : m.new_rel, p.reads_other_tables);
    if (!moved.refusal.empty()) return out.refusal = moved.refusal, out;
  } else {
    return_all_columns(p.returning, p.n_returning, p.relation);
  }
  const std::string alias = p.relation->alias && p.relation->alias->aliasname && p.relation->alias->aliasname[0]
                                ? p.relation->alias->aliasname
                                : table;
  const std::string select = std::string("SELECT ") + (returns ? "1" : "") + " FROM " + w + " AS " + q(alias);
  std::string text = "WITH " + w + " AS (SELECT 1)";
  if (cte_list != nullptr) text += ", " + mname + " AS (" + mirror + "), x AS (" + select + ") SELECT 1";
  else if (!returns && p.verb != "DELETE") text += " " + mirror;
  else text += ", " + mname + " AS (" + mirror + ") " + select;
  auto built = parse_statement(text);
  if (!built) return out.refusal = "the mirror statement does not parse: " + built.error().message, out;
  NodePtr outer = std::move(built.value());
  PgQuery__WithClause* wc = *with_of(outer.get());
  out.changed = true;

  if (cte_list != nullptr) {
    PgQuery__CommonTableExpr* user = cte(cte_list, j);
    replace_node(&cte(wc, 0)->ctequery, take_node(&user->ctequery));
    if (returns) set_targets(cte(wc, 2)->ctequery, std::move(moved.outer));
    user->ctequery = take_node(&cte(wc, 2)->ctequery).release();
    insert_node(&cte_list->ctes, &cte_list->n_ctes, j, remove_node(&wc->ctes, &wc->n_ctes, 1));
    insert_node(&cte_list->ctes, &cte_list->n_ctes, j, remove_node(&wc->ctes, &wc->n_ctes, 0));
    return out;  // the statement's own command is unchanged
  }
  // The write's own WITH list moves out in front of the mirror's CTEs.
  MessagePtr<PgQuery__WithClause> own = take(p.with);
  NodePtr write = take_node(slot);
  replace_node(&cte(wc, 0)->ctequery, std::move(write));
  if (own) {
    wc->recursive = wc->recursive || own->recursive;
    while (own->n_ctes > 0) insert_node(&wc->ctes, &wc->n_ctes, 0, remove_node(&own->ctes, &own->n_ctes, own->n_ctes - 1));
  }
  if (returns) set_targets(outer.get(), std::move(moved.outer));
  *slot = outer.release();
  if (p.verb == "INSERT" && !returns) return out;  // the upsert's own tag, INSERT 0 n, is the original's
  out.completion = {true, p.verb, !returns};
  return out;
}

}  // namespace

bool names_table(const PgQuery__RangeVar* rv, const config::TableName& t) {
  if (rv == nullptr || rv->relname == nullptr || t.name != rv->relname) return false;
  return rv->schemaname == nullptr || rv->schemaname[0] == '\0' || t.schema == rv->schemaname;
}

TableMirror mirror_table_writes(PgQuery__RawStmt* raw, const Catalog& catalog) {
  if (raw->stmt == nullptr) return {};
  if (raw->stmt->node_case == PG_QUERY__NODE__NODE_TRUNCATE_STMT) return mirror_truncate(raw->stmt->truncate_stmt, catalog);
  // Every write to a mirrored table, wherever it is; each must be the statement or a CTE of it.
  std::vector<ProtobufCMessage*> found;
  std::string first_table;
  const ResolvedMigration* first = nullptr;
  walk_messages(&raw->base, [&](ProtobufCMessage* msg) {
    const PgQuery__RangeVar* rel = nullptr;
    if (msg->descriptor == &pg_query__insert_stmt__descriptor) rel = reinterpret_cast<PgQuery__InsertStmt*>(msg)->relation;
    if (msg->descriptor == &pg_query__update_stmt__descriptor) rel = reinterpret_cast<PgQuery__UpdateStmt*>(msg)->relation;
    if (msg->descriptor == &pg_query__delete_stmt__descriptor) rel = reinterpret_cast<PgQuery__DeleteStmt*>(msg)->relation;
    bool from_old = false;
    if (const ResolvedMigration* m = rel ? dual_target(rel, catalog, from_old) : nullptr) {
      found.push_back(msg);
      if (first == nullptr) first = m, first_table = rel->relname;
    }
    return WalkAction::kDescend;
  });
  if (found.empty()) return {};

  TableMirror total;
  total.migration = first->spec.name;
  size_t handled = 0;
  int serial = 0;
  const auto fold = [&](TableMirror e) {
    for (const auto& m : catalog.migrations)
      if (!e.refusal.empty() && m.spec.name == e.migration && m.spec.pass_unsupported) e.relay_unchanged = true;
    if (e.relay_unchanged) e.refusal.clear();
    total.relay_unchanged |= e.relay_unchanged;
    total.changed |= e.changed;
    total.migration = e.migration;
    if (e.completion.patched) total.completion = e.completion;
    if (!e.refusal.empty()) total.refusal = e.refusal;
    return e.refusal.empty();
  };
  // Writes in the statement's WITH first (last to first, as the mirror's CTEs go in before each),
  // then the statement itself, which takes its WITH list along.
  PgQuery__WithClause** with = with_of(raw->stmt);
  if (with && *with) {
    for (size_t j = (*with)->n_ctes; j-- > 0;) {
      PgQuery__CommonTableExpr* c = cte(*with, j);
      WriteParts p;
      bool from_old = false;
      const ResolvedMigration* m = parts_of(c->ctequery, p) ? dual_target(p.relation, catalog, from_old) : nullptr;
      if (m == nullptr) continue;
      ++handled;
      if (!fold(mirror_one(&c->ctequery, p, *m, from_old, *with, j, serial++))) return total;
    }
  }
  WriteParts p;
  bool from_old = false;
  if (const ResolvedMigration* m = parts_of(raw->stmt, p) ? dual_target(p.relation, catalog, from_old) : nullptr) {
    ++handled;
    if (!fold(mirror_one(&raw->stmt, p, *m, from_old, nullptr, 0, serial++))) return total;
  }
  if (handled < found.size()) {
    total.migration = first->spec.name;
    if (first->spec.pass_unsupported) total.relay_unchanged = true;
    else total.refusal = "a write to " + first_table + " inside EXPLAIN, PREPARE or a nested query is not mirrored; send it as a statement of its own";
  }
  return total;
}

}  // namespace switchyard::rewrite::pg

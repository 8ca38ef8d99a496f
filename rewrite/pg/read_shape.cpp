// Building the FROM item that serves a read from the other shape; see read_shape.h.
#include "rewrite/pg/read_shape.h"

#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "rewrite/pg/new_only_reads.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

using config::MigrationKind;

bool column_kind(MigrationKind k) {
  return k == MigrationKind::kRenameColumn || k == MigrationKind::kChangeColumn || k == MigrationKind::kAddColumn;
}

bool has_text(const char* s) { return s != nullptr && s[0] != '\0'; }

// One column of the presented shape.
struct Item {
  std::string name;
  std::string expr;  // over the serving relation's row; empty: its column `name` as it is
  std::string type;  // cast to this (format_type text); empty: no cast
};

// What the replaced item reads, and how it presents it.
struct Shape {
  const RelationInfo* serving = nullptr;
  config::TableName serving_name;
  std::vector<Item> items;  // in the presented shape's column order
  bool rename_only = false; // items are exactly the serving relation's columns: no sub-select needed
};

// The name a statement refers to the item by.
std::string refname(const PgQuery__RangeVar* rv) {
  return rv->alias && has_text(rv->alias->aliasname) ? rv->alias->aliasname : rv->relname;
}

// The statement may depend on every column of the item, or on their positions.
bool reads_all_columns(const PgQuery__RangeVar* rv, const References& refs) {
  return refs.star || refs.whole_rows.count(refname(rv)) > 0 || (rv->alias && rv->alias->n_colnames > 0);
}

// Column kinds: one table holding both shapes; each column of the shape not served is
// computed from the served one. Migrations on the same table compose.
std::optional<Shape> column_shape(const PgQuery__RangeVar* rv, const std::vector<RouteMatch>& matches,
                                  const References& refs) {
  const RouteMatch* first = nullptr;
  std::map<std::string, Item> translated;
  for (const auto& match : matches) {
    const ResolvedMigration& m = *match.migration;
    if (!column_kind(m.spec.kind)) continue;
    if (first == nullptr) first = &match;
    for (const auto& map : match.serve_new ? m.spec.down : m.spec.up) {
      const ColumnInfo* col = m.old_rel.column(map.column);
      translated[map.column] = Item{map.column, map.expr, col ? col->type : ""};
    }
  }
  if (first == nullptr || translated.empty()) return std::nullopt;
  bool needed = reads_all_columns(rv, refs);
  for (const auto& [name, item] : translated) needed |= refs.names.count(name) > 0;
  if (!needed) return std::nullopt;

  Shape shape;
  shape.serving = &first->migration->old_rel;
  shape.serving_name = first->migration->spec.old_table;
  for (const auto& col : shape.serving->columns) {
    if (const auto it = translated.find(col.name); it != translated.end()) {
      shape.items.push_back(it->second);
    } else if (!col.dropped) {
      shape.items.push_back(Item{col.name, "", ""});
    }
  }
  return shape;
}

// Table kinds: the other table, presenting the named relation's columns. A column the other
// shape can produce neither through a mapping nor by name is left out; if the statement may
// read it, the read stays where it is.
std::optional<Shape> table_shape(const PgQuery__RangeVar* rv, const RouteMatch& match, const References& refs) {
  const ResolvedMigration& m = *match.migration;
  const bool to_new = match.names_old;
  const RelationInfo& presented = to_new ? m.old_rel : m.new_rel;
  Shape shape;
  shape.serving = to_new ? &m.new_rel : &m.old_rel;
  shape.serving_name = to_new ? m.spec.new_table : m.spec.old_table;
  if (!shape.serving->exists) return std::nullopt;
  const auto& maps = to_new ? m.spec.down : m.spec.up;

  std::vector<ColumnInfo> columns = presented.columns;
  if (!presented.exists) {  // new_only after contract dropped the old table: what is known of it
    if (m.spec.all_columns) columns = shape.serving->columns;
    for (const auto& map : maps)
      if (!presented.column(map.column)) columns.push_back(ColumnInfo{map.column, "", "", "", false, true});
  }
  bool missing_read = false;
  for (const auto& col : columns) {
    const config::ColumnMap* map = nullptr;
    for (const auto& candidate : maps)
      if (candidate.column == col.name) map = &candidate;
    if (map != nullptr) {
      shape.items.push_back(Item{col.name, map->expr, col.type});
    } else if (const ColumnInfo* same = shape.serving->column(col.name)) {
      shape.items.push_back(Item{col.name, "", same->type == col.type || col.type.empty() ? "" : col.type});
    } else {
      missing_read |= reads_all_columns(rv, refs) || refs.names.count(col.name) > 0;
    }
  }
  if (missing_read) return std::nullopt;
  bool exact = shape.items.size() == shape.serving->columns.size();
  for (size_t i = 0; exact && i < shape.items.size(); ++i)
    exact = shape.items[i].expr.empty() && shape.items[i].type.empty() &&
            shape.items[i].name == shape.serving->columns[i].name;
  shape.rename_only = exact;
  return shape;
}

// A copy of `rv` naming `table` (schema-qualified when `rv` was, or when the schema differs from
// the one the statement's name matched), without its alias.
MessagePtr<PgQuery__RangeVar> serving_range_var(const PgQuery__RangeVar* rv, const config::TableName& named,
                                                const config::TableName& table) {
  auto copy = copy_of(rv);
  if (copy->relname != protobuf_c_empty_string) free(copy->relname);
  copy->relname = dup_string(table.name);
  if (has_text(rv->schemaname) || table.schema != named.schema) {
    if (copy->schemaname != protobuf_c_empty_string) free(copy->schemaname);
    copy->schemaname = dup_string(table.schema);
  }
  MessagePtr<PgQuery__Alias> alias(std::exchange(copy->alias, nullptr));
  return copy;
}

MessagePtr<PgQuery__Alias> alias_for(const PgQuery__RangeVar* rv) {
  if (rv->alias != nullptr) return copy_of(rv->alias);
  auto alias = new_message_of<PgQuery__Alias>(pg_query__alias__descriptor);
  alias->aliasname = dup_string(rv->relname);
  return alias;
}

NodePtr build(const PgQuery__RangeVar* rv, const config::TableName& named, const Shape& shape) {
  auto serving = serving_range_var(rv, named, shape.serving_name);
  if (shape.rename_only) {
    serving->alias = alias_for(rv).release();
    NodePtr node = new_node(PG_QUERY__NODE__NODE_RANGE_VAR);
    MessagePtr<PgQuery__RangeVar> empty(std::exchange(node->range_var, serving.release()));
    return node;
  }
  NodePtr select = new_node(PG_QUERY__NODE__NODE_SELECT_STMT);
  PgQuery__SelectStmt* s = select->select_stmt;
  s->op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  s->limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  for (const auto& item : shape.items) {
    if (item.expr.empty() && item.type.empty()) {
      append_node(&s->target_list, &s->n_target_list, res_target("", column_ref(item.name)));
      continue;
    }
    Outcome<NodePtr> value = item.expr.empty() ? type_cast(column_ref(item.name), item.type)
                                               : served_value(item.expr, *shape.serving, item.type);
    if (!value) return nullptr;  // validated at start-up, so not expected: the read stays
    append_node(&s->target_list, &s->n_target_list, res_target(item.name, std::move(value.value())));
  }
  NodePtr from = new_node(PG_QUERY__NODE__NODE_RANGE_VAR);
  MessagePtr<PgQuery__RangeVar> empty(std::exchange(from->range_var, serving.release()));
  append_node(&s->from_clause, &s->n_from_clause, std::move(from));
  NodePtr sub = new_node(PG_QUERY__NODE__NODE_RANGE_SUBSELECT);
  sub->range_subselect->subquery = select.release();
  sub->range_subselect->alias = alias_for(rv).release();
  return sub;
}

}  // namespace

References collect_references(ProtobufCMessage* statement) {
  References refs;
  walk_messages(statement, [&](ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__column_ref__descriptor) {
      const auto* ref = reinterpret_cast<PgQuery__ColumnRef*>(m);
      for (size_t i = 0; i < ref->n_fields; ++i) {
        if (ref->fields[i]->node_case == PG_QUERY__NODE__NODE_A_STAR) refs.star = true;
        if (ref->fields[i]->node_case == PG_QUERY__NODE__NODE_STRING) refs.names.insert(ref->fields[i]->string->sval);
      }
      if (ref->n_fields == 1 && ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING)
        refs.whole_rows.insert(ref->fields[0]->string->sval);
    } else if (m->descriptor == &pg_query__join_expr__descriptor) {
      const auto* join = reinterpret_cast<PgQuery__JoinExpr*>(m);
      refs.star |= join->is_natural;
      for (size_t i = 0; i < join->n_using_clause; ++i)
        if (join->using_clause[i]->node_case == PG_QUERY__NODE__NODE_STRING)
          refs.names.insert(join->using_clause[i]->string->sval);
    }
    return WalkAction::kDescend;
  });
  return refs;
}

NodePtr served_item(const PgQuery__RangeVar* rv, const std::vector<RouteMatch>& matches, const References& refs) {
  for (const auto& match : matches) {
    if (column_kind(match.migration->spec.kind)) continue;
    // Already read from the shape it names: nothing to do for this migration.
    if (match.names_old != match.serve_new) continue;
    auto shape = table_shape(rv, match, refs);
    if (!shape) return nullptr;
    const auto& spec = match.migration->spec;
    return build(rv, match.names_old ? spec.old_table : spec.new_table, *shape);
  }
  auto shape = column_shape(rv, matches, refs);
  if (!shape) return nullptr;
  return build(rv, shape->serving_name, *shape);
}

}  // namespace switchyard::rewrite::pg

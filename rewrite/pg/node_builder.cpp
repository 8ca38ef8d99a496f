// Node constructors, and the "SELECT <text>" trick for expressions and type names.
#include "rewrite/pg/node_builder.h"

#include <string>
#include <utility>

#include "rewrite/pg/parse_tree.h"

namespace switchyard::rewrite::pg {
namespace {

NodePtr a_const() {
  NodePtr node = new_node(PG_QUERY__NODE__NODE_A_CONST);
  node->a_const->location = -1;
  return node;
}

// The single target of `tree` if it is one plain SELECT of one unnamed target; else null, and
// `why` says what else the text holds.
PgQuery__ResTarget* sole_target(ParseTree& tree, std::string& why) {
  if (tree.size() != 1) {
    why = tree.size() == 0 ? "it is empty" : "it holds more than one statement";
    return nullptr;
  }
  const PgQuery__Node* stmt = tree.statement(0)->stmt;
  if (stmt == nullptr || stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
    why = "it is a statement, not an expression";
    return nullptr;
  }
  const PgQuery__SelectStmt* s = stmt->select_stmt;
  const bool plain = s->n_distinct_clause == 0 && s->into_clause == nullptr && s->n_from_clause == 0 &&
                     s->where_clause == nullptr && s->n_group_clause == 0 && !s->group_distinct &&
                     s->having_clause == nullptr && s->n_window_clause == 0 && s->n_values_lists == 0 &&
                     s->n_sort_clause == 0 && s->limit_offset == nullptr && s->limit_count == nullptr &&
                     s->n_locking_clause == 0 && s->with_clause == nullptr &&
                     s->op == PG_QUERY__SET_OPERATION__SETOP_NONE && s->larg == nullptr && s->rarg == nullptr;
  if (!plain) {
    why = "it adds a clause (FROM, WHERE, UNION, ORDER BY, ...) to the expression";
    return nullptr;
  }
  if (s->n_target_list != 1) {
    why = s->n_target_list == 0 ? "it holds no expression" : "it is a list of " + std::to_string(s->n_target_list) + " expressions";
    return nullptr;
  }
  const PgQuery__Node* target = s->target_list[0];
  if (target->node_case != PG_QUERY__NODE__NODE_RES_TARGET) return nullptr;
  PgQuery__ResTarget* t = target->res_target;
  if ((t->name != nullptr && t->name[0] != '\0') || t->n_indirection != 0 || t->val == nullptr) {
    why = "it names its result (AS)";
    return nullptr;
  }
  return t;
}

// Parses prefix + text, reporting cursor positions relative to `text`.
Outcome<ParseTree> parse_wrapped(std::string_view prefix, std::string_view text) {
  std::string sql(prefix);
  sql.append(text);
  ParseOutcome parsed = ParseTree::parse(sql);
  if (parsed.ok()) return parsed;
  PgError error = parsed.error();
  const int shift = static_cast<int>(prefix.size());
  error.cursor_position = error.cursor_position > shift ? error.cursor_position - shift : 0;
  return error;
}

}  // namespace

NodePtr string_node(std::string_view value) {
  NodePtr node = new_node(PG_QUERY__NODE__NODE_STRING);
  node->string->sval = dup_string(value);
  return node;
}

NodePtr column_ref(std::string_view name) {
  NodePtr node = new_node(PG_QUERY__NODE__NODE_COLUMN_REF);
  PgQuery__ColumnRef* ref = node->column_ref;
  ref->location = -1;
  append_node(&ref->fields, &ref->n_fields, string_node(name));
  return node;
}

NodePtr column_ref(std::string_view qualifier, std::string_view name) {
  NodePtr node = column_ref(qualifier);
  PgQuery__ColumnRef* ref = node->column_ref;
  append_node(&ref->fields, &ref->n_fields, string_node(name));
  return node;
}

NodePtr string_const(std::string_view value) {
  NodePtr node = a_const();
  // Each allocation is attached before the next one, so a bad_alloc frees everything.
  PgQuery__AConst* c = node->a_const;
  c->val_case = PG_QUERY__A__CONST__VAL_SVAL;
  c->sval = new_message_of<PgQuery__String>(pg_query__string__descriptor).release();
  c->sval->sval = dup_string(value);
  return node;
}

NodePtr integer_const(std::int32_t value) {
  NodePtr node = a_const();
  PgQuery__AConst* c = node->a_const;
  c->val_case = PG_QUERY__A__CONST__VAL_IVAL;
  c->ival = new_message_of<PgQuery__Integer>(pg_query__integer__descriptor).release();
  c->ival->ival = value;
  return node;
}

NodePtr null_const() {
  NodePtr node = a_const();
  node->a_const->isnull = true;
  return node;
}

NodePtr bool_const(bool value) {
  NodePtr node = a_const();
  PgQuery__AConst* c = node->a_const;
  c->val_case = PG_QUERY__A__CONST__VAL_BOOLVAL;
  c->boolval = new_message_of<PgQuery__Boolean>(pg_query__boolean__descriptor).release();
  c->boolval->boolval = value;
  return node;
}

NodePtr param_ref(int number) {
  NodePtr node = new_node(PG_QUERY__NODE__NODE_PARAM_REF);
  node->param_ref->number = number;
  node->param_ref->location = -1;
  return node;
}

TypeNamePtr type_name(std::initializer_list<std::string_view> names) {
  TypeNamePtr type = new_message_of<PgQuery__TypeName>(pg_query__type_name__descriptor);
  type->typemod = -1;  // "no modifier", as the parser leaves it
  type->location = -1;
  for (std::string_view name : names) append_node(&type->names, &type->n_names, string_node(name));
  return type;
}

Outcome<TypeNamePtr> parse_type_name(std::string_view text) {
  constexpr std::string_view kPrefix = "SELECT NULL::";
  Outcome<ParseTree> parsed = parse_wrapped(kPrefix, text);
  if (!parsed.ok()) return parsed.error();
  std::string why;
  PgQuery__ResTarget* target = sole_target(parsed.value(), why);
  const PgQuery__Node* val = target == nullptr ? nullptr : target->val;
  if (val == nullptr || val->node_case != PG_QUERY__NODE__NODE_TYPE_CAST || val->type_cast->type_name == nullptr ||
      val->type_cast->arg == nullptr || val->type_cast->arg->node_case != PG_QUERY__NODE__NODE_A_CONST ||
      !val->type_cast->arg->a_const->isnull) {
    return PgError{"not a single type name: " + std::string(text), 0};
  }
  return take(&val->type_cast->type_name);
}

NodePtr type_cast(NodePtr arg, TypeNamePtr type) {
  NodePtr node = new_node(PG_QUERY__NODE__NODE_TYPE_CAST);
  PgQuery__TypeCast* cast = node->type_cast;
  cast->location = -1;
  cast->arg = arg.release();
  cast->type_name = type.release();
  return node;
}

Outcome<NodePtr> type_cast(NodePtr arg, std::string_view type_text) {
  Outcome<TypeNamePtr> type = parse_type_name(type_text);
  if (!type.ok()) return type.error();
  return type_cast(std::move(arg), std::move(type).value());
}

NodePtr res_target(std::string_view name, NodePtr val) {
  NodePtr node = new_node(PG_QUERY__NODE__NODE_RES_TARGET);
  PgQuery__ResTarget* target = node->res_target;
  target->location = -1;
  target->val = val.release();
  if (!name.empty()) target->name = dup_string(name);
  return node;
}

Outcome<NodePtr> parse_expression(std::string_view text) {
  constexpr std::string_view kPrefix = "SELECT ";
  Outcome<ParseTree> parsed = parse_wrapped(kPrefix, text);
  if (!parsed.ok()) return parsed.error();
  std::string why = "it is not an expression";
  PgQuery__ResTarget* target = sole_target(parsed.value(), why);
  if (target == nullptr) return PgError{"not a single expression (" + why + "): " + std::string(text), 0};
  return take_node(&target->val);
}

}  // namespace switchyard::rewrite::pg

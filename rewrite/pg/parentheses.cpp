// Wrapping operands that the deparser would print without the parentheses they need; see
// parentheses.h. The levels follow the precedence declarations of PostgreSQL 15's gram.y; the
// "the deparser parenthesises these itself" sets follow libpg_query 15-4.0.0's
// pg_query_deparse.c, so that no operand gets two pairs where one is printed already.
#include "rewrite/pg/parentheses.h"

#include <string_view>
#include <vector>

#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

// How tightly an expression binds as printed, loosest first (gram.y's %left/%right/%nonassoc).
enum Level {
  kOr = 1,
  kAnd,
  kNot,
  kIs,       // IS [NOT] NULL/TRUE/..., IS [NOT] DISTINCT FROM, IS NORMALIZED, IS DOCUMENT
  kCompare,  // < > = <= >= <>
  kLike,     // BETWEEN IN LIKE ILIKE SIMILAR
  kOp,       // any other operator, qualified OPERATOR(...)
  kAdd,      // binary + -
  kMul,      // * / %
  kPow,      // ^
  kAt,       // AT TIME ZONE
  kCollate,
  kUnary,    // prefix + - (and negative numeric constants)
  kCast,     // ::
  kAtom,     // a c_expr: names, constants, calls, CASE, (sub-selects), ROW(...), x[1], ...
};

const char* last_name(PgQuery__Node* const* names, std::size_t n) {
  if (n == 0 || names[n - 1]->node_case != PG_QUERY__NODE__NODE_STRING) return "";
  return names[n - 1]->string->sval;
}

// A FuncCall that the deparser prints in SQL syntax, by its pg_catalog name ("" if none).
std::string_view sql_syntax_function(const PgQuery__FuncCall* f) {
  if (f->funcformat != PG_QUERY__COERCION_FORM__COERCE_SQL_SYNTAX || f->n_funcname != 2) return "";
  const PgQuery__Node* schema = f->funcname[0];
  if (schema->node_case != PG_QUERY__NODE__NODE_STRING || std::string_view(schema->string->sval) != "pg_catalog")
    return "";
  return last_name(f->funcname, f->n_funcname);
}

// A binary operator's level by its name. `like_words`: the deparser prints ~~ and ~~* (and
// their negations) as LIKE and ILIKE, as it does for op ANY/ALL.
Level binary_level(PgQuery__Node* const* names, std::size_t n, bool like_words) {
  if (n != 1) return kOp;  // OPERATOR(schema.op)
  const std::string_view op = last_name(names, n);
  if (op == "<" || op == ">" || op == "=" || op == "<=" || op == ">=" || op == "<>" || op == "!=") return kCompare;
  if (op == "+" || op == "-") return kAdd;
  if (op == "*" || op == "/" || op == "%") return kMul;
  if (op == "^") return kPow;
  if (like_words && (op == "~~" || op == "!~~" || op == "~~*" || op == "!~~*")) return kLike;
  return kOp;
}

Level operator_level(const PgQuery__AExpr* e) {
  if (e->lexpr == nullptr) {
    const std::string_view op = last_name(e->name, e->n_name);
    return e->n_name == 1 && (op == "-" || op == "+") ? kUnary : kOp;
  }
  return binary_level(e->name, e->n_name, false);
}

Level level(const PgQuery__Node* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_BOOL_EXPR:
      switch (n->bool_expr->boolop) {
        case PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR: return kOr;
        case PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR: return kAnd;
        default: return kNot;
      }
    case PG_QUERY__NODE__NODE_NULL_TEST:
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: return kIs;
    case PG_QUERY__NODE__NODE_A_EXPR:
      switch (n->a_expr->kind) {
        case PG_QUERY__A__EXPR__KIND__AEXPR_OP: return operator_level(n->a_expr);
        case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:  // "a = ANY (b)" binds as its operator
        case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: return binary_level(n->a_expr->name, n->a_expr->n_name, true);
        case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
        case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT: return kIs;
        case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: return kAtom;
        default: return kLike;  // IN, LIKE, ILIKE, SIMILAR, BETWEEN [SYMMETRIC]
      }
    case PG_QUERY__NODE__NODE_SUB_LINK:
      switch (n->sub_link->sub_link_type) {
        case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
        case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK:
          if (n->sub_link->n_oper_name == 0) return kLike;  // IN (SELECT ...)
          return binary_level(n->sub_link->oper_name, n->sub_link->n_oper_name, true);
        default: return kAtom;
      }
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: return kCollate;
    case PG_QUERY__NODE__NODE_TYPE_CAST:
      // An A_Expr operand makes the deparser print CAST(... AS ...).
      return n->type_cast->arg != nullptr && n->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_EXPR ? kAtom : kCast;
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
      const std::string_view f = sql_syntax_function(n->func_call);
      if (f == "timezone" && n->func_call->n_args == 2) return kAt;
      if (f == "is_normalized") return kIs;
      if (f == "overlaps" && n->func_call->n_args == 4) return kIs;  // printed "(a, b) overlaps (c, d)"
      return kAtom;
    }
    case PG_QUERY__NODE__NODE_XML_EXPR: return n->xml_expr->op == PG_QUERY__XML_EXPR_OP__IS_DOCUMENT ? kIs : kAtom;
    case PG_QUERY__NODE__NODE_A_CONST: {
      const PgQuery__AConst* c = n->a_const;
      if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL && c->ival->ival < 0) return kUnary;
      if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL && c->fval->fval != nullptr && c->fval->fval[0] == '-') return kUnary;
      return kAtom;
    }
    default: return kAtom;
  }
}

bool is(const PgQuery__Node* n, PgQuery__Node__NodeCase kind) { return n != nullptr && n->node_case == kind; }

// What deparseAExpr (OP, DISTINCT) already puts in parentheses.
bool deparser_parenthesises_operand(const PgQuery__Node* n) {
  return is(n, PG_QUERY__NODE__NODE_BOOL_EXPR) || is(n, PG_QUERY__NODE__NODE_NULL_TEST) ||
         is(n, PG_QUERY__NODE__NODE_A_EXPR);
}

// What deparseAIndirection already puts in parentheses, or what may carry a subscript as it is.
bool indirection_ready(const PgQuery__AIndirection* ind) {
  const PgQuery__Node* a = ind->arg;
  if (is(a, PG_QUERY__NODE__NODE_COLUMN_REF))
    return ind->n_indirection == 0 || ind->indirection[0]->node_case == PG_QUERY__NODE__NODE_A_INDICES;
  return is(a, PG_QUERY__NODE__NODE_A_INDIRECTION) || is(a, PG_QUERY__NODE__NODE_FUNC_CALL) ||
         is(a, PG_QUERY__NODE__NODE_A_EXPR) || is(a, PG_QUERY__NODE__NODE_TYPE_CAST) ||
         is(a, PG_QUERY__NODE__NODE_ROW_EXPR) || is(a, PG_QUERY__NODE__NODE_PARAM_REF) ||
         (is(a, PG_QUERY__NODE__NODE_SUB_LINK) && a->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK);
}

// A cast of a constant that the deparser prints in another form, which parses to another tree:
// 't'::boolean (pg_catalog.bool) as true, a boolean constant. With the constant wrapped it
// prints ('t')::boolean, as written.
bool shortened_constant(const PgQuery__TypeCast* c) {
  const PgQuery__TypeName* t = c->type_name;
  if (t == nullptr || t->n_names != 2 || t->names[0]->node_case != PG_QUERY__NODE__NODE_STRING ||
      std::string_view(t->names[0]->string->sval) != "pg_catalog")
    return false;
  return last_name(t->names, t->n_names) == std::string_view("bool") &&
         c->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL;
}

class Wrapper {
 public:
  std::size_t count() const { return count_; }

  // Wraps `*slot` unless it binds at least as tightly as `at_least`.
  void need(PgQuery__Node** slot, Level at_least) {
    if (*slot != nullptr && level(*slot) < at_least) wrap(slot);
  }
  // The same, for an operand the deparser does not already parenthesise.
  void need_operand(PgQuery__Node** slot, Level at_least) {
    if (!deparser_parenthesises_operand(*slot)) need(slot, at_least);
  }
  void wrap(PgQuery__Node** slot) {
    NodePtr row = new_node(PG_QUERY__NODE__NODE_ROW_EXPR);
    row->row_expr->row_format = PG_QUERY__COERCION_FORM__COERCE_IMPLICIT_CAST;
    row->row_expr->location = -1;
    append_node(&row->row_expr->args, &row->row_expr->n_args, NodePtr(*slot));
    *slot = row.release();
    ++count_;
  }

 private:
  std::size_t count_ = 0;
};

// Levels one above `l`: an operand of a non-associative (or, to be safe, any binary) operator
// must bind strictly more tightly than the operator.
Level above(Level l) { return static_cast<Level>(l + 1); }

void fix_a_expr(PgQuery__AExpr* e, Wrapper& w) {
  switch (e->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
      const Level l = operator_level(e);
      if (e->lexpr == nullptr) {
        w.need_operand(&e->rexpr, l);  // a prefix operator: right-associative
      } else {
        w.need_operand(&e->lexpr, above(l));
        w.need_operand(&e->rexpr, above(l));
      }
      return;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL:  // rexpr is in ANY(...)
      w.need(&e->lexpr, above(binary_level(e->name, e->n_name, true)));
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
      w.need_operand(&e->lexpr, above(kIs));
      w.need_operand(&e->rexpr, above(kIs));
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT:
      w.need(&e->lexpr, above(kIs));
      w.need(&e->rexpr, above(kIs));
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN: w.need(&e->lexpr, above(kLike)); return;  // rexpr is a list in (...)
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
      w.need(&e->lexpr, above(kLike));
      w.need(&e->rexpr, above(kLike));
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR:
      w.need(&e->lexpr, above(kLike));
      // rexpr is similar_to_escape(pattern [, escape]), printed as "pattern [ESCAPE escape]":
      // the deparser reads it as a FuncCall, so it is never wrapped itself, only its arguments.
      if (is(e->rexpr, PG_QUERY__NODE__NODE_FUNC_CALL))
        for (std::size_t i = 0; i < e->rexpr->func_call->n_args; ++i) w.need(&e->rexpr->func_call->args[i], above(kLike));
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM:
      w.need(&e->lexpr, above(kLike));
      if (is(e->rexpr, PG_QUERY__NODE__NODE_LIST) && e->rexpr->list->n_items == 2) {
        // "x BETWEEN low AND high": low is a b_expr in gram.y, which has no AT TIME ZONE,
        // COLLATE, ANY/ALL or boolean tests, at any depth: anything but a plain term is
        // parenthesised. high is an a_expr.
        w.need(&e->rexpr->list->items[0], kCast);
        w.need(&e->rexpr->list->items[1], above(kLike));
      }
      return;
    default: return;  // NULLIF(a, b) delimits its operands
  }
}

void fix_func_call(PgQuery__FuncCall* f, Wrapper& w) {
  const std::string_view name = sql_syntax_function(f);
  if (name == "timezone" && f->n_args == 2) {
    w.need(&f->args[1], kAt);         // printed first: "ts AT TIME ZONE zone" (left-associative)
    w.need(&f->args[0], above(kAt));  // the zone
  } else if (name == "is_normalized" && f->n_args >= 1) {
    w.need(&f->args[0], above(kIs));
  }
}

void fix(ProtobufCMessage* m, Wrapper& w) {
  const ProtobufCMessageDescriptor* d = m->descriptor;
  if (d == &pg_query__a__expr__descriptor) {
    fix_a_expr(reinterpret_cast<PgQuery__AExpr*>(m), w);
  } else if (d == &pg_query__null_test__descriptor) {
    w.need(&reinterpret_cast<PgQuery__NullTest*>(m)->arg, above(kIs));
  } else if (d == &pg_query__boolean_test__descriptor) {
    w.need(&reinterpret_cast<PgQuery__BooleanTest*>(m)->arg, above(kIs));
  } else if (d == &pg_query__type_cast__descriptor) {
    auto* c = reinterpret_cast<PgQuery__TypeCast*>(m);
    // The deparser prints CAST(a_expr AS t) itself, and parenthesises negative constants.
    if (is(c->arg, PG_QUERY__NODE__NODE_A_CONST) && shortened_constant(c)) w.wrap(&c->arg);
    else if (!is(c->arg, PG_QUERY__NODE__NODE_A_EXPR) && !is(c->arg, PG_QUERY__NODE__NODE_A_CONST)) w.need(&c->arg, kCast);
  } else if (d == &pg_query__collate_clause__descriptor) {
    auto* c = reinterpret_cast<PgQuery__CollateClause*>(m);
    if (!is(c->arg, PG_QUERY__NODE__NODE_A_EXPR)) w.need(&c->arg, kCollate);
  } else if (d == &pg_query__a__indirection__descriptor) {
    auto* ind = reinterpret_cast<PgQuery__AIndirection*>(m);
    if (ind->arg != nullptr && !indirection_ready(ind)) w.wrap(&ind->arg);
  } else if (d == &pg_query__sub_link__descriptor) {
    auto* s = reinterpret_cast<PgQuery__SubLink*>(m);
    if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK || s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK)
      w.need(&s->testexpr, above(s->n_oper_name == 0 ? kLike : binary_level(s->oper_name, s->n_oper_name, true)));
  } else if (d == &pg_query__func_call__descriptor) {
    fix_func_call(reinterpret_cast<PgQuery__FuncCall*>(m), w);
  } else if (d == &pg_query__xml_expr__descriptor) {
    auto* x = reinterpret_cast<PgQuery__XmlExpr*>(m);
    if (x->op == PG_QUERY__XML_EXPR_OP__IS_DOCUMENT && x->n_args == 1) w.need(&x->args[0], above(kIs));
  }
}

}  // namespace

std::size_t add_needed_parentheses(ProtobufCMessage* root) {
  // Collected first: wrapping moves operands under new RowExpr nodes, which the walk need not see.
  std::vector<ProtobufCMessage*> parents;
  walk_messages(root, [&](ProtobufCMessage* m) {
    parents.push_back(m);
    return WalkAction::kDescend;
  });
  Wrapper w;
  for (ProtobufCMessage* m : parents) fix(m, w);
  return w.count();
}

}  // namespace switchyard::rewrite::pg

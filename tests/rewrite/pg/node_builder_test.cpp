// Node builders and tree edits: each new node deparses as the SQL it stands for, and the edits the
// rewriter makes (a column added to an INSERT, a SET target added to an UPDATE) give exact SQL.
#include "rewrite/pg/node_builder.h"

#include <gtest/gtest.h>

#include <string>

#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

std::string sql_of(const NodePtr& expr) {
  DeparseOutcome out = deparse_expression(expr.get());
  return out ? out.value() : "deparse error: " + out.error().message;
}

ParseTree parsed(std::string_view sql) {
  ParseOutcome tree = ParseTree::parse(sql);
  EXPECT_TRUE(tree.ok()) << sql << ": " << (tree.ok() ? "" : tree.error().message);
  return tree.ok() ? std::move(tree).value() : std::move(ParseTree::parse("").value());
}

TEST(NodeBuilder, ColumnRefsQuoteOnlyWhenNeeded) {
  EXPECT_EQ(sql_of(column_ref("full_name")), "full_name");
  EXPECT_EQ(sql_of(column_ref("u", "full_name")), "u.full_name");
  EXPECT_EQ(sql_of(column_ref("Users", "Full Name")), "\"Users\".\"Full Name\"");
  EXPECT_EQ(sql_of(column_ref("select")), "\"select\"");
}

TEST(NodeBuilder, ConstantsAndParams) {
  EXPECT_EQ(sql_of(string_const("it's")), "'it''s'");
  EXPECT_EQ(sql_of(string_const("")), "''");
  EXPECT_EQ(sql_of(integer_const(42)), "42");
  EXPECT_EQ(sql_of(integer_const(-7)), "-7");
  EXPECT_EQ(sql_of(null_const()), "NULL");
  EXPECT_EQ(sql_of(bool_const(true)), "true");
  EXPECT_EQ(sql_of(bool_const(false)), "false");
  EXPECT_EQ(sql_of(param_ref(3)), "$3");
}

TEST(NodeBuilder, TypeNamesFromTextKeepModifiersAndArrays) {
  const struct {
    const char* text;
    const char* cast;
  } cases[] = {
      {"character(1)", "$1::char(1)"},
      {"timestamp with time zone", "$1::timestamp with time zone"},
      {"numeric(12,2)", "$1::numeric(12, 2)"},
      {"text[]", "$1::text[]"},
      {"int", "$1::int"},
      {"public.\"Mood\"", "$1::public.\"Mood\""},
      {"varchar(20)[]", "$1::varchar(20)[]"},
  };
  for (const auto& c : cases) {
    Outcome<NodePtr> cast = type_cast(param_ref(1), c.text);
    ASSERT_TRUE(cast.ok()) << c.text << ": " << cast.error().message;
    EXPECT_EQ(sql_of(cast.value()), c.cast) << c.text;
  }
}

TEST(NodeBuilder, TypeNameFromDottedNames) {
  EXPECT_EQ(sql_of(type_cast(string_const("1"), type_name({"pg_catalog", "int8"}))), "'1'::bigint");
  EXPECT_EQ(sql_of(type_cast(column_ref("x"), type_name({"app", "Status"}))), "x::app.\"Status\"");
}

TEST(NodeBuilder, RefusesTypeTextThatIsNotOneTypeName) {
  for (const char* text : {"int, 1", "int FROM t", "int; DROP TABLE users", "int::text", "", "int COLLATE \"C\""}) {
    Outcome<TypeNamePtr> type = parse_type_name(text);
    EXPECT_FALSE(type.ok()) << text;
  }
}

TEST(NodeBuilder, ParsesAnExpressionFromText) {
  Outcome<NodePtr> expr = parse_expression("CASE WHEN include = 'X' THEN true ELSE false END");
  ASSERT_TRUE(expr.ok()) << expr.error().message;
  EXPECT_EQ(expr.value()->node_case, PG_QUERY__NODE__NODE_CASE_EXPR);
  EXPECT_EQ(sql_of(expr.value()), "CASE WHEN include = 'X' THEN true ELSE false END");
  EXPECT_EQ(sql_of(parse_expression("lower(full_name) || $1").value()), "lower(full_name) || $1");
}

TEST(NodeBuilder, RefusesTextThatIsNotOneExpression) {
  for (const char* text : {"1 FROM t", "a, b", "1; DROP TABLE users", "x AS y", "1 WHERE true",
                           "1 UNION SELECT 2", "", "1 ORDER BY 1", "1 LIMIT 1", "DISTINCT a"}) {
    EXPECT_FALSE(parse_expression(text).ok()) << text;
  }
}

TEST(NodeBuilder, ExpressionErrorPositionsCountFromTheExpressionText) {
  Outcome<NodePtr> expr = parse_expression("a + + WHERE");
  ASSERT_FALSE(expr.ok());
  EXPECT_EQ(expr.error().message, "syntax error at or near \"WHERE\"");
  EXPECT_EQ(expr.error().cursor_position, 7);
}

TEST(NodeBuilder, ResTargetsForSelectLists) {
  ParseTree tree = parsed("SELECT 1 FROM t");
  PgQuery__SelectStmt* select = tree.statement(0)->stmt->select_stmt;
  append_node(&select->target_list, &select->n_target_list, res_target("n", column_ref("name")));
  append_node(&select->target_list, &select->n_target_list, res_target("", param_ref(1)));
  EXPECT_EQ(tree.deparse().value(), "SELECT 1, name AS n, $1 FROM t");
}

TEST(NodeEdit, CopiesAreIndependentOfTheirSource) {
  NodePtr original = parse_expression("f(a, 'x')").value();
  NodePtr copy = copy_node(original.get());
  ASSERT_NE(copy.get(), original.get());
  EXPECT_EQ(sql_of(copy), "f(a, 'x')");
  original.reset();  // the copy must survive its source
  EXPECT_EQ(sql_of(copy), "f(a, 'x')");
  EXPECT_EQ(copy_node(nullptr), nullptr);
}

TEST(NodeEdit, InsertRemoveAndTakeKeepListsWhole) {
  ParseTree tree = parsed("SELECT a, b, c FROM t WHERE x");
  PgQuery__SelectStmt* select = tree.statement(0)->stmt->select_stmt;
  NodePtr b = remove_node(&select->target_list, &select->n_target_list, 1);
  EXPECT_EQ(tree.deparse().value(), "SELECT a, c FROM t WHERE x");
  insert_node(&select->target_list, &select->n_target_list, 0, std::move(b));
  EXPECT_EQ(tree.deparse().value(), "SELECT b, a, c FROM t WHERE x");
  NodePtr where = take_node(&select->where_clause);
  EXPECT_EQ(select->where_clause, nullptr);
  EXPECT_EQ(tree.deparse().value(), "SELECT b, a, c FROM t");
  replace_node(&select->target_list[2], res_target("", std::move(where)));
  EXPECT_EQ(tree.deparse().value(), "SELECT b, a, x FROM t");
  while (select->n_target_list > 0) remove_node(&select->target_list, &select->n_target_list, 0);
  EXPECT_EQ(select->target_list, nullptr);
}

TEST(NodeEdit, AddsAColumnToAnInsertAndACopiedValueToEachRow) {
  ParseTree tree = parsed("INSERT INTO users (id, full_name) VALUES ($1, $2), (3, 'x')");
  PgQuery__InsertStmt* insert = tree.statement(0)->stmt->insert_stmt;
  append_node(&insert->cols, &insert->n_cols, res_target("display_name", nullptr));
  PgQuery__SelectStmt* values = insert->select_stmt->select_stmt;
  ASSERT_EQ(values->n_values_lists, 2U);
  for (std::size_t r = 0; r < values->n_values_lists; ++r) {
    PgQuery__List* row = values->values_lists[r]->list;
    append_node(&row->items, &row->n_items, copy_node(row->items[1]));
  }
  EXPECT_EQ(tree.deparse().value(), "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2), (3, 'x', 'x')");
}

TEST(NodeEdit, AddsASetTargetComputedFromAnotherTargetsValue) {
  // Migration "up" expression for a new column, written against the old column `include`.
  ParseTree tree = parsed("UPDATE users SET include = $1, name = 'n' WHERE id = $2");
  PgQuery__UpdateStmt* update = tree.statement(0)->stmt->update_stmt;
  const PgQuery__Node* include_value = update->target_list[0]->res_target->val;

  NodePtr up = parse_expression("CASE WHEN include = 'X' THEN true ELSE false END").value();
  int substituted = 0;
  walk_nodes(up, [&](PgQuery__Node** slot) {
    const PgQuery__Node* n = *slot;
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
        n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING &&
        std::string_view(n->column_ref->fields[0]->string->sval) == "include") {
      replace_node(slot, copy_node(include_value));
      ++substituted;
    }
    return WalkAction::kDescend;
  });
  EXPECT_EQ(substituted, 1);
  append_node(&update->target_list, &update->n_target_list, res_target("include_flag", std::move(up)));
  EXPECT_EQ(tree.deparse().value(),
            "UPDATE users SET include = $1, name = 'n', include_flag = CASE WHEN $1 = 'X' THEN true ELSE false END "
            "WHERE id = $2");
}

}  // namespace
}  // namespace switchyard::rewrite::pg

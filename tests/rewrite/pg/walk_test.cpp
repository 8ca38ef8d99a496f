// The descriptor-driven walker: finds every node of a kind wherever the grammar puts it, replaces
// nodes in place, and honours skip and stop.
#include "rewrite/pg/walk.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {
namespace {

ParseTree parsed(std::string_view sql) {
  ParseOutcome tree = ParseTree::parse(sql);
  EXPECT_TRUE(tree.ok()) << sql;
  return tree.ok() ? std::move(tree).value() : std::move(ParseTree::parse("").value());
}

std::string relation_name(const PgQuery__RangeVar* r) {
  std::string name = r->schemaname != nullptr && r->schemaname[0] != '\0' ? std::string(r->schemaname) + "." : "";
  return name + r->relname;
}

bool is_column(const PgQuery__Node* n, std::string_view name) {
  if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return false;
  const PgQuery__ColumnRef* ref = n->column_ref;
  const PgQuery__Node* last = ref->fields[ref->n_fields - 1];
  return last->node_case == PG_QUERY__NODE__NODE_STRING && name == last->string->sval;
}

TEST(Walk, FindsEveryRangeVarIncludingWriteTargetsAndCtes) {
  ParseTree tree = parsed(
      "WITH moved AS (DELETE FROM app.old o USING keep k WHERE o.id = k.id RETURNING o.*) "
      "INSERT INTO \"Users\" SELECT * FROM moved JOIN (SELECT id FROM extra) e USING (id); "
      "UPDATE accounts SET n = (SELECT max(n) FROM ledger) FROM banks");
  std::vector<std::string> names;
  for (PgQuery__RangeVar* r : collect<PgQuery__RangeVar>(&tree.get()->base, pg_query__range_var__descriptor)) {
    names.push_back(relation_name(r));
  }
  // Field-number order, not text order: InsertStmt's with_clause is its last field.
  EXPECT_EQ(names, (std::vector<std::string>{"Users", "moved", "extra", "app.old", "keep", "accounts", "ledger",
                                             "banks"}));
}

TEST(Walk, VisitsParamRefsInSourceOrderAcrossClauses) {
  ParseTree tree = parsed(
      "INSERT INTO t (a, b) VALUES ($1, $2), ($3, f($4)) ON CONFLICT (a) DO UPDATE SET b = $5 WHERE t.c = $6 "
      "RETURNING $7");
  std::vector<int> numbers;
  walk_nodes(&tree.get()->base, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case == PG_QUERY__NODE__NODE_PARAM_REF) numbers.push_back((*slot)->param_ref->number);
    return WalkAction::kDescend;
  });
  EXPECT_EQ(numbers, (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(Walk, ReplacesColumnRefsAndDoesNotDescendIntoTheReplacement) {
  NodePtr expr = parse_expression("coalesce(a, b) + a * 2").value();
  const NodePtr replacement = parse_expression("a + 1").value();  // itself mentions `a`
  int replaced = 0;
  const bool finished = walk_nodes(expr, [&](PgQuery__Node** slot) {
    if (is_column(*slot, "a")) {
      replace_node(slot, copy_node(replacement.get()));
      ++replaced;
    }
    return WalkAction::kDescend;
  });
  EXPECT_TRUE(finished);
  EXPECT_EQ(replaced, 2);
  EXPECT_EQ(deparse_expression(expr.get()).value(), "COALESCE(a + 1, b) + ((a + 1) * 2)");
}

TEST(Walk, CanReplaceTheRootNode) {
  NodePtr expr = column_ref("a");
  walk_nodes(expr, [&](PgQuery__Node** slot) {
    if (is_column(*slot, "a")) replace_node(slot, param_ref(1));
    return WalkAction::kDescend;
  });
  ASSERT_NE(expr, nullptr);
  EXPECT_EQ(expr->node_case, PG_QUERY__NODE__NODE_PARAM_REF);
}

TEST(Walk, SkipChildrenLeavesSubqueriesAlone) {
  ParseTree tree = parsed("SELECT a FROM t WHERE b IN (SELECT a FROM u) AND a > 1");
  int columns = 0;
  walk_nodes(&tree.get()->base, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case == PG_QUERY__NODE__NODE_SUB_LINK) return WalkAction::kSkipChildren;
    if ((*slot)->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) ++columns;
    return WalkAction::kDescend;
  });
  EXPECT_EQ(columns, 2);  // a (target) and a (> 1); b is the SubLink's test expression, so skipped too
}

TEST(Walk, StopEndsTheWalkAndSaysSo) {
  ParseTree tree = parsed("SELECT $1, $2, $3");
  std::vector<int> seen;
  const bool finished = walk_nodes(&tree.get()->base, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case != PG_QUERY__NODE__NODE_PARAM_REF) return WalkAction::kDescend;
    seen.push_back((*slot)->param_ref->number);
    return seen.size() == 2 ? WalkAction::kStop : WalkAction::kDescend;
  });
  EXPECT_FALSE(finished);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
}

TEST(Walk, MessagesIncludeThoseHeldWithoutANodeWrapper) {
  ParseTree tree = parsed("SELECT $1::numeric(12,2), x::text[]");
  const auto types = collect<PgQuery__TypeName>(&tree.get()->base, pg_query__type_name__descriptor);
  ASSERT_EQ(types.size(), 2U);
  EXPECT_EQ(types[0]->n_typmods, 2U);
  EXPECT_EQ(types[1]->n_array_bounds, 1U);
  // Node wrappers themselves are not reported, only what they hold.
  int wrappers = 0;
  walk_messages(&tree.get()->base, [&](ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__node__descriptor) ++wrappers;
    return WalkAction::kDescend;
  });
  EXPECT_EQ(wrappers, 0);
}

TEST(Walk, EditsMadeWhileWalkingAreSeenAndFreedOnce) {
  // Every ColumnRef in an UPDATE's SET list gets qualified by its table; the new String node is
  // appended to the very list the walker is inside.
  ParseTree tree = parsed("UPDATE users SET a = b + c WHERE d");
  int added_seen = 0;
  walk_nodes(&tree.get()->base, [&](PgQuery__Node** slot) {
    PgQuery__Node* n = *slot;
    if (n->node_case == PG_QUERY__NODE__NODE_STRING && std::string_view(n->string->sval) == "users") ++added_seen;
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1) {
      PgQuery__ColumnRef* ref = n->column_ref;
      insert_node(&ref->fields, &ref->n_fields, 0, string_node("users"));
    }
    return WalkAction::kDescend;
  });
  EXPECT_EQ(added_seen, 3);  // the qualifiers added to b, c and d were visited too
  EXPECT_EQ(tree.deparse().value(), "UPDATE users SET a = users.b + users.c WHERE users.d");
}

}  // namespace
}  // namespace switchyard::rewrite::pg

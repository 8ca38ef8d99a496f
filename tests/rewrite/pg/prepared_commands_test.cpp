// prepared_commands: SQL-level PREPARE / EXECUTE / DEALLOCATE / DISCARD found in a Query, with
// PREPARE's type list and statement text as the client wrote them.
#include "rewrite/pg/prepared_commands.h"

#include <gtest/gtest.h>

namespace switchyard::rewrite::pg {
namespace {

using Kind = PreparedCommand::Kind;

TEST(PreparedCommands, PrepareKeepsTypesAndTextAsWritten) {
  const auto c = prepared_commands("PREPARE Get_User (int, \"text\") AS SELECT full_name FROM users WHERE id = $1");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->commands.size(), 1u);
  EXPECT_EQ(c->statements, 1u);
  EXPECT_EQ(c->commands[0].kind, Kind::kPrepare);
  EXPECT_EQ(c->commands[0].name, "get_user");  // folded, as the server names it
  EXPECT_EQ(c->commands[0].types, "(int, \"text\")");
  EXPECT_EQ(c->commands[0].query, "SELECT full_name FROM users WHERE id = $1");
}

TEST(PreparedCommands, PrepareWithoutTypesAndWithAComment) {
  const auto c = prepared_commands("/* as */ PREPARE \"Q\" AS /* x */ UPDATE users SET full_name = 'as' WHERE id = 1");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->commands.size(), 1u);
  EXPECT_EQ(c->commands[0].name, "Q");
  EXPECT_EQ(c->commands[0].types, "");
  EXPECT_EQ(c->commands[0].query, "UPDATE users SET full_name = 'as' WHERE id = 1");
}

TEST(PreparedCommands, EveryKindInOneString) {
  const auto c = prepared_commands("EXECUTE a(1, 'x'); DEALLOCATE PREPARE b; DEALLOCATE ALL; DISCARD ALL; DISCARD PLANS; SELECT 1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->statements, 6u);
  ASSERT_EQ(c->commands.size(), 4u);
  EXPECT_EQ(c->commands[0].kind, Kind::kExecute);
  EXPECT_EQ(c->commands[0].name, "a");
  EXPECT_EQ(c->commands[1].kind, Kind::kDeallocate);
  EXPECT_EQ(c->commands[1].name, "b");
  EXPECT_EQ(c->commands[2].kind, Kind::kDeallocateAll);
  EXPECT_EQ(c->commands[3].kind, Kind::kDiscardAll);
}

TEST(PreparedCommands, TextThatDoesNotParseHasNone) { EXPECT_FALSE(prepared_commands("PREPARE AS AS")); }

TEST(PreparedCommands, TheQuickCheckErrsWide) {
  EXPECT_TRUE(mentions_prepared_commands("execute foo"));
  EXPECT_TRUE(mentions_prepared_commands("  PREPARE q AS SELECT 1"));
  EXPECT_TRUE(mentions_prepared_commands("SELECT 1; DEALLOCATE ALL"));
  EXPECT_TRUE(mentions_prepared_commands("/* pool reset */ DISCARD ALL"));
  EXPECT_TRUE(mentions_prepared_commands("CREATE TABLE t AS EXECUTE q"));
  EXPECT_TRUE(mentions_prepared_commands("DELETE FROM t WHERE note = 'execute'"));  // wide: a parse
  EXPECT_FALSE(mentions_prepared_commands("SELECT prepared FROM t"));
  EXPECT_FALSE(mentions_prepared_commands("SELECT 'execute me'"));  // no statement starts so
  EXPECT_FALSE(mentions_prepared_commands("UPDATE t SET a = 1"));
}

TEST(PreparedCommands, BuiltStatementsQuoteTheName) {
  EXPECT_EQ(prepare_statement("Q\"1", "(int)", "SELECT $1"), "PREPARE \"Q\"\"1\" (int) AS SELECT $1");
  EXPECT_EQ(deallocate_statement("a"), "DEALLOCATE \"a\"");
}

}  // namespace
}  // namespace switchyard::rewrite::pg

// The MySQL rewriter for the column kinds, as tables of (phase, statement, expected): the
// rewritten text, "=" for a statement relayed as written, or "!migration: reason" for a refusal.
// The schema is tests/rewrite/mysql/column_catalog.h (users.full_name -> display_name,
// accounts.include -> include_bool, ledger.id from AUTO_INCREMENT aid, items.price_cents from
// price); in new_only the old columns are dropped. Every rewritten text must parse again.
#include "rewrite/mysql/rewriter.h"

#include <gtest/gtest.h>

#include "rewrite/mysql/parser.h"
#include "tests/rewrite/mysql/column_catalog.h"

namespace switchyard::rewrite::mysql {
namespace {

using config::Phase;

struct RewriteCase {
  Phase phase;
  const char* sql;
  const char* expected;
};

void PrintTo(const RewriteCase& c, std::ostream* os) { *os << config::to_string(c.phase) << ": " << c.sql; }

// The route read_new and new_only sessions have: every migration's reads from the new shape.
ReadRoute route_for(Phase phase) { return ReadRoute{phase >= Phase::kReadNew ? ~uint64_t{0} : 0}; }

size_t placeholders(const Tree& t, NodeId id) {
  size_t n = t.node(id).kind == Kind::kParam ? 1 : 0;
  for (NodeId c = t.node(id).first_child; c != kNoNode; c = t.node(c).next_sibling) n += placeholders(t, c);
  return n;
}

// The result as the tables spell it, after checking that a rewritten text parses again and has
// the original's ? placeholders (a prepared statement binds them by position).
std::string outcome(Phase phase, const std::string& sql, ReadRoute route) {
  const Catalog catalog = testing::column_catalog(phase, phase == Phase::kNewOnly);
  const RewriteResult r = rewrite_sql(sql, catalog, route);
  switch (r.kind) {
    case RewriteResult::Kind::kUnchanged: return "=";
    case RewriteResult::Kind::kRefused: return "!" + r.migration + ": " + r.reason;
    case RewriteResult::Kind::kRewritten: {
      const Parsed again = parse(r.sql, {});
      EXPECT_TRUE(again) << r.sql << ": " << (again ? "" : again.error().message);
      const Parsed original = parse(sql, {});
      if (again && original) {
        EXPECT_EQ(placeholders(again.tree(), again.tree().root()), placeholders(original.tree(), original.tree().root())) << r.sql;
      }
      return r.sql;
    }
  }
  return "?";
}

// Dual phases: each write also writes the other shape, or is refused.
class MysqlDualWrites : public ::testing::TestWithParam<RewriteCase> {};

TEST_P(MysqlDualWrites, AreMirroredOrRefused) {
  EXPECT_EQ(outcome(GetParam().phase, GetParam().sql, route_for(GetParam().phase)), GetParam().expected);
}

// Writes in every dual phase are the same, whichever shape the session reads: the phase's
// route changes reads only.
TEST_P(MysqlDualWrites, AreTheSameInEveryDualPhaseAndRoute) {
  for (Phase p : {Phase::kShadow, Phase::kCanary, Phase::kReadNew})
    for (ReadRoute route : {ReadRoute{0}, ReadRoute{~uint64_t{0}}})
      EXPECT_EQ(outcome(p, GetParam().sql, route), GetParam().expected) << config::to_string(p) << " route " << route.new_mask;
}

// Phase off: nothing is rewritten, whatever the statement.
TEST_P(MysqlDualWrites, AreLeftAloneInPhaseOff) { EXPECT_EQ(outcome(Phase::kOff, GetParam().sql, {}), "="); }

const RewriteCase kDualWrites[] = {
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (?, ?) ON DUPLICATE KEY UPDATE full_name = ?)sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (?, ?, (`full_name`)) ON DUPLICATE KEY UPDATE full_name = ?, `display_name` = (`full_name`))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) SELECT ?, ?)sql",
     R"sql(!users_display_name: INSERT ... SELECT: the output for full_name holds a ? placeholder, which mirroring into display_name would repeat; bind it to one column only)sql"},
    {Phase::kDualWrite, R"sql(UPDATE people p JOIN users u ON u.id = p.id SET p.name = u.full_name)sql", R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada'))sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (1, 'Ada', (`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, UUID()), (2, NOW(6)))sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (1, UUID(), (`full_name`)), (2, NOW(6), (`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name, email) VALUE (1, 'Ada', 'a@x'))sql",
     R"sql(INSERT INTO users (id, full_name, email, `display_name`) VALUE (1, 'Ada', 'a@x', (`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT IGNORE INTO users (id, full_name) VALUES (1, 'Ada'))sql",
     R"sql(INSERT IGNORE INTO users (id, full_name, `display_name`) VALUES (1, 'Ada', (`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(REPLACE INTO users (id, full_name) VALUES (1, RAND(7)))sql",
     R"sql(REPLACE INTO users (id, full_name, `display_name`) VALUES (1, RAND(7), (`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users SET id = 1, full_name = UUID())sql",
     R"sql(INSERT INTO users SET id = 1, full_name = UUID(), `display_name` = (`full_name`))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, display_name) VALUES (1, 'Ada'))sql",
     R"sql(INSERT INTO users (id, display_name, `full_name`) VALUES (1, 'Ada', (`display_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, email) VALUES (1, 'a@x'))sql",
     R"sql(INSERT INTO users (id, email, `display_name`) VALUES (1, 'a@x', (`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users () VALUES ())sql",
     R"sql(INSERT INTO users (`display_name`) VALUES ((`full_name`)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users VALUES (1, 'Ada', 'a@x', 'Ada'))sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users VALUES (1, 'Ada', 'a@x', 'Grace'))sql",
     R"sql(!users_display_name: it sets both full_name and display_name with values switchyard cannot tell are equal; write one shape)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users VALUES (1, 'Ada', 'a@x'))sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name, display_name) VALUES (1, UUID(), full_name))sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) SELECT id, name FROM people WHERE id > 3)sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) SELECT id, name, (name) FROM people WHERE id > 3)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) SELECT id, name FROM people UNION ALL SELECT 9, 'x')sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) SELECT id, name, (name) FROM people UNION ALL SELECT 9, 'x', ('x'))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) SELECT id, UUID() FROM people)sql",
     R"sql(!users_display_name: INSERT ... SELECT: the output for full_name holds UUID(), which mirroring into display_name would evaluate twice)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users SELECT * FROM people)sql",
     R"sql(!users_display_name: INSERT ... SELECT into a migrated table needs a column list, so that its columns are known)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') ON DUPLICATE KEY UPDATE full_name = VALUES(full_name))sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (1, 'Ada', (`full_name`)) ON DUPLICATE KEY UPDATE full_name = VALUES(full_name), `display_name` = (`full_name`))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') ON DUPLICATE KEY UPDATE email = 'x')sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (1, 'Ada', (`full_name`)) ON DUPLICATE KEY UPDATE email = 'x')sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, display_name) VALUES (1, 'Ada') ON DUPLICATE KEY UPDATE display_name = CONCAT(display_name, '!'))sql",
     R"sql(INSERT INTO users (id, display_name, `full_name`) VALUES (1, 'Ada', (`display_name`)) ON DUPLICATE KEY UPDATE display_name = CONCAT(display_name, '!'), `full_name` = (`display_name`))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') AS new ON DUPLICATE KEY UPDATE full_name = new.full_name)sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (1, 'Ada', (`full_name`)) AS new ON DUPLICATE KEY UPDATE full_name = new.full_name, `display_name` = (`full_name`))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') AS new(i, f) ON DUPLICATE KEY UPDATE full_name = f)sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) VALUES (1, 'Ada', (`full_name`)) AS new(i, f, `display_name`) ON DUPLICATE KEY UPDATE full_name = f, `display_name` = (`full_name`))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'a') ON DUPLICATE KEY UPDATE full_name = 'b', display_name = 'c')sql",
     R"sql(!users_display_name: ON DUPLICATE KEY UPDATE sets both shapes' columns with values switchyard cannot tell are equal; set one shape)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO accounts (aid, include, name) VALUES (1, 'X', 'a'))sql",
     R"sql(INSERT INTO accounts (aid, include, name, `include_bool`) VALUES (1, 'X', 'a', (CASE WHEN include = 'X' THEN 1 ELSE 0 END)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO accounts (aid, name) VALUES (2, 'b'))sql",
     R"sql(INSERT INTO accounts (aid, name, `include_bool`) VALUES (2, 'b', (CASE WHEN include = 'X' THEN 1 ELSE 0 END)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO accounts (aid, include_bool) VALUES (3, 1))sql",
     R"sql(INSERT INTO accounts (aid, include_bool, `include`) VALUES (3, 1, (CASE WHEN include_bool THEN 'X' ELSE '' END)))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO accounts (aid, include, include_bool) VALUES (3, 'X', 1))sql",
     R"sql(!accounts_include_bool: it sets include and columns of the other shape, which switchyard cannot tell agree; write one shape)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO ledger (amount) VALUES (5))sql",
     R"sql(!ledger_id: id is computed from the AUTO_INCREMENT column aid, whose value MySQL assigns after the row's other values, so one INSERT cannot mirror it)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO ledger (aid, amount) VALUES (7, 5))sql",
     R"sql(!ledger_id: id is computed from the AUTO_INCREMENT column aid, whose value MySQL assigns after the row's other values, so one INSERT cannot mirror it)sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO items (sku, price) VALUES (1, 2.5))sql",
     R"sql(INSERT INTO items (sku, price, `price_cents`) VALUES (1, 2.5, (ROUND(price * 100))))sql"},
    {Phase::kDualWrite, R"sql(INSERT INTO items (sku, price_cents) VALUES (1, 250))sql",
     R"sql(INSERT INTO items (sku, price_cents, `price`) VALUES (1, 250, (CAST(price_cents / 100 AS DECIMAL(10,2)))))sql"},
    {Phase::kDualWrite, R"sql(UPDATE users SET full_name = 'Ada' WHERE id = 1)sql",
     R"sql(UPDATE users SET full_name = 'Ada', `display_name` = (`full_name`) WHERE id = 1)sql"},
    {Phase::kDualWrite, R"sql(UPDATE users SET full_name = UUID() WHERE id > 1 ORDER BY id DESC LIMIT 2)sql",
     R"sql(UPDATE users SET full_name = UUID(), `display_name` = (`full_name`) WHERE id > 1 ORDER BY id DESC LIMIT 2)sql"},
    {Phase::kDualWrite, R"sql(UPDATE LOW_PRIORITY IGNORE users u SET u.full_name = CONCAT(u.full_name, '!'))sql",
     R"sql(UPDATE LOW_PRIORITY IGNORE users u SET u.full_name = CONCAT(u.full_name, '!'), `display_name` = (`full_name`))sql"},
    {Phase::kDualWrite, R"sql(UPDATE users SET display_name = 'Ada' WHERE id = 1)sql",
     R"sql(UPDATE users SET display_name = 'Ada', `full_name` = (`display_name`) WHERE id = 1)sql"},
    {Phase::kDualWrite, R"sql(UPDATE users SET email = 'x' WHERE full_name = 'Ada')sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(UPDATE users SET full_name = 'a', display_name = full_name)sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(UPDATE users SET full_name = 'a', display_name = 'b')sql",
     R"sql(!users_display_name: the UPDATE sets both full_name and columns of the other shape with values switchyard cannot tell are equal; set one shape)sql"},
    {Phase::kDualWrite, R"sql(UPDATE accounts SET include = IF(RAND() > 2, 'X', '') WHERE aid = 1)sql",
     R"sql(UPDATE accounts SET include = IF(RAND() > 2, 'X', ''), `include_bool` = (CASE WHEN include = 'X' THEN 1 ELSE 0 END) WHERE aid = 1)sql"},
    {Phase::kDualWrite, R"sql(UPDATE accounts SET include_bool = 0 WHERE aid = 1)sql",
     R"sql(UPDATE accounts SET include_bool = 0, `include` = (CASE WHEN include_bool THEN 'X' ELSE '' END) WHERE aid = 1)sql"},
    {Phase::kDualWrite, R"sql(UPDATE ledger SET amount = 3 WHERE aid = 1)sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(UPDATE ledger SET aid = aid + 100 WHERE aid = 1)sql",
     R"sql(UPDATE ledger SET aid = aid + 100, `id` = (aid) WHERE aid = 1)sql"},
    {Phase::kDualWrite, R"sql(UPDATE items SET price = price * 2 WHERE sku < 3)sql",
     R"sql(UPDATE items SET price = price * 2, `price_cents` = (ROUND(price * 100)) WHERE sku < 3)sql"},
    {Phase::kDualWrite, R"sql(UPDATE users u JOIN people p ON p.id = u.id SET u.full_name = p.name)sql",
     R"sql(!users_display_name: a multi-table UPDATE that sets full_name cannot be mirrored: MySQL does not define the order of its assignments; update the table alone)sql"},
    {Phase::kDualWrite, R"sql(UPDATE users u JOIN people p ON p.id = u.id SET u.email = p.mail)sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(DELETE FROM users WHERE full_name = 'Ada')sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(DELETE FROM users WHERE id = 1 ORDER BY id LIMIT 1)sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(DELETE u FROM users u JOIN people p ON p.id = u.id WHERE p.gone)sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(TRUNCATE TABLE users)sql",
     R"sql(=)sql"},
};

INSTANTIATE_TEST_SUITE_P(Table, MysqlDualWrites, ::testing::ValuesIn(kDualWrites));

// new_only after contract: the old columns are gone; old-shaped writes are translated.
class MysqlNewOnlyWrites : public ::testing::TestWithParam<RewriteCase> {};

TEST_P(MysqlNewOnlyWrites, AreTranslatedToTheNewShapeOrRefused) {
  EXPECT_EQ(outcome(GetParam().phase, GetParam().sql, route_for(GetParam().phase)), GetParam().expected);
}

const RewriteCase kNewOnlyWrites[] = {
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') AS new ON DUPLICATE KEY UPDATE full_name = new.full_name)sql",
     R"sql(INSERT INTO users (id, `display_name`) VALUES (1, ('Ada')) AS new ON DUPLICATE KEY UPDATE `display_name` = new.`display_name`)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') AS new(i, f) ON DUPLICATE KEY UPDATE full_name = f)sql",
     R"sql(!users_display_name: a row alias with a column list is not translated in new_only; use VALUES(col))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO accounts SET aid = 1, include = 'X' AS n ON DUPLICATE KEY UPDATE include = n.include)sql",
     R"sql(INSERT INTO accounts SET aid = 1, `include_bool` = (CASE WHEN ('X') = 'X' THEN 1 ELSE 0 END) AS n ON DUPLICATE KEY UPDATE `include_bool` = n.`include_bool`)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) SELECT ?, ?)sql", R"sql(INSERT INTO users (id, `display_name`) SELECT ?, (?))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (?, ?) ON DUPLICATE KEY UPDATE full_name = ?)sql",
     R"sql(INSERT INTO users (id, `display_name`) VALUES (?, (?)) ON DUPLICATE KEY UPDATE `display_name` = (?))sql"},
    {Phase::kNewOnly, R"sql(UPDATE users SET full_name = ? WHERE id = ?)sql", R"sql(UPDATE users SET `display_name` = (?) WHERE id = ?)sql"},
    {Phase::kNewOnly, R"sql(UPDATE people SET name = (SELECT full_name FROM users WHERE users.id = people.id))sql",
     R"sql(UPDATE people SET name = (SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users WHERE users.id = people.id))sql"},
    {Phase::kNewOnly, R"sql(UPDATE people p JOIN users u ON u.id = p.id SET p.name = u.full_name)sql",
     R"sql(!users_display_name: a multi-table UPDATE that reads the old column full_name is not translated in new_only; name the new column)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada'), (2, UUID()))sql",
     R"sql(INSERT INTO users (id, `display_name`) VALUES (1, ('Ada')), (2, (UUID())))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users SET id = 1, full_name = NOW(6))sql",
     R"sql(INSERT INTO users SET id = 1, `display_name` = (NOW(6)))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, display_name) VALUES (1, 'Ada'))sql",
     R"sql(=)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) SELECT id, name FROM people)sql",
     R"sql(INSERT INTO users (id, `display_name`) SELECT id, (name) FROM people)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users VALUES (1, 'Ada', 'a@x'))sql",
     R"sql(!users_display_name: INSERT without a column list into a migrated table: list the columns)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') ON DUPLICATE KEY UPDATE full_name = VALUES(full_name))sql",
     R"sql(INSERT INTO users (id, `display_name`) VALUES (1, ('Ada')) ON DUPLICATE KEY UPDATE `display_name` = VALUES(`display_name`))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'Ada') ON DUPLICATE KEY UPDATE email = full_name)sql",
     R"sql(INSERT INTO users (id, `display_name`) VALUES (1, ('Ada')) ON DUPLICATE KEY UPDATE email = (`display_name`))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO accounts (aid, include, name) VALUES (1, 'X', 'a'))sql",
     R"sql(INSERT INTO accounts (aid, `include_bool`, name) VALUES (1, (CASE WHEN ('X') = 'X' THEN 1 ELSE 0 END), 'a'))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO accounts (aid, include, name) VALUES (1, DEFAULT, 'a'))sql",
     R"sql(INSERT INTO accounts (aid, `include_bool`, name) VALUES (1, (CASE WHEN ('') = 'X' THEN 1 ELSE 0 END), 'a'))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO accounts (aid, name) VALUES (2, 'b'))sql",
     R"sql(INSERT INTO accounts (aid, name, `include_bool`) VALUES (2, 'b', (CASE WHEN ('') = 'X' THEN 1 ELSE 0 END)))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO accounts (aid, include) VALUES (1, 'X') ON DUPLICATE KEY UPDATE include = VALUES(include))sql",
     R"sql(INSERT INTO accounts (aid, `include_bool`) VALUES (1, (CASE WHEN ('X') = 'X' THEN 1 ELSE 0 END)) ON DUPLICATE KEY UPDATE `include_bool` = VALUES(`include_bool`))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO items (sku, price, note) VALUES (1, 2.5, 'n'))sql",
     R"sql(INSERT INTO items (sku, `price_cents`, note) VALUES (1, (ROUND((2.5) * 100)), 'n'))sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO items (sku, price) VALUES (1, 2.5) ON DUPLICATE KEY UPDATE price = price + VALUES(price))sql",
     R"sql(INSERT INTO items (sku, `price_cents`) VALUES (1, (ROUND((2.5) * 100))) ON DUPLICATE KEY UPDATE `price_cents` = (ROUND(((CAST(price_cents / 100 AS DECIMAL(10,2))) + (CAST((VALUES(`price_cents`)) / 100 AS DECIMAL(10,2)))) * 100)))sql"},
    {Phase::kNewOnly, R"sql(UPDATE users SET full_name = UUID() WHERE full_name IS NULL ORDER BY full_name LIMIT 3)sql",
     R"sql(UPDATE users SET `display_name` = (UUID()) WHERE (`display_name`) IS NULL ORDER BY (`display_name`) LIMIT 3)sql"},
    {Phase::kNewOnly, R"sql(UPDATE users u SET u.full_name = CONCAT(u.full_name, '!') WHERE u.id = 1)sql",
     R"sql(UPDATE users u SET `display_name` = (CONCAT((u.`display_name`), '!')) WHERE u.id = 1)sql"},
    {Phase::kNewOnly, R"sql(UPDATE users SET email = full_name)sql",
     R"sql(UPDATE users SET email = (`display_name`))sql"},
    {Phase::kNewOnly, R"sql(UPDATE users SET display_name = 'x' WHERE id = 2)sql",
     R"sql(=)sql"},
    {Phase::kNewOnly, R"sql(UPDATE accounts SET include = 'X' WHERE include = '')sql",
     R"sql(UPDATE accounts SET `include_bool` = (CASE WHEN ('X') = 'X' THEN 1 ELSE 0 END) WHERE (CASE WHEN include_bool THEN 'X' ELSE '' END) = '')sql"},
    {Phase::kNewOnly, R"sql(UPDATE accounts SET include = IF(RAND() > 2, 'X', ''))sql",
     R"sql(UPDATE accounts SET `include_bool` = (CASE WHEN (IF(RAND() > 2, 'X', '')) = 'X' THEN 1 ELSE 0 END))sql"},
    {Phase::kNewOnly, R"sql(UPDATE items SET price = RAND())sql",
     R"sql(UPDATE items SET `price_cents` = (ROUND((RAND()) * 100)))sql"},
    {Phase::kNewOnly, R"sql(UPDATE users SET email = 'x' WHERE id IN (SELECT id FROM people WHERE full_name = 'x'))sql",
     R"sql(!users_display_name: a subquery names the old column full_name, which new_only no longer has and switchyard does not translate inside subqueries)sql"},
    {Phase::kNewOnly, R"sql(UPDATE users u JOIN people p ON p.id = u.id SET u.email = p.mail WHERE u.full_name = 'x')sql",
     R"sql(!users_display_name: a multi-table UPDATE that reads the old column full_name is not translated in new_only; name the new column)sql"},
    {Phase::kNewOnly, R"sql(DELETE FROM users WHERE full_name = 'Ada' ORDER BY full_name LIMIT 1)sql",
     R"sql(DELETE FROM users WHERE (`display_name`) = 'Ada' ORDER BY (`display_name`) LIMIT 1)sql"},
    {Phase::kNewOnly, R"sql(DELETE FROM users WHERE id = 1)sql",
     R"sql(=)sql"},
    {Phase::kNewOnly, R"sql(INSERT INTO users (id, full_name) VALUES (1, 'a') RETURNING full_name)sql",
     R"sql(!users_display_name: RETURNING of old columns (or *) is not translated in new_only; return the new columns)sql"},
};

INSTANTIATE_TEST_SUITE_P(Table, MysqlNewOnlyWrites, ::testing::ValuesIn(kNewOnlyWrites));

class MysqlColumnReads : public ::testing::TestWithParam<RewriteCase> {};

TEST_P(MysqlColumnReads, AreServedFromThePhasesShape) {
  EXPECT_EQ(outcome(GetParam().phase, GetParam().sql, route_for(GetParam().phase)), GetParam().expected);
}

const RewriteCase kReads[] = {
    {Phase::kDualWrite, R"sql(SELECT full_name FROM users WHERE id = 1)sql",
     R"sql(=)sql"},
    {Phase::kReadNew, R"sql(SELECT full_name FROM users WHERE id = 1)sql",
     R"sql(SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users WHERE id = 1)sql"},
    {Phase::kReadNew, R"sql(SELECT id, email FROM users)sql",
     R"sql(=)sql"},
    {Phase::kReadNew, R"sql(SELECT display_name FROM users)sql",
     R"sql(=)sql"},
    {Phase::kDualWrite, R"sql(SELECT display_name FROM users)sql",
     R"sql(SELECT display_name FROM (SELECT `id`, `full_name`, `email`, (`full_name`) AS `display_name` FROM users) AS users)sql"},
    {Phase::kReadNew, R"sql(SELECT * FROM users ORDER BY id)sql",
     R"sql(SELECT * FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users ORDER BY id)sql"},
    {Phase::kReadNew, R"sql(SELECT u.*, p.name FROM users AS u LEFT JOIN people p USING (id))sql",
     R"sql(SELECT u.*, p.name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS u LEFT JOIN people p USING (id))sql"},
    {Phase::kReadNew, R"sql(SELECT full_name FROM app.users WHERE app.users.id = 1)sql",
     R"sql(SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM app.users) AS users WHERE users.id = 1)sql"},
    {Phase::kReadNew, R"sql(SELECT full_name FROM users FORCE INDEX (PRIMARY) WHERE id = 1)sql",
     R"sql(SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users FORCE INDEX (PRIMARY)) AS users WHERE id = 1)sql"},
    {Phase::kReadNew, R"sql(SELECT name FROM people WHERE id IN (SELECT id FROM users WHERE full_name LIKE 'A%'))sql",
     R"sql(SELECT name FROM people WHERE id IN (SELECT id FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users WHERE full_name LIKE 'A%'))sql"},
    {Phase::kReadNew, R"sql(WITH users AS (SELECT 1 AS full_name) SELECT full_name FROM users)sql",
     R"sql(=)sql"},
    {Phase::kReadNew, R"sql(SELECT include, name FROM accounts)sql",
     R"sql(SELECT include, name FROM (SELECT `aid`, (CASE WHEN include_bool THEN 'X' ELSE '' END) AS `include`, `name`, `include_bool` FROM accounts) AS accounts)sql"},
    {Phase::kDualWrite, R"sql(SELECT include_bool FROM accounts)sql",
     R"sql(SELECT include_bool FROM (SELECT `aid`, `include`, `name`, (CASE WHEN include = 'X' THEN 1 ELSE 0 END) AS `include_bool` FROM accounts) AS accounts)sql"},
    {Phase::kReadNew, R"sql(SELECT price FROM items UNION SELECT price FROM items)sql",
     R"sql(SELECT price FROM (SELECT `sku`, (CAST(price_cents / 100 AS DECIMAL(10,2))) AS `price`, `note`, `price_cents` FROM items) AS items UNION SELECT price FROM (SELECT `sku`, (CAST(price_cents / 100 AS DECIMAL(10,2))) AS `price`, `note`, `price_cents` FROM items) AS items)sql"},
    {Phase::kReadNew, R"sql(INSERT INTO people (id, name) SELECT id, full_name FROM users)sql",
     R"sql(INSERT INTO people (id, name) SELECT id, full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users)sql"},
    {Phase::kReadNew, R"sql(UPDATE people SET name = (SELECT full_name FROM users WHERE users.id = people.id))sql",
     R"sql(UPDATE people SET name = (SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users WHERE users.id = people.id))sql"},
    {Phase::kNewOnly, R"sql(SELECT * FROM users)sql",
     R"sql(SELECT * FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users)sql"},
    {Phase::kNewOnly, R"sql(SELECT full_name FROM users WHERE full_name = 'Ada')sql",
     R"sql(SELECT full_name FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users WHERE full_name = 'Ada')sql"},
    {Phase::kReadNew, R"sql(INSERT INTO users (id, full_name) SELECT id + 100, full_name FROM users)sql",
     R"sql(INSERT INTO users (id, full_name, `display_name`) SELECT id + 100, full_name, (full_name) FROM (SELECT `id`, (`display_name`) AS `full_name`, `email`, `display_name` FROM users) AS users)sql"},
    {Phase::kReadNew, R"sql(SELECT COUNT(*) FROM users)sql",
     R"sql(=)sql"},
};

INSTANTIATE_TEST_SUITE_P(Table, MysqlColumnReads, ::testing::ValuesIn(kReads));

}  // namespace
}  // namespace switchyard::rewrite::mysql

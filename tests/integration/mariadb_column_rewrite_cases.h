// The statements of the MariaDB column-rewrite oracle (mariadb_column_rewrite_test.cpp), over
// tests/rewrite/mysql/column_catalog.h's users, accounts and items and a plain people table.
// `shape`: which shape the reference database's triggers complete for the statement's INSERT
// and UPDATE parts ("old": they set the new column from the old one, "new": the old from the new,
// "" neither; "old/new": the INSERT part old-shaped, the UPDATE part new-shaped). `volatile_`:
// the values differ between two databases (UUID(), RAND(), SYSDATE()), so rows are compared
// through consistency checks (new column = up(old)) instead of values. `dual_only`: not run in
// new_only (it names the old column as written, which new_only's table no longer has).
// `random_count`: how many rows change is itself random (affected rows and info not compared).
// `old_type_warns`: storing the value in the old column warns (a DECIMAL rounding note); in
// new_only no old column is written, so neither are its warnings (docs/migrations.md says so):
// warnings and info are not compared there.
#pragma once

namespace switchyard::test_support::column_oracle {

struct OracleCase {
  const char* sql;
  const char* shape;
  bool volatile_ = false;
  bool dual_only = false;
  bool random_count = false;
  bool old_type_warns = false;
};

inline constexpr OracleCase kCases[] = {
    // rename_column users.full_name -> display_name, old-shaped.
    {"INSERT INTO users (id, full_name, email) VALUES (10, 'Ken', 'k@x')", "old"},
    {"INSERT INTO users (id, full_name) VALUES (11, 'A'), (12, 'B'), (13, NULL)", "old"},
    {"INSERT INTO users (id, full_name) VALUE (14, UUID())", "old", true},
    {"INSERT INTO users (id, full_name) VALUES (15, NOW(6)), (16, SYSDATE(6))", "old", true},
    {"INSERT INTO users SET id = 17, full_name = 'Set', email = 'set@x'", "old"},
    {"INSERT INTO users SET id = 18, full_name = UUID()", "old", true},
    {"INSERT IGNORE INTO users (id, full_name) VALUES (1, 'dup'), (19, 'new')", "old"},
    {"REPLACE INTO users (id, full_name, email) VALUES (1, 'Ada2', 'a2@x')", "old"},
    {"REPLACE INTO users SET id = 2, full_name = 'G2'", "old"},
    {"REPLACE INTO users (id, full_name) VALUES (20, UUID()), (1, UUID())", "old", true},
    {"INSERT INTO users (id, full_name) SELECT id + 100, name FROM people", "old"},
    {"INSERT INTO users (id, full_name, email) SELECT id + 200, CONCAT(name, '!'), mail FROM people WHERE id > 1 ORDER BY id LIMIT 2", "old"},
    {"INSERT INTO users (id, full_name) SELECT id + 300, name FROM people UNION ALL SELECT 399, 'u'", "old"},
    {"INSERT IGNORE INTO users (id, full_name) SELECT id, name FROM people", "old"},
    {"INSERT INTO users (id, full_name) VALUES (1, 'Ada3') ON DUPLICATE KEY UPDATE full_name = VALUES(full_name)", "old"},
    {"INSERT INTO users (id, full_name) VALUES (2, 'x') ON DUPLICATE KEY UPDATE full_name = CONCAT(full_name, '+', VALUES(full_name))", "old"},
    {"INSERT INTO users (id, full_name) VALUES (1, 'x'), (30, 'y') ON DUPLICATE KEY UPDATE full_name = UUID()", "old", true},
    {"INSERT INTO users (id, email) VALUES (1, 'e'), (31, 'f') ON DUPLICATE KEY UPDATE email = VALUES(email)", "old/"},
    {"INSERT INTO users (id, full_name) SELECT id, name FROM people ON DUPLICATE KEY UPDATE full_name = VALUES(full_name)", "old"},
    {"INSERT INTO users (id, full_name) VALUES (3, 'k') ON DUPLICATE KEY UPDATE email = 'set', full_name = email", "old"},
    {"UPDATE users SET full_name = 'Zed' WHERE id = 1", "old"},
    {"UPDATE users SET full_name = UPPER(full_name)", "old"},
    {"UPDATE users SET full_name = UUID() WHERE id > 1", "old", true},
    {"UPDATE users SET full_name = CONCAT(full_name, '?') WHERE full_name IS NOT NULL ORDER BY id DESC LIMIT 2", "old"},
    {"UPDATE IGNORE users SET id = id + 1, full_name = 'bump' WHERE id = 4", "old"},
    {"UPDATE users u SET u.full_name = 'alias' WHERE u.id = 2", "old"},
    {"UPDATE users SET email = 'only', full_name = email WHERE id = 3", "old"},
    {"UPDATE users SET email = 'z' WHERE full_name = 'Ada'", ""},
    {"UPDATE users SET full_name = (SELECT name FROM people WHERE people.id = users.id) WHERE id < 3", "old"},
    {"UPDATE users SET full_name = NULL WHERE id = 4", "old"},
    {"UPDATE users SET full_name = DEFAULT WHERE id = 1", "old"},
    {"UPDATE users SET full_name = CONCAT('#', id) WHERE id IN (SELECT id FROM people)", "old"},
    {"UPDATE users SET full_name = 'same' WHERE id = 999", "old"},
    {"INSERT INTO users (id, full_name) VALUES (50, 'a'), (51, 'b'), (52, SUBSTRING(UUID(), 1, 8))", "old", true},
    // ... new-shaped.
    {"INSERT INTO users (id, display_name) VALUES (40, 'New')", "new"},
    {"INSERT INTO users SET id = 41, display_name = UUID()", "new", true},
    {"INSERT INTO users (id, display_name) VALUES (1, 'n') ON DUPLICATE KEY UPDATE display_name = VALUES(display_name)", "new"},
    {"UPDATE users SET display_name = 'NewName' WHERE id = 2", "new"},
    {"UPDATE users SET display_name = CONCAT(display_name, '#') ORDER BY id LIMIT 3", "new"},
    {"REPLACE INTO users (id, display_name, email) VALUES (3, 'R', 'r@x')", "new"},
    {"INSERT INTO users (id, display_name) SELECT id + 500, name FROM people", "new"},
    {"UPDATE users SET display_name = UUID() WHERE id < 3", "new", true},
    // ... both, consistently.
    {"INSERT INTO users (id, full_name, display_name) VALUES (42, 'Both', 'Both')", "", false, true},
    {"UPDATE users SET full_name = 'B2', display_name = full_name WHERE id = 1", "", false, true},
    // ... DELETE.
    {"DELETE FROM users WHERE full_name = 'Ada'", ""},
    {"DELETE FROM users WHERE id > 2 ORDER BY id LIMIT 1", ""},
    {"DELETE FROM users WHERE display_name LIKE 'G%'", ""},
    // change_column accounts.include CHAR(1) -> include_bool.
    {"INSERT INTO accounts (aid, include, name) VALUES (10, 'X', 'x')", "old"},
    {"INSERT INTO accounts (aid, include, name) VALUES (11, '', 'y'), (12, 'X', 'z')", "old"},
    {"INSERT INTO accounts (aid, name) VALUES (13, 'dflt')", "old"},
    {"INSERT INTO accounts (aid, include, name) VALUES (14, DEFAULT, 'd')", "old"},
    {"INSERT INTO accounts SET aid = 15, include = IF(RAND() < 2, 'X', '')", "old"},
    {"INSERT INTO accounts (aid, include) VALUES (1, '') ON DUPLICATE KEY UPDATE include = VALUES(include)", "old"},
    {"INSERT INTO accounts (aid, include) VALUES (2, 'X') ON DUPLICATE KEY UPDATE name = 'dup'", "old/"},
    {"REPLACE INTO accounts (aid, include, name) VALUES (3, '', 'rep')", "old"},
    {"INSERT INTO accounts (aid, include, name) SELECT id + 20, IF(id % 2 = 0, 'X', ''), name FROM people", "old"},
    {"UPDATE accounts SET include = '' WHERE aid = 1", "old"},
    {"UPDATE accounts SET include = IF(include = 'X', '', 'X')", "old"},
    {"UPDATE accounts SET include = 'X' WHERE include = '' ORDER BY aid LIMIT 1", "old"},
    {"UPDATE accounts SET name = 'n2' WHERE include = 'X'", ""},
    {"UPDATE accounts SET include = IF(RAND() > 0.5, 'X', '')", "old", true, false, true},
    {"INSERT INTO accounts (aid, include_bool, name) VALUES (16, 1, 'nb')", "new"},
    {"UPDATE accounts SET include_bool = 0 WHERE aid = 3", "new"},
    {"UPDATE accounts SET include_bool = NOT include_bool", "new"},
    {"INSERT INTO accounts (aid, include_bool) VALUES (1, 0) ON DUPLICATE KEY UPDATE include_bool = VALUES(include_bool)", "new"},
    {"DELETE FROM accounts WHERE include = 'X' ORDER BY aid LIMIT 1", ""},
    {"INSERT INTO accounts (aid, include, name) VALUES (1, 'X', 'a') ON DUPLICATE KEY UPDATE include = IF(include = 'X', '', 'X')", "old"},
    // IGNORE stores 'XYZ' truncated to 'X' (a warning): the mirror reads the stored 'X'. Not in
    // new_only, where no old column stores it and up reads 'XYZ' (docs/migrations.md, limits).
    {"INSERT IGNORE INTO accounts (aid, include, name) VALUES (17, 'XYZ', 't')", "old", false, true},
    {"UPDATE IGNORE accounts SET include = 'XX' WHERE aid = 2", "old", false, true},
    // add_column items.price_cents from ROUND(price * 100), down price.
    {"INSERT INTO items (sku, price, note) VALUES (10, 1.25, 'n')", "old"},
    {"INSERT INTO items (sku, price) VALUES (11, 3.5), (18, 0.01)", "old"},
    {"INSERT INTO items (sku, price) VALUES (12, RAND())", "old", true, false, false, true},
    {"INSERT INTO items SET sku = 13, price = 7", "old"},
    {"INSERT INTO items (sku, note) VALUES (14, 'noprice')", "old"},
    {"INSERT INTO items (sku, price) VALUES (1, 5) ON DUPLICATE KEY UPDATE price = price + VALUES(price)", "old"},
    {"INSERT INTO items (sku, price) VALUES (2, 1) ON DUPLICATE KEY UPDATE price = RAND()", "old", true, false, false, true},
    {"REPLACE INTO items (sku, price, note) VALUES (3, 9.99, 'r')", "old"},
    {"INSERT INTO items (sku, price, note) SELECT id + 30, id * 1.5, name FROM people", "old"},
    {"UPDATE items SET price = price * 2 WHERE sku < 3", "old"},
    // 100 + : never the price a row has, so how many rows change is not left to chance.
    {"UPDATE items SET price = 100 + RAND() * 10 ORDER BY sku LIMIT 2", "old", true, false, false, true},
    {"UPDATE items SET price = LAST_INSERT_ID(price + 1) WHERE sku = 2", "old"},
    {"UPDATE items SET note = 'n', price = price + 1 WHERE price > 1", "old"},
    {"UPDATE items SET price = NULL WHERE sku = 3", "old"},
    {"INSERT INTO items (sku, price_cents) VALUES (15, 1234)", "new"},
    {"UPDATE items SET price_cents = price_cents + 1", "new"},
    {"UPDATE items SET price_cents = 5 WHERE sku = 1 LIMIT 1", "new"},
    {"DELETE FROM items WHERE price > 5", ""},
    {"INSERT INTO items (sku, price, note) VALUES (16, 1, 'a'), (1, 2, 'b') ON DUPLICATE KEY UPDATE note = 'dup'", "old/"},
    // MariaDB's RETURNING (new_only refuses old columns in it), and writes that read the table.
    {"INSERT INTO users (id, full_name) VALUES (80, 'r') RETURNING id, display_name, full_name", "old", false, true},
    {"DELETE FROM users WHERE id = 1 RETURNING full_name, display_name", "", false, true},
    {"INSERT INTO users (id, full_name) SELECT id + 600, full_name FROM users WHERE id < 3", "old"},
    {"UPDATE people SET name = (SELECT full_name FROM users WHERE users.id = people.id)", ""},
    // Reads: served from the phase's shape, with the old names, order and values.
    {"SELECT id, full_name FROM users ORDER BY id", ""},
    {"SELECT * FROM users ORDER BY id", ""},
    {"SELECT u.full_name, p.name FROM users u JOIN people p ON p.id = u.id ORDER BY u.id", ""},
    {"SELECT include, COUNT(*) FROM accounts GROUP BY include ORDER BY include", ""},
    {"SELECT * FROM accounts WHERE include = 'X' ORDER BY aid", ""},
    {"SELECT price FROM items WHERE price > 1 ORDER BY sku", ""},
    {"SELECT display_name FROM users ORDER BY id", ""},
    {"SELECT sku, price FROM items WHERE sku IN (SELECT sku FROM items WHERE price < 5) ORDER BY sku", ""},
    {"SELECT name FROM people WHERE id IN (SELECT id FROM users WHERE full_name LIKE 'A%') ORDER BY id", ""},
    {"SELECT a.name, a.include, i.price FROM accounts a JOIN items i ON i.sku = a.aid ORDER BY a.aid", ""},
    {"SELECT t.full_name FROM (SELECT full_name, id FROM users) t ORDER BY t.id", ""},
    {"WITH x AS (SELECT id, full_name FROM users) SELECT full_name FROM x ORDER BY id", ""},
    {"SELECT full_name FROM users UNION ALL SELECT name FROM people ORDER BY 1", ""},
};

}  // namespace switchyard::test_support::column_oracle

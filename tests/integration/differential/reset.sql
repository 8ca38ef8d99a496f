-- The rows every case of the differential test starts from, in A and in B, with both shapes
-- equal; B's triggers stay out of it (session_replication_role).
SET session_replication_role = replica;
DELETE FROM people; DELETE FROM users; DELETE FROM accounts; DELETE FROM inovices; DELETE FROM invoices;
DELETE FROM legacy_items; DELETE FROM items;
INSERT INTO people VALUES (2, 'Alan M. Turing', 'alan@example.com'), (4, 'Grace B. Hopper', NULL), (5, 'B. Liskov', NULL);
INSERT INTO users VALUES (1, 'Ada Lovelace', 'ada@example.com', 'Ada Lovelace'), (2, 'Alan Turing', NULL, 'Alan Turing'),
  (3, NULL, 'nobody@example.com', NULL), (4, 'Grace Hopper', 'grace@example.com', 'Grace Hopper'),
  (5, 'Barbara Liskov', NULL, 'Barbara Liskov');
INSERT INTO accounts SELECT g, CASE WHEN g % 2 = 1 THEN 'X' ELSE '' END, 'acct ' || g, g % 2 = 1, g
  FROM generate_series(1, 5) g;
INSERT INTO inovices SELECT g, 'cust ' || g, g * 10, NULL FROM generate_series(1, 5) g;
INSERT INTO invoices SELECT * FROM inovices;
INSERT INTO legacy_items SELECT g, 'item ' || g, g * 100 + 50 FROM generate_series(1, 5) g;
INSERT INTO items SELECT id, title, price_cents / 100.0 FROM legacy_items;
SELECT setval('accounts_aid_seq', 5), setval('inovices_id_seq', 5), setval('invoices_id_seq', 5),
       setval('legacy_items_id_seq', 5);
SET session_replication_role = origin;

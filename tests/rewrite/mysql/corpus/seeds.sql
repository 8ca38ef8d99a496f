-- The seed articles' MySQL DML (/work/shared/seeds/)
UPDATE accounts SET include_bool = CASE WHEN include = "X" THEN 1 ELSE 0 END
UPDATE accounts SET id = aid WHERE id IS NULL
INSERT INTO Account (id, name, user_id, type) SELECT id, name, user_id, CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END FROM legacy_accounts
UPDATE accounts SET user_id = (SELECT id FROM User WHERE username = 'target_user')
UPDATE accounts SET include = CASE WHEN include = "1" THEN "X" WHEN include = "0" THEN "" END
UPDATE users SET email_verified = (email IS NOT NULL)
UPDATE users SET new_email = email
SELECT COUNT(*) FROM users WHERE email != new_email
UPDATE users SET username = user_name WHERE username IS NULL
SELECT * FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)
SELECT COUNT(*) FROM users WHERE email IS NULL
UPDATE users SET email = 'unknown@example.com' WHERE email IS NULL AND id BETWEEN ? AND ?
UPDATE users SET normalized_email = LOWER(email) WHERE normalized_email IS NULL
INSERT INTO invoices (id, customer, amount) SELECT id, customer, amount FROM inovices WHERE id > 100 ORDER BY id LIMIT 1000
SELECT id, customer, amount FROM inovices WHERE id = 5

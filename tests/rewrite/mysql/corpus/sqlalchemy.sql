-- SQLAlchemy 1.4, mysql+pymysql (parameters interpolated by PyMySQL)
SELECT users.id AS users_id, users.name AS users_name, users.fullname AS users_fullname FROM users WHERE users.id = 5
SELECT users.id, users.name FROM users WHERE users.name IN ('a', 'b') ORDER BY users.id LIMIT 10, 5
SELECT count(*) AS count_1 FROM (SELECT users.id AS users_id FROM users WHERE users.name LIKE concat('%', 'ed', '%')) AS anon_1
INSERT INTO users (name, fullname) VALUES ('ed', 'Ed Jones')
INSERT INTO users (name, fullname) VALUES ('a', 'A'), ('b', 'B')
INSERT INTO users (id, name) VALUES (1, 'ed') ON DUPLICATE KEY UPDATE name = VALUES(name)
UPDATE users SET fullname='Ed J' WHERE users.id = 5
UPDATE users SET name=upper(users.name) WHERE users.name = 'ed'
DELETE FROM users WHERE users.id = 5
SELECT users.id, addresses.email_address FROM users INNER JOIN addresses ON users.id = addresses.user_id WHERE addresses.email_address = 'ed@example.com'
SELECT users.id FROM users WHERE EXISTS (SELECT * FROM addresses WHERE users.id = addresses.user_id AND addresses.email_address LIKE '%@example.com')
SELECT users.id FROM users WHERE users.id = 1 FOR UPDATE
SELECT users.id FROM users WHERE users.id = 1 LOCK IN SHARE MODE
SELECT users.name, count(addresses.id) AS count_1 FROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id GROUP BY users.name HAVING count(addresses.id) > 1
SELECT users.id FROM users WHERE users.id = 1 UNION SELECT users.id FROM users WHERE users.id = 2
SELECT CASE WHEN (users.name = 'ed') THEN 'E' ELSE 'X' END AS anon_1 FROM users
UPDATE users, addresses SET addresses.email_address=users.name WHERE users.id = addresses.user_id
DELETE FROM users USING users, addresses WHERE users.id = addresses.user_id AND addresses.email_address = 'x'

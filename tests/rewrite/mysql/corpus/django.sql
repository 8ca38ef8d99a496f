-- Django 3.2, django.db.backends.mysql
SELECT `auth_user`.`id`, `auth_user`.`password`, `auth_user`.`last_login`, `auth_user`.`is_superuser`, `auth_user`.`username`, `auth_user`.`email` FROM `auth_user` WHERE `auth_user`.`username` = 'alice' LIMIT 21
SELECT `blog_article`.`id`, `blog_article`.`title` FROM `blog_article` WHERE `blog_article`.`id` = 1 LIMIT 21
SELECT (1) AS `a` FROM `blog_article` WHERE `blog_article`.`slug` = 'hello' LIMIT 1
SELECT COUNT(*) AS `__count` FROM `blog_article`
SELECT COUNT(*) AS `__count` FROM `blog_article` WHERE `blog_article`.`published` IS NOT NULL
INSERT INTO `blog_article` (`title`, `slug`, `body`, `author_id`, `published`) VALUES ('Hello', 'hello', 'Body', 1, '2024-05-01 10:00:00.000000')
INSERT INTO `blog_article` (`title`, `slug`, `body`, `author_id`, `published`) VALUES ('A', 'a', 'x', 1, NULL), ('B', 'b', 'y', 2, NULL)
INSERT IGNORE INTO `blog_tag` (`name`) VALUES ('db'), ('sql')
INSERT INTO `blog_tag` (`id`, `name`) VALUES (1, 'db') ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)
UPDATE `blog_article` SET `title` = 'New', `body` = 'Body' WHERE `blog_article`.`id` = 1
UPDATE `blog_article` SET `views` = (`blog_article`.`views` + 1) WHERE `blog_article`.`id` = 1
UPDATE `blog_article` SET `published` = NULL WHERE `blog_article`.`author_id` IN (SELECT U0.`id` FROM `auth_user` U0 WHERE U0.`is_active` = False)
DELETE FROM `blog_article` WHERE `blog_article`.`id` IN (1, 2, 3)
DELETE FROM `blog_article_tags` WHERE `blog_article_tags`.`article_id` IN (1)
SELECT `blog_article`.`id`, `blog_article`.`title`, `auth_user`.`username` FROM `blog_article` INNER JOIN `auth_user` ON (`blog_article`.`author_id` = `auth_user`.`id`) WHERE `auth_user`.`is_active` ORDER BY `blog_article`.`published` DESC LIMIT 10
SELECT `blog_article`.`id` FROM `blog_article` LEFT OUTER JOIN `blog_article_tags` ON (`blog_article`.`id` = `blog_article_tags`.`article_id`) WHERE `blog_article_tags`.`tag_id` IS NULL
SELECT `blog_article`.`id` FROM `blog_article` WHERE `blog_article`.`title` LIKE BINARY '%Hello%'
SELECT `blog_article`.`id` FROM `blog_article` WHERE `blog_article`.`title` LIKE '%hello%'
SELECT `blog_article`.`id` FROM `blog_article` WHERE `blog_article`.`title` REGEXP BINARY '^H'
SELECT `blog_article`.`id` FROM `blog_article` WHERE `blog_article`.`published` BETWEEN '2024-01-01 00:00:00' AND '2024-12-31 23:59:59.999999'
SELECT `blog_article`.`id` FROM `blog_article` WHERE EXTRACT(YEAR FROM `blog_article`.`published`) = 2024
SELECT `blog_article`.`author_id`, COUNT(`blog_article`.`id`) AS `n` FROM `blog_article` GROUP BY `blog_article`.`author_id` ORDER BY NULL
SELECT `blog_article`.`id` FROM `blog_article` WHERE `blog_article`.`id` = 1 LIMIT 21 FOR UPDATE
SELECT `blog_article`.`id`, CAST(`blog_article`.`views` AS signed integer) AS `v` FROM `blog_article`
SELECT DISTINCT `blog_article`.`author_id` FROM `blog_article` ORDER BY `blog_article`.`author_id` ASC
SELECT `blog_article`.`id` FROM `blog_article` WHERE (`blog_article`.`views` > 10 OR NOT (`blog_article`.`published` IS NULL)) LIMIT 5 OFFSET 10

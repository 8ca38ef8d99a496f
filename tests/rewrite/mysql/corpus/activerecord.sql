-- ActiveRecord 7, mysql2 adapter
SELECT `users`.* FROM `users` WHERE `users`.`id` = 1 LIMIT 1
SELECT `users`.* FROM `users` WHERE `users`.`email` = 'a@example.com' LIMIT 1
SELECT 1 AS one FROM `users` WHERE `users`.`email` = 'a@example.com' LIMIT 1
SELECT COUNT(*) FROM `users`
SELECT `users`.`id` FROM `users` WHERE `users`.`id` IN (1, 2, 3)
INSERT INTO `users` (`name`, `email`, `created_at`, `updated_at`) VALUES ('Ann', 'a@example.com', '2024-05-01 10:00:00.123456', '2024-05-01 10:00:00.123456')
UPDATE `users` SET `users`.`name` = 'Anne', `users`.`updated_at` = '2024-05-01 10:01:00.000000' WHERE `users`.`id` = 1
UPDATE `users` SET `users`.`active` = FALSE WHERE `users`.`last_login` < '2023-01-01 00:00:00'
UPDATE `posts` SET `posts`.`comments_count` = COALESCE(`posts`.`comments_count`, 0) + 1 WHERE `posts`.`id` = 7
DELETE FROM `users` WHERE `users`.`id` = 1
INSERT INTO `users` (`id`,`name`,`email`,`created_at`,`updated_at`) VALUES (1, 'Ann', 'a@example.com', '2024-05-01 10:00:00', '2024-05-01 10:00:00') ON DUPLICATE KEY UPDATE `name`=VALUES(`name`),`updated_at`=(CASE WHEN (`users`.`name` <=> VALUES(`name`)) THEN `users`.`updated_at` ELSE VALUES(`updated_at`) END)
INSERT IGNORE INTO `users` (`name`,`email`,`created_at`,`updated_at`) VALUES ('B', 'b@example.com', '2024-05-01 10:00:00', '2024-05-01 10:00:00')
SELECT `users`.* FROM `users` INNER JOIN `posts` ON `posts`.`user_id` = `users`.`id` WHERE `posts`.`published` = TRUE ORDER BY `users`.`id` ASC LIMIT 1000
SELECT `users`.* FROM `users` WHERE `users`.`id` = 1 LIMIT 1 FOR UPDATE
SELECT `posts`.`title` FROM `posts` WHERE `posts`.`user_id` = 1 AND (`posts`.`title` LIKE '%rails%')
SELECT `users`.`id`, `users`.`name` FROM `users` WHERE `users`.`id` > 1000 ORDER BY `users`.`id` ASC LIMIT 1000
DELETE FROM `posts` WHERE `posts`.`user_id` IN (SELECT `users`.`id` FROM `users` WHERE `users`.`active` = FALSE)

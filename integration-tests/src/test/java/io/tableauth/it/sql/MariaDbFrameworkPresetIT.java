package io.tableauth.it.sql;

import io.tableauth.it.support.TestDatabase;

/**
 * The framework presets over MariaDB (Laravel and Devise on MySQL are common), each table exactly as its framework's
 * migration creates it for MySQL.
 */
class MariaDbFrameworkPresetIT extends FrameworkPresetContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    String ddl(String preset) {
        return switch (preset) {
            // Laravel 11, 0001_01_01_000000_create_users_table.php (MySQL grammar)
            case "laravel" -> """
                create table `users` (`id` bigint unsigned not null auto_increment primary key,
                  `name` varchar(255) not null, `email` varchar(255) not null, `email_verified_at` timestamp null,
                  `password` varchar(255) not null, `remember_token` varchar(100) null, `created_at` timestamp null,
                  `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
                alter table `users` add unique `users_email_unique`(`email`);
                """;
            // Django 5.2, auth 0001–0012 (sqlmigrate, MySQL backend)
            case "django" -> """
                CREATE TABLE `auth_user` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY,
                  `password` varchar(128) NOT NULL, `last_login` datetime(6) NULL, `is_superuser` bool NOT NULL,
                  `username` varchar(150) NOT NULL UNIQUE, `first_name` varchar(150) NOT NULL,
                  `last_name` varchar(150) NOT NULL, `email` varchar(254) NOT NULL, `is_staff` bool NOT NULL,
                  `is_active` bool NOT NULL, `date_joined` datetime(6) NOT NULL);
                """;
            // Devise 4.9 devise_create_users with trackable and confirmable uncommented, Rails 7.1 (mysql2)
            case "devise" -> """
                CREATE TABLE `users` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
                  `email` varchar(255) DEFAULT '' NOT NULL, `encrypted_password` varchar(255) DEFAULT '' NOT NULL,
                  `reset_password_token` varchar(255), `reset_password_sent_at` datetime(6),
                  `remember_created_at` datetime(6), `sign_in_count` int DEFAULT 0 NOT NULL,
                  `current_sign_in_at` datetime(6), `last_sign_in_at` datetime(6), `current_sign_in_ip` varchar(255),
                  `last_sign_in_ip` varchar(255), `confirmation_token` varchar(255), `confirmed_at` datetime(6),
                  `confirmation_sent_at` datetime(6), `unconfirmed_email` varchar(255),
                  `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL);
                CREATE UNIQUE INDEX `index_users_on_email` ON `users` (`email`);
                CREATE UNIQUE INDEX `index_users_on_reset_password_token` ON `users` (`reset_password_token`);
                CREATE UNIQUE INDEX `index_users_on_confirmation_token` ON `users` (`confirmation_token`);
                """;
            // Auth.js Prisma adapter's User model with a password column, prisma migrate (MySQL)
            case "prisma" -> """
                CREATE TABLE `User` (
                    `id` VARCHAR(191) NOT NULL,
                    `name` VARCHAR(191) NULL,
                    `email` VARCHAR(191) NULL,
                    `emailVerified` DATETIME(3) NULL,
                    `image` VARCHAR(191) NULL,
                    `password` VARCHAR(191) NULL,
                    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
                    `updatedAt` DATETIME(3) NOT NULL,
                    UNIQUE INDEX `User_email_key`(`email`),
                    PRIMARY KEY (`id`)
                ) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
                """;
            // Directus 11 directus_users after its migrations (MySQL: uuids are char(36))
            case "directus" -> """
                CREATE TABLE `directus_users` (`id` char(36) NOT NULL PRIMARY KEY, `first_name` varchar(50),
                  `last_name` varchar(50), `email` varchar(128) UNIQUE, `password` varchar(255),
                  `location` varchar(255), `title` varchar(50), `description` text, `tags` json, `avatar` char(36),
                  `language` varchar(255) DEFAULT NULL, `tfa_secret` varchar(255),
                  `status` varchar(16) NOT NULL DEFAULT 'active', `role` char(36), `token` varchar(255) UNIQUE,
                  `last_access` timestamp NULL, `last_page` varchar(255),
                  `provider` varchar(128) NOT NULL DEFAULT 'default', `external_identifier` varchar(255) UNIQUE,
                  `auth_data` json, `email_notifications` boolean DEFAULT true, `appearance` varchar(255),
                  `theme_dark` varchar(255), `theme_light` varchar(255), `theme_light_overrides` json,
                  `theme_dark_overrides` json, `text_direction` varchar(255) NOT NULL DEFAULT 'auto');
                """;
            default -> throw new IllegalArgumentException(preset);
        };
    }
}

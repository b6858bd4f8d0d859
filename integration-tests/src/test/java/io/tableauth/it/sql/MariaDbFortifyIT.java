package io.tableauth.it.sql;

import io.tableauth.it.support.TestDatabase;

/** {@link FortifyContract} with Laravel's tables on MariaDB, as its migrations create them. */
class MariaDbFortifyIT extends FortifyContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    String ddl() {
        // Laravel 11: 0001_01_01_000000_create_users_table, Fortify's add_two_factor_columns_to_users_table,
        // 0001_01_01_000001_create_cache_table (php artisan migrate --pretend, MySQL grammar)
        return """
            create table `users` (`id` bigint unsigned not null auto_increment primary key,
              `name` varchar(255) not null, `email` varchar(255) not null, `email_verified_at` timestamp null,
              `password` varchar(255) not null, `remember_token` varchar(100) null, `created_at` timestamp null,
              `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
            alter table `users` add unique `users_email_unique`(`email`);
            alter table `users` add `two_factor_secret` text null after `password`,
              add `two_factor_recovery_codes` text null after `two_factor_secret`,
              add `two_factor_confirmed_at` timestamp null after `two_factor_recovery_codes`;
            create table `cache` (`key` varchar(255) not null, `value` mediumtext not null,
              `expiration` int not null, primary key (`key`)) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
            """;
    }
}

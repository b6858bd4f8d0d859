package io.tableauth.it.sql;

import io.tableauth.it.support.TestDatabase;

/** {@link FortifyContract} with Laravel's tables on PostgreSQL, as its migrations create them. */
class PostgresFortifyIT extends FortifyContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRESQL;
    }

    @Override
    String ddl() {
        // Laravel 11: 0001_01_01_000000_create_users_table, Fortify's add_two_factor_columns_to_users_table,
        // 0001_01_01_000001_create_cache_table (php artisan migrate --pretend)
        return """
            create table "users" ("id" bigserial not null primary key, "name" varchar(255) not null,
              "email" varchar(255) not null, "email_verified_at" timestamp(0) without time zone null,
              "password" varchar(255) not null, "remember_token" varchar(100) null,
              "created_at" timestamp(0) without time zone null, "updated_at" timestamp(0) without time zone null);
            alter table "users" add constraint "users_email_unique" unique ("email");
            alter table "users" add column "two_factor_secret" text null;
            alter table "users" add column "two_factor_recovery_codes" text null;
            alter table "users" add column "two_factor_confirmed_at" timestamp(0) without time zone null;
            create table "cache" ("key" varchar(255) not null, "value" text not null, "expiration" integer not null);
            alter table "cache" add primary key ("key");
            """;
    }
}

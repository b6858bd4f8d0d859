package io.tableauth.it.rest;

import io.tableauth.it.support.TestDatabase;

/** A PostgreSQL users database that refuses, hangs or slows down. */
class PostgresOutageIT extends DatabaseOutageContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRESQL;
    }

    @Override
    String createTable() {
        return "CREATE TABLE people (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
            + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
            + "is_active BOOLEAN NOT NULL DEFAULT TRUE)";
    }
}

package io.tableauth.it.rest;

import io.tableauth.it.support.TestDatabase;

/** A MariaDB users database that refuses, hangs or slows down. */
class MariaDbOutageIT extends DatabaseOutageContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.MARIADB;
    }

    @Override
    String createTable() {
        return "CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
            + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
            + "is_active BOOLEAN NOT NULL DEFAULT TRUE)";
    }
}

package io.tableauth.it.sql;

import java.util.List;

import io.tableauth.it.support.TestDatabase;

/** SQL auth configs over a MariaDB users table (Laravel-style: auto-increment id, TINYINT(1) flag). */
class MariaDbSqlAuthConfigIT extends SqlAuthConfigContract {

    MariaDbSqlAuthConfigIT() {
        super(TestDatabase.Kind.MARIADB);
    }

    @Override
    String createUsersTable(String table) {
        return "CREATE TABLE " + table + " (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
            + "email VARCHAR(255) NOT NULL UNIQUE, username VARCHAR(100), password VARCHAR(255) NOT NULL, "
            + "first_name VARCHAR(100), last_name VARCHAR(100), is_active TINYINT(1) NOT NULL DEFAULT 1, "
            + "role VARCHAR(50), created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)";
    }

    @Override
    List<String> insensitiveUsersTable(String table) {
        String insensitive = " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
        return List.of(createUsersTable(table).replace("email VARCHAR(255)", "email VARCHAR(255)" + insensitive)
            .replace("username VARCHAR(100)", "username VARCHAR(100)" + insensitive));
    }

    @Override
    String connectionCountSql() {
        return "SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = ?";
    }

    @Override
    String busyConnectionsSql() {
        return "SELECT COMMAND FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND <> 'Sleep'";
    }
}

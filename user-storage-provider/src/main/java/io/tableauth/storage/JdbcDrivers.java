package io.tableauth.storage;

import io.tableauth.storage.jdbc.DatabaseKind;

/**
 * The JDBC driver for each kind of application database. The PostgreSQL, MariaDB/MySQL and H2 drivers are inside the
 * bundle, relocated: Keycloak hides from providers the drivers of database vendors it does not use itself. No other
 * driver is ever used: tableauth checks the URL parameters of these three only.
 */
final class JdbcDrivers {

    private JdbcDrivers() {
    }

    static String driverClassFor(DatabaseKind kind) {
        return switch (kind) {
            case POSTGRESQL -> org.postgresql.Driver.class.getName();
            case MARIADB -> org.mariadb.jdbc.Driver.class.getName();
            case H2 -> org.h2.Driver.class.getName();
        };
    }
}

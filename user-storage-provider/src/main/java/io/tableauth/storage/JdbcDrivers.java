package io.tableauth.storage;

/**
 * The JDBC driver for an application database, picked by URL. The PostgreSQL, MariaDB/MySQL and H2 drivers are
 * inside the bundle, relocated: Keycloak hides from providers the drivers of database vendors it does not use itself.
 */
final class JdbcDrivers {

    private JdbcDrivers() {
    }

    /** The driver class for a URL, or null to let java.sql.DriverManager find one (a jar added to providers/). */
    static String driverClassFor(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return org.postgresql.Driver.class.getName();
        }
        if (jdbcUrl.startsWith("jdbc:mariadb:")
            || (jdbcUrl.startsWith("jdbc:mysql:") && jdbcUrl.contains("permitMysqlScheme"))) {
            return org.mariadb.jdbc.Driver.class.getName();
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return org.h2.Driver.class.getName();
        }
        return null;
    }
}

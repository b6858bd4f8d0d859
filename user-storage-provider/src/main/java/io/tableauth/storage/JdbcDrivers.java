package io.tableauth.storage;

/**
 * The JDBC driver for an application database, picked by URL. PostgreSQL and MariaDB/MySQL drivers are inside the
 * bundle (relocated: Keycloak hides from providers the drivers of database vendors it does not use itself);
 * H2 is Keycloak's own, visible when Keycloak runs on H2 (dev mode, the demo).
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
            return "org.h2.Driver";
        }
        return null;
    }
}

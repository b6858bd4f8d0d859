package io.tableauth.storage;

/** The JDBC drivers Keycloak's distribution ships, picked by URL so they load from Keycloak's own lib/. */
final class JdbcDrivers {

    private JdbcDrivers() {
    }

    /** The driver class for a URL, or null to let java.sql.DriverManager find one (a jar added to providers/). */
    static String driverClassFor(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        if (jdbcUrl.startsWith("jdbc:mariadb:")
            || (jdbcUrl.startsWith("jdbc:mysql:") && jdbcUrl.contains("permitMysqlScheme"))) {
            return "org.mariadb.jdbc.Driver";
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        return null;
    }
}

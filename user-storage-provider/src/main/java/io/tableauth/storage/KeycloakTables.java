package io.tableauth.storage;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Recognises Keycloak's own database. An auth config reads and writes its table with the rights of its database
 * user; pointed at Keycloak's database it would reach every realm's users and secrets, so tableauth refuses any
 * database that holds Keycloak's tables, in any schema, whatever the URL or the operator's patterns say.
 */
final class KeycloakTables {

    private static final List<String> MARKERS = List.of("user_entity", "realm", "keycloak_role");

    private KeycloakTables() {
    }

    static boolean present(Connection connection) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String catalog = connection.getCatalog();
        for (String marker : MARKERS) {
            if (!exists(md, catalog, marker) && !exists(md, catalog, marker.toUpperCase(java.util.Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    private static boolean exists(DatabaseMetaData md, String catalog, String table) throws SQLException {
        try (ResultSet rs = md.getTables(catalog, null, table, null)) {
            return rs.next();
        }
    }
}

package io.tableauth.storage;

import io.tableauth.storage.jdbc.DatabaseKind;
import io.tableauth.storage.jdbc.JdbcTarget;

/**
 * How an auth config reaches its database on this node: the URL tableauth wrote from the checked JDBC URL, the user,
 * and the password with any vault reference resolved. A config the server's options no longer allow carries the
 * reason instead, and gets no connection. {@code toString} hides the password.
 */
record DatabaseConnector(JdbcTarget target, String user, String password, String refusal) {

    static DatabaseConnector refused(String reason) {
        return new DatabaseConnector(null, null, null, reason);
    }

    static DatabaseConnector of(JdbcTarget target, String user, String password) {
        // An absent password is sent as empty: the PostgreSQL driver would otherwise look one up in the Keycloak
        // host's ~/.pgpass, and hand the operator's password to a database a realm admin named.
        String sent = password == null && target.kind() == DatabaseKind.POSTGRESQL ? "" : password;
        return new DatabaseConnector(target, user, sent, null);
    }

    String url() {
        return target.canonicalUrl();
    }

    @Override
    public String toString() {
        return refusal != null ? "DatabaseConnector[refused: " + refusal + "]"
            : "DatabaseConnector[" + target.describe() + " user=" + user + " password=" + (password == null ? "none" : "***") + "]";
    }
}

package io.tableauth.storage.jdbc;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

/**
 * What went wrong with an application database, in words a realm admin may read. A driver's own message can hold
 * whatever the database server or the file it opened said (file contents, other schemas' names), so it goes to the
 * server log only; the admin console and clients get one of these categories.
 */
public enum DatabaseFailure {

    CANNOT_CONNECT("tableauthDbCannotConnect"),
    AUTHENTICATION_FAILED("tableauthDbAuthFailed"),
    DATABASE_NOT_FOUND("tableauthDbNotFound"),
    MISSING_TABLE_OR_COLUMN("tableauthDbMissingObject"),
    TIMED_OUT("tableauthDbTimedOut"),
    OTHER("tableauthDbError");

    private final String messageKey;

    DatabaseFailure(String messageKey) {
        this.messageKey = messageKey;
    }

    /** The admin-console message key; its one parameter is the database ({@link JdbcTarget#describe()}). */
    public String messageKey() {
        return messageKey;
    }

    /**
     * Whether the database as a whole is out of reach (down, partitioned, too slow, refusing the login or gone), as
     * opposed to one statement failing: the failures that mark an auth config unavailable.
     */
    public boolean databaseUnreachable() {
        return this == CANNOT_CONNECT || this == TIMED_OUT || this == AUTHENTICATION_FAILED || this == DATABASE_NOT_FOUND;
    }

    /** The category of a failure, from SQL states and exception types along the cause chain. */
    public static DatabaseFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTimeoutException || t instanceof SocketTimeoutException
                || t instanceof InterruptedException) {
                return TIMED_OUT; // Keycloak interrupts a storage call that outlives its storage-provider timeout
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.equals("57014") || state.equals("70100") || sql.getErrorCode() == 1969
                    || sql.getErrorCode() == 3024) {
                    return TIMED_OUT; // a statement cancelled by its timeout (PostgreSQL, MariaDB, MySQL)
                }
                if (state.startsWith("28")) {
                    return AUTHENTICATION_FAILED;
                }
                if (state.equals("3D000") || sql.getErrorCode() == 1049) {
                    return DATABASE_NOT_FOUND;
                }
                if (state.equals("42P01") || state.equals("42S02") || state.equals("42703") || state.equals("42S22")
                    || sql.getErrorCode() == 1146 || sql.getErrorCode() == 1054) {
                    return MISSING_TABLE_OR_COLUMN;
                }
                if (state.startsWith("08")) {
                    return t.getCause() != null && of(t.getCause()) == TIMED_OUT ? TIMED_OUT : CANNOT_CONNECT;
                }
            }
            if (t instanceof SQLTransientConnectionException && String.valueOf(t.getMessage()).contains("timed out")) {
                return TIMED_OUT; // HikariCP: no connection within the pool's timeout
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof javax.net.ssl.SSLException) {
                return CANNOT_CONNECT;
            }
        }
        return OTHER;
    }
}

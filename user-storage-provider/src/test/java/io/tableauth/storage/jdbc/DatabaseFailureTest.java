package io.tableauth.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

/** Driver failures sorted into the categories a realm admin reads instead of the driver's own words. */
class DatabaseFailureTest {

    @Test
    void sqlStatesAndCausesGiveTheCategory() {
        assertEquals(DatabaseFailure.AUTHENTICATION_FAILED, DatabaseFailure.of(new SQLException("x", "28P01")));
        assertEquals(DatabaseFailure.AUTHENTICATION_FAILED, DatabaseFailure.of(new SQLException("x", "28000", 1045)));
        assertEquals(DatabaseFailure.DATABASE_NOT_FOUND, DatabaseFailure.of(new SQLException("x", "3D000")));
        assertEquals(DatabaseFailure.DATABASE_NOT_FOUND, DatabaseFailure.of(new SQLException("x", "42000", 1049)));
        assertEquals(DatabaseFailure.MISSING_TABLE_OR_COLUMN, DatabaseFailure.of(new SQLException("x", "42P01")));
        assertEquals(DatabaseFailure.MISSING_TABLE_OR_COLUMN, DatabaseFailure.of(new SQLException("x", "42S22", 1054)));
        assertEquals(DatabaseFailure.CANNOT_CONNECT,
            DatabaseFailure.of(new SQLException("x", "08001", new ConnectException("refused"))));
        assertEquals(DatabaseFailure.TIMED_OUT,
            DatabaseFailure.of(new SQLException("x", "08001", new SocketTimeoutException("read"))));
        assertEquals(DatabaseFailure.TIMED_OUT,
            DatabaseFailure.of(new SQLTransientConnectionException("pool - Connection is not available, request timed out after 3000ms")));
        assertEquals(DatabaseFailure.CANNOT_CONNECT, DatabaseFailure.of(new RuntimeException(new ConnectException())));
        assertEquals(DatabaseFailure.OTHER, DatabaseFailure.of(new SQLException("root:x:0:0:root:/root:/bin/bash", "XX000")));
    }
}

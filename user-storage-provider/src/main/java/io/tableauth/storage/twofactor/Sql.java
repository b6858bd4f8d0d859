package io.tableauth.storage.twofactor;

import java.sql.Connection;
import java.sql.SQLException;

/** What the frameworks' 2FA statements need to know of the database they run on. */
final class Sql {

    private Sql() {
    }

    /** MySQL or MariaDB (identifiers quoted with backticks), rather than PostgreSQL. */
    static boolean mysql(Connection c) throws SQLException {
        return "`".equals(c.getMetaData().getIdentifierQuoteString());
    }

    /** The column {@code key} (django-otp's device key, Laravel's cache key), a reserved word in MySQL and MariaDB. */
    static String keyColumn(Connection c) throws SQLException {
        String quote = c.getMetaData().getIdentifierQuoteString();
        return quote + "key" + quote;
    }
}

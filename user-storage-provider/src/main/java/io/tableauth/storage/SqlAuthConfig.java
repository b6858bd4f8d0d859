package io.tableauth.storage;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tableauth.storage.hash.PasswordHasher;

/**
 * One auth config's live state on this Keycloak node: its settings, its own connection pool and hasher, and the
 * users table resolved against the database. Built by the factory when a config is first used or its settings
 * change, closed when the config changes or is removed. Holds nothing another node needs.
 */
final class SqlAuthConfig implements AutoCloseable {

    /** How long a login waits for a connection when the users database is unreachable. */
    private static final long CONNECTION_TIMEOUT_MS = 3_000;

    private final SqlUserStorageConfig config;
    private final DatabaseConnector connector;
    private final HikariDataSource pool;
    private final PasswordHasher hasher;
    private volatile UserTable table;
    private volatile String dummyHash;

    SqlAuthConfig(String name, SqlUserStorageConfig config, DatabaseConnector connector) {
        this.config = config;
        this.connector = connector;
        this.hasher = config.hasher();
        this.pool = connector.refusal() == null
            ? new HikariDataSource(poolConfig(name, connector, config.maxPoolSize(), CONNECTION_TIMEOUT_MS)) : null;
    }

    /** Pool settings shared with the one-connection check that runs when an admin saves a config. */
    static HikariConfig poolConfig(String name, DatabaseConnector connector, int maxPoolSize, long connectionTimeoutMs) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("tableauth-" + name.replaceAll("[^A-Za-z0-9_-]", "_"));
        hc.setJdbcUrl(connector.url());
        hc.setDriverClassName(JdbcDrivers.driverClassFor(connector.target().kind()));
        hc.setUsername(connector.user());
        hc.setPassword(connector.password());
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setMinimumIdle(Math.min(2, maxPoolSize));
        hc.setConnectionTimeout(connectionTimeoutMs);
        hc.setValidationTimeout(Math.min(2_000, connectionTimeoutMs));
        // Start even when the database is down: that config's logins fail cleanly and recover by themselves.
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(true);
        return hc;
    }

    SqlUserStorageConfig config() {
        return config;
    }

    PasswordHasher hasher() {
        return hasher;
    }

    /**
     * Verifies a password against one hash stored in this table (or, for an empty table, one in the format for new
     * passwords) and forgets the answer: a login for an unknown user then costs what a wrong password for a real
     * user of this table costs, whatever cost the application's hashes have.
     */
    void dummyVerify(String password) {
        String hash = dummyHash;
        if (hash == null) {
            try (Connection c = connection()) {
                hash = table(c).sampleHash(c).orElse(null);
            } catch (SQLException | RuntimeException e) {
                hash = null;
            }
            if (hash == null || hasher.formatOf(hash) == null) {
                hash = hasher.hash("tableauth-dummy-" + System.nanoTime());
            }
            dummyHash = hash;
        }
        try {
            hasher.verify(password == null ? "" : password, hash, null);
        } catch (RuntimeException e) {
            // a legacy format that needs a salt: the verify was spent or cheap either way
        }
    }

    Connection connection() throws SQLException {
        if (pool == null) {
            throw new SQLException(connector.refusal(), "08004");
        }
        return pool.getConnection();
    }

    /** The table if it has been resolved already, else {@code null}. */
    UserTable resolvedTable() {
        return table;
    }

    /** The resolved table; resolved on first use, so a config made while its database was down still starts. */
    UserTable table(Connection connection) throws SQLException {
        UserTable t = table;
        if (t == null) {
            t = UserTable.resolve(connection, config);
            table = t;
        }
        return t;
    }

    /**
     * Takes a connection out of the pool after a statement on it failed. A connection can stay open while being
     * useless (e.g. its database was dropped and re-created), and Hikari's liveness check would not notice.
     */
    void evict(Connection connection) {
        pool.evictConnection(connection);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}

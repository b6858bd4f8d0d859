package io.tableauth.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tableauth.storage.hash.PasswordHasher;
import org.jboss.logging.Logger;
import org.keycloak.common.util.MultivaluedHashMap;

/**
 * One auth config's live state on this Keycloak node: its settings, its own connection pool and hasher, and the
 * users table resolved against the database. Built by the factory when a config is first used or its settings
 * change, closed when the config changes or is removed. Holds nothing another node needs.
 */
final class SqlAuthConfig implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SqlAuthConfig.class);

    private final String name;
    private final SqlUserStorageConfig config;
    private final DatabaseConnector connector;
    private final HikariDataSource pool;
    private final PasswordHasher hasher;
    private final DatabaseHealth health;
    private final AuthConfigMetrics metrics;
    private volatile UserTable table;
    private volatile String dummyHash;
    /** A copy of the component settings these settings were read from, or found to match. */
    private volatile MultivaluedHashMap<String, String> source;

    SqlAuthConfig(String realm, String name, SqlUserStorageConfig config, DatabaseConnector connector) {
        this.name = name;
        this.config = config;
        this.connector = connector;
        this.hasher = config.hasher();
        String description = "auth config " + name + " of realm " + realm
            + (connector.refusal() == null ? " (" + connector.target().describe() + ")" : "");
        this.health = new DatabaseHealth(description, this::probe, this::keepConnectionsReady);
        this.metrics = connector.refusal() == null ? AuthConfigMetrics.register(realm, name, health) : null;
        HikariDataSource ds = null;
        if (connector.refusal() == null) {
            HikariConfig hc = poolConfig(name, connector, config.maxPoolSize(), config.timeouts());
            if (metrics != null) {
                metrics.track(hc);
            }
            ds = new HikariDataSource(hc);
        }
        this.pool = ds;
    }

    /**
     * Pool settings shared with the one-connection check that runs when an admin saves a config: every wait on the
     * database is bounded by the config's timeouts (the pool's wait for a connection is the connect timeout).
     */
    static HikariConfig poolConfig(String name, DatabaseConnector connector, int maxPoolSize,
                                   SqlUserStorageConfig.Timeouts timeouts) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("tableauth-" + name.replaceAll("[^A-Za-z0-9_-]", "_"));
        hc.setJdbcUrl(connector.url());
        hc.setDriverClassName(JdbcDrivers.driverClassFor(connector.target().kind()));
        hc.setUsername(connector.user());
        hc.setPassword(connector.password());
        connector.target().kind().timeoutProperties(timeouts.connectSeconds(), timeouts.readSeconds())
            .forEach(hc::addDataSourceProperty);
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setMinimumIdle(Math.min(2, maxPoolSize));
        hc.setConnectionTimeout(TimeUnit.SECONDS.toMillis(timeouts.connectSeconds()));
        hc.setValidationTimeout(TimeUnit.SECONDS.toMillis(Math.min(timeouts.connectSeconds(),
            timeouts.statementSeconds())));
        // Start even when the database is down: that config's logins fail cleanly and recover by themselves.
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(true);
        return hc;
    }

    /**
     * While the database is unavailable the pool keeps no idle connections, so it does not retry on its own with
     * a growing back-off (up to 5 s between attempts): only the checks ask for a connection, each time afresh, and
     * the database's return is seen at the next check. Back to normal when it is available.
     */
    private void keepConnectionsReady(boolean available) {
        HikariDataSource ds = pool;
        if (ds != null && !ds.isClosed()) {
            ds.getHikariConfigMXBean().setMinimumIdle(available ? Math.min(2, config.maxPoolSize()) : 0);
        }
    }

    /** The background check of an unavailable database: one connection, validated. */
    private boolean probe() {
        if (pool == null) {
            return false;
        }
        try (Connection c = pool.getConnection()) {
            table(c);
            return c.isValid(config.timeouts().statementSeconds());
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("tableauth auth config %s: database check failed: %s", name, e.getMessage());
            return false;
        }
    }

    DatabaseHealth health() {
        return health;
    }

    /**
     * Whether these settings were read from the same component settings: a map comparison, far cheaper than reading
     * them again (Keycloak hands every provider a fresh copy of the component).
     */
    boolean readFrom(MultivaluedHashMap<String, String> componentConfig) {
        MultivaluedHashMap<String, String> read = source;
        return read != null && read.equals(componentConfig);
    }

    /** Notes component settings these settings were found to match (a copy: Keycloak's map may change). */
    void matches(MultivaluedHashMap<String, String> componentConfig) {
        source = new MultivaluedHashMap<>(componentConfig);
    }

    /** The config's name, as logs say it. */
    String name() {
        return name;
    }

    SqlUserStorageConfig config() {
        return config;
    }

    PasswordHasher hasher() {
        return hasher;
    }

    /** The last password checks' times on this node, newest overwriting oldest: what a check of this table costs. */
    private final long[] verifyNanos = new long[31];
    private int verifies;

    /**
     * Checks a password against a stored hash with this config's hasher, noting how long the whole check took since
     * {@code started} (a login's check also reads the row again).
     */
    boolean verify(String password, String stored, PasswordHasher.LegacySalt salt, long started) {
        try {
            return hasher.verify(password, stored, salt);
        } finally {
            long took = System.nanoTime() - started;
            synchronized (verifyNanos) {
                verifyNanos[verifies++ % verifyNanos.length] = took;
            }
            LOG.debugf("tableauth auth config %s: password check %d us", name, took / 1000);
        }
    }

    /**
     * The median time of this node's last nine password checks of this table (the first checks after a start run
     * cold, and would make it too long for a while); -1 before there were three.
     */
    long typicalVerifyNanos() {
        long[] seen;
        synchronized (verifyNanos) {
            if (verifies < 3) {
                return -1;
            }
            int n = Math.min(9, Math.min(verifies, verifyNanos.length));
            seen = new long[n];
            for (int i = 0; i < n; i++) {
                seen[i] = verifyNanos[Math.floorMod(verifies - 1 - i, verifyNanos.length)];
            }
        }
        java.util.Arrays.sort(seen);
        return seen[seen.length / 2];
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
            verify(password == null ? "" : password, hash, null, System.nanoTime());
        } catch (RuntimeException e) {
            // a legacy format that needs a salt: the verify was spent or cheap either way
        }
    }

    /** A connection from the pool; fails at once while the database is unavailable on this node. */
    Connection connection() throws SQLException {
        if (pool == null) {
            throw new SQLException(connector.refusal(), "08004");
        }
        health.check(name);
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

    private volatile String lastStatementFailure;

    /**
     * A statement failed without the database being out of reach (a column renamed by the application, a
     * permission taken away): logged when the reason changes, not once per request.
     */
    void statementFailed(Exception e) {
        String reason = String.valueOf(e.getMessage());
        if (!reason.equals(lastStatementFailure)) {
            lastStatementFailure = reason;
            LOG.warnf("tableauth auth config %s: a query on its users table failed: %s", name, reason);
        }
    }

    /**
     * Takes a connection out of the pool after a statement on it failed. A connection can stay open while being
     * useless (e.g. its database was dropped and re-created), and Hikari's liveness check would not notice.
     */
    void evict(Connection connection) {
        pool.evictConnection(connection);
    }

    /** Gives a connection of {@link #connection()} back: evicted when a call found it broken or it will not close. */
    void release(Connection connection, boolean broken) {
        if (connection == null) {
            return;
        }
        if (broken) {
            evict(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            evict(connection);
        }
    }

    @Override
    public void close() {
        health.close();
        if (pool != null) {
            pool.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}

package io.tableauth.it.support;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own on the local PostgreSQL or MariaDB server, created for one test class and dropped
 * after it. Use as {@code @RegisterExtension static final TestDatabase DB = TestDatabase.postgres();}, or
 * with try-with-resources via {@link #create()}.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /**
     * The databases the tests use: the local PostgreSQL and MariaDB servers on loopback, and H2 files under
     * target/ opened with AUTO_SERVER so the test JVM and Keycloak can both use one.
     */
    public enum Kind {
        POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/", "postgres", "postgres", ""),
        MARIADB("jdbc:mariadb://127.0.0.1:3306/", "", "root", ""),
        H2("jdbc:h2:file:" + h2Dir() + "/", null, "sa", "");

        final String urlPrefix;
        final String adminDatabase;
        final String user;
        final String password;

        Kind(String urlPrefix, String adminDatabase, String user, String password) {
            this.urlPrefix = urlPrefix;
            this.adminDatabase = adminDatabase;
            this.user = user;
            this.password = password;
        }

        /** Whether this is a server the build machine must run (H2 is a file). */
        public boolean server() {
            return adminDatabase != null;
        }

        Connection connectAdmin() throws SQLException {
            return DriverManager.getConnection(urlPrefix + adminDatabase, user, password);
        }

        private static String h2Dir() {
            return java.nio.file.Path.of(System.getProperty("tableauth.it.work.dir", "target/keycloak-it"))
                .toAbsolutePath().resolve("h2").toString();
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Kind kind;
    private String name;

    private TestDatabase(Kind kind) {
        this.kind = kind;
    }

    public static TestDatabase postgres() {
        return new TestDatabase(Kind.POSTGRESQL);
    }

    public static TestDatabase mariadb() {
        return new TestDatabase(Kind.MARIADB);
    }

    public static TestDatabase h2() {
        return new TestDatabase(Kind.H2);
    }

    public static TestDatabase of(Kind kind) {
        return new TestDatabase(kind);
    }

    /** An existing database of that name (e.g. one a test re-created); closing drops it. */
    public static TestDatabase named(Kind kind, String name) {
        TestDatabase db = new TestDatabase(kind);
        db.name = name;
        return db;
    }

    /** Creates the database now; {@link #close()} drops it. */
    public TestDatabase create() {
        if (name != null) {
            throw new IllegalStateException(this + " already created");
        }
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        String candidate = "tableauth_it_" + HexFormat.of().formatHex(suffix);
        if (!kind.server()) {
            name = candidate;
            try (Connection c = connect()) {
                c.isValid(1); // an H2 file database comes into being on first connect
            } catch (SQLException e) {
                name = null;
                throw new IllegalStateException(ServicesPreflight.unreachable(kind, e), e);
            }
            return this;
        }
        try (Connection c = kind.connectAdmin(); Statement s = c.createStatement()) {
            // The name is ours (fixed prefix + hex), never input: safe to splice into DDL.
            s.execute("CREATE DATABASE " + candidate);
        } catch (SQLException e) {
            throw new IllegalStateException(ServicesPreflight.unreachable(kind, e), e);
        }
        name = candidate;
        return this;
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return kind.urlPrefix + name + (kind.server() ? "" : ";AUTO_SERVER=TRUE");
    }

    /** The JDBC URL of this database through another address (a {@link FaultProxy}), for the server kinds. */
    public String jdbcUrlVia(String host, int port) {
        return jdbcUrl().replaceFirst("//127\\.0\\.0\\.1:\\d+/", "//" + host + ":" + port + "/");
    }

    /** The port of the local server of this kind. */
    public int serverPort() {
        return kind == Kind.POSTGRESQL ? 5432 : 3306;
    }

    public String user() {
        return kind.user;
    }

    public String password() {
        return kind.password;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    /** Whether a database of this name exists on the server (for checking that close() dropped it). */
    public static boolean exists(Kind kind, String name) throws SQLException {
        if (!kind.server()) {
            return java.nio.file.Files.exists(java.nio.file.Path.of(Kind.h2Dir(), name + ".mv.db"));
        }
        String sql = kind == Kind.POSTGRESQL
            ? "SELECT 1 FROM pg_database WHERE datname = ?"
            : "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?";
        try (Connection c = kind.connectAdmin(); var ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        if (!kind.server()) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("DROP ALL OBJECTS DELETE FILES");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not drop test database " + name + " on " + kind, e);
            }
            name = null;
            return;
        }
        String drop = kind == Kind.POSTGRESQL
            ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
            : "DROP DATABASE IF EXISTS " + name;
        try (Connection c = kind.connectAdmin(); Statement s = c.createStatement()) {
            s.execute(drop);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop test database " + name + " on " + kind, e);
        }
        name = null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        create();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public String toString() {
        return kind + " database " + name;
    }
}

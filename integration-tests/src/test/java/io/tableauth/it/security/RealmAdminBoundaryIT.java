package io.tableauth.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.FakeDatabaseServer;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.TestSettings;
import io.tableauth.it.support.Tokens;
import org.keycloak.common.util.MultivaluedHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

/**
 * Trust boundary I: what a realm admin types into an auth config never reaches the server. The admin holds only
 * manage-realm and view-realm in their own realm and calls the admin REST API the console calls. Every attack is
 * refused with 400 and a message naming what is wrong or what the server operator must allow; no marker file
 * appears; driver text stays in the server log; and another realm's table users keep logging in throughout.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealmAdminBoundaryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The realm whose admin attacks. */
    @RegisterExtension
    final TestRealm tenant = TestRealm.fromResource("/realms/sql-realm.json");
    /** Another realm on the same server: its table users must keep logging in. */
    @RegisterExtension
    final TestRealm neighbour = TestRealm.fromResource("/realms/sql-realm.json");
    @RegisterExtension
    final TestDatabase pg = TestDatabase.postgres();
    @RegisterExtension
    final TestDatabase maria = TestDatabase.mariadb();

    private String adminToken;
    private String neighbourEmail;
    private String mariaUser;
    private final String mariaPassword = "db-" + UUID.randomUUID();

    @BeforeAll
    void realmsTablesAndTheRealmAdmin() throws SQLException {
        for (TestDatabase db : List.of(pg, maria)) {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL, "
                    + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                    + "is_active BOOLEAN NOT NULL, role VARCHAR(50))");
                s.execute("INSERT INTO users VALUES (1, 'ada@example.com', '" + RestFixture.TABLE_HASH
                    + "', 'Ada', 'Lovelace', TRUE, 'admin')");
            }
        }
        neighbourEmail = "ada@example.com";
        SqlAuthConfigs.add(neighbour, "neighbours", 0, SqlAuthConfigs.over(pg, "users", "email", Map.of()));

        // A database user with a real password (the local PostgreSQL trusts loopback, MariaDB checks passwords).
        mariaUser = "ta_" + Long.toHexString(System.nanoTime());
        try (Connection c = maria.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + mariaUser + "'@'%' IDENTIFIED BY '" + mariaPassword + "'");
            s.execute("GRANT SELECT ON " + maria.name() + ".* TO '" + mariaUser + "'@'%'");
        }

        String adminId = tenant.addUser("tenant-admin", "tenant-admin@example.com", "tenant-admin-password");
        ClientRepresentation management = tenant.admin().clients().findByClientId("realm-management").get(0);
        List<RoleRepresentation> roles = List.of("manage-realm", "view-realm").stream()
            .map(r -> tenant.admin().clients().get(management.getId()).roles().get(r).toRepresentation()).toList();
        tenant.admin().users().get(adminId).roles().clientLevel(management.getId()).add(roles);
        Http.Response token = Tokens.passwordGrant(tenant, "admin-cli", "tenant-admin", "tenant-admin-password");
        assertEquals(200, token.status(), token.toString());
        adminToken = token.json().get("access_token").asText();
    }

    @AfterAll
    void dropTheDatabaseUser() throws SQLException {
        try (Connection c = maria.connect(); Statement s = c.createStatement()) {
            s.execute("DROP USER IF EXISTS '" + mariaUser + "'@'%'");
        }
    }

    @AfterEach
    void theNeighbourRealmStillLogsIn() {
        Http.Response login = Tokens.passwordGrant(neighbour, "app", neighbourEmail, RestFixture.TABLE_PASSWORD);
        assertEquals(200, login.status(), "another realm's table user after the attack: " + login);
    }

    // --- what the realm admin sends

    private MultivaluedHashMap<String, String> config(TestDatabase db, Map<String, String> overrides) {
        MultivaluedHashMap<String, String> c = SqlAuthConfigs.over(db, "users", "email", Map.of());
        overrides.forEach(c::putSingle);
        return c;
    }

    private Http.Response create(String name, MultivaluedHashMap<String, String> config) throws Exception {
        return Http.json("POST", tenant.server().baseUri().resolve("/admin/realms/" + tenant.name() + "/components"),
            JSON.writeValueAsString(SqlAuthConfigs.component(tenant, name, config)),
            "Authorization", "Bearer " + adminToken);
    }

    private Http.Response update(String id, MultivaluedHashMap<String, String> config) throws Exception {
        ComponentRepresentation rep = SqlAuthConfigs.component(tenant, "edited", config);
        rep.setId(id);
        return Http.json("PUT", tenant.server().baseUri().resolve("/admin/realms/" + tenant.name() + "/components/" + id),
            JSON.writeValueAsString(rep), "Authorization", "Bearer " + adminToken);
    }

    private ComponentRepresentation read(String id) throws Exception {
        Http.Response r = Http.get(tenant.server().baseUri().resolve("/admin/realms/" + tenant.name()
            + "/components/" + id), "Authorization", "Bearer " + adminToken);
        assertEquals(200, r.status(), r.toString());
        return JSON.readValue(r.body(), ComponentRepresentation.class);
    }

    private static String createdId(Http.Response created) {
        assertEquals(201, created.status(), created.toString());
        String location = created.raw().headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static void assertRefused(Http.Response r, String expected) {
        assertEquals(400, r.status(), r.toString());
        String message = r.json().path("errorMessage").asText();
        assertTrue(message.contains(expected), "expected \"" + expected + "\" in: " + message);
        assertFalse(r.body().contains("Exception") || r.body().contains("at org."), r.body());
    }

    private static Path h2Dir() {
        return Path.of(System.getProperty("tableauth.it.work.dir")).toAbsolutePath().resolve("h2");
    }

    // --- the attacks

    @Test
    void jdbcUrlsThatWouldRunCodeOrReadFilesAreRefused() throws Exception {
        Path marker = Files.createTempDirectory("tableauth-attack").resolve("marker");
        String alias = "CREATE ALIAS SX AS $$ String sx(String c) throws Exception { Runtime.getRuntime().exec(new "
            + "String[]{\"touch\", c}).waitFor()\\; return c\\; } $$\\;CALL SX('" + marker + "')\\;"
            + "CREATE TABLE IF NOT EXISTS users(id int)";
        String pgUrl = pg.jdbcUrl();
        String mariaUrl = maria.jdbcUrl();
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("jdbc:h2:mem:x;INIT=" + alias, "in-memory database");
        attacks.put("jdbc:h2:file:" + h2Dir() + "/x;INIT=" + alias, "is never allowed");
        attacks.put("jdbc:h2:file:" + h2Dir() + "/x;init=" + alias, "is never allowed");
        attacks.put("jdbc:h2:" + h2Dir() + "/x;AUTO_SERVER=TRUE;Init=" + alias, "is never allowed");
        attacks.put("jdbc:h2:file:" + h2Dir() + "/x;INIT=RUNSCRIPT FROM '/etc/passwd'", "is never allowed");
        attacks.put("jdbc:h2:file:" + h2Dir() + "/x;INIT=RUNSCRIPT FROM 'http://127.0.0.1:1/x.sql'", "is never allowed");
        attacks.put("jdbc:h2:tcp://127.0.0.1:9092/x", "must read jdbc:h2:file:");
        attacks.put("jdbc:h2:zip:/tmp/x.zip!/db", "must read jdbc:h2:file:");
        attacks.put(pgUrl + "?socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext"
            + "&socketFactoryArg=http://127.0.0.1:1/beans.xml", "\"socketFactory\" is never allowed");
        attacks.put(pgUrl + "?sslfactory=org.postgresql.ssl.SingleCertValidatingFactory&sslfactoryarg=file:/etc/passwd",
            "\"sslfactory\" is never allowed");
        attacks.put(pgUrl + "?sslhostnameverifier=java.lang.Object", "\"sslhostnameverifier\" is never allowed");
        attacks.put(pgUrl + "?sslpasswordcallback=java.lang.Object", "\"sslpasswordcallback\" is never allowed");
        attacks.put(pgUrl + "?authenticationPluginClassName=java.lang.Object",
            "\"authenticationPluginClassName\" is never allowed");
        attacks.put(pgUrl + "?loggerLevel=TRACE&loggerFile=" + marker, "is never allowed");
        attacks.put(pgUrl + "?sslrootcert=/etc/passwd", "\"sslrootcert\" is never allowed");
        attacks.put(pgUrl + "?ssl=true&SOCKETFACTORY=java.lang.Object", "is never allowed");
        attacks.put(pgUrl + "?prepareThreshold=5&xmlFactoryFactory=java.lang.Object", "is never allowed");
        attacks.put(mariaUrl + "?allowLocalInfile=true", "\"allowLocalInfile\" is never allowed");
        attacks.put(mariaUrl + "?ALLOWLOCALINFILE=1", "is never allowed");
        attacks.put(mariaUrl.replace("jdbc:mariadb:", "jdbc:mysql:") + "?permitMysqlScheme&allowLoadLocalInfile=true"
            + "&autoDeserialize=true", "is never allowed");
        attacks.put(mariaUrl + "?localSocket=/run/mysqld/mysqld.sock", "\"localSocket\" is never allowed");
        attacks.put(mariaUrl + "?credentialType=ENV", "\"credentialType\" is never allowed");
        attacks.put(mariaUrl + "?initSql=SELECT 1", "\"initSql\" is never allowed");
        attacks.put(pgUrl + "?password=other", "\"password\" is never allowed");
        attacks.put(pgUrl + "?gssEncMode=disable&cancelSignalTimeout=1&unknownThing=1", "\"unknownThing\" is not allowed");
        attacks.put("jdbc:sqlite:/etc/passwd", "tableauth connects to PostgreSQL");
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            Http.Response r = create("attack", config(pg, Map.of("jdbcUrl", attack.getKey())));
            assertRefused(r, attack.getValue());
            assertFalse(Files.exists(marker), "the marker file appeared after " + attack.getKey());
        }
        assertTrue(tenant.admin().components().query(tenant.admin().toRepresentation().getId(),
            "org.keycloak.storage.UserStorageProvider").isEmpty(), "no refused config was stored");
        // The harmless parameters are still there for the legitimate admin.
        String id = createdId(create("harmless", config(pg, Map.of("jdbcUrl",
            pgUrl + "?sslmode=disable&ApplicationName=tableauth%20tenant&tcpKeepAlive=true"))));
        tenant.admin().components().component(id).remove();
    }

    @Test
    void theOperatorsListDecidesWhichDatabasesMayBeNamed() throws Exception {
        // The suite's server allows postgresql://127.0.0.1:*/tableauth_it_*, the same for MariaDB, and H2 files
        // under its work folder (DistributionServer.operatorOptions).
        String id = createdId(create("allowed", config(pg, Map.of())));
        tenant.admin().components().component(id).remove();
        for (String url : List.of(
            pg.jdbcUrl().replace("127.0.0.1", "localhost"),
            "jdbc:postgresql://127.0.0.1:5432/postgres",
            "jdbc:postgresql://127.0.0.1:5432," + "10.255.255.1:5432/" + pg.name(),
            "jdbc:mariadb://127.0.0.1:3306/mysql",
            "jdbc:h2:file:/tmp/tableauth-outside")) {
            assertRefused(create("elsewhere", config(pg, Map.of("jdbcUrl", url))),
                "is not among the databases this Keycloak server allows. The server operator must add a matching "
                    + "pattern to --spi-storage--tableauth-sql--allowed-jdbc-urls");
        }
    }

    @Test
    void keycloaksOwnDatabaseIsNeverAnAuthConfig() throws Exception {
        TestDatabase keycloak = tenant.server().keycloakDatabase();
        MultivaluedHashMap<String, String> c = config(keycloak, Map.of("table", "user_entity", "idColumn", "id",
            "credentialColumns", "username", "passwordColumn", "username", "emailColumn", "email"));
        c.remove("firstNameColumn");
        c.remove("lastNameColumn");
        c.remove("enabledColumn");
        c.remove("attributeMappings");
        assertRefused(create("keycloak", c), "holds Keycloak's own tables");
    }

    @Test
    void aChangedDatabaseNeedsThePasswordTypedAgain() throws Exception {
        MultivaluedHashMap<String, String> c = config(maria, Map.of("dbUser", mariaUser, "dbPassword", mariaPassword));
        String id = createdId(create("guarded", c));
        try (FakeDatabaseServer elsewhere = FakeDatabaseServer.postgresAnswering("never")) {
            // Keycloak's console sends the secret back masked; the stored one is never shown: not by the component,
            // not in the realm's list of components, not in a partial export of the realm.
            assertEquals(List.of("**********"), read(id).getConfig().get("dbPassword"));
            for (String path : List.of("/components?type=org.keycloak.storage.UserStorageProvider",
                "/partial-export")) {
                Http.Response r = path.startsWith("/partial")
                    ? Http.json("POST", tenant.server().baseUri().resolve("/admin/realms/" + tenant.name() + path), "",
                        "Authorization", "Bearer " + adminToken)
                    : Http.get(tenant.server().baseUri().resolve("/admin/realms/" + tenant.name() + path),
                        "Authorization", "Bearer " + adminToken);
                assertEquals(200, r.status(), path + ": " + r);
                assertTrue(r.body().contains("guarded"), path + " lists the config");
                assertFalse(r.body().contains(mariaPassword), path + " shows the stored database password");
            }
            MultivaluedHashMap<String, String> moved = config(maria, Map.of("dbUser", mariaUser,
                "dbPassword", "**********", "jdbcUrl", "jdbc:mariadb://127.0.0.1:" + elsewhere.port() + "/tableauth_it_x"));
            assertRefused(update(id, moved), "type the database password again");
            moved.remove("dbPassword"); // left out altogether: Keycloak keeps the stored value, the same rule applies
            assertRefused(update(id, moved), "type the database password again");
            MultivaluedHashMap<String, String> otherUser = config(maria, Map.of("dbUser", "root",
                "dbPassword", "**********"));
            assertRefused(update(id, otherUser), "type the database password again");
            assertEquals(0, elsewhere.connections(), "the stored password must never travel to another server");

            // The same database with another harmless parameter keeps the stored password, and still connects.
            MultivaluedHashMap<String, String> tuned = config(maria, Map.of("dbUser", mariaUser,
                "dbPassword", "**********", "jdbcUrl", maria.jdbcUrl() + "?tcpKeepAlive=true"));
            assertEquals(204, update(id, tuned).status());
            Http.Response login = Tokens.passwordGrant(tenant, "app", "ada@example.com", RestFixture.TABLE_PASSWORD);
            assertEquals(200, login.status(), login.toString());

            // Typed again, the password may go to the new database (which here is no database at all).
            MultivaluedHashMap<String, String> retyped = config(maria, Map.of("dbUser", mariaUser,
                "dbPassword", mariaPassword, "jdbcUrl", "jdbc:mariadb://127.0.0.1:" + elsewhere.port() + "/tableauth_it_x"));
            Http.Response tried = update(id, retyped);
            assertEquals(400, tried.status(), tried.toString());
            assertFalse(tried.body().contains("type the database password again"), tried.body());
            assertTrue(elsewhere.connections() > 0, "a typed password is used for the database it was typed for");
        } finally {
            tenant.admin().components().component(id).remove();
        }
    }

    @Test
    void aVaultReferenceIsResolvedInTheRealmsOwnVault() throws Exception {
        Path vault = TestSettings.vaultDir();
        Files.writeString(vault.resolve(tenant.name() + "_appdb"), mariaPassword);
        Files.writeString(vault.resolve(neighbour.name() + "_neighbourdb"), mariaPassword);
        String id = createdId(create("vaulted", config(maria, Map.of("dbUser", mariaUser,
            "dbPassword", "${vault.appdb}"))));
        try {
            Http.Response login = Tokens.passwordGrant(tenant, "app", "ada@example.com", RestFixture.TABLE_PASSWORD);
            assertEquals(200, login.status(), "the vault's password opened the database: " + login);
            assertEquals(List.of("**********"), read(id).getConfig().get("dbPassword"));
        } finally {
            tenant.admin().components().component(id).remove();
        }
        assertRefused(create("missing", config(maria, Map.of("dbUser", mariaUser, "dbPassword", "${vault.nope}"))),
            "The vault has no secret for ${vault.nope}");
        // Another realm's secret is not this realm's: Keycloak's vault keys files by realm.
        assertRefused(create("theirs", config(maria, Map.of("dbUser", mariaUser,
            "dbPassword", "${vault.neighbourdb}"))), "The vault has no secret");
    }

    @Test
    void noDriverMessageReachesTheAdminOnlyTheServerLog() throws Exception {
        // What a hostile server, or a driver quoting a file it read, puts into its error text.
        String fileContent = "root:x:0:0:root:/root:/bin/bash " + UUID.randomUUID();
        try (FakeDatabaseServer hostile = FakeDatabaseServer.postgresAnswering(fileContent)) {
            String url = "jdbc:postgresql://127.0.0.1:" + hostile.port() + "/tableauth_it_fake";
            Http.Response r = create("echo", config(pg, Map.of("jdbcUrl", url)));
            assertRefused(r, "The database postgresql://127.0.0.1:" + hostile.port() + "/tableauth_it_fake answered "
                + "with an error. Details are in the Keycloak server log.");
            assertFalse(r.body().contains(fileContent) || r.body().contains("root:x:0"), r.body());
            assertTrue(hostile.connections() > 0);
            assertTrue(tenant.server().logTail(300).contains(fileContent), "the detail is in the server log");
        }
        assertRefused(create("wrong-password", config(maria, Map.of("dbUser", mariaUser, "dbPassword", "wrong"))),
            "refused the database user or password");
        assertRefused(create("no-database", config(pg, Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1:5432/"
            + "tableauth_it_missing"))), "does not exist on that server");
        assertRefused(create("no-server", config(pg, Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1:1/"
            + "tableauth_it_none"))), "Cannot connect to the database");
    }
}

package io.tableauth.it.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.TestSettings;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What docker/compose.yaml wires together, minus the containers (no Docker engine here): the compose file's realm
 * ({@code docker/realms/demo-realm.json}) over a PostgreSQL application database that {@code demo/app-users.sql}
 * seeded, as the compose file's app-db service does on its first start. The demo's users log in through it.
 */
@ExtendWith(KeycloakExtension.class)
class ComposeDemoRealmIT {

    static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    @Order(1)
    static final TestDatabase APP_DB = TestDatabase.postgres();

    /** The app-db service's init script, before the realm arrives: importing an auth config checks its table. */
    @RegisterExtension
    @Order(2)
    static final BeforeAllCallback SEED = context -> seedTheAppDatabaseAsItsInitScriptDoes();

    /** The placeholders the compose file sets as environment variables, read once the database exists. */
    @RegisterExtension
    @Order(3)
    static final TestRealm REALM = TestRealm.fromJson(
        TestSettings.dockerDir().resolve("realms/demo-realm.json"), new AbstractMap<>() {
            @Override
            public Set<Entry<String, String>> entrySet() {
                return Map.of("TABLEAUTH_APP_DB_URL", APP_DB.jdbcUrl(), "TABLEAUTH_APP_DB_USER", APP_DB.user(),
                    "TABLEAUTH_APP_DB_PASSWORD", APP_DB.password() == null ? "" : APP_DB.password(),
                    "TABLEAUTH_SMTP_HOST", "127.0.0.1", "TABLEAUTH_SMTP_PORT", "2525").entrySet();
            }
        });

    static void seedTheAppDatabaseAsItsInitScriptDoes() throws Exception {
        String script = Files.readString(TestSettings.demoRealm().resolveSibling("app-users.sql"));
        try (Connection c = APP_DB.connect(); Statement s = c.createStatement()) {
            s.execute(script);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
                rs.next();
                assertEquals(3, rs.getInt(1), "the script seeds bob, carol and dan");
            }
        }
    }

    @Test
    void theDemoUsersLogInThroughThePostgresAuthConfig() {
        Http.Response bob = Tokens.passwordGrant(REALM, "demo-app", "bob@example.com", PASSWORD);
        assertEquals(200, bob.status(), bob.toString());
        assertEquals("bob@example.com", Tokens.verifyAccessToken(REALM, bob.json().get("access_token").asText())
            .getClaim("preferred_username"));
        Http.Response carol = Http.postJson(REALM.uri("/api/v1/auth/login"),
            Http.body("credential", "carol@example.com", "password", PASSWORD),
            "x-mapi-key", "demo-app", "x-mapi-auth-config-id", "demo-app-users");
        assertEquals(200, carol.status(), "carol's argon2id hash: " + carol);
        assertEquals(400, Tokens.passwordGrant(REALM, "demo-app", "dan@example.com", PASSWORD).status(),
            "dan's row is inactive");
        assertEquals("127.0.0.1", REALM.admin().toRepresentation().getSmtpServer().get("host"));
    }

    @Test
    void theComposeFilesOperatorOptionAllowsItsApplicationDatabaseOnly() throws Exception {
        String compose = Files.readString(TestSettings.dockerDir().resolve("compose.yaml"));
        java.util.regex.Matcher allowed = java.util.regex.Pattern
            .compile("KC_SPI_STORAGE__TABLEAUTH_SQL__ALLOWED_JDBC_URLS: (\\S+)").matcher(compose);
        java.util.regex.Matcher url = java.util.regex.Pattern.compile("TABLEAUTH_APP_DB_URL: (\\S+)").matcher(compose);
        org.junit.jupiter.api.Assertions.assertTrue(allowed.find() && url.find(), "both are set in compose.yaml");
        assertEquals("jdbc:" + allowed.group(1), url.group(1), "the allowed pattern is exactly the app database");
    }
}

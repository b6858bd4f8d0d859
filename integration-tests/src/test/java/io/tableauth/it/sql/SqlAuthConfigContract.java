package io.tableauth.it.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWTClaimsSet;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.Tokens;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * What an admin and a user see of SQL auth configs, through a real Keycloak, on one database kind per subclass.
 * Four configs share the class's database: MAIN (users, writable, new users go here, rehash to bcrypt $2y$ 12),
 * RO (ro_users, read-only), LEGACY (legacy_users, legacy digests allowed, writable, rehash) and SECOND (users2,
 * read-only, lowest priority).
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlAuthConfigContract {

    static final String CLIENT = "app";

    // Instance extensions get class-level callbacks under PER_CLASS: a realm and a database per subclass.
    @RegisterExtension
    final TestRealm realm = TestRealm.fromResource("/realms/sql-realm.json");
    @RegisterExtension
    final TestDatabase db;

    SqlAuthConfigContract(TestDatabase.Kind kind) {
        this.db = TestDatabase.of(kind);
    }

    TestRealm realm() {
        return realm;
    }

    TestDatabase db() {
        return db;
    }

    /** DDL of a users table in this database's dialect. */
    abstract String createUsersTable(String table);

    /**
     * Statements that make a users table whose e-mail and username compare ignoring case and accents, as
     * applications' tables often do (MariaDB's utf8mb4_unicode_ci, a PostgreSQL ICU nondeterministic collation).
     */
    abstract List<String> insensitiveUsersTable(String table);

    /** SQL that lists this database's connections that are not idle, as (state) rows; null when not supported. */
    String busyConnectionsSql() {
        return null;
    }

    /** SQL counting all connections to the named database; null when not supported. */
    String connectionCountSql() {
        return null;
    }

    String mainId;
    String roId;
    String legacyId;
    String secondId;

    @BeforeAll
    void createTablesAndConfigs() throws SQLException {
        try (Connection c = db().connect(); Statement s = c.createStatement()) {
            for (String table : List.of("users", "ro_users", "legacy_users", "users2")) {
                s.execute(createUsersTable(table));
            }
        }
        UPConfig profile = realm().admin().users().userProfile().getConfiguration();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ENABLED);
        realm().admin().users().userProfile().update(profile);

        mainId = addConfig("main", 0, config(db(), "users", Map.of("editMode", "WRITABLE", "signupAllowed", "true")));
        roId = addConfig("ro", 1, config(db(), "ro_users", Map.of()));
        legacyId = addConfig("legacy", 2, config(db(), "legacy_users",
            Map.of("editMode", "WRITABLE", "allowLegacyHashes", "true")));
        secondId = addConfig("second", 3, config(db(), "users2", Map.of()));
    }

    static MultivaluedHashMap<String, String> config(TestDatabase db, String table, Map<String, String> extra) {
        return SqlAuthConfigs.over(db, table, "email,username", extra);
    }

    String addConfig(String name, int priority, MultivaluedHashMap<String, String> config) {
        return SqlAuthConfigs.add(realm(), name, priority, config);
    }

    ComponentRepresentation component(String name, MultivaluedHashMap<String, String> config) {
        return SqlAuthConfigs.component(realm(), name, config);
    }

    static String unique(String prefix) {
        return prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "@example.com";
    }

    String insert(String table, String email, String hash, boolean active) throws SQLException {
        try (Connection c = db().connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
            + " (email, username, password, first_name, last_name, is_active, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, email);
            ps.setString(2, email.substring(0, email.indexOf('@')));
            ps.setString(3, hash);
            ps.setString(4, "Ada");
            ps.setString(5, "Lovelace");
            ps.setBoolean(6, active);
            ps.setString(7, "editor");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertTrue(keys.next());
                return keys.getString(1);
            }
        }
    }

    String column(String table, String email, String column) throws SQLException {
        try (Connection c = db().connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE email = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    void execute(String sql, Object... params) throws SQLException {
        try (Connection c = db().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    Http.Response login(String username, String password) {
        return Tokens.passwordGrant(realm(), CLIENT, username, password);
    }

    /** Lets Keycloak's user cache hold the config's users for 2 s; returns the config as it was, to put back. */
    static ComponentRepresentation shortLived(org.keycloak.admin.client.resource.ComponentResource config) {
        ComponentRepresentation before = config.toRepresentation();
        ComponentRepresentation shortLived = config.toRepresentation();
        shortLived.getConfig().putSingle("maxLifespan", "2000");
        config.update(shortLived);
        return before;
    }

    /** Refreshes every 250 ms, with each new refresh token, until refused or 10 s passed; the last answer. */
    Http.Response refreshUntilRefused(String refreshToken) throws InterruptedException {
        long started = System.nanoTime();
        Http.Response refreshed;
        do {
            Thread.sleep(250);
            refreshed = Http.postForm(realm().uri("/protocol/openid-connect/token"), Map.of("grant_type",
                "refresh_token", "client_id", CLIENT, "refresh_token", refreshToken));
            if (refreshed.status() == 200) {
                refreshToken = refreshed.json().get("refresh_token").asText();
            }
        } while (refreshed.status() == 200 && System.nanoTime() - started < 10_000_000_000L);
        return refreshed;
    }

    static void assertRefused(Http.Response r) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_grant", r.json().get("error").asText(), r.toString());
        assertFalse(r.body().contains("Exception"), r.body());
    }

    // 2. every stored format logs in through Keycloak's direct grant; a wrong password does not

    @Test
    void everyHashFormatAppsStoreLogsInThroughTheDirectGrant() throws Exception {
        String[][] formats = {
            {"bcrypt-2y", "$2y$10$"}, {"bcrypt-2b", "$2b$"}, {"bcrypt-2a", "$2a$"},
            {"argon2id", "$argon2id$v=19$m=65536"}, {"argon2i", "$argon2i$"},
            {"pbkdf2_sha256", "pbkdf2_sha256$"}, {"pbkdf2_sha1", "pbkdf2_sha1$"},
            {"pbkdf2-sha256", "$pbkdf2-sha256$"}, {"pbkdf2-sha512-phc-std", "$pbkdf2-sha512$"},
            {"scrypt", "$scrypt$ln=14"}};
        for (String[] f : formats) {
            HashVectors.Vector v = HashVectors.first(f[0], f[1]);
            String email = unique("fmt");
            String id = insert("ro_users", email, v.hash(), true);

            assertRefused(login(email, v.wrong()));
            Http.Response ok = login(email, v.password());
            assertEquals(200, ok.status(), v + " → " + ok);
            JWTClaimsSet claims = Tokens.verifyAccessToken(realm(), ok.json().get("access_token").asText());
            assertEquals(email, claims.getStringClaim("preferred_username"), v.toString());
            assertEquals("f:" + roId + ":" + id, claims.getSubject(), v.toString());
            assertEquals(v.hash(), column("ro_users", email, "password"), "read-only: never rewritten");
        }
    }

    @Test
    void legacyDigestsLogInOnlyWhereAllowedAndAreRehashedThere() throws Exception {
        HashVectors.Vector md5 = HashVectors.first("md5", "");
        String strictEmail = unique("md5-strict");
        insert("ro_users", strictEmail, md5.hash(), true);
        assertRefused(login(strictEmail, md5.password()));

        String email = unique("md5");
        insert("legacy_users", email, md5.hash(), true);
        assertRefused(login(email, md5.wrong()));
        assertEquals(md5.hash(), column("legacy_users", email, "password"), "a failed login never writes");

        assertEquals(200, login(email, md5.password()).status());
        String rehashed = column("legacy_users", email, "password");
        assertTrue(rehashed.startsWith("$2y$12$"), rehashed);
        assertEquals(200, login(email, md5.password()).status(), "logs in with the new hash");
    }

    // 3. rehash on login

    @Test
    void aWeakerHashIsRewrittenInTheTargetFormatAfterASuccessfulLoginOnly() throws Exception {
        HashVectors.Vector bcrypt10 = HashVectors.first("bcrypt-2y", "$2y$10$");
        String email = unique("rehash");
        insert("users", email, bcrypt10.hash(), true);

        assertRefused(login(email, bcrypt10.wrong()));
        assertEquals(bcrypt10.hash(), column("users", email, "password"));

        String disabled = unique("rehash-disabled");
        insert("users", disabled, bcrypt10.hash(), false);
        assertRefused(login(disabled, bcrypt10.password()));
        assertEquals(bcrypt10.hash(), column("users", disabled, "password"), "a disabled user's login never writes");

        assertEquals(200, login(email, bcrypt10.password()).status());
        String upgraded = column("users", email, "password");
        assertTrue(upgraded.startsWith("$2y$12$"), upgraded);
        assertEquals(200, login(email, bcrypt10.password()).status());
        assertEquals(upgraded, column("users", email, "password"), "a hash at the target is left alone");
    }

    // 6. enabled column

    @Test
    void aRowWhoseEnabledColumnIsFalseCannotLogInUntilItIsTrue() throws Exception {
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
        String email = unique("disabled");
        insert("ro_users", email, v.hash(), false);

        Http.Response refused = login(email, v.password());
        assertRefused(refused);
        assertEquals("Account disabled", refused.json().get("error_description").asText());

        execute("UPDATE ro_users SET is_active = ? WHERE email = ?", true, email);
        assertEquals(200, login(email, v.password()).status(), "no stale cache: the table decides");
    }

    // 6b. freshness while Keycloak's user cache holds table users

    /**
     * New configs let Keycloak's user cache hold their users for 30 s. The application changes its rows without
     * telling Keycloak: the next login still sees every change (disabled, enabled again, new e-mail, new
     * password), because it compares the held copy with the row, and drops a stale copy on every node.
     */
    @Test
    void whileKeycloakHoldsATableUserTheNextLoginSeesTheApplicationsChangesToTheRow() throws Exception {
        var ro = realm().admin().components().component(roId).toRepresentation();
        assertEquals("MAX_LIFESPAN", ro.getConfig().getFirst("cachePolicy"), "new configs get a short user cache");
        assertEquals("30000", ro.getConfig().getFirst("maxLifespan"));
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
        String email = unique("fresh");
        String id = insert("ro_users", email, v.hash(), true);
        assertEquals(200, login(email, v.password()).status());
        var admin = realm().admin().users().get("f:" + roId + ":" + id);
        assertEquals("Ada", admin.toRepresentation().getFirstName());

        // outside a login, Keycloak answers from its copy until it expires: the window
        execute("UPDATE ro_users SET first_name = ? WHERE email = ?", "Augusta", email);
        assertEquals("Ada", admin.toRepresentation().getFirstName(), "the console reads the held copy");
        assertEquals(200, login(email, v.password()).status());
        assertEquals("Augusta", admin.toRepresentation().getFirstName(), "a login drops the stale copy");

        execute("UPDATE ro_users SET is_active = ? WHERE email = ?", false, email);
        // Keycloak's flow judged the held copy enabled before the password step found the row disabled: refused
        // as a wrong password is; from then on Keycloak's own answer (tableauth's REST logins check first)
        assertRefused(login(email, v.password()));
        Http.Response disabled = login(email, v.password());
        assertRefused(disabled);
        assertEquals("Account disabled", disabled.json().get("error_description").asText(), disabled.toString());
        execute("UPDATE ro_users SET is_active = ? WHERE email = ?", true, email);
        assertEquals(200, login(email, v.password()).status(), "enabled again: the next login passes");

        String moved = unique("fresh-moved");
        execute("UPDATE ro_users SET email = ?, username = ? WHERE email = ?", moved,
            moved.substring(0, moved.indexOf('@')), email);
        assertRefused(login(email, v.password()));
        assertEquals(200, login(moved, v.password()).status(), "the new address logs in");
        assertRefused(login(email, v.password()));

        HashVectors.Vector other = HashVectors.firstWithOtherPassword("argon2id", v.password());
        execute("UPDATE ro_users SET password = ? WHERE email = ?", other.hash(), moved);
        assertRefused(login(moved, v.password()));
        assertEquals(200, login(moved, other.password()).status(), "the new password logs in");
    }

    /**
     * The window, bounded: a token use (the refresh grant) acts on the held copy of a user the application disabled
     * in its table only until the config's lifespan ends; after it, the refresh is refused.
     */
    @Test
    void aTokenUseSeesTheApplicationsChangeOnceTheHeldCopyExpires() throws Exception {
        var second = realm().admin().components().component(secondId);
        var before = shortLived(second);
        try {
            HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
            String email = unique("window");
            insert("users2", email, v.hash(), true);
            Http.Response login = login(email, v.password());
            assertEquals(200, login.status(), login.toString());
            String refreshToken = login.json().get("refresh_token").asText();
            execute("UPDATE users2 SET is_active = ? WHERE email = ?", false, email);
            long disabledAt = System.nanoTime();
            Http.Response refreshed = refreshUntilRefused(refreshToken);
            long seenMs = (System.nanoTime() - disabledAt) / 1_000_000;
            assertEquals(400, refreshed.status(), "refused once the 2 s copy expired: " + refreshed);
            assertTrue(seenMs <= 4_000, "seen after " + seenMs + " ms, lifespan 2000 ms");
            System.out.printf("[freshness] a refresh saw the row disabled by the application after %d ms "
                + "(cache lifespan 2000 ms)%n", seenMs);
        } finally {
            second.update(before);
        }
    }

    // 6. admin console: search, count, pagination, mapped attributes

    /**
     * A password hash the application changes in its own table (a reset in the application, an admin locking a stolen
     * account) ends the user's sessions once Keycloak reads the row again: here when the 2 s held copy expires.
     * The new password logs in.
     */
    @Test
    void aPasswordTheApplicationChangesEndsTheUsersSessions() throws Exception {
        var second = realm().admin().components().component(secondId);
        var before = shortLived(second);
        try {
            HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
            HashVectors.Vector other = HashVectors.firstWithOtherPassword("argon2id", v.password());
            String email = unique("rehashed");
            insert("users2", email, v.hash(), true);
            Http.Response login = login(email, v.password());
            assertEquals(200, login.status(), login.toString());
            String refreshToken = login.json().get("refresh_token").asText();
            execute("UPDATE users2 SET password = ? WHERE email = ?", other.hash(), email);
            long changedAt = System.nanoTime();
            Http.Response refreshed = refreshUntilRefused(refreshToken);
            long seenMs = (System.nanoTime() - changedAt) / 1_000_000;
            assertEquals(400, refreshed.status(), "the session ended once the row was read again: " + refreshed);
            System.out.printf("[freshness] a refresh saw the password changed by the application after %d ms "
                + "(cache lifespan 2000 ms)%n", seenMs);
            assertRefused(login(email, v.password()));
            assertEquals(200, login(email, other.password()).status(), "the new password logs in");
        } finally {
            second.update(before);
        }
    }

    @Test
    void theAdminSearchesCountsAndPagesTableUsersAndSeesMappedAttributes() throws Exception {
        String tag = "srch" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        for (int i = 1; i <= 3; i++) {
            insert("ro_users", tag + i + "@example.com", HashVectors.first("bcrypt-2y", "$2y$10$").hash(), true);
        }
        var users = realm().admin().users();

        List<UserRepresentation> found = users.search(tag, 0, 10, false);
        assertEquals(List.of(tag + "1@example.com", tag + "2@example.com", tag + "3@example.com"),
            found.stream().map(UserRepresentation::getUsername).toList());
        assertEquals(3, users.count(tag));
        assertEquals(List.of(tag + "2@example.com"),
            users.search(tag, 1, 1, false).stream().map(UserRepresentation::getUsername).toList());
        assertEquals(1, users.search("\"" + tag + "3@example.com\"", 0, 10, false).size(), "quoted = exact");

        UserRepresentation one = users.get(found.get(0).getId()).toRepresentation();
        assertEquals("Ada", one.getFirstName());
        assertEquals(tag + "1@example.com", one.getEmail());
        assertEquals(List.of("editor"), one.getAttributes().get("role"));
        assertEquals("ro", realm().admin().components().component(one.getFederationLink()).toRepresentation().getName());
    }

    // 5. write-back in writable mode

    @Test
    void usersCreatedEditedAndDeletedInKeycloakAreWrittenToTheTable() throws Exception {
        String email = unique("new");
        UserRepresentation rep = new UserRepresentation();
        rep.setUsername(email);
        rep.setEmail(email);
        rep.setFirstName("Nina");
        rep.setLastName("New");
        rep.setEnabled(true);
        String id;
        try (Response r = realm().admin().users().create(rep)) {
            assertEquals(201, r.getStatus(), () -> r.readEntity(String.class));
            id = CreatedResponseUtil.getCreatedId(r);
        }
        assertTrue(id.startsWith("f:" + mainId + ":"), id);
        assertEquals("Nina", column("users", email, "first_name"));
        assertEquals(id.substring(id.lastIndexOf(':') + 1), column("users", email, "id"));

        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue("N3w-password-for-nina");
        password.setTemporary(false);
        realm().admin().users().get(id).resetPassword(password);
        assertTrue(column("users", email, "password").startsWith("$2y$12$"), column("users", email, "password"));
        assertEquals(200, login(email, "N3w-password-for-nina").status());

        UserRepresentation edit = realm().admin().users().get(id).toRepresentation();
        edit.setFirstName("Nora");
        edit.setAttributes(Map.of("role", List.of("admin")));
        realm().admin().users().get(id).update(edit);
        assertEquals("Nora", column("users", email, "first_name"));
        assertEquals("admin", column("users", email, "role"));

        edit.setEnabled(false);
        realm().admin().users().get(id).update(edit);
        assertFalse(Boolean.parseBoolean(normalizeBool(column("users", email, "is_active"))));
        assertRefused(login(email, "N3w-password-for-nina"));

        try (Response r = realm().admin().users().delete(id)) {
            assertEquals(204, r.getStatus());
        }
        assertEquals(null, column("users", email, "id"), "row deleted");
    }

    static String normalizeBool(String v) {
        return "1".equals(v) ? "true" : "0".equals(v) ? "false" : v;
    }

    @Test
    void aReadOnlyConfigRefusesChangesClearlyAndKeepsTheRow() throws Exception {
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
        String email = unique("ro");
        insert("ro_users", email, v.hash(), true);
        String id = realm().admin().users().search(email, true).get(0).getId();

        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue("Another-password-1");
        password.setTemporary(false);
        String message = errorOf(() -> realm().admin().users().get(id).resetPassword(password));
        assertTrue(message.matches("(?s)400 .*read.only.*"), message);
        assertEquals(v.hash(), column("ro_users", email, "password"));

        UserRepresentation same = realm().admin().users().get(id).toRepresentation();
        realm().admin().users().get(id).update(same); // saving an unchanged user is fine
        realm().admin().users().get(id).roles().realmLevel().add(List.of(
            realm().admin().roles().get("offline_access").toRepresentation())); // Keycloak-side data still works
        same.setFirstName("Changed");
        same.setAttributes(Map.of("role", List.of("editor"))); // as the console sends it: the form's fields
        message = errorOf(() -> realm().admin().users().get(id).update(same));
        assertTrue(message.matches("(?s)400 .*read.only.*"), message);
        assertEquals("Ada", column("ro_users", email, "first_name"));

        try (Response r = realm().admin().users().delete(id)) {
            assertEquals(400, r.getStatus(), () -> r.readEntity(String.class));
        }
        assertNotNull(column("ro_users", email, "id"), "row kept");
        assertTrue(realm().admin().users().get(id).roles().realmLevel().listEffective().stream()
            .anyMatch(role -> role.getName().equals("offline_access")), "Keycloak-side data kept after a refused delete");
    }

    static String errorOf(Runnable call) {
        try {
            call.run();
        } catch (WebApplicationException e) {
            return e.getResponse().getStatus() + " " + e.getResponse().readEntity(String.class);
        }
        return fail("expected the admin API to refuse");
    }

    // 1. saving validates, with readable messages

    /**
     * No cache policy keeps a table user for long by accident: the console's create form sends DEFAULT, and DEFAULT,
     * EVICT_DAILY and EVICT_WEEKLY are stored as tableauth's 30 s; an explicit Max lifespan is cut to the operator's
     * cap (5 minutes unless set); NO_CACHE stays. What is stored is what the console then shows.
     */
    @Test
    void everyCachePolicyIsStoredAsWhatHolds() {
        Map<List<String>, List<String>> cases = Map.of(
            List.of("DEFAULT"), List.of("MAX_LIFESPAN", "30000"),
            List.of("EVICT_DAILY", "evictionHour", "3"), List.of("MAX_LIFESPAN", "30000"),
            List.of("EVICT_WEEKLY", "evictionDay", "2"), List.of("MAX_LIFESPAN", "30000"),
            List.of("MAX_LIFESPAN", "maxLifespan", "86400000"), List.of("MAX_LIFESPAN", "300000"),
            List.of("MAX_LIFESPAN", "maxLifespan", "60000"), List.of("MAX_LIFESPAN", "60000"),
            List.of("NO_CACHE"), List.of("NO_CACHE", ""));
        cases.forEach((given, stored) -> {
            MultivaluedHashMap<String, String> c = config(db(), "users", Map.of());
            c.putSingle("cachePolicy", given.get(0));
            if (given.size() == 3) {
                c.putSingle(given.get(1), given.get(2));
            }
            String id = addConfig("policy-" + given.get(0).toLowerCase(java.util.Locale.ROOT), 9, c);
            try {
                var saved = realm().admin().components().component(id).toRepresentation().getConfig();
                assertEquals(stored.get(0), saved.getFirst("cachePolicy"), given.toString());
                if (!stored.get(1).isEmpty()) {
                    assertEquals(stored.get(1), saved.getFirst("maxLifespan"), given.toString());
                }
                assertNull(saved.getFirst("evictionHour"), given.toString());
                assertNull(saved.getFirst("evictionDay"), given.toString());
            } finally {
                realm().admin().components().component(id).remove();
            }
        });
    }

    /**
     * An auth config that arrives in a realm import (the console's "Create realm" from a file, the same import
     * Keycloak's {@code --import-realm} runs at startup) gets what one made in the console gets: the console form's
     * {@code DEFAULT} cache policy stored as the 30 s lifespan, the same checks (a column the table lacks refuses the
     * whole import, and no realm is left), and its users log in.
     */
    @Test
    void anAuthConfigInARealmImportGetsTheConsolesDefaultsAndChecks() throws Exception {
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
        String email = unique("imported");
        insert("users", email, v.hash(), true);
        var admin = realm().server().admin();
        for (boolean broken : new boolean[] {true, false}) {
            String name = "import-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            org.keycloak.representations.idm.RealmRepresentation rep = new org.keycloak.representations.idm.RealmRepresentation();
            rep.setRealm(name);
            rep.setEnabled(true);
            org.keycloak.representations.idm.ClientRepresentation client = new org.keycloak.representations.idm.ClientRepresentation();
            client.setClientId(CLIENT);
            client.setPublicClient(true);
            client.setDirectAccessGrantsEnabled(true);
            rep.setClients(List.of(client));
            org.keycloak.representations.idm.ComponentExportRepresentation config =
                new org.keycloak.representations.idm.ComponentExportRepresentation();
            config.setName("imported");
            config.setProviderId("tableauth-sql");
            MultivaluedHashMap<String, String> settings = config(db(), "users",
                broken ? Map.of("firstNameColumn", "no_such_column") : Map.of());
            settings.putSingle("cachePolicy", "DEFAULT");
            config.setConfig(settings);
            MultivaluedHashMap<String, org.keycloak.representations.idm.ComponentExportRepresentation> components =
                new MultivaluedHashMap<>();
            components.add("org.keycloak.storage.UserStorageProvider", config);
            rep.setComponents(components);
            if (broken) {
                WebApplicationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    WebApplicationException.class, () -> admin.realms().create(rep));
                // Keycloak's import answers its own error for a component that fails its checks (no stack trace)
                String body = refused.getResponse().readEntity(String.class);
                assertTrue(refused.getResponse().getStatus() >= 400, body);
                assertFalse(body.contains("Exception"), body);
                assertTrue(admin.realms().findAll().stream().noneMatch(r -> r.getRealm().equals(name)),
                    "nothing of the refused import is left");
                continue;
            }
            admin.realms().create(rep);
            try {
                var stored = admin.realm(name).components().query(null, "org.keycloak.storage.UserStorageProvider")
                    .get(0).getConfig();
                assertEquals("MAX_LIFESPAN", stored.getFirst("cachePolicy"));
                assertEquals("30000", stored.getFirst("maxLifespan"));
                Http.Response login = Http.postForm(realm().server().realmUri(name, "/protocol/openid-connect/token"),
                    Map.of("grant_type", "password", "client_id", CLIENT, "username", email, "password", v.password()));
                assertEquals(200, login.status(), login.toString());
            } finally {
                admin.realm(name).remove();
            }
        }
    }

    @Test
    void savingABrokenConfigShowsWhatIsWrong() {
        Map<Map<String, String>, String> cases = Map.of(
            Map.of("passwordColumn", "no_such_column"), "Column no_such_column was not found",
            Map.of("table", "users; DROP TABLE users"), "is not a plain SQL name",
            Map.of("table", "no_such_table"), "Table no_such_table was not found",
            Map.of("jdbcUrl", "jdbc:postgresql://127.0.0.1:1/tableauth_it_nothing"),
            "Cannot connect to the database postgresql://127.0.0.1:1/tableauth_it_nothing",
            Map.of("attributeMappings", "is_active"), "must read column=attribute",
            Map.of("jdbcUrl", "jdbc:nosuchdb://x"), "tableauth connects to PostgreSQL");
        cases.forEach((override, expected) -> {
            MultivaluedHashMap<String, String> c = config(db(), "users", Map.of());
            override.forEach(c::putSingle);
            try (Response r = realm().admin().components().add(component("broken", c))) {
                String body = r.readEntity(String.class);
                assertEquals(400, r.getStatus(), override + " → " + body);
                assertTrue(body.contains(expected), override + " → " + body);
                assertFalse(body.contains("unknown_error") || body.contains("Exception"), body);
            }
        });
    }

    // 4. several configs stay independent

    /**
     * An identifier names the row whose value equals it, ignoring case only: a variant the table's collation calls
     * equal (an accent, a Turkish dotted or dotless i) is no one's, even with the right password.
     */
    @Test
    void anIdentifierNamesTheRowThatEqualsItNotOneTheCollationCallsEqual() throws Exception {
        try (Connection c = db().connect(); Statement s = c.createStatement()) {
            for (String sql : insensitiveUsersTable("ci_users")) {
                s.execute(sql);
            }
        }
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
        String email = unique("alice");
        insert("ci_users", email, v.hash(), true);
        String configId = addConfig("insensitive", 4, config(db(), "ci_users", Map.of()));
        try {
            assertEquals(200, login(email.toUpperCase(java.util.Locale.ROOT), v.password()).status(),
                "case alone: the same user");
            String local = email.substring(0, email.indexOf('@'));
            assertEquals(200, login(local.toUpperCase(java.util.Locale.ROOT), v.password()).status(), "its username");
            for (String variant : List.of("\u00e2" + email.substring(1), "al\u00eece" + email.substring(5),
                "AL\u0130CE" + email.substring(5), "al\u0131ce" + email.substring(5),
                email.replace("@example.com", "@\u00e9xample.com"), "al\u00eece" + local.substring(5))) {
                assertRefused(login(variant, v.password()));
            }
        } finally {
            realm().admin().components().component(configId).remove();
        }
    }

    @Test
    void theSameEmailInTwoTablesIsTwoUsersAndALoginChecksOneTable() throws Exception {
        HashVectors.Vector a = HashVectors.first("bcrypt-2y", "$2y$12$");
        HashVectors.Vector b = HashVectors.firstWithOtherPassword("argon2id", a.password());
        String email = unique("twin");
        String idA = insert("users", email, a.hash(), true);
        String idB = insert("users2", email, b.hash(), true);

        List<UserRepresentation> both = realm().admin().users().search(email, 0, 10, false);
        assertEquals(2, both.size(), "two users");
        assertEquals(java.util.Set.of("f:" + mainId + ":" + idA, "f:" + secondId + ":" + idB),
            java.util.Set.of(both.get(0).getId(), both.get(1).getId()), "one user per table, each its own row");

        Http.Response ok = login(email, a.password());
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("f:" + mainId + ":" + idA,
            Tokens.verifyAccessToken(realm(), ok.json().get("access_token").asText()).getSubject());
        assertRefused(login(email, b.password()));
    }

    // 4b. write-back joins Keycloak's transaction

    /** Rows Keycloak keeps about the users of the MAIN config (federated storage), in Keycloak's own database. */
    int keycloakRowsAboutMainUsers() throws SQLException {
        int total = 0;
        try (Connection c = realm().server().keycloakDatabase().connect()) {
            for (String table : List.of("fed_user_attribute", "fed_user_required_action", "fed_user_role_mapping")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table
                    + " WHERE user_id LIKE ?")) {
                    ps.setString(1, "f:" + mainId + ":%");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getInt(1);
                    }
                }
            }
        }
        return total;
    }

    static UserRepresentation newUser(String email, String password) {
        UserRepresentation u = new UserRepresentation();
        u.setUsername(email.substring(0, email.indexOf('@')));
        u.setEmail(email);
        u.setFirstName("Half");
        u.setLastName("Way");
        u.setEnabled(true);
        u.setRequiredActions(List.of("CONFIGURE_TOTP"));
        u.setAttributes(Map.of("nickname", List.of("halfway")));
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(password);
        c.setTemporary(false);
        u.setCredentials(List.of(c));
        return u;
    }

    /**
     * Keycloak fails after tableauth's INSERT: the admin API creates the user (the row is written), then the password
     * breaks the realm's policy and Keycloak rolls its transaction back. The row goes with it.
     */
    @Test
    void whenKeycloakFailsAfterTheInsertNoRowRemains() throws Exception {
        String email = unique("halfway");
        var rep = realm().admin().toRepresentation();
        String policy = rep.getPasswordPolicy();
        rep.setPasswordPolicy("length(40)");
        realm().admin().update(rep);
        int keycloakRows = keycloakRowsAboutMainUsers();
        try {
            try (Response r = realm().admin().users().create(newUser(email, "too short for this realm"))) {
                assertEquals(400, r.getStatus(), r.readEntity(String.class));
            }
            assertEquals(null, column("users", email, "id"), "the INSERT went with Keycloak's rollback");
            assertTrue(realm().admin().users().search(email, true).isEmpty());
            assertEquals(keycloakRows, keycloakRowsAboutMainUsers(), "nor did Keycloak keep anything about it");
            try (Response r = realm().admin().users().create(newUser(email,
                "a password long enough for this realm's policy of forty characters"))) {
                assertEquals(201, r.getStatus(), r.readEntity(String.class));
            }
            assertNotNull(column("users", email, "id"), "the same create with a valid password writes the row");
        } finally {
            rep.setPasswordPolicy(policy == null ? "" : policy); // null would mean "leave it as it is"
            realm().admin().update(rep);
        }
    }

    /**
     * The application's schema refuses the DELETE (an order still points at the user): the delete fails, and the row
     * and what Keycloak keeps about the user (a role, a required action, an attribute) are all still there.
     */
    @Test
    void aDeleteTheApplicationsForeignKeyRefusesLeavesTheUserWhole() throws Exception {
        String email = unique("owner");
        String rowId = insert("users", email, "$2y$10$/zCaLd9jR3ldvYdXvS.PSOhSHGdCRp9lLArfOvgO7edNz.AagYOFi", true);
        String idType = db().kind() == TestDatabase.Kind.MARIADB ? "BIGINT UNSIGNED" : "INTEGER";
        String orders = "orders_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        execute("CREATE TABLE " + orders + " (id INTEGER PRIMARY KEY, user_id " + idType + " NOT NULL, "
            + "FOREIGN KEY (user_id) REFERENCES users(id))");
        try {
            execute("INSERT INTO " + orders + " (id, user_id) VALUES (1, " + Long.parseLong(rowId) + ")");
            String userId = "f:" + mainId + ":" + rowId;
            var user = realm().admin().users().get(userId);
            UserRepresentation rep = user.toRepresentation();
            rep.setRequiredActions(List.of("UPDATE_PROFILE"));
            user.update(rep);
            String roleName = "auditor-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            realm().admin().roles().create(new org.keycloak.representations.idm.RoleRepresentation(roleName, null,
                false));
            user.roles().realmLevel().add(List.of(realm().admin().roles().get(roleName).toRepresentation()));

            try (Response r = realm().admin().users().delete(userId)) {
                assertTrue(r.getStatus() >= 400, "the delete must fail: " + r.getStatus());
            }
            assertEquals(rowId, column("users", email, "id"), "the row is there");
            UserRepresentation after = realm().admin().users().get(userId).toRepresentation();
            assertEquals(List.of("UPDATE_PROFILE"), after.getRequiredActions(), "Keycloak's data about it too");
            assertTrue(user.roles().realmLevel().listAll().stream()
                .anyMatch(r -> r.getName().equals(roleName)), "and its role");
        } finally {
            execute("DROP TABLE " + orders);
        }
    }

    /**
     * The users table refuses the new row only at COMMIT (a deferred constraint, PostgreSQL): tableauth commits in
     * Keycloak's prepare phase, so Keycloak's own transaction rolls back too, and the caller is told.
     */
    @Test
    void aRowRefusedAtCommitLeavesNothingInKeycloakEither() throws Exception {
        Assumptions.assumeTrue(db().kind() == TestDatabase.Kind.POSTGRESQL, "deferred constraints: PostgreSQL");
        execute("CREATE OR REPLACE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + "IF NEW.email LIKE 'refused-at-commit%' THEN RAISE EXCEPTION 'refused at commit'; END IF; "
            + "RETURN NULL; END $$");
        execute("CREATE CONSTRAINT TRIGGER users_refuse_at_commit AFTER INSERT OR UPDATE ON users "
            + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()");
        try {
            String email = unique("refused-at-commit");
            int keycloakRows = keycloakRowsAboutMainUsers();
            try (Response r = realm().admin().users().create(newUser(email, "a password long enough"))) {
                assertTrue(r.getStatus() >= 500, "a failed commit is not a success: " + r.getStatus() + " "
                    + r.readEntity(String.class));
            }
            assertEquals(null, column("users", email, "id"), "no row");
            assertEquals(keycloakRows, keycloakRowsAboutMainUsers(), "Keycloak's transaction rolled back with it");
            assertTrue(realm().admin().users().search(email, true).isEmpty());
            assertRefused(login(email, "a password long enough"));
        } finally {
            execute("DROP TRIGGER users_refuse_at_commit ON users");
        }
        String email = unique("refused-at-commit");
        try (Response r = realm().admin().users().create(newUser(email, "a password long enough"))) {
            assertEquals(201, r.getStatus(), "without the trigger the same create works");
        }
    }

    // 2. Keycloak's own login page

    @Test
    void aTableUserLogsInOnKeycloaksLoginPage() throws Exception {
        HashVectors.Vector v = HashVectors.first("argon2id", "$argon2id$v=19$m=65536");
        String email = unique("browser");
        insert("ro_users", email, v.hash(), true);

        HttpClient browser = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        FormPage login = openForm(browser, "/protocol/openid-connect/auth", "kc-form-login");
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(login.action())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", login.cookies())
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(email) + "&password=" + enc(v.password())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(302, posted.statusCode(), posted.body());
        String location = posted.headers().firstValue("Location").orElse("");
        assertTrue(location.startsWith("http://localhost:3000/cb") && location.contains("code="), location);
    }

    /** A Keycloak form page: where its form posts to, and the session cookies a browser would send back. */
    record FormPage(URI action, String cookies) {
    }

    /** Opens one of Keycloak's pages for the test client, as a browser would, and finds the form on it. */
    FormPage openForm(HttpClient browser, String path, String formId) throws Exception {
        URI uri = realm().uri(path + "?client_id=" + CLIENT + "&redirect_uri=" + enc("http://localhost:3000/cb")
            + "&response_type=code&scope=openid");
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(uri).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        Matcher action = Pattern.compile("id=\"" + formId + "\"[^>]*action=\"([^\"]+)\"|action=\"([^\"]+)\"[^>]*id=\""
            + formId + "\"").matcher(page.body());
        assertTrue(action.find(), formId + " on the page");
        String cookies = String.join("; ", page.headers().allValues("Set-Cookie").stream()
            .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).toList());
        return new FormPage(URI.create((action.group(1) != null ? action.group(1) : action.group(2))
            .replace("&amp;", "&")), cookies);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void aStatementThatFailsLeavesNothingHalfWritten() throws Exception {
        String email = unique("half");
        UserRepresentation rep = new UserRepresentation();
        rep.setUsername(email);
        rep.setEmail(email);
        rep.setFirstName("Half");
        rep.setLastName("Written");
        rep.setEnabled(true);
        rep.setAttributes(Map.of("role", List.of("r".repeat(200)))); // the role column holds 50 characters
        try (Response r = realm().admin().users().create(rep)) {
            assertEquals(400, r.getStatus(), () -> r.readEntity(String.class));
        }
        assertEquals(null, column("users", email, "id"), "the INSERT was rolled back with the failed UPDATE");
        assertTrue(realm().admin().users().search(email, true).isEmpty());
    }

    @Test
    void aVisitorWhoSignsUpOnTheRegistrationPageLandsInTheTable() throws Exception {
        var rep = realm().admin().toRepresentation();
        rep.setRegistrationAllowed(true);
        realm().admin().update(rep);
        String email = unique("signup");

        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        FormPage registration = openForm(browser, "/protocol/openid-connect/registrations", "kc-register-form");
        String form = "username=" + enc(email) + "&email=" + enc(email) + "&firstName=Sam&lastName=Signup"
            + "&password=" + enc("Signup-password-1") + "&password-confirm=" + enc("Signup-password-1");
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(registration.action())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", registration.cookies())
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(302, posted.statusCode(), posted.body());

        assertEquals("Sam", column("users", email, "first_name"));
        assertTrue(column("users", email, "password").startsWith("$2y$12$"));
        assertEquals(200, login(email, "Signup-password-1").status());
    }

    @Test
    void changedSettingsTakeEffectWithoutARestart() throws Exception {
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$12$");
        try (Connection c = db().connect(); Statement s = c.createStatement()) {
            s.execute(createUsersTable("moved_users"));
        }
        String email = unique("moved");
        insert("moved_users", email, v.hash(), true);
        String id = addConfig("movable", 7, config(db(), "users2", Map.of()));
        try {
            assertRefused(login(email, v.password()));
            ComponentRepresentation movable = realm().admin().components().component(id).toRepresentation();
            movable.getConfig().putSingle("table", "moved_users");
            realm().admin().components().component(id).update(movable);
            assertEquals(200, login(email, v.password()).status(), "the config now reads moved_users");
        } finally {
            realm().admin().components().component(id).remove();
        }
        assertRefused(login(email, v.password()));
    }

    // 8. pool: no leaks after many logins; users DB down fails cleanly and recovers

    @Test
    void hundredsOfLoginsFourAtATimeLeaveThePoolIdleAndWithinItsSize() throws Exception {
        Assumptions.assumeTrue(connectionCountSql() != null, "needs a database server to observe connections");
        try (TestDatabase own = TestDatabase.of(db().kind()).create()) {
            seedMd5Table(own, "pool-password", "pool@example.com", "pool-wrong@example.com");
            MultivaluedHashMap<String, String> cfg = config(own, "users", Map.of("allowLegacyHashes", "true",
                "maxPoolSize", "2"));
            cfg.remove("attributeMappings");
            String poolId = addConfig("pool", 9, cfg);
            // Brute-force detection stays on (the realm's): a right password is never refused for coming right
            // after another login of the same user (BruteForceIT, and docs/keycloak-internals on why it once was).
            // 240 logins, four at a time on a pool of two: a connection that one of them failed to give back would
            // starve the others within a few logins (each waits at most the pool's 2 s for one).
            java.util.concurrent.ExecutorService four = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<Boolean>> logins = new java.util.ArrayList<>();
                for (int i = 0; i < 240; i++) {
                    // every tenth a wrong password, on another user so brute-force lockout never touches the first
                    boolean right = i % 10 != 9;
                    int n = i;
                    logins.add(four.submit(() -> {
                        Http.Response r = right ? login("pool@example.com", "pool-password")
                            : login("pool-wrong@example.com", "wrong-password");
                        assertEquals(right ? 200 : 400, r.status(), "login " + n + ": " + r);
                        return right;
                    }));
                }
                int ok = 0;
                for (var login : logins) {
                    ok += login.get() ? 1 : 0;
                }
                assertEquals(216, ok);
                try (Connection c = db().connect(); PreparedStatement ps = c.prepareStatement(connectionCountSql())) {
                    ps.setString(1, own.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertTrue(rs.getInt(1) <= 2, "at most the pool's 2 connections, saw " + rs.getInt(1));
                    }
                }
                try (Connection c = db().connect(); PreparedStatement ps = c.prepareStatement(busyConnectionsSql())) {
                    ps.setString(1, own.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertFalse(rs.next(), () -> "no connection left busy or in a transaction");
                    }
                }
            } finally {
                four.shutdownNow();
                realm().admin().components().component(poolId).remove();
            }
        }
    }

    @Test
    void whenTheUsersDatabaseIsDownItsLoginsFailCleanlyOthersWorkAndItRecovers() throws Exception {
        Assumptions.assumeTrue(db().kind().server(), "needs a database server that can go away");
        TestDatabase gone = TestDatabase.of(db().kind()).create();
        String name = gone.name();
        seedMd5Table(gone, "down-password", "down@example.com");
        MultivaluedHashMap<String, String> cfg = config(gone, "users", Map.of("allowLegacyHashes", "true"));
        cfg.remove("attributeMappings");
        String downId = addConfig("down", 8, cfg);
        try {
            assertEquals(200, login("down@example.com", "down-password").status());

            // Keycloak's user cache holds the user now (a new config's policy): the lookup finds the copy, the
            // password check cannot reach the table
            String downUser = realm().admin().users().search("down@example.com", true).get(0).getId();
            gone.close(); // DROP DATABASE: the users database is gone
            for (int i = 0; i < 3; i++) {
                Http.Response refused = login("down@example.com", "down-password");
                assertRefused(refused);
            }
            assertEquals(0, ((Number) realm().admin().attackDetection().bruteForceUserStatus(downUser)
                .get("numFailures")).intValue(), "an outage is no failed login: nobody gets locked out by it");
            assertEquals(200, login("local-admin", "local-admin-password").status(), "Keycloak's own users unaffected");
            HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$12$");
            String other = unique("still-up");
            insert("ro_users", other, v.hash(), true);
            assertEquals(200, login(other, v.password()).status(), "other auth configs unaffected");

            recreateDatabase(name);
            try (TestDatabase back = TestDatabase.named(db().kind(), name)) {
                seedMd5Table(back, "down-password", "down@example.com");
                int status = 0;
                for (int i = 0; i < 30 && status != 200; i++) {
                    status = login("down@example.com", "down-password").status();
                    Thread.sleep(500);
                }
                assertEquals(200, status, "recovers by itself when the database returns");
            }
        } finally {
            realm().admin().components().component(downId).remove();
        }
    }

    /** A users table in another database, its rows with hex-MD5 hashes (needs legacy formats allowed). */
    private void seedMd5Table(TestDatabase target, String password, String... emails) throws Exception {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
            .digest(password.getBytes(StandardCharsets.UTF_8)));
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.execute(createUsersTable("users"));
        }
        try (Connection c = target.connect(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO users (email, password, first_name, last_name, is_active) VALUES (?, ?, 'M', 'D', ?)")) {
            for (String email : emails) {
                ps.setString(1, email);
                ps.setString(2, md5);
                ps.setBoolean(3, true);
                ps.executeUpdate();
            }
        }
    }

    private void recreateDatabase(String name) throws SQLException {
        try (Connection c = db().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }
}

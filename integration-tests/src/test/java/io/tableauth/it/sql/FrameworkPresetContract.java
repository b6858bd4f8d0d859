package io.tableauth.it.sql;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import io.tableauth.it.support.FrameworkVerifier;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.MailBox;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Framework users tables as their own migrations create them, with only the preset chosen: an existing row (hashed
 * as that framework hashes) logs in through every dialect and the token endpoint; a REST sign-up writes a row that
 * framework could load (every NOT NULL filled, timestamps, the id in its form, the hash in its format, checked by
 * an implementation that is not tableauth's); the last-login column moves. One subclass per database.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FrameworkPresetContract {

    static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    final TestRealm realm = TestRealm.fromResource("/realms/rest-realm.json");
    @RegisterExtension
    final TestDatabase db = TestDatabase.of(kind());
    @RegisterExtension
    final MailBox mail = new MailBox();

    abstract TestDatabase.Kind kind();

    /** The framework's DDL for this database. */
    abstract String ddl(String preset);

    @BeforeAll
    void namesOptional() {
        UPConfig profile = realm.admin().users().userProfile().getConfiguration();
        for (UPAttribute a : profile.getAttributes()) {
            if (a.getName().equals("firstName") || a.getName().equals("lastName")) {
                a.setRequired(null);
            }
        }
        realm.admin().users().userProfile().update(profile);
    }

    /** Each test starts from a realm without auth configs and a database without the framework tables. */
    @BeforeEach
    void clean() throws SQLException {
        realm.admin().components().query(null, "org.keycloak.storage.UserStorageProvider").forEach(c ->
            realm.admin().components().component(c.getId()).remove());
        for (String table : List.of("users", "auth_user", "User", "directus_users", "accounts")) {
            execute("DROP TABLE IF EXISTS " + q(table));
        }
    }

    // --- helpers

    void execute(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String statement : sql.split(";\\s*\\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    /** Runs SQL with parameters (quoted identifiers already in the text). */
    void update(String sql, Object... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** The row where {@code where} matches, as column name (lower case) → value. */
    Map<String, Object> row(String table, String where, Object value) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE " + where + " = ?")) {
            ps.setObject(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "a row in " + table + " with " + where + " = " + value);
                Map<String, Object> out = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                return out;
            }
        }
    }

    String q(String identifier) {
        return kind() == TestDatabase.Kind.MARIADB ? "`" + identifier + "`" : "\"" + identifier + "\"";
    }

    /** A config with nothing but the database, the preset and write access: the preset must do the rest. */
    String save(String name, String preset, Map<String, String> extra) {
        return SqlAuthConfigs.add(realm, name, 0, config(preset, extra));
    }

    /** The database, the preset, write access with sign-ups, and {@code extra}. */
    MultivaluedHashMap<String, String> config(String preset, Map<String, String> extra) {
        MultivaluedHashMap<String, String> c = SqlAuthConfigs.connection(db);
        c.putSingle("tablePreset", preset);
        c.putSingle("editMode", "WRITABLE");
        c.putSingle("signupAllowed", "true");
        extra.forEach(c::putSingle);
        return c;
    }

    /** Changes settings of a saved config, as an admin does in the console (the masked password kept). */
    void reconfigure(String id, Map<String, String> changes) {
        ComponentRepresentation rep = realm.admin().components().component(id).toRepresentation();
        changes.forEach(rep.getConfig()::putSingle);
        realm.admin().components().component(id).update(rep);
    }

    Map<String, List<String>> saved(String id) {
        ComponentRepresentation rep = realm.admin().components().component(id).toRepresentation();
        return rep.getConfig();
    }

    /** Logs in through the token endpoint and every REST dialect; returns the MaskAPI answer. */
    Http.Response logsInEverywhere(String configId, String configName, String username, String email) {
        Http.Response token = Tokens.passwordGrant(realm, "app", username, PASSWORD);
        assertEquals(200, token.status(), "token endpoint: " + token);
        Http.Response mask = postJson(realm.uri("/api/v1/auth/login"), body("credential", username, "password",
            PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", configId);
        assertEquals(200, mask.status(), "MaskAPI: " + mask);
        Map<String, Function<String, Http.Response>> byEmail = new LinkedHashMap<>();
        byEmail.put("Mavibase", e -> postJson(realm.uri("/api/v1/platform/auth/login"), body("email", e, "password",
            PASSWORD)));
        byEmail.put("Directus", e -> postJson(realm.uri("/auth/login"), body("email", e, "password", PASSWORD)));
        byEmail.put("SlashApi", e -> postJson(realm.uri("/auth/" + configName + "/login"), body("email", e,
            "password", PASSWORD)));
        byEmail.forEach((dialect, call) -> {
            Http.Response r = call.apply(email);
            assertEquals(200, r.status(), dialect + ": " + r);
        });
        return mask;
    }

    Http.Response register(String email, String name) {
        return postJson(realm.uri("/api/v1/platform/auth/register"), body("email", email, "password", PASSWORD,
            "name", name));
    }

    static void assertRecent(Object timestamp, String what) {
        assertNotNull(timestamp, what + " is set");
        Instant at;
        if (timestamp instanceof java.sql.Timestamp t) {
            at = t.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC);
        } else if (timestamp instanceof java.time.OffsetDateTime o) {
            at = o.toInstant();
        } else if (timestamp instanceof java.time.LocalDateTime l) {
            at = l.toInstant(java.time.ZoneOffset.UTC);
        } else {
            at = Instant.parse(timestamp.toString());
        }
        assertTrue(Duration.between(at, Instant.now()).abs().toMinutes() < 5, what + " is now-ish (UTC): " + at);
    }

    /** Django's pbkdf2_sha256, recomputed with the JDK's own PBKDF2. */
    static boolean djangoVerifies(String password, String encoded) throws Exception {
        String[] parts = encoded.split("\\$");
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), parts[2].getBytes(StandardCharsets.UTF_8),
            Integer.parseInt(parts[1]), 256);
        byte[] dk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return parts[0].equals("pbkdf2_sha256") && Base64.getEncoder().encodeToString(dk).equals(parts[3]);
    }

    // --- the frameworks

    /**
     * The change signal, on the default cache policy (users held 30 s) and the default 2 s signal, over Laravel's own
     * table plus the application's {@code is_active} migration: what the application does with Eloquent (which sets
     * {@code updated_at}, but not when it deletes) ends access within seconds. Disabling the row, replacing its hash
     * and deleting the row each end the session
     * (its refresh is refused, its access token too) with a {@code LOGOUT} event that says why; an unrelated change
     * (the name) keeps it.
     */
    @Test
    void theApplicationsOwnChangesEndAccessWithinTheChangeSignal() throws Exception {
        execute(ddl("laravel"));
        execute("ALTER TABLE " + q("users") + " ADD is_active BOOLEAN NOT NULL DEFAULT TRUE"); // the app's own
        HashVectors.Vector v = HashVectors.first("bcrypt-2y", "$2y$10$");
        HashVectors.Vector other = HashVectors.firstWithOtherPassword("argon2id", v.password());
        java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC);
        for (String who : List.of("renamed", "disabled", "rehashed", "deleted")) {
            update("INSERT INTO users (name, email, password, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                "Ada Lovelace", who + "@laravel.test", v.hash(), now, now);
        }
        String id = save("laravel", "laravel", Map.of("enabledColumn", "is_active"));
        assertEquals(List.of("MAX_LIFESPAN"), saved(id).get("cachePolicy"), "the default policy");
        org.keycloak.representations.idm.RealmRepresentation events = realm.admin().toRepresentation();
        events.setEventsEnabled(true);
        events.setEnabledEventTypes(List.of("LOGOUT", "LOGIN"));
        realm.admin().update(events);
        Thread.sleep(3_000); // the signal's first read takes the table's newest updated_at as its start
        Map<String, String> refresh = new LinkedHashMap<>();
        Map<String, String> access = new LinkedHashMap<>();
        for (String who : List.of("renamed", "disabled", "rehashed", "deleted")) {
            Http.Response login = Tokens.passwordGrant(realm, "app", who + "@laravel.test", v.password());
            assertEquals(200, login.status(), login.toString());
            refresh.put(who, login.json().get("refresh_token").asText());
            access.put(who, login.json().get("access_token").asText());
            assertEquals(200, me(access.get(who)).status(), "held, and in use");
        }
        java.util.function.Supplier<Object> at = () -> java.time.LocalDateTime.now(java.time.ZoneOffset.UTC);
        // what Eloquent's save() sends: the change and updated_at
        update("UPDATE users SET name = ?, updated_at = ? WHERE email = ?", "Ada King", at.get(), "renamed@laravel.test");
        update("UPDATE users SET is_active = ?, updated_at = ? WHERE email = ?", false, at.get(), "disabled@laravel.test");
        update("UPDATE users SET password = ?, updated_at = ? WHERE email = ?", other.hash(), at.get(),
            "rehashed@laravel.test");
        update("DELETE FROM users WHERE email = ?", "deleted@laravel.test"); // Eloquent's delete(): no updated_at
        long changedAt = System.nanoTime();
        for (String who : List.of("disabled", "rehashed", "deleted")) {
            Http.Response refreshed;
            do {
                Thread.sleep(200);
                refreshed = Tokens.refresh(realm, "app", refresh.get(who));
                if (refreshed.status() == 200) {
                    refresh.put(who, refreshed.json().get("refresh_token").asText());
                }
            } while (refreshed.status() == 200 && System.nanoTime() - changedAt < 20_000_000_000L);
            long seenMs = (System.nanoTime() - changedAt) / 1_000_000;
            assertEquals(400, refreshed.status(), who + ": the session ended: " + refreshed);
            assertTrue(seenMs < 5_000, who + ": seen after " + seenMs + " ms; the held copy lives 30 s, the signal 2 s");
            assertEquals(401, me(access.get(who)).status(), who + ": the access token is refused too");
            System.out.printf("[freshness] %s: %s by the application, the session ended after %d ms "
                + "(change signal 2 s, cache lifespan 30 s)%n", kind(), who, seenMs);
        }
        String reasons = realm.admin().getEvents(List.of("LOGOUT"), null, null, null, null, null, 0, 100).stream()
            .map(e -> String.valueOf(e.getDetails())).toList().toString();
        assertTrue(reasons.contains("the application disabled the user in its table"), reasons);
        assertTrue(reasons.contains("the application changed the password in its table"), reasons);
        assertTrue(reasons.contains("the application deleted the user's row"), reasons);
        Http.Response renamed = me(access.get("renamed"));
        assertEquals(200, renamed.status(), "a change that takes nothing away keeps the session: " + renamed);
        assertEquals(200, Tokens.refresh(realm, "app", refresh.get("renamed")).status());
        assertEquals(200, Tokens.passwordGrant(realm, "app", "rehashed@laravel.test", other.password()).status(),
            "the new password logs in");
        realm.admin().components().component(id).remove();
    }

    /** Mavibase's {@code me}: what an application's back end asks with a user's access token. */
    Http.Response me(String accessToken) {
        return Http.get(realm.uri("/api/v1/platform/users/me"), "Authorization", "Bearer " + accessToken);
    }

    @Test
    void laravel() throws Exception {
        execute(ddl("laravel"));
        update("INSERT INTO users (name, email, email_verified_at, password, created_at, updated_at) VALUES "
            + "(?, ?, ?, ?, ?, ?)", "Ada Lovelace", "ada@laravel.test", java.time.LocalDateTime.now(),
            HashVectors.first("bcrypt-2y", "$2y$10$").hash(), java.time.LocalDateTime.now(), java.time.LocalDateTime.now());
        String password = HashVectors.first("bcrypt-2y", "$2y$10$").password();
        // What the admin typed wins over the preset; the console shows the preset's values for the rest.
        String typed = save("laravel-typed", "laravel", Map.of("hashTarget", "argon2id", "credentialColumns", "name"));
        assertEquals(List.of("argon2id"), saved(typed).get("hashTarget"));
        assertEquals(List.of("name"), saved(typed).get("credentialColumns"));
        assertEquals(List.of("created_at"), saved(typed).get("createdAtColumn"));
        realm.admin().components().component(typed).remove();

        String id = save("laravel", "laravel", Map.of());
        Map<String, List<String>> cfg = saved(id);
        assertEquals(List.of("users"), cfg.get("table"));
        assertEquals(List.of("name"), cfg.get("fullNameColumn"));
        assertEquals(List.of("email_verified_at"), cfg.get("emailVerifiedColumn"));
        assertEquals(List.of("bcrypt-2y"), cfg.get("hashTarget"));
        // The vector's own password: Laravel's row was hashed by PHP.
        Http.Response mask = postJson(realm.uri("/api/v1/auth/login"), body("credential", "ada@laravel.test",
            "password", password), "x-mapi-key", "app", "x-mapi-auth-config-id", id);
        assertEquals(200, mask.status(), mask.toString());
        assertEquals("Ada Lovelace", mask.json().get("user").get("name").asText(), "the whole name");
        assertEquals("Ada Lovelace", Tokens.verifyAccessToken(realm, mask.json().get("accessToken").asText())
            .getStringClaim("name"), "the token's name claim");

        Http.Response signup = register("grace@laravel.test", "Grace Hopper");
        assertEquals(201, signup.status(), signup.toString());
        Map<String, Object> row = row("users", "email", "grace@laravel.test");
        assertEquals("Grace Hopper", row.get("name"), "written whole");
        assertTrue(row.get("password").toString().startsWith("$2y$12$"), row.toString());
        assertTrue(BCrypt.checkpw(PASSWORD, row.get("password").toString().replace("$2y$", "$2a$")),
            "an independent bcrypt verifies it");
        assertTrue(FrameworkVerifier.php(PASSWORD, row.get("password").toString()),
            "PHP's password_verify, as Laravel checks it");
        assertFalse(FrameworkVerifier.php("not " + PASSWORD, row.get("password").toString()));
        assertRecent(row.get("created_at"), "created_at");
        assertRecent(row.get("updated_at"), "updated_at");
        assertNull(row.get("email_verified_at"), "not verified yet");
        logsInEverywhere(id, "laravel", "grace@laravel.test", "grace@laravel.test");

        // Laravel's argon2id driver: with rehashOnLogin off a login leaves the row's bcrypt alone; on, the next
        // login rewrites it as PHP's PASSWORD_ARGON2ID would, and PHP verifies it.
        String bcrypt = row("users", "email", "grace@laravel.test").get("password").toString();
        reconfigure(id, Map.of("hashTarget", "argon2id", "rehashOnLogin", "false"));
        assertEquals(200, Tokens.passwordGrant(realm, "app", "grace@laravel.test", PASSWORD).status());
        assertEquals(bcrypt, row("users", "email", "grace@laravel.test").get("password"), "rehashOnLogin off");
        reconfigure(id, Map.of("rehashOnLogin", "true"));
        assertEquals(200, Tokens.passwordGrant(realm, "app", "grace@laravel.test", PASSWORD).status());
        String argon = row("users", "email", "grace@laravel.test").get("password").toString();
        assertTrue(argon.startsWith("$argon2id$v=19$m=65536,t=4,p=1$"), "PHP's argon2id defaults: " + argon);
        assertTrue(FrameworkVerifier.php(PASSWORD, argon), "PHP's password_verify takes tableauth's argon2id");
        reconfigure(id, Map.of("hashTarget", "bcrypt-2y"));

        // A verified row logs in where the realm wants verified e-mail; an unverified one is told to verify; the
        // mailed link writes email_verified_at.
        var rep = realm.admin().toRepresentation();
        rep.setVerifyEmail(true);
        rep.setSmtpServer(mail.smtpServer());
        realm.admin().update(rep);
        try {
            assertEquals(201, register("vera@laravel.test", "Vera Fied").status());
            MailBox.Mail sent = mail.await("vera@laravel.test", 1, Duration.ofSeconds(20));
            java.util.regex.Matcher link = java.util.regex.Pattern.compile(
                "https?://\\S+/api/v1/platform/auth/verify-email\\?token=[A-Za-z0-9%._~-]+").matcher(sent.text());
            assertTrue(link.find(), sent.text());
            assertNull(row("users", "email", "vera@laravel.test").get("email_verified_at"));
            assertEquals(200, Http.get(java.net.URI.create(link.group())).status());
            assertRecent(row("users", "email", "vera@laravel.test").get("email_verified_at"),
                "email_verified_at once the link is followed");
            assertEquals(200, Tokens.passwordGrant(realm, "app", "vera@laravel.test", PASSWORD).status());

            update("UPDATE users SET email_verified_at = ? WHERE email = ?", java.time.LocalDateTime.now(),
                "grace@laravel.test");
            assertEquals(200, Tokens.passwordGrant(realm, "app", "grace@laravel.test", PASSWORD).status());
            update("UPDATE users SET email_verified_at = NULL WHERE email = ?", "grace@laravel.test");
            Http.Response unverified = postJson(realm.uri("/api/v1/auth/login"), body("credential",
                "grace@laravel.test", "password", PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", id);
            assertEquals("EMAIL_NOT_VERIFIED", unverified.json().get("error").asText(), unverified.toString());
        } finally {
            rep.setVerifyEmail(false);
            realm.admin().update(rep);
        }
        realm.admin().components().component(id).remove();
    }

    @Test
    void django() throws Exception {
        execute(ddl("django"));
        HashVectors.Vector v = HashVectors.first("pbkdf2_sha256", "pbkdf2_sha256$600000$");
        update("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            + "is_active, date_joined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", v.hash(), false, "ada", "Ada", "Lovelace",
            "ada@django.test", false, true, java.time.OffsetDateTime.now());
        // Saving without the insert defaults Django fills in Python is refused, naming the columns.
        MultivaluedHashMap<String, String> partial = config("django", Map.of("insertDefaults", "is_superuser=false"));
        try (var refused = realm.admin().components().add(SqlAuthConfigs.component(realm, "django-partial", partial))) {
            String message = refused.readEntity(String.class);
            assertEquals(400, refused.getStatus(), message);
            assertTrue(message.contains("is_staff") && message.contains("NOT NULL"), message);
        }
        String id = save("django", "django", Map.of());
        assertEquals(List.of("username"), saved(id).get("credentialColumns"));
        assertEquals(List.of("last_login"), saved(id).get("lastLoginColumn"));

        assertEquals(200, Tokens.passwordGrant(realm, "app", "ada", v.password()).status());
        assertRecent(row("auth_user", "username", "ada").get("last_login"), "last_login after a login");

        Http.Response signup = register("grace@django.test", "Grace Hopper");
        assertEquals(201, signup.status(), signup.toString());
        Map<String, Object> row = row("auth_user", "email", "grace@django.test");
        assertEquals("Grace", row.get("first_name"));
        assertEquals("Hopper", row.get("last_name"));
        assertEquals(false, truthy(row.get("is_superuser")));
        assertEquals(false, truthy(row.get("is_staff")));
        assertEquals(true, truthy(row.get("is_active")));
        assertRecent(row.get("date_joined"), "date_joined");
        String hash = row.get("password").toString();
        assertTrue(hash.startsWith("pbkdf2_sha256$1000000$"), hash);
        assertTrue(djangoVerifies(PASSWORD, hash), "the JDK's PBKDF2 verifies it as Django does");
        assertTrue(FrameworkVerifier.django(PASSWORD, hash), "Python's hashlib, as Django's PBKDF2PasswordHasher");
        assertFalse(FrameworkVerifier.django("not " + PASSWORD, hash));
        String username = row.get("username").toString();
        logsInEverywhere(id, "django", username, "grace@django.test");
        realm.admin().components().component(id).remove();
    }

    @Test
    void devise() throws Exception {
        execute(ddl("devise"));
        HashVectors.Vector v = HashVectors.genuine("bcrypt-2a");
        update("INSERT INTO users (email, encrypted_password, created_at, updated_at) VALUES (?, ?, ?, ?)",
            "ada@devise.test", v.hash(), java.time.LocalDateTime.now(), java.time.LocalDateTime.now());
        String id = save("devise", "devise", Map.of());
        assertEquals(List.of("encrypted_password"), saved(id).get("passwordColumn"));
        assertEquals(List.of("confirmed_at"), saved(id).get("emailVerifiedColumn"), "confirmable's column exists");
        assertEquals(200, Tokens.passwordGrant(realm, "app", "ada@devise.test", v.password()).status());
        assertRecent(row("users", "email", "ada@devise.test").get("last_sign_in_at"), "trackable's last_sign_in_at");

        Http.Response signup = register("grace@devise.test", "Grace Hopper");
        assertEquals(201, signup.status(), signup.toString());
        Map<String, Object> row = row("users", "email", "grace@devise.test");
        String hash = row.get("encrypted_password").toString();
        assertTrue(hash.startsWith("$2a$12$"), hash);
        assertTrue(BCrypt.checkpw(PASSWORD, hash), "Spring's bcrypt verifies what the bcrypt gem would");
        assertRecent(row.get("created_at"), "created_at");
        assertRecent(row.get("updated_at"), "updated_at");
        logsInEverywhere(id, "devise", "grace@devise.test", "grace@devise.test");
        realm.admin().components().component(id).remove();
    }

    @Test
    void prisma() throws Exception {
        execute(ddl("prisma"));
        HashVectors.Vector v = HashVectors.genuine("bcrypt-2b");
        update("INSERT INTO " + q("User") + " (" + q("id") + ", " + q("name") + ", " + q("email") + ", "
            + q("password") + ", " + q("updatedAt") + ") VALUES (?, ?, ?, ?, ?)", "clx0000000000000000000ada",
            "Ada Lovelace", "ada@prisma.test", v.hash(), java.time.LocalDateTime.now());
        String id = save("prisma", "prisma", Map.of());
        assertEquals(List.of("User"), saved(id).get("table"));
        assertEquals(List.of("cuid"), saved(id).get("idGeneration"));
        Http.Response mask = postJson(realm.uri("/api/v1/auth/login"), body("credential", "ada@prisma.test",
            "password", v.password()), "x-mapi-key", "app", "x-mapi-auth-config-id", id);
        assertEquals(200, mask.status(), mask.toString());
        assertEquals("Ada Lovelace", mask.json().get("user").get("name").asText());

        Http.Response signup = register("grace@prisma.test", "Grace Brewster Hopper");
        assertEquals(201, signup.status(), signup.toString());
        Map<String, Object> row = row(q("User"), q("email"), "grace@prisma.test");
        assertTrue(row.get("id").toString().matches("c[a-z0-9]{24}"), "a cuid: " + row.get("id"));
        assertEquals("Grace Brewster Hopper", row.get("name"));
        String hash = row.get("password").toString();
        assertTrue(hash.startsWith("$2b$10$"), hash);
        assertTrue(BCrypt.checkpw(PASSWORD, hash.replace("$2b$", "$2a$")), "an independent bcrypt verifies it");
        assertTrue(FrameworkVerifier.node(PASSWORD, hash), "Node's bcryptjs, as a Prisma app checks it");
        assertFalse(FrameworkVerifier.node("not " + PASSWORD, hash));
        assertRecent(row.get("updatedat"), "updatedAt");
        assertRecent(row.get("createdat"), "createdAt");
        logsInEverywhere(id, "prisma", "grace@prisma.test", "grace@prisma.test");
        realm.admin().components().component(id).remove();
    }

    @Test
    void directus() throws Exception {
        execute(ddl("directus"));
        HashVectors.Vector v = HashVectors.first("argon2id", "$argon2id$v=19$m=65536");
        for (String[] user : new String[][] {{"ada", "active"}, {"sus", "suspended"}, {"inv", "invited"},
            {"dra", "draft"}, {"arc", "archived"}}) {
            update("INSERT INTO directus_users (id, first_name, last_name, email, password, status) VALUES "
                + "(?, ?, ?, ?, ?, ?)", kind() == TestDatabase.Kind.POSTGRESQL ? java.util.UUID.randomUUID()
                : java.util.UUID.randomUUID().toString(), "Ada", "Lovelace",
                user[0] + "@directus.test", v.hash(), user[1]);
        }
        String id = save("directus", "directus", Map.of());
        assertEquals(List.of("active"), saved(id).get("enabledValues"));
        assertEquals(200, Tokens.passwordGrant(realm, "app", "ada@directus.test", v.password()).status());
        assertRecent(row("directus_users", "email", "ada@directus.test").get("last_access"), "last_access");
        for (String refused : List.of("sus", "inv", "dra", "arc")) {
            Http.Response r = postJson(realm.uri("/auth/login"), body("email", refused + "@directus.test", "password",
                v.password()));
            assertEquals(401, r.status(), refused + ": " + r);
            assertEquals("USER_SUSPENDED", r.json().get("errors").get(0).get("extensions").get("code").asText(),
                "refused like a disabled account: " + r);
        }

        Http.Response signup = register("grace@directus.test", "Grace Hopper");
        assertEquals(201, signup.status(), signup.toString());
        Map<String, Object> row = row("directus_users", "email", "grace@directus.test");
        java.util.UUID.fromString(row.get("id").toString());
        assertEquals("active", row.get("status"));
        assertEquals("Grace", row.get("first_name"));
        assertTrue(row.get("password").toString().startsWith("$argon2id$v=19$m=65536,t=3,p=4$"),
            "node-argon2's defaults, as Directus writes: " + row.get("password"));
        assertTrue(FrameworkVerifier.php(PASSWORD, row.get("password").toString()),
            "argon2id with node-argon2's parameters is standard argon2id: PHP's password_verify takes it too");
        logsInEverywhere(id, "directus", "grace@directus.test", "grace@directus.test");
        realm.admin().components().component(id).remove();
    }

    /**
     * Without a preset: epoch-second timestamps, a boolean verification column, a status column with two values that
     * mean enabled, app-generated uuids, typed insert defaults; saving is refused until every NOT NULL column is
     * covered.
     */
    @Test
    void customColumnsKeepTheirTypes() throws Exception {
        execute("CREATE TABLE accounts (id VARCHAR(36) NOT NULL PRIMARY KEY, login VARCHAR(100) NOT NULL, "
            + "email VARCHAR(255) NOT NULL, pw VARCHAR(255) NOT NULL, display_name VARCHAR(200) NOT NULL, "
            + "verified BOOLEAN NOT NULL, state VARCHAR(20) NOT NULL, plan VARCHAR(20) NOT NULL, "
            + "credits INTEGER NOT NULL, created BIGINT NOT NULL, modified BIGINT NOT NULL, seen BIGINT NULL)");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("table", "accounts");
        settings.put("idGeneration", "uuid");
        settings.put("credentialColumns", "login");
        settings.put("passwordColumn", "pw");
        settings.put("emailColumn", "email");
        settings.put("fullNameColumn", "display_name");
        settings.put("emailVerifiedColumn", "verified");
        settings.put("enabledColumn", "state");
        settings.put("disabledValue", "banned");
        settings.put("createdAtColumn", "created");
        settings.put("updatedAtColumn", "modified");
        settings.put("lastLoginColumn", "seen");
        settings.put("hashTarget", "argon2id");
        MultivaluedHashMap<String, String> incomplete = config("custom", settings);
        try (var refused = realm.admin().components().add(SqlAuthConfigs.component(realm, "accounts", incomplete))) {
            String message = refused.readEntity(String.class);
            assertEquals(400, refused.getStatus(), message);
            assertTrue(message.contains("plan") && message.contains("credits"), "names the uncovered columns: " + message);
        }
        incomplete.putSingle("enabledValues", "active, trial");
        incomplete.put("insertDefaults", List.of("plan=free", "credits=10"));
        String id = SqlAuthConfigs.add(realm, "accounts", 0, incomplete);

        long before = Instant.now().getEpochSecond();
        Http.Response signup = postJson(realm.uri("/api/v1/auth/signup"), body("credential", "grace@custom.test",
            "password", PASSWORD, "confirmPassword", PASSWORD, "name", "Grace Hopper"), "x-mapi-key", "app",
            "x-mapi-auth-config-id", id);
        assertEquals(201, signup.status(), signup.toString());
        Map<String, Object> row = row("accounts", "login", "grace@custom.test");
        java.util.UUID.fromString(row.get("id").toString());
        assertEquals("Grace Hopper", row.get("display_name"));
        assertEquals(false, truthy(row.get("verified")));
        assertEquals("active", row.get("state"), "the first value that means enabled");
        assertEquals("free", row.get("plan"));
        assertEquals(10, ((Number) row.get("credits")).intValue());
        assertTrue(((Number) row.get("created")).longValue() >= before, "epoch seconds: " + row.get("created"));
        assertTrue(row.get("pw").toString().startsWith("$argon2id$"), row.toString());
        assertNotNull(row.get("seen"), "MaskAPI's sign-up logs the user in");
        update("UPDATE accounts SET seen = NULL WHERE login = ?", "grace@custom.test");

        assertEquals(200, Tokens.passwordGrant(realm, "app", "grace@custom.test", PASSWORD).status());
        assertTrue(((Number) row("accounts", "login", "grace@custom.test").get("seen")).longValue() >= before, "seen moves");

        update("UPDATE accounts SET state = 'trial', modified = 0 WHERE login = ?", "grace@custom.test");
        assertEquals(200, Tokens.passwordGrant(realm, "app", "grace@custom.test", PASSWORD).status(), "trial means enabled too");
        String userId = realm.admin().users().search("grace@custom.test", true).get(0).getId();
        var user = realm.admin().users().get(userId).toRepresentation();
        user.setEmailVerified(true);
        realm.admin().users().get(userId).update(user);
        row = row("accounts", "login", "grace@custom.test");
        assertEquals(true, truthy(row.get("verified")), "written when the e-mail is verified");
        assertTrue(((Number) row.get("modified")).longValue() >= before, "updated on every write");
        user.setEnabled(false);
        realm.admin().users().get(userId).update(user);
        assertEquals("banned", row("accounts", "login", "grace@custom.test").get("state"));
        assertEquals(400, Tokens.passwordGrant(realm, "app", "grace@custom.test", PASSWORD).status(), "banned is disabled");
        realm.admin().components().component(id).remove();
    }

    static boolean truthy(Object v) {
        return v instanceof Boolean b ? b : v instanceof Number n ? n.intValue() != 0 : Boolean.parseBoolean(String.valueOf(v));
    }
}

package io.tableauth.it.rest;


import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Totp;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * A realm for the REST dialect tests (clients {@code app} = default, {@code project-b}, {@code no-grants}; local
 * users kc-user and kc-admin with manage-users) and a PostgreSQL database with two auth configs: {@code members}
 * (writable, sign-up goes there) and {@code staff} (read-only). Seeded table users share one bcrypt password.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RestFixture {

    /** Password of every seeded table user; the hash was written by PHP's password_hash (bcrypt $2y$ 10). */
    public static final String TABLE_PASSWORD = "correct horse battery staple";
    public static final String TABLE_HASH = "$2y$10$/zCaLd9jR3ldvYdXvS.PSOhSHGdCRp9lLArfOvgO7edNz.AagYOFi";
    public static final String ORIGIN = "http://app.example.test";

    @RegisterExtension
    public final TestRealm realm = TestRealm.fromResource("/realms/rest-realm.json");
    @RegisterExtension
    public final TestDatabase db = usersDatabase();

    public String membersId;
    public String staffId;

    @BeforeAll
    void createTablesAndConfigs() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String table : List.of("members", "staff")) {
                s.execute("CREATE TABLE " + table + " (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                    + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                    + "is_active BOOLEAN NOT NULL DEFAULT TRUE, role VARCHAR(50))");
            }
        }
        UPConfig profile = realm.admin().users().userProfile().getConfiguration();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ENABLED);
        for (UPAttribute a : profile.getAttributes()) {
            if (a.getName().equals("firstName") || a.getName().equals("lastName")) {
                a.setRequired(null); // SlashApi and MaskAPI sign-ups carry no names
            }
        }
        realm.admin().users().userProfile().update(profile);
        membersId = addConfig("members", 0, Map.of("editMode", "WRITABLE", "signupAllowed", "true"));
        staffId = addConfig("staff", 1, Map.of());
    }

    /** Where the application's users tables live: PostgreSQL, unless a subclass runs the same tests elsewhere. */
    protected TestDatabase usersDatabase() {
        return TestDatabase.postgres();
    }

    String addConfig(String name, int priority, Map<String, String> extra) {
        return SqlAuthConfigs.add(realm, name, priority, SqlAuthConfigs.over(db, name, "email", extra));
    }

    /** Brute-force bookkeeping runs on Keycloak's executor after the answer: let it land, then clear it. */
    public void forgetFailures() throws InterruptedException {
        Thread.sleep(600);
        realm.admin().attackDetection().clearAllBruteForce();
    }

    /** Waits until Keycloak's brute-force detection has counted {@code n} failures of the user (10 s at most). */
    public void awaitFailures(String email, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int seen = 0;
        while (System.nanoTime() < deadline) {
            var found = realm.admin().users().search(email, true);
            if (!found.isEmpty()) {
                seen = ((Number) realm.admin().attackDetection().bruteForceUserStatus(found.get(0).getId())
                    .get("numFailures")).intValue();
                if (seen >= n) {
                    org.junit.jupiter.api.Assertions.assertEquals(n, seen, email + ": one failure counted per failure");
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(email + ": " + n + " failures not counted within 10 s (" + seen + " were)");
    }

    public static String unique(String prefix) {
        return prefix + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "@example.com";
    }

    /** Inserts a row as the application would; returns its id. */
    public String insert(String table, String email, boolean active) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
            + " (email, password, first_name, last_name, is_active, role) VALUES (?, ?, ?, ?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, email);
            ps.setString(2, TABLE_HASH);
            ps.setString(3, "Ada");
            ps.setString(4, "Lovelace");
            ps.setBoolean(5, active);
            ps.setString(6, "editor");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getString(1);
            }
        }
    }

    /** Runs one statement on the users database, as the application would (an UPDATE behind Keycloak's back). */
    public void execute(String sql, String... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Has the realm send its mail to this in-JVM SMTP server, in the tableauth email theme. */
    public void mailThrough(io.tableauth.it.support.MailBox mail) {
        updateRealm(r -> {
            r.setSmtpServer(mail.smtpServer());
            r.setEmailTheme("tableauth");
        });
    }

    /** A JSON POST to Mavibase's {@code /api/v1/platform/auth/{path}}. */
    public Http.Response platformAuth(String path, String json) {
        return Http.postJson(api("v1/platform/auth/" + path), json);
    }

    /**
     * A call naming an e-mail answers an unknown address as it answers a known one ({@code known}): the same status
     * and body, and, as medians over interleaved samples, the same time (within what a shared 2-core machine allows).
     * Returns the first unknown address asked for.
     */
    public String assertUnknownAnswersAsKnown(java.util.function.Function<String, Http.Response> call, String known) {
        String unknown = unique("nobody");
        Http.Response forUnknown = call.apply(unknown);
        Http.Response forKnown = call.apply(known);
        org.junit.jupiter.api.Assertions.assertEquals(forKnown.status(), forUnknown.status());
        org.junit.jupiter.api.Assertions.assertEquals(forKnown.body(), forUnknown.body());
        for (int i = 0; i < 5; i++) { // warm both paths up
            call.apply(known);
            call.apply(unique("nobody"));
        }
        double ratio = io.tableauth.it.support.Timing.medianRatio(25, i -> call.apply(unique("nobody")),
            i -> call.apply(known));
        org.junit.jupiter.api.Assertions.assertTrue(ratio > 0.6 && ratio < 1.67,
            "an unknown e-mail's answer time tells it apart: " + ratio);
        return unknown;
    }

    /** Turns TOTP on for a seeded table user over Mavibase's 2fa calls; the authenticator for their codes. */
    public Totp enrollTotp(String email) {
        Http.Response in = Http.postJson(api("v1/platform/auth/login"), Http.body("email", email, "password",
            TABLE_PASSWORD));
        String token = text(in.json(), "token");
        Http.Response setup = Http.postJson(api("v1/platform/2fa/setup"), null, "Authorization", "Bearer " + token);
        Totp totp = new Totp(text(setup.json(), "secret"));
        Http.Response on = Http.postJson(api("v1/platform/2fa/setup/verify"), Http.body("code", totp.fresh()),
            "Authorization", "Bearer " + token);
        org.junit.jupiter.api.Assertions.assertEquals(200, on.status(), on.toString());
        return totp;
    }

    /** One column of the row with this e-mail, or null when there is no such row. */
    public String column(String table, String email, String column) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE email = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public URI api(String path) {
        return realm.uri("/api/" + path);
    }

    public URI auth(String path) {
        return realm.uri("/auth/" + path);
    }

    /** tableauth's API key grant at Keycloak's token endpoint. */
    public static final String API_KEY_GRANT = "urn:tableauth:params:oauth:grant-type:api-key";

    /** An API key exchanged for tokens by {@code clientId}; {@code key} and {@code scope} are left out when null. */
    public Http.Response exchange(String clientId, String key, String scope) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", API_KEY_GRANT);
        form.put("client_id", clientId);
        if (key != null) {
            form.put("api_key", key);
        }
        if (scope != null) {
            form.put("scope", scope);
        }
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), form);
    }

    /**
     * An access token exchanged for a new API key of the user of {@code loginToken} (scope databases:read, the app
     * client): what a key holder has.
     */
    public String apiKeyTokenOf(String loginToken) {
        Http.Response key = Http.postJson(api("v1/platform/api-keys"),
            "{\"name\":\"key holder\",\"scopes\":[\"databases:read\"]}", "Authorization", "Bearer " + loginToken);
        if (key.status() != 201) {
            throw new AssertionError("could not make an API key: " + key);
        }
        return text(exchange("app", text(key.json().get("apiKey"), "key"), null).json(), "access_token");
    }

    /** The ids of the user's Keycloak sessions, as the admin console's Sessions tab lists them. */
    public List<String> sessionsOf(String userId) {
        return realm.admin().users().get(userId).getUserSessions().stream().map(s -> s.getId()).toList();
    }

    /** Sets one tableauth setting through the admin REST API (what the admin console's tab saves). */
    public void setting(String key, String value) {
        ComponentRepresentation settings = realm.admin().components()
            .query(realm.admin().toRepresentation().getId(), "org.keycloak.services.ui.extend.UiTabProvider").get(0);
        settings.getConfig().putSingle(key, value);
        realm.admin().components().component(settings.getId()).update(settings);
    }

    /** A public browser client (authorization code flow) with one redirect URI, created once per realm. */
    public void browserClient(String clientId, String redirectUri) {
        if (realm.admin().clients().findByClientId(clientId).isEmpty()) {
            ClientRepresentation web = new ClientRepresentation();
            web.setClientId(clientId);
            web.setPublicClient(true);
            web.setStandardFlowEnabled(true);
            web.setRedirectUris(List.of(redirectUri));
            realm.admin().clients().create(web).close();
        }
    }

    /**
     * Copies a built-in flow and adds a REQUIRED step to one of its flows ({@code into}: the copy or one of its
     * subflows), at the end, or at position {@code moveTo} of its level when that is above 0.
     */
    public void copyWithStep(String builtIn, String copy, String into, String provider, int moveTo) {
        AuthenticationManagementResource flows = realm.admin().flows();
        flows.copy(builtIn, Map.of("newName", copy)).close();
        flows.addExecution(into, Map.of("provider", provider));
        List<AuthenticationExecutionInfoRepresentation> executions = flows.getExecutions(into);
        AuthenticationExecutionInfoRepresentation step = executions.stream()
            .filter(e -> provider.equals(e.getProviderId())).findFirst().orElseThrow();
        step.setRequirement("REQUIRED");
        flows.updateExecutions(into, step);
        if (moveTo > 0) {
            long level = step.getLevel();
            long before = executions.stream().filter(e -> e.getLevel() == level).count() - 1;
            for (long i = before; i > moveTo; i--) {
                flows.raisePriority(step.getId());
            }
        }
    }

    public void updateRealm(java.util.function.Consumer<RealmRepresentation> change) {
        RealmRepresentation rep = realm.admin().toRepresentation();
        change.accept(rep);
        realm.admin().update(rep);
    }

    /** Keycloak's own refresh_token grant, to prove our tokens are Keycloak's. */
    public Http.Response nativeRefresh(String clientId, String refreshToken) {
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken));
    }

    /**
     * A lifetime as Keycloak answers it ({@code expires_in}, a cookie's Max-Age): the configured seconds, less the
     * second that may tick between issuing the token and writing the answer.
     */
    public static void assertLifetime(long configured, long answered, String what) {
        org.junit.jupiter.api.Assertions.assertTrue(answered == configured || answered == configured - 1,
            what + ": " + answered + ", configured " + configured);
    }

    /** The Max-Age of a Set-Cookie header's value, or -1 when it has none. */
    public static long maxAge(String setCookie) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)Max-Age=(\\d+)").matcher(setCookie);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

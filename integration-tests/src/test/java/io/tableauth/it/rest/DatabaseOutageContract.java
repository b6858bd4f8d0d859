package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import io.tableauth.it.support.FaultProxy;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.TestDatabase;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A users database that goes away while Keycloak serves: an auth config ({@code outage}) reaches its database through
 * a {@link FaultProxy} that refuses, hangs or slows connections. Its logins must answer 503 with Retry-After in every
 * dialect — quickly after the first — and never "invalid credentials"; unknown users get the same answer; Keycloak's
 * token endpoint answers as fast as it can (as for an LDAP provider that is down); the other auth configs and
 * Keycloak's own users keep logging in at their usual speed; nobody is locked out; and after the database comes
 * back, logins work again within seconds without anyone doing anything. One subclass per database.
 * Prints {@code [outage]} lines with the times measured.
 */
abstract class DatabaseOutageContract extends RestFixture {

    static final String PASSWORD = TABLE_PASSWORD;
    static final String LOCAL_PASSWORD = "a local password 1";

    @RegisterExtension
    final TestDatabase downDb = TestDatabase.of(kind());

    FaultProxy proxy;
    String outageId;
    String ann;
    String annId;
    String olly;
    String kim;

    abstract TestDatabase.Kind kind();

    abstract String createTable();

    @BeforeAll
    void outageConfig() throws SQLException {
        try (Connection c = downDb.connect(); Statement s = c.createStatement()) {
            s.execute(createTable());
        }
        ann = "ann-" + kind().name().toLowerCase(Locale.ROOT) + "@outage.test";
        try (Connection c = downDb.connect(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO people (email, password, first_name, last_name) VALUES (?, ?, 'Ann', 'Outage')")) {
            ps.setString(1, ann);
            ps.setString(2, TABLE_HASH);
            ps.executeUpdate();
        }
        proxy = FaultProxy.to("127.0.0.1", downDb.serverPort());
        var config = SqlAuthConfigs.over(downDb, "people", "email", Map.of("editMode", "WRITABLE",
            "signupAllowed", "true"));
        config.remove("attributeMappings");
        config.putSingle("jdbcUrl", downDb.jdbcUrlVia("127.0.0.1", proxy.port()));
        // The default cache policy (users held 30 s): a signed-in user's token uses are served from the held copy
        // while it lasts, and say 503 once it is gone (outage()).
        outageId = SqlAuthConfigs.add(realm, "outage", 5, config);
        olly = unique("olly");
        insert("members", olly, true);
        kim = unique("kim");
        realm.addUser(kim, kim, LOCAL_PASSWORD);
        setting("passwordResetUrls", ORIGIN + "/reset");
        updateRealm(r -> {
            r.setBruteForceProtected(true);
            r.setFailureFactor(3);
        });
        Http.Response warm = maskLogin(ann);
        assertEquals(200, warm.status(), warm.toString());
        annId = warm.json().get("user").get("id").asText();
    }

    @AfterEach
    void restoreAndRecover() throws InterruptedException {
        proxy.restore();
        awaitRecovery("cleanup");
        setting("loginOwner", "directus");
    }

    @AfterAll
    void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    // --- calls

    Http.Response maskLogin(String email) {
        return postJson(api("v1/auth/login"), body("credential", email, "password", PASSWORD), "x-mapi-key", "app",
            "x-mapi-auth-config-id", outageId);
    }

    Http.Response directusLogin(String email, String password) {
        return postJson(auth("login"), body("email", email, "password", password));
    }

    Http.Response mavibaseLogin(String email, String password) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", password));
    }

    Http.Response slashLogin(String email) {
        return postJson(auth("outage/login"), body("email", email, "password", PASSWORD));
    }

    record Timed(Http.Response response, long millis) {
    }

    static Timed timed(Supplier<Http.Response> call) {
        long start = System.nanoTime();
        Http.Response r = call.get();
        return new Timed(r, (System.nanoTime() - start) / 1_000_000);
    }

    /** Median and max of n calls, each asserted to answer with {@code status}. */
    static long[] repeat(String what, int n, int status, Supplier<Http.Response> call) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Timed t = timed(call);
            assertEquals(status, t.response().status(), what + ": " + t.response());
            times.add(t.millis());
        }
        Collections.sort(times);
        return new long[] {times.get(n / 2), times.get(n - 1)};
    }

    void print(String fault, String what, long millis) {
        System.out.printf(Locale.ROOT, "[outage] %s %s: %s %d ms%n", kind(), fault, what, millis);
    }

    /** Polls until ann logs in again; returns the time it took. */
    long awaitRecovery(String fault) throws InterruptedException {
        long start = System.nanoTime();
        Http.Response last = null;
        while (System.nanoTime() - start < 30_000_000_000L) {
            last = maskLogin(ann);
            if (last.status() == 200) {
                long took = (System.nanoTime() - start) / 1_000_000;
                print(fault, "logins work again after restore in", took);
                return took;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no recovery within 30 s: " + last);
    }

    /** Lines of the server log with both texts. */
    int logLines(String first, String second) {
        return (int) realm.server().logTail(1_000_000).lines().filter(l -> l.contains(first) && l.contains(second))
            .count();
    }

    /** The value of one meter of the outage config in Prometheus text, e.g. {@code name{config="outage",…} 1.0}. */
    double gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") && l.contains("config=\"outage\"")
                && l.contains("realm=\"" + realm.name() + "\""))
            .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .findFirst().orElseThrow(() -> new AssertionError("no " + name + " for the outage config in /metrics:\n"
                + metrics.lines().filter(l -> l.startsWith("tableauth") || l.startsWith("hikaricp")).toList()));
    }

    static void assertUnavailable(Http.Response r, String what) {
        assertEquals(503, r.status(), what + ": " + r);
        assertTrue(r.raw().headers().firstValue("Retry-After").isPresent(), what + " has Retry-After: " + r);
        assertFalse(r.body().toLowerCase(Locale.ROOT).contains("invalid credentials")
            || r.body().toLowerCase(Locale.ROOT).contains("incorrect"), what + " never blames the password: " + r);
    }

    // --- the faults

    @Test
    void aStoppedDatabase() throws Exception {
        outage("refuse", proxy::refuse, 4_000);
    }

    @Test
    void aDatabaseThatAcceptsButNeverAnswers() throws Exception {
        outage("hang", proxy::hang, 7_000);
    }

    @Test
    void aDatabaseSlowerThanTheReadTimeout() throws Exception {
        outage("slow-8s", () -> proxy.slow(8_000), 7_000);
    }

    @Test
    void aDatabaseThatIsOnlyALittleSlowStillLogsIn() {
        Timed normal = timed(() -> maskLogin(ann));
        proxy.slow(40);
        Timed slow = timed(() -> maskLogin(ann));
        assertEquals(200, slow.response().status(), "40 ms per answer is within every timeout: " + slow.response());
        print("slow-40ms", "login (normal " + normal.millis() + " ms)", slow.millis());
    }

    /**
     * With {@code -Dtableauth.it.outage.measure=true}: the same calls, times and statuses printed, nothing asserted
     * (to measure a build that does not pass, e.g. before a change).
     */
    void measureOnly(String fault, Runnable inject) throws InterruptedException {
        inject.run();
        Map<String, Supplier<Http.Response>> calls = new java.util.LinkedHashMap<>();
        calls.put("first MaskAPI login", () -> maskLogin(ann));
        calls.put("second MaskAPI login", () -> maskLogin(ann));
        calls.put("third MaskAPI login", () -> maskLogin(ann));
        calls.put("Directus login", () -> directusLogin(ann, PASSWORD));
        calls.put("token endpoint", () -> Tokens.passwordGrant(realm, "app", ann, PASSWORD));
        calls.put("another config's user, Directus", () -> directusLogin(olly, PASSWORD));
        calls.put("Keycloak user, Mavibase", () -> mavibaseLogin(kim, LOCAL_PASSWORD));
        calls.forEach((what, call) -> {
            Timed t = timed(call);
            print(fault, what + " -> " + t.response().status(), t.millis());
        });
        proxy.restore();
        awaitRecovery(fault);
    }

    void outage(String fault, Runnable inject, long firstBound) throws Exception {
        if (Boolean.getBoolean("tableauth.it.outage.measure")) {
            measureOnly(fault, inject);
            return;
        }
        Http.Response signedIn = mavibaseLogin(ann, PASSWORD);
        assertEquals(200, signedIn.status(), signedIn.toString());
        String token = signedIn.json().get("token").asText();
        String refreshToken = signedIn.json().get("refreshToken").asText();
        String down = "auth config outage of realm " + realm.name() + " (";
        int downLogged = logLines(down, "is unavailable on this node");
        int backLogged = logLines(down, "is available again on this node");
        assertEquals(200, Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + token).status(),
            "a token use: Keycloak now holds the user");
        inject.run();
        // A signed-in user of the table whose copy Keycloak holds (the default policy): their token uses are served
        // from the copy while it lasts (30 s at most), as Keycloak serves a held LDAP user. Keycloak's copy loads some
        // parts (attributes, role mappings) on first use: a call that needs a part not loaded yet reads the row, and
        // answers 503 like a user not held. Either way, never "invalid token", which would sign the user out.
        Http.Response heldMe = Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + token);
        assertEquals(200, heldMe.status(), "me, from the held copy: " + heldMe);
        Http.Response heldRefresh = postJson(api("v1/platform/auth/refresh-token"), body("refreshToken", refreshToken));
        assertTrue(heldRefresh.status() == 200 || heldRefresh.status() == 503, "refresh: " + heldRefresh);
        if (heldRefresh.status() == 200) {
            refreshToken = heldRefresh.json().get("refreshToken").asText();
        }
        Http.Response heldGateway = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + token);
        assertTrue(heldGateway.status() == 200 || heldGateway.status() == 503, "forward-auth: " + heldGateway);
        System.out.printf(Locale.ROOT, "[outage] %s %s: a held user's me / refresh / forward-auth answered %d / %d / %d%n",
            kind(), fault, heldMe.status(), heldRefresh.status(), heldGateway.status());
        Timed first = timed(() -> maskLogin(ann));
        print(fault, "first login answered", first.millis());
        assertUnavailable(first.response(), "the first login after the fault");
        assertEquals("UNAVAILABLE", first.response().json().get("error").asText());
        assertTrue(first.response().json().get("message").asText().contains("temporarily unavailable"),
            first.response().toString());
        assertTrue(first.millis() < firstBound, "first answer within " + firstBound + " ms: " + first.millis());

        long[] scoped = repeat("MaskAPI, later logins", 5, 503, () -> maskLogin(ann));
        print(fault, "later MaskAPI logins, median", scoped[0]);
        assertTrue(scoped[0] < 1_000 && scoped[1] < 2_000, "fail fast: median " + scoped[0] + ", max " + scoped[1]);
        Http.Response unknown = maskLogin("nobody-" + ann);
        assertUnavailable(unknown, "an unknown user of the same config");
        assertEquals(first.response().body(), unknown.body(), "the 503 does not depend on the user existing");

        // Every dialect, in its own shape.
        Timed directus = timed(() -> directusLogin(ann, PASSWORD));
        assertUnavailable(directus.response(), "Directus");
        assertEquals("SERVICE_UNAVAILABLE", directus.response().json().get("errors").get(0).get("extensions")
            .get("code").asText());
        Timed mavibase = timed(() -> mavibaseLogin(ann, PASSWORD));
        assertUnavailable(mavibase.response(), "Mavibase");
        assertEquals("UNAVAILABLE", mavibase.response().json().get("error").asText());
        Timed slash = timed(() -> slashLogin(ann));
        assertUnavailable(slash.response(), "SlashApi");
        assertTrue(slash.response().json().get("message").asText().contains("temporarily unavailable"));
        setting("loginOwner", "baasix");
        Timed baasix = timed(() -> postJson(auth("login"), body("email", ann, "password", PASSWORD)));
        setting("loginOwner", "directus");
        assertUnavailable(baasix.response(), "Baasix");
        assertTrue(baasix.response().json().get("message").asText().contains("temporarily unavailable"));
        print(fault, "Directus / Mavibase / SlashApi / Baasix", Math.max(Math.max(directus.millis(),
            mavibase.millis()), Math.max(slash.millis(), baasix.millis())));
        for (Timed t : List.of(directus, mavibase, slash, baasix)) {
            assertTrue(t.millis() < 2_000, "unscoped and other dialects fail fast too: " + t.millis());
        }
        // Once the copy is gone (expired; here dropped by the console's "Clear user cache"), their calls say 503,
        // not "invalid token" (which would sign them out).
        realm.admin().clearUserCache();
        assertUnavailable(Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + token), "me");
        assertUnavailable(postJson(api("v1/platform/auth/refresh-token"), body("refreshToken", refreshToken)),
            "refresh");
        Http.Response gateway = Http.get(api("v1/forward-auth"), "Authorization", "Bearer " + token);
        assertEquals(503, gateway.status(), "forward-auth: " + gateway);
        Http.Response signup = postJson(api("v1/auth/signup"), body("credential", unique("new"), "password",
            PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", outageId);
        assertUnavailable(signup, "sign-up into the config");
        Http.Response reset = postJson(api("v1/platform/auth/password-reset/request"), body("email", ann));
        assertUnavailable(reset, "password reset request");
        Http.Response resetUnknown = postJson(api("v1/platform/auth/password-reset/request"), body("email",
            "nobody-" + ann));
        assertEquals(reset.body(), resetUnknown.body(), "reset: the same for unknown e-mails");

        // Keycloak's own token endpoint: fast, and (as for an LDAP provider that is down) the user is not found.
        Http.Response nobody = Tokens.passwordGrant(realm, "app", "nobody-" + ann, PASSWORD);
        assertEquals("invalid_grant", nobody.json().get("error").asText(), nobody.toString());
        long[] tokenTimes = repeat("token endpoint", 3, nobody.status(),
            () -> Tokens.passwordGrant(realm, "app", ann, PASSWORD));
        print(fault, "token endpoint (answered as for an unknown user), median", tokenTimes[0]);
        assertTrue(tokenTimes[0] < 1_000, "token endpoint answers fast: " + tokenTimes[0]);

        // No collateral damage: the other config's users and Keycloak's own log in, at their speed.
        long[] other = repeat("another config's user (Directus)", 3, 200, () -> directusLogin(olly, PASSWORD));
        long[] otherToken = repeat("another config's user (token endpoint)", 3, 200,
            () -> Tokens.passwordGrant(realm, "app", olly, PASSWORD));
        long[] local = repeat("a Keycloak user (Mavibase)", 3, 200, () -> mavibaseLogin(kim, LOCAL_PASSWORD));
        print(fault, "other config / Keycloak user logins, median", Math.max(Math.max(other[0], otherToken[0]),
            local[0]));
        assertTrue(other[0] < 1_000 && otherToken[0] < 1_000 && local[0] < 1_500, "others keep their speed");

        // Forty at once: all answered quickly, all 503.
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Callable<Timed>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(() -> timed(() -> maskLogin(ann)));
            }
            long slowest = 0;
            for (Future<Timed> f : pool.invokeAll(calls)) {
                assertUnavailable(f.get().response(), "concurrent login");
                slowest = Math.max(slowest, f.get().millis());
            }
            print(fault, "40 concurrent logins, slowest", slowest);
            assertTrue(slowest < 5_000, "40 concurrent: slowest " + slowest);
        } finally {
            pool.shutdownNow();
        }

        // Keycloak's /metrics: the config's state and its pool, tagged by realm and config.
        String metrics = Http.get(realm.server().managementUri().resolve("/metrics")).body();
        double state = gauge(metrics, "tableauth_auth_config_state");
        assertTrue(state == 1.0 || state == 2.0, "unavailable (1) or being checked (2) on /metrics: " + state);
        assertTrue(gauge(metrics, "hikaricp_connections_max") >= 1, "the pool's meters are there");

        proxy.restore();
        long recovered = awaitRecovery(fault);
        assertTrue(recovered < 8_000, "recovers alone within seconds: " + recovered);
        assertEquals(0.0, gauge(Http.get(realm.server().managementUri().resolve("/metrics")).body(),
            "tableauth_auth_config_state"), "available again on /metrics");
        assertEquals(downLogged + 1, logLines(down, "is unavailable on this node"), "the outage is logged once");
        assertEquals(backLogged + 1, logLines(down, "is available again on this node"), "and its end once");
        var lockout = realm.admin().attackDetection().bruteForceUserStatus(annId);
        assertEquals(0, ((Number) lockout.get("numFailures")).intValue(), "no failure counted: " + lockout);
        assertEquals(false, lockout.get("disabled"), "not locked: " + lockout);
        assertEquals(200, directusLogin(ann, PASSWORD).status(), "unscoped too");
        assertEquals(200, Tokens.passwordGrant(realm, "app", ann, PASSWORD).status(), "and the token endpoint");
        assertEquals(200, Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + token).status(),
            "the session survived the outage");
    }
}

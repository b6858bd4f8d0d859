package io.tableauth.it.cluster;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.ClusterServer;
import io.tableauth.it.support.FaultProxy;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SqlAuthConfigs;
import io.tableauth.it.support.Tokens;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * tableauth on two Keycloak nodes in production mode sharing one PostgreSQL (the Maven execution {@code cluster}):
 * what one node does, the other knows at once: sessions, logouts, 2FA temp tokens, API key revocations and rotations,
 * failed logins. Last, node 0 is killed (kill -9) under a load of logins and refreshes: node 1 keeps serving and
 * every session a client was told about still refreshes there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT extends RestFixture {

    static final int A = 0;
    static final int B = 1;

    ClusterServer cluster;

    @BeforeAll
    void onTheCluster() {
        Assumptions.assumeTrue(realm.server() instanceof ClusterServer,
            "ClusterIT runs in the failsafe execution 'cluster' (part of ./mvnw verify)");
        cluster = (ClusterServer) realm.server();
    }

    URI api(int node, String path) {
        return cluster.node(node).realmUri(realm.name(), "/api/" + path);
    }

    Http.Response login(int node, String email, String password) {
        return postJson(api(node, "v1/platform/auth/login"), body("email", email, "password", password));
    }

    Http.Response me(int node, String token) {
        return Http.get(api(node, "v1/platform/users/me"), "Authorization", "Bearer " + token);
    }

    Http.Response refresh(int node, String refreshToken) {
        return postJson(api(node, "v1/platform/auth/refresh-token"), body("refreshToken", refreshToken));
    }

    Http.Response post(int node, String path, String json, String token) {
        return postJson(api(node, "v1/platform/" + path), json, "Authorization", "Bearer " + token);
    }

    Http.Response forwardAuth(int node, String key) {
        return Http.get(api(node, "v1/forward-auth"), "X-API-Key", key);
    }

    String member() throws Exception {
        String email = unique("cl");
        insert("members", email, true);
        return email;
    }

    @Test
    @Order(0)
    void withoutTheOperatorsOptionsAnyPostgresqlServerMayBeNamedButNoH2File() throws Exception {
        // The nodes start with no tableauth-sql options: README's defaults. The suite's single server allows H2
        // files under its work folder and only 127.0.0.1 (RealmAdminBoundaryIT); here the opposite holds.
        try (io.tableauth.it.support.TestDatabase h2 = io.tableauth.it.support.TestDatabase.h2().create()) {
            try (java.sql.Connection c = h2.connect(); java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(255), password VARCHAR(255), "
                    + "first_name VARCHAR(100), last_name VARCHAR(100), is_active BOOLEAN, role VARCHAR(50))");
            }
            var config = io.tableauth.it.support.SqlAuthConfigs.over(h2, "users", "email", Map.of());
            try (jakarta.ws.rs.core.Response r = realm.admin().components()
                .add(io.tableauth.it.support.SqlAuthConfigs.component(realm, "h2-here", config))) {
                String body = r.readEntity(String.class);
                assertEquals(400, r.getStatus(), body);
                assertTrue(body.contains("H2 databases are switched off on this Keycloak server. The server operator "
                    + "can allow them with --spi-storage--tableauth-sql--allow-h2=true"), body);
            }
        }
        var anyHost = io.tableauth.it.support.SqlAuthConfigs.over(db, "staff", "email", Map.of());
        anyHost.putSingle("jdbcUrl", db.jdbcUrl().replace("127.0.0.1", "localhost"));
        String id = io.tableauth.it.support.SqlAuthConfigs.add(realm, "any-host", 9, anyHost);
        realm.admin().components().component(id).remove();
    }

    @Test
    @Order(1)
    void aSessionFromOneNodeRefreshesAndAnswersMeOnTheOtherAndLogoutEndsItOnBoth() throws Exception {
        String email = member();
        Http.Response in = login(A, email, TABLE_PASSWORD);
        assertEquals(200, in.status(), in.toString());
        String token = text(in.json(), "token");

        Http.Response who = me(B, token);
        assertEquals(200, who.status(), who.toString());
        assertEquals(email, text(who.json().get("user"), "email"));
        Http.Response refreshed = refresh(B, text(in.json(), "refreshToken"));
        assertEquals(200, refreshed.status(), refreshed.toString());
        String fresh = text(refreshed.json(), "token");
        assertEquals(200, me(A, fresh).status(), "node B's refreshed token works on node A");

        Http.Response out = post(B, "auth/logout", null, fresh);
        assertEquals(200, out.status(), out.toString());
        assertEquals(401, me(A, token).status(), "logout on B ends the session on A");
        assertEquals(401, refresh(A, text(refreshed.json(), "refreshToken")).status());
    }

    @Test
    @Order(2)
    void aTwoFactorTempTokenFromOneNodeIsAcceptedOnTheOtherOnce() throws Exception {
        String email = member();
        String token = text(login(A, email, TABLE_PASSWORD).json(), "token");
        Http.Response setup = post(A, "2fa/setup", null, token);
        assertEquals(200, setup.status(), setup.toString());
        Totp totp = new Totp(text(setup.json(), "secret"));
        assertEquals(200, post(A, "2fa/setup/verify", body("code", totp.fresh()), token).status());

        Http.Response first = login(A, email, TABLE_PASSWORD);
        assertTrue(first.json().get("requires2FA").asBoolean(), first.toString());
        String temp = text(first.json(), "tempToken");
        Http.Response verified = postJson(api(B, "v1/platform/2fa/verify"), body("tempToken", temp, "code", totp.fresh()));
        assertEquals(200, verified.status(), verified.toString());
        assertEquals(200, me(A, text(verified.json(), "token")).status());

        Http.Response again = postJson(api(A, "v1/platform/2fa/verify"), body("tempToken", temp, "code", totp.fresh()));
        assertNotEquals(200, again.status(), "a temp token works once across the cluster: " + again);
        assertEquals(false, again.json().get("success").asBoolean(), again.toString());
    }

    Http.Response forwardAuthJwt(int node, String token, String path) {
        return Http.get(api(node, "v1/forward-auth"), "Authorization", "Bearer " + token, "X-Original-URI", path,
            "X-Original-Method", "GET");
    }

    /**
     * What forward-auth decides from is changed on node A and refused by node B's next check: a path another config
     * now protects, a user disabled, a session logged out. The members config lets Keycloak's user cache keep its
     * users here (as a deployment tuned for speed would), so the disabled user also proves the cache is invalidated
     * across the cluster rather than left to expire.
     */
    @Test
    @Order(3)
    void forwardAuthOnTheOtherNodeRefusesAProtectedPathADisabledUserAndAnEndedSessionAtOnce() throws Exception {
        var members = realm.admin().components().component(membersId);
        var staff = realm.admin().components().component(staffId);
        var membersBefore = members.toRepresentation();
        var staffBefore = staff.toRepresentation();
        var cached = members.toRepresentation();
        cached.getConfig().put("cachePolicy", List.of("MAX_LIFESPAN"));
        cached.getConfig().put("maxLifespan", List.of("600000"));
        members.update(cached);
        try {
            String email = member();
            String token = text(login(A, email, TABLE_PASSWORD).json(), "token");
            String other = text(login(A, member(), TABLE_PASSWORD).json(), "token");
            assertEquals(200, forwardAuthJwt(B, token, "/api/reports/1").status());
            assertEquals(200, forwardAuthJwt(B, other, "/api/reports/1").status());

            var protect = staff.toRepresentation();
            protect.getConfig().put("protectedPaths", List.of("/api/reports/**"));
            staff.update(protect);
            long t0 = System.nanoTime();
            assertEquals(403, forwardAuthJwt(B, token, "/api/reports/1").status(),
                "a path another config now protects is refused on B by the next check");
            long pathMs = (System.nanoTime() - t0) / 1_000_000;
            protect.getConfig().put("protectedPaths", List.of()); // a key left out of an update keeps its value
            staff.update(protect);
            assertEquals(200, forwardAuthJwt(B, token, "/api/reports/1").status(), "the path is free again");

            String userId = realm.admin().users().search(email, true).get(0).getId();
            var user = realm.admin().users().get(userId).toRepresentation();
            user.setEnabled(false);
            realm.admin().users().get(userId).update(user);
            t0 = System.nanoTime();
            assertEquals(401, forwardAuthJwt(B, token, "/api/reports/1").status(),
                "a user disabled on A is refused on B by the next check, though B's user cache held them");
            long disabledMs = (System.nanoTime() - t0) / 1_000_000;

            assertEquals(200, post(A, "auth/logout", null, other).status());
            t0 = System.nanoTime();
            assertEquals(401, forwardAuthJwt(B, other, "/api/reports/1").status(),
                "a session logged out on A is refused on B by the next check");
            long logoutMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[cluster] forward-auth on the other node refused a newly protected path after %d ms, "
                + "a disabled user after %d ms, a logged-out session after %d ms (each the first check after the "
                + "change)%n", pathMs, disabledMs, logoutMs);
        } finally {
            staffBefore.getConfig().put("protectedPaths", List.of());
            staff.update(staffBefore);
            members.update(membersBefore);
        }
    }

    /**
     * What the application does to its own rows, seen on both nodes with the default cache policy (users held 30 s)
     * and the default change signal (2 s): a row disabled or re-hashed (with updated_at moved, as an ORM does) ends
     * the user's sessions on both nodes within seconds, whichever node reads the change; a row deleted outright
     * (no updated_at to read) too, as each node checks the users it holds.
     */
    @Test
    @Order(3)
    void theApplicationsOwnChangesEndAccessOnBothNodes() throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE app_users (id BIGSERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                + "is_active BOOLEAN NOT NULL DEFAULT TRUE, role VARCHAR(50), updated_at TIMESTAMP(0) NULL)");
            st.execute("CREATE INDEX app_users_updated_at ON app_users (updated_at)");
        }
        String configId = io.tableauth.it.support.SqlAuthConfigs.add(realm, "app", 7,
            io.tableauth.it.support.SqlAuthConfigs.over(db, "app_users", "email", Map.of("updatedAtColumn", "updated_at")));
        try {
            Map<String, String> tokens = new java.util.LinkedHashMap<>();
            Map<String, String> refreshTokens = new java.util.LinkedHashMap<>();
            for (String who : List.of("disabled", "rehashed", "deleted")) {
                String email = unique(who);
                execute("INSERT INTO app_users (email, password, first_name, last_name, role, updated_at) "
                    + "VALUES (?, ?, 'Ada', 'Lovelace', 'editor', now() - interval '1 minute')", email, TABLE_HASH);
                Http.Response in = login(A, email, TABLE_PASSWORD);
                assertEquals(200, in.status(), in.toString());
                tokens.put(who, text(in.json(), "token"));
                refreshTokens.put(who, email);
                assertEquals(200, me(B, tokens.get(who)).status(), "node B holds the user too");
            }
            execute("UPDATE app_users SET is_active = false, updated_at = now() WHERE email = ?",
                refreshTokens.get("disabled"));
            execute("UPDATE app_users SET password = ?, updated_at = now() WHERE email = ?", org.springframework.security.crypto.bcrypt.BCrypt.hashpw("another password", org.springframework.security.crypto.bcrypt.BCrypt.gensalt(10)),
                refreshTokens.get("rehashed"));
            execute("DELETE FROM app_users WHERE email = ?", refreshTokens.get("deleted"));
            long changed = System.nanoTime();
            Map<String, Long> seen = new java.util.LinkedHashMap<>();
            while (seen.size() < 3 && System.nanoTime() - changed < 20_000_000_000L) {
                for (String who : tokens.keySet()) {
                    if (!seen.containsKey(who) && me(A, tokens.get(who)).status() == 401
                        && me(B, tokens.get(who)).status() == 401) {
                        seen.put(who, (System.nanoTime() - changed) / 1_000_000);
                    }
                }
                Thread.sleep(100);
            }
            System.out.printf("[cluster] the application's own changes, refused on both nodes after: %s ms "
                + "(change signal 2 s, cache lifespan 30 s)%n", seen);
            assertTrue(seen.getOrDefault("disabled", Long.MAX_VALUE) < 5_000, "disabled: " + seen);
            assertTrue(seen.getOrDefault("rehashed", Long.MAX_VALUE) < 5_000, "rehashed: " + seen);
            assertTrue(seen.getOrDefault("deleted", Long.MAX_VALUE) < 5_000, "deleted: " + seen);
        } finally {
            realm.admin().components().component(configId).remove();
            try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE app_users");
            }
        }
    }

    /** The same e-mail in two tables: a login scoped to the later config on one node leaves the other node's
     * token endpoint finding the earlier config's user (priority order). */
    @Test
    @Order(3)
    void aScopedLoginOnOneNodeLeavesThePriorityOrderOnTheOther() throws Exception {
        String email = unique("twin");
        insert("members", email, true);
        insert("staff", email, true);
        for (int round = 0; round < 2; round++) {
            Http.Response scoped = postJson(api(A, "v1/auth/login"), body("credential", email, "password",
                TABLE_PASSWORD), "x-mapi-key", "project-b", "x-mapi-auth-config-id", staffId);
            assertEquals(200, scoped.status(), scoped.toString());
            assertTrue(Tokens.verifyAccessToken(realm, text(scoped.json(), "accessToken")).getSubject()
                .startsWith("f:" + staffId + ":"));
            for (int node : new int[] {A, B}) {
                Http.Response grant = Http.postForm(cluster.node(node).realmUri(realm.name(),
                    "/protocol/openid-connect/token"), Map.of("grant_type", "password", "client_id", "app",
                    "username", email, "password", TABLE_PASSWORD, "scope", "openid"));
                assertEquals(200, grant.status(), grant.toString());
                String sub = Tokens.verifyAccessToken(realm, text(grant.json(), "access_token")).getSubject();
                assertTrue(sub.startsWith("f:" + membersId + ":"), "node " + node + " found " + sub);
            }
            realm.admin().clearUserCache();
        }
    }

    @Test
    @Order(3)
    void anApiKeyRotatedOrRevokedOnOneNodeIsRefusedOnTheOtherAtOnce() throws Exception {
        String email = member();
        String token = text(login(A, email, TABLE_PASSWORD).json(), "token");
        Http.Response made = post(A, "api-keys", "{\"name\":\"cluster\",\"scopes\":[\"databases:read\"]}", token);
        assertEquals(201, made.status(), made.toString());
        String id = text(made.json().get("apiKey"), "id");
        String key = text(made.json().get("apiKey"), "key");
        assertEquals(200, forwardAuth(B, key).status());

        Http.Response rotated = post(A, "api-keys/" + id + "/rotate", null, token);
        assertEquals(200, rotated.status(), rotated.toString());
        long t0 = System.nanoTime();
        assertEquals(401, forwardAuth(B, key).status(), "the old secret is refused on B by the first request");
        long rotationSeenMs = (System.nanoTime() - t0) / 1_000_000;
        String newKey = text(rotated.json().get("apiKey"), "key");
        assertEquals(200, forwardAuth(B, newKey).status());

        assertEquals(200, post(A, "api-keys/" + id + "/revoke", null, token).status());
        t0 = System.nanoTime();
        assertEquals(401, forwardAuth(B, newKey).status(), "the revoked key is refused on B by the first request");
        long revocationSeenMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(rotationSeenMs < 1000 && revocationSeenMs < 1000, rotationSeenMs + " / " + revocationSeenMs + " ms");
        System.out.printf("[cluster] rotation refused on the other node after %d ms, revocation after %d ms%n",
            rotationSeenMs, revocationSeenMs);
    }

    @Test
    @Order(5)
    void failedLoginsOnBothNodesCountTogetherForTheLockout() throws Exception {
        updateRealm(r -> {
            r.setFailureFactor(3);
            r.setMaxFailureWaitSeconds(900);
        });
        try {
            String email = member();
            // 2 failures on A and 1 on B: neither node alone reaches 3
            for (int node : new int[] {A, B, A}) {
                assertEquals(401, login(node, email, "wrong password").status());
                Thread.sleep(500); // Keycloak records a failure after it has answered
            }
            Http.Response locked = login(B, email, TABLE_PASSWORD);
            assertEquals(401, locked.status(), "the right password is refused once the cluster counted 3: " + locked);
            assertEquals(401, login(A, email, TABLE_PASSWORD).status());

            realm.admin().attackDetection().clearAllBruteForce();
            assertEquals(200, login(B, email, TABLE_PASSWORD).status(), "cleared on one node, cleared on both");
        } finally {
            updateRealm(r -> r.setFailureFactor(30));
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    /**
     * The rate limits are one count for the cluster: calls alternate between the nodes, and the first call past the
     * limit is refused on whichever node it reaches; counting on one node only would allow twice as many.
     */
    @Test
    @Order(5)
    void theRateLimitsCountTheCallsOfBothNodesTogether() throws Exception {
        setting("rateLimitPerIp", "4");
        setting("rateLimitPerIdentifier", "0");
        setting("rateLimitWindowSeconds", "3600");
        long left = 3600 - System.currentTimeMillis() / 1000 % 3600;
        if (left < 30) {
            Thread.sleep(left * 1000 + 1500); // the count starts again with the window: not in the middle of this test
        }
        try {
            String email = member();
            String client = "198.51.100." + (1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(254));
            for (int node : new int[] {A, B, A, B}) {
                Http.Response r = postJson(api(node, "v1/platform/auth/login"),
                    body("email", email, "password", TABLE_PASSWORD), "X-Forwarded-For", client);
                assertEquals(200, r.status(), "call on node " + node + ": " + r);
            }
            for (int node : new int[] {A, B}) {
                Http.Response r = postJson(api(node, "v1/platform/auth/login"),
                    body("email", email, "password", TABLE_PASSWORD), "X-Forwarded-For", client);
                assertEquals(429, r.status(), "the fifth call and after, on node " + node + ": " + r);
                assertTrue(r.raw().headers().firstValue("Retry-After").isPresent());
            }
            assertEquals(200, postJson(api(B, "v1/platform/auth/login"), body("email", email, "password", TABLE_PASSWORD),
                "X-Forwarded-For", "198.51.100.255").status(), "another client goes on");
        } finally {
            setting("rateLimitPerIp", "1000000");
            setting("rateLimitPerIdentifier", "1000000");
            setting("rateLimitWindowSeconds", "");
        }
    }

    /**
     * One node loses its path to a users database (a proxy in the test JVM refuses that node's connections only:
     * each node resolves the database's host name to its own loopback address). That node answers 503 at once for
     * the table's users and reports the config unavailable on its /metrics; the other node goes on logging them in.
     * When the path is back, the first node recovers by itself.
     */
    @Test
    @Order(4)
    void oneNodeLosingItsPathToTheUsersDatabaseLeavesTheOtherNodeServing() throws Exception {
        String email = member();
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", db.serverPort(), ClusterServer.nodeAddress(A),
            ClusterServer.nodeAddress(B))) {
            var config = SqlAuthConfigs.over(db, "members", "email", Map.of());
            config.putSingle("jdbcUrl", db.jdbcUrlVia(ClusterServer.USERS_DB_HOST, proxy.port()));
            String id = SqlAuthConfigs.add(realm, "via-proxy", 9, config);
            try {
                java.util.function.IntFunction<Http.Response> scoped = node -> postJson(
                    cluster.node(node).realmUri(realm.name(), "/api/v1/auth/login"),
                    body("credential", email, "password", TABLE_PASSWORD), "x-mapi-key", "app",
                    "x-mapi-auth-config-id", id);
                assertEquals(200, scoped.apply(A).status(), "both paths work at first");
                assertEquals(200, scoped.apply(B).status());

                proxy.set(ClusterServer.nodeAddress(A), FaultProxy.Mode.REFUSE, 0);
                assertEquals(503, scoped.apply(A).status(), "node A lost its path");
                long start = System.nanoTime();
                Http.Response fast = scoped.apply(A);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(503, fast.status(), fast.toString());
                assertTrue(ms < 1_000, "and answers at once: " + ms + " ms");
                for (int i = 0; i < 3; i++) {
                    Http.Response onB = scoped.apply(B);
                    assertEquals(200, onB.status(), "node B is not affected: " + onB);
                }
                String metricsA = Http.get(cluster.node(A).managementUri().resolve("/metrics")).body();
                String metricsB = Http.get(cluster.node(B).managementUri().resolve("/metrics")).body();
                assertTrue(state(metricsA, "via-proxy") >= 1.0, "A reports it unavailable");
                assertEquals(0.0, state(metricsB, "via-proxy"), "B reports it available");

                proxy.set(ClusterServer.nodeAddress(A), FaultProxy.Mode.PASS, 0);
                long back = System.nanoTime();
                Http.Response recovered;
                do {
                    Thread.sleep(200);
                    recovered = scoped.apply(A);
                } while (recovered.status() != 200 && System.nanoTime() - back < 20_000_000_000L);
                assertEquals(200, recovered.status(), "node A recovers by itself: " + recovered);
                System.out.printf("[cluster] node A answered 503 in %d ms; recovered %d ms after its path came back%n",
                    ms, (System.nanoTime() - back) / 1_000_000);
            } finally {
                realm.admin().components().component(id).remove();
            }
        }
    }

    double state(String metrics, String config) {
        return metrics.lines().filter(l -> l.startsWith("tableauth_auth_config_state{")
                && l.contains("config=\"" + config + "\"") && l.contains("realm=\"" + realm.name() + "\""))
            .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
            .orElseThrow(() -> new AssertionError("no state of " + config + " in /metrics"));
    }

    /** What one load thread saw. Each thread has its own users and sessions: Keycloak refuses a second concurrent
     * login of one user on a node (user_temporarily_disabled), and a refresh token is used once (the realm rotates). */
    static final class Client {
        final List<String> emails = new ArrayList<>();
        final Map<Integer, String> refreshTokens = new java.util.LinkedHashMap<>(); // session → newest refresh token
        final java.util.Set<Integer> cutOff = new java.util.HashSet<>(); // refreshed when A died: answer lost
        int okA;
        int failedABefore;
        int cutOffA;
        int okBBefore;
        int okBAfter;
        final List<String> failedB = new ArrayList<>();
    }

    /** Last: it leaves node 1 alone. */
    /** Connections to the named PostgreSQL database, from any client. */
    int connectionsTo(String database) throws Exception {
        try (java.sql.Connection c = db.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, database);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    @Order(5)
    void removingAnAuthConfigClosesItsPoolsOnBothNodes() throws Exception {
        try (io.tableauth.it.support.TestDatabase own = io.tableauth.it.support.TestDatabase.postgres().create()) {
            try (java.sql.Connection c = own.connect(); java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                    + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                    + "is_active BOOLEAN NOT NULL DEFAULT TRUE, role VARCHAR(50))");
                s.execute("INSERT INTO users (email, password) VALUES ('pool@example.com', '" + TABLE_HASH + "')");
            }
            String id = SqlAuthConfigs.add(realm, "pool-probe", 7, SqlAuthConfigs.over(own, "users", "email", Map.of()));
            for (int node : new int[] {A, B}) {
                assertEquals(200, login(node, "pool@example.com", TABLE_PASSWORD).status(), "node " + node);
            }
            assertTrue(connectionsTo(own.name()) > 0, "both nodes hold connections to the config's database");
            realm.admin().components().component(id).remove();
            // the other node sweeps every 2 s here (the operator's removed-config-sweep-seconds), closes on the 2nd
            long deadline = System.currentTimeMillis() + 40_000;
            int open = connectionsTo(own.name());
            while (open > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                open = connectionsTo(own.name());
            }
            assertEquals(0, open, "no node keeps a pool to a removed config's database");
        }
    }

    @Test
    @Order(6)
    void killingNodeAUnderLoadLosesNoAcknowledgedSessionAndNodeBKeepsServing() throws Exception {
        int threads = 4;
        List<Client> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Client c = new Client();
            c.emails.add(member());
            c.emails.add(member());
            clients.add(c);
        }
        AtomicBoolean aKilled = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sessionIds = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (Client c : clients) {
            workers.add(load.submit(() -> {
                int n = 0;
                while (!stop.get()) {
                    boolean killedBefore = aKilled.get();
                    // round robin, as a load balancer would, until its health check drops node A
                    int node = killedBefore ? B : n % 2;
                    // a session whose refresh was cut off on A is left alone: its outcome is unknown (A may have
                    // rotated the token), and A died holding Keycloak's refresh lock of that session (up to 60 s)
                    List<Integer> usable = c.refreshTokens.keySet().stream().filter(k -> !c.cutOff.contains(k)).toList();
                    boolean login = n % 3 == 0 || usable.isEmpty();
                    Integer session = login ? null : usable.get(n % usable.size());
                    n++;
                    Http.Response r;
                    try {
                        r = login ? login(node, c.emails.get(n % 2), TABLE_PASSWORD)
                            : refresh(node, c.refreshTokens.get(session));
                    } catch (RuntimeException e) {
                        r = null; // node A died with this request in flight
                    }
                    boolean ok = r != null && r.status() == 200;
                    if (ok) {
                        c.refreshTokens.put(login ? sessionIds.incrementAndGet() : session, text(r.json(), "refreshToken"));
                    }
                    if (node == A) {
                        if (ok) {
                            c.okA++;
                        } else if (r == null && aKilled.get()) {
                            c.cutOffA++;
                            if (session != null) {
                                c.cutOff.add(session);
                            }
                        } else {
                            c.failedABefore++;
                        }
                    } else if (!ok) {
                        c.failedB.add((killedBefore ? "after" : "before") + " the kill: " + r);
                    } else if (killedBefore) {
                        c.okBAfter++;
                    } else {
                        c.okBBefore++;
                    }
                }
                return null;
            }));
        }
        Thread.sleep(6000);
        aKilled.set(true);
        cluster.kill(A);
        Thread.sleep(8000);
        stop.set(true);
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        load.shutdown();

        int okA = clients.stream().mapToInt(c -> c.okA).sum();
        int cutOffA = clients.stream().mapToInt(c -> c.cutOffA).sum();
        int okBBefore = clients.stream().mapToInt(c -> c.okBBefore).sum();
        int okBAfter = clients.stream().mapToInt(c -> c.okBAfter).sum();
        List<String> failedB = clients.stream().flatMap(c -> c.failedB.stream()).toList();
        List<Integer> lost = new ArrayList<>();
        int acknowledged = 0;
        for (Client c : clients) {
            for (Map.Entry<Integer, String> s : c.refreshTokens.entrySet()) {
                if (c.cutOff.contains(s.getKey())) {
                    continue; // its last refresh was cut off with node A: the client never saw the new token
                }
                acknowledged++;
                if (refresh(B, s.getValue()).status() != 200) {
                    lost.add(s.getKey());
                }
            }
        }
        System.out.printf("[cluster] node A: %d ok, %d cut off by its kill; node B: %d ok before, %d ok after, %d "
            + "failed; %d acknowledged sessions all refreshed on B afterwards: %s%n", okA, cutOffA, okBBefore, okBAfter,
            failedB.size(), acknowledged, lost.isEmpty());
        assertTrue(okA > 0 && okBBefore > 0, "both nodes served before the kill");
        assertEquals(0, clients.stream().mapToInt(c -> c.failedABefore).sum(), "node A failed nothing before its kill");
        assertTrue(cutOffA <= threads, "only requests in flight on A fail, at most one per client: " + cutOffA);
        assertEquals(List.of(), failedB, "node B failed no request");
        assertTrue(okBAfter > 0, "node B kept serving after A died");
        assertTrue(acknowledged > threads, "sessions were made: " + acknowledged);
        assertEquals(List.of(), lost, "every acknowledged session still refreshes on B, of " + acknowledged);

        // A session whose refresh A died in: A may have held Keycloak's refresh lock of it (60 s). A refresh on B
        // then answers 503 with Retry-After (try again), or 401 when A had used the token up; never a 500.
        Map<Integer, Integer> outcomes = new java.util.TreeMap<>();
        for (Client c : clients) {
            for (Integer cut : c.cutOff) {
                Http.Response r = refresh(B, c.refreshTokens.get(cut));
                outcomes.merge(r.status(), 1, Integer::sum);
                assertTrue(r.status() == 200 || r.status() == 401 || r.status() == 503, "cut-off session: " + r);
                if (r.status() == 503) {
                    assertEquals("UNAVAILABLE", text(r.json(), "error"), r.toString());
                    assertEquals("1", r.raw().headers().firstValue("Retry-After").orElse(null), "Retry-After");
                }
            }
        }
        System.out.printf("[cluster] refreshes on B of the sessions cut off on A, by status: %s%n", outcomes);
    }
}

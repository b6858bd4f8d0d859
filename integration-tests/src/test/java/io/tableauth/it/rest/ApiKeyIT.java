package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Mavibase API keys end to end: created over REST and shown once, kept as a hash in Keycloak's PostgreSQL database,
 * used at the forward-auth endpoint and exchanged for a JWT on Keycloak's token endpoint, rotated (with and without
 * grace) and revoked with immediate effect, scopes bounded by the owner's roles, keys dying with their user, admin
 * REST, and the Keycloak events of it all.
 */
class ApiKeyIT extends RestFixture {


    String login(String email, String password) {
        Http.Response r = postJson(api("v1/platform/auth/login"), Http.body("email", email, "password", password));
        assertEquals(200, r.status(), r.toString());
        return text(r.json(), "token");
    }

    String memberToken() throws Exception {
        String email = unique("ak");
        insert("members", email, true);
        return login(email, TABLE_PASSWORD);
    }

    Http.Response create(String token, String json) {
        return postJson(api("v1/platform/api-keys"), json, "Authorization", "Bearer " + token);
    }

    Http.Response keys(String method, String path, String token) {
        return Http.json(method, api("v1/platform/api-keys" + path), null, "Authorization", "Bearer " + token);
    }

    Http.Response forwardAuth(String... headers) {
        return Http.get(api("v1/forward-auth"), headers);
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** The key's row in Keycloak's database, column name (upper case) → value as text. */
    Map<String, String> row(String keyId) throws Exception {
        try (Connection c = realm.server().keycloakDatabase().connect();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM tableauth_api_key WHERE id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, String> out = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    out.put(md.getColumnName(i).toUpperCase(), rs.getString(i));
                }
                return out;
            }
        }
    }

    int keysOfUser(String userId) throws Exception {
        try (Connection c = realm.server().keycloakDatabase().connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM tableauth_api_key WHERE user_id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    void enableEvents() {
        updateRealm(r -> {
            r.setEventsEnabled(true);
            r.setEnabledEventTypes(List.of("UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL", "TOKEN_EXCHANGE",
                "TOKEN_EXCHANGE_ERROR", "INTROSPECT_TOKEN_ERROR"));
            r.setAdminEventsEnabled(true);
            r.setAdminEventsDetailsEnabled(true);
        });
    }

    List<EventRepresentation> events(String userId, String type) {
        return realm.admin().getEvents(List.of(type), null, userId, null, null, null, 0, 100);
    }

    /**
     * Revocation wins the race, forced rather than hoped for: a key check reads the key's row, then its owner. The
     * owner's table is locked (as a long application transaction would), so the check stops between the two reads;
     * the test waits until PostgreSQL shows it waiting on that lock, revokes the key in Keycloak's database, and lets
     * the check go on. That check is refused, and the key is not held: the next one is refused too. Beside it, the
     * same sequence without a revocation passes (the lock alone refuses nothing).
     */
    @Test
    void aKeyRevokedBetweenItsReadAndItsOwnersIsRefusedAndNotHeld() throws Exception {
        String token = memberToken();
        for (boolean revoke : new boolean[] {false, true}) {
            Http.Response created = create(token, "{\"name\":\"race\",\"projectId\":\"app\","
                + "\"scopes\":[\"databases:read\"]}");
            assertEquals(201, created.status(), created.toString());
            String id = text(created.json().get("apiKey"), "id");
            String key = text(created.json().get("apiKey"), "key");
            realm.admin().clearUserCache(); // the owner is read from the table by the next check
            java.util.concurrent.CompletableFuture<Http.Response> check;
            try (Connection lock = db.connect()) {
                lock.setAutoCommit(false);
                try (Statement st = lock.createStatement()) {
                    st.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE");
                }
                check = java.util.concurrent.CompletableFuture.supplyAsync(() -> forwardAuth("X-API-Key", key));
                awaitWaitingOnLock();
                if (revoke) {
                    try (Connection kc = realm.server().keycloakDatabase().connect();
                         PreparedStatement ps = kc.prepareStatement(
                             "UPDATE tableauth_api_key SET revoked_at = ? WHERE id = ?")) {
                        ps.setLong(1, System.currentTimeMillis());
                        ps.setString(2, id);
                        assertEquals(1, ps.executeUpdate());
                    }
                }
                lock.commit();
            }
            Http.Response during = check.get(20, java.util.concurrent.TimeUnit.SECONDS);
            Http.Response after = forwardAuth("X-API-Key", key);
            if (revoke) {
                assertEquals(401, during.status(), "revoked between the two reads: " + during);
                assertEquals(401, after.status(), "and not held: " + after);
            } else {
                assertEquals(200, during.status(), during.toString());
                assertEquals(200, after.status(), after.toString());
            }
        }
    }

    /** Waits until a query of tableauth's on the members table waits for a lock (PostgreSQL's own view of it). */
    private void awaitWaitingOnLock() throws Exception {
        long until = System.nanoTime() + 20_000_000_000L;
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM "
            + "pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%members%' AND pid <> pg_backend_pid()")) {
            while (System.nanoTime() < until) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("no key check came to wait on the owner's table");
    }

    @Tag("smoke")
    @Test
    void aKeyIsShownOnceStoredAsAHashUsedExchangedRotatedAndRevoked() throws Exception {
        enableEvents();
        String token = memberToken();
        String userId = Tokens.verifyAccessToken(realm, token).getSubject();

        Http.Response created = create(token, "{\"name\":\"Production API Key\",\"projectId\":\"app\","
            + "\"scopes\":[\"databases:read\",\"databases:write\"]}");
        assertEquals(201, created.status(), created.toString());
        JsonNode apiKey = created.json().get("apiKey");
        assertTrue(created.json().get("success").asBoolean());
        String id = text(apiKey, "id");
        String key = text(apiKey, "key");
        assertTrue(id.startsWith("key_"), id);
        assertTrue(key.matches("tak_live_[A-Za-z0-9_-]{43}"), "prefix and 256 random bits, base64url: " + key);
        assertEquals("Production API Key", text(apiKey, "name"));
        assertEquals("[\"databases:read\",\"databases:write\"]", apiKey.get("scopes").toString());
        assertNotNull(Instant.parse(text(apiKey, "createdAt")));

        Map<String, String> stored = row(id);
        assertEquals(sha256(key), stored.get("SECRET_HASH"), "kept as the SHA-256 of the key");
        assertEquals(userId, stored.get("USER_ID"));
        for (Map.Entry<String, String> column : stored.entrySet()) {
            assertFalse(column.getValue() != null && column.getValue().contains(key.substring(9)),
                "the key itself is in no column, found in " + column.getKey());
        }

        Http.Response list = keys("GET", "", token);
        assertEquals(200, list.status(), list.toString());
        JsonNode listed = list.json().get("apiKeys").get(0);
        assertEquals(id, text(listed, "id"));
        assertNull(listed.get("key"), "never shown again");
        assertEquals(key.substring(0, 13), text(listed, "prefix"));
        assertEquals("active", text(listed, "status"));
        Http.Response one = keys("GET", "/" + id, token);
        assertEquals(200, one.status());
        assertNull(one.json().get("apiKey").get("key"));
        assertNull(row(id).get("LAST_USED_AT"));

        Http.Response allowed = forwardAuth("X-API-Key", key);
        assertEquals(200, allowed.status(), allowed.toString());
        assertEquals(userId, allowed.raw().headers().firstValue("X-Auth-User-Id").orElse(null));
        assertEquals("databases:read databases:write", allowed.raw().headers().firstValue("X-Auth-Scopes").orElse(null));
        assertEquals(membersId, allowed.raw().headers().firstValue("X-Auth-Config").orElse(null));
        assertEquals("api-key", allowed.raw().headers().firstValue("X-Auth-Method").orElse(null));
        String lastUsed = row(id).get("LAST_USED_AT");
        assertNotNull(lastUsed, "the first use is recorded");
        assertEquals(200, forwardAuth("X-API-Key", key).status());
        assertEquals(lastUsed, row(id).get("LAST_USED_AT"), "a second use within a minute writes nothing");

        Http.Response exchanged = exchange("app", key, null);
        assertEquals(200, exchanged.status(), exchanged.toString());
        assertNull(exchanged.json().get("refresh_token"), "no refresh token: the key is needed again");
        String keyToken = text(exchanged.json(), "access_token");
        JWTClaimsSet claims = Tokens.verifyAccessToken(realm, keyToken); // signature against the realm's JWKS
        assertEquals(userId, claims.getSubject());
        assertEquals(id, claims.getStringClaim("api_key_id"));
        assertEquals(membersId, claims.getStringClaim("auth_config"));
        assertTrue(List.of(claims.getStringClaim("scope").split(" ")).containsAll(List.of("databases:read", "databases:write")),
            claims.getStringClaim("scope"));
        assertEquals(300, lifespan(claims), "the default, the realm's access token lifespan here");
        // The setting decides, and the realm's access token lifespan caps it.
        int realmLifespan = realm.admin().toRepresentation().getAccessTokenLifespan();
        try {
            setting("apiKeyTokenLifespanSeconds", "120");
            assertEquals(120, lifespan(Tokens.verifyAccessToken(realm,
                text(exchange("app", key, null).json(), "access_token"))), "the setting's lifespan");
            setting("apiKeyTokenLifespanSeconds", String.valueOf(realmLifespan + 600));
            assertEquals(realmLifespan, lifespan(Tokens.verifyAccessToken(realm,
                text(exchange("app", key, null).json(), "access_token"))), "capped by the realm's lifespan");
        } finally {
            setting("apiKeyTokenLifespanSeconds", "300");
        }
        Http.Response narrowed = exchange("app", key, "databases:read");
        assertEquals(200, narrowed.status(), narrowed.toString());
        String narrowScope = Tokens.verifyAccessToken(realm, text(narrowed.json(), "access_token")).getStringClaim("scope");
        assertTrue(narrowScope.contains("databases:read") && !narrowScope.contains("databases:write"), narrowScope);
        Http.Response wider = exchange("app", key, "databases:delete");
        assertEquals(400, wider.status());
        assertEquals("invalid_scope", text(wider.json(), "error"));
        Http.Response viaToken = forwardAuth("Authorization", "Bearer " + keyToken);
        assertEquals(200, viaToken.status(), viaToken.toString());
        assertEquals(id, viaToken.raw().headers().firstValue("X-Auth-Api-Key-Id").orElse(null));
        Http.Response otherProject = exchange("project-b", key, null);
        assertEquals(400, otherProject.status(), "a key made for the app project works only with that client");
        int keysBefore = keys("GET", "", token).json().get("apiKeys").size();
        Http.Response keyMakesKey = create(keyToken, "{\"name\":\"x\",\"scopes\":[\"databases:read\"]}");
        assertEquals(403, keyMakesKey.status(), "a token from a key may not make keys");
        assertEquals(keysBefore, keys("GET", "", token).json().get("apiKeys").size(), "and none was made");

        Http.Response rotated = keys("POST", "/" + id + "/rotate", token);
        assertEquals(200, rotated.status(), rotated.toString());
        String newKey = text(rotated.json().get("apiKey"), "key");
        assertNotEquals(key, newKey);
        assertEquals(sha256(newKey), row(id).get("SECRET_HASH"));
        assertEquals(401, forwardAuth("X-API-Key", key).status(), "the old secret stops at once without grace");
        Http.Response oldExchange = exchange("app", key, null);
        assertEquals(400, oldExchange.status());
        assertEquals("invalid_grant", text(oldExchange.json(), "error"));
        assertEquals(200, forwardAuth("X-API-Key", newKey).status());

        Http.Response revoked = keys("POST", "/" + id + "/revoke", token);
        assertEquals(200, revoked.status(), revoked.toString());
        assertEquals("revoked", text(revoked.json().get("apiKey"), "status"));
        assertEquals(401, forwardAuth("X-API-Key", newKey).status());
        assertEquals(401, forwardAuth("Authorization", "Bearer " + keyToken).status(),
            "a JWT exchanged for the key dies with it at forward-auth");
        assertEquals(400, exchange("app", newKey, null).status());
        assertNotNull(row(id).get("REVOKED_AT"));
        assertEquals("revoked", text(keys("GET", "/" + id, token).json().get("apiKey"), "status"));
        assertEquals(400, keys("POST", "/" + id + "/rotate", token).status(), "a revoked key stays revoked");

        List<String> actions = new ArrayList<>();
        events(userId, "UPDATE_CREDENTIAL").forEach(e -> actions.add(e.getDetails().get("api_key_action")));
        events(userId, "REMOVE_CREDENTIAL").forEach(e -> actions.add(e.getDetails().get("api_key_action")));
        assertTrue(actions.containsAll(List.of("created", "rotated", "revoked")), actions.toString());
        assertFalse(events(userId, "TOKEN_EXCHANGE").isEmpty(), "the exchange is a Keycloak event");
        assertTrue(events(userId, "TOKEN_EXCHANGE_ERROR").stream()
            .anyMatch(e -> "key revoked".equals(e.getDetails().get("reason")) && id.equals(e.getDetails().get("api_key_id"))),
            "the refused key is an error event with the reason");
        assertTrue(events(userId, "INTROSPECT_TOKEN_ERROR").stream()
            .anyMatch(e -> id.equals(e.getDetails().get("api_key_id"))), "refusals at forward-auth too");
        String all = realm.admin().getEvents().toString();
        assertFalse(all.contains(key.substring(9)) || all.contains(newKey.substring(9)), "no secret in any event");
    }

    @Test
    void anotherUsersKeyIsNotFoundAndBadRequestsAnswerInMavibasesShape() throws Exception {
        String mine = memberToken();
        String theirs = memberToken();
        JsonNode made = create(mine, "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}").json().get("apiKey");
        String id = text(made, "id");
        assertEquals(404, keys("GET", "/" + id, theirs).status());
        assertEquals(404, keys("POST", "/" + id + "/revoke", theirs).status());
        assertEquals(404, keys("POST", "/" + id + "/rotate", theirs).status());
        Http.Response still = keys("GET", "/" + id, mine);
        assertEquals(200, still.status());
        assertEquals("active", text(still.json().get("apiKey"), "status"), "another user's revoke changed nothing");
        assertEquals(text(made, "prefix"), text(still.json().get("apiKey"), "prefix"), "nor rotated it");
        assertEquals(200, forwardAuth("X-API-Key", text(made, "key")).status(), "the key still works");
        assertEquals(401, create("garbage", "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}").status());

        Http.Response noName = create(mine, "{\"scopes\":[\"databases:read\"]}");
        assertEquals(400, noName.status());
        assertFalse(noName.json().get("success").asBoolean());
        assertEquals("VALIDATION", text(noName.json(), "error"));
        Http.Response unknown = create(mine, "{\"name\":\"k\",\"scopes\":[\"databases:drop\"]}");
        assertEquals(400, unknown.status());
        assertTrue(text(unknown.json(), "message").startsWith("Unknown scope: databases:drop"), unknown.toString());
        assertEquals(400, create(mine, "{\"name\":\"k\",\"scopes\":[]}").status());
        assertEquals(400, create(mine, "{\"name\":\"k\",\"scopes\":\"databases:read\"}").status());
        assertEquals(400, create(mine, "{\"name\":\"k\",\"projectId\":\"" + "p".repeat(256)
            + "\",\"scopes\":[\"databases:read\"]}").status(), "a projectId longer than a label may be");
        assertEquals(400, create(mine, "{\"name\":\"k\",\"scopes\":[\"databases:read\"],\"expiresAt\":\"2001-01-01T00:00:00Z\"}").status());
        assertEquals(400, create(mine, "{\"name\":\"k\",\"scopes\":[\"databases:read\"],\"expiresAt\":\"tomorrow\"}").status());
        assertEquals(400, create(mine, "not json").status());

        String soon = Instant.now().plusSeconds(3).toString();
        Http.Response expiring = create(mine, "{\"name\":\"k\",\"scopes\":[\"databases:read\"],\"expiresAt\":\"" + soon + "\"}");
        assertEquals(201, expiring.status(), expiring.toString());
        String key = text(expiring.json().get("apiKey"), "key");
        assertEquals(200, forwardAuth("X-API-Key", key).status());
        Thread.sleep(3500);
        assertEquals(401, forwardAuth("X-API-Key", key).status(), "an expired key is refused");
        assertEquals("expired", text(keys("GET", "/" + text(expiring.json().get("apiKey"), "id"), mine).json()
            .get("apiKey"), "status"));
        assertEquals(401, forwardAuth("X-API-Key", "tak_live_" + "A".repeat(43)).status());
        assertEquals(401, forwardAuth("X-API-Key", "mb_live_whatever").status());
    }

    /**
     * Mavibase's documented call sends its own project id ({@code prj_abc123}): one that names no client of the realm
     * is kept as the key's label and shown back, and the key is made for the realm's default client; one that names
     * a client binds the key to it.
     */
    @Test
    void aMavibaseProjectIdThatNamesNoClientIsKeptAsTheKeysLabel() throws Exception {
        String mine = memberToken();
        Http.Response labelled = create(mine, "{\"name\":\"Production API Key\",\"projectId\":\"prj_abc123\","
            + "\"scopes\":[\"databases:read\"]}");
        assertEquals(201, labelled.status(), labelled.toString());
        assertEquals("prj_abc123", text(labelled.json().get("apiKey"), "projectId"));
        String id = text(labelled.json().get("apiKey"), "id");
        assertEquals("prj_abc123", text(keys("GET", "/" + id, mine).json().get("apiKey"), "projectId"),
            "the label is kept");
        String key = text(labelled.json().get("apiKey"), "key");
        assertEquals(200, exchange("app", key, null).status(), "the realm's default client takes the key");
        assertEquals(400, exchange("project-b", key, null).status(), "another client does not");

        Http.Response bound = create(mine, "{\"name\":\"k\",\"projectId\":\"project-b\","
            + "\"scopes\":[\"databases:read\"]}");
        assertEquals(201, bound.status(), bound.toString());
        assertEquals("project-b", text(bound.json().get("apiKey"), "projectId"));
        String boundKey = text(bound.json().get("apiKey"), "key");
        assertEquals(200, exchange("project-b", boundKey, null).status());
        assertEquals(400, exchange("app", boundKey, null).status(), "a key named for a client is that client's");
    }

    @Test
    void theOldSecretWorksDuringTheGracePeriodOnly() throws Exception {
        setting("apiKeyRotationGraceSeconds", "3");
        try {
            String token = memberToken();
            JsonNode made = create(token, "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}").json().get("apiKey");
            String oldKey = text(made, "key");
            Http.Response rotated = keys("POST", "/" + text(made, "id") + "/rotate", token);
            String newKey = text(rotated.json().get("apiKey"), "key");
            assertNotNull(text(rotated.json().get("apiKey"), "previousKeyValidUntil"), rotated.toString());
            assertEquals(200, forwardAuth("X-API-Key", oldKey).status(), "old secret inside the grace period");
            assertEquals(200, forwardAuth("X-API-Key", newKey).status());
            Thread.sleep(3500);
            assertEquals(401, forwardAuth("X-API-Key", oldKey).status(), "old secret after the grace period");
            assertEquals(200, forwardAuth("X-API-Key", newKey).status());
        } finally {
            setting("apiKeyRotationGraceSeconds", "0");
        }
    }

    @Tag("smoke")
    @Test
    void aKeyNeverCarriesMoreThanItsOwnerMay() throws Exception {
        setting("apiKeyScopes", "reports:export");
        RoleRepresentation role = new RoleRepresentation();
        role.setName("reports:export");
        realm.admin().roles().create(role);
        try {
            String email = unique("sc");
            insert("members", email, true);
            String token = login(email, TABLE_PASSWORD);
            String userId = Tokens.verifyAccessToken(realm, token).getSubject();
            Http.Response refused = create(token, "{\"name\":\"k\",\"scopes\":[\"databases:read\",\"reports:export\"]}");
            assertEquals(403, refused.status(), refused.toString());
            assertEquals("You may not grant the scope reports:export.", text(refused.json(), "message"));

            RoleRepresentation stored = realm.admin().roles().get("reports:export").toRepresentation();
            realm.admin().users().get(userId).roles().realmLevel().add(List.of(stored));
            Http.Response made = create(token, "{\"name\":\"k\",\"scopes\":[\"databases:read\",\"reports:export\"]}");
            assertEquals(201, made.status(), made.toString());
            String key = text(made.json().get("apiKey"), "key");
            assertEquals("databases:read reports:export",
                forwardAuth("X-API-Key", key).raw().headers().firstValue("X-Auth-Scopes").orElse(null));

            realm.admin().users().get(userId).roles().realmLevel().remove(List.of(stored));
            Http.Response after = forwardAuth("X-API-Key", key);
            assertEquals(200, after.status());
            assertEquals("databases:read", after.raw().headers().firstValue("X-Auth-Scopes").orElse(null),
                "the scope goes when the owner loses the role");
            String scope = Tokens.verifyAccessToken(realm, text(exchange("app", key, null).json(), "access_token"))
                .getStringClaim("scope");
            assertFalse(scope.contains("reports:export"), scope);
        } finally {
            realm.admin().roles().deleteRole("reports:export");
            setting("apiKeyScopes", "");
        }
    }

    @Test
    void aDeletedUsersKeysDieWithThem() throws Exception {
        String userId = realm.addUser("key-owner", "key-owner@example.com", "key-owner-password");
        String token = login("key-owner@example.com", "key-owner-password");
        String key = text(create(token, "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}").json().get("apiKey"), "key");
        assertEquals(200, forwardAuth("X-API-Key", key).status());

        UserRepresentation disabled = realm.admin().users().get(userId).toRepresentation();
        disabled.setEnabled(false);
        realm.admin().users().get(userId).update(disabled);
        assertEquals(401, forwardAuth("X-API-Key", key).status(), "a disabled owner's keys are refused");
        disabled.setEnabled(true);
        realm.admin().users().get(userId).update(disabled);
        assertEquals(200, forwardAuth("X-API-Key", key).status());

        assertEquals(1, keysOfUser(userId));
        realm.admin().users().delete(userId).close();
        assertEquals(0, keysOfUser(userId), "the rows go in the same transaction as the user");
        assertEquals(401, forwardAuth("X-API-Key", key).status());

        String email = unique("kd");
        insert("members", email, true);
        String memberToken = login(email, TABLE_PASSWORD);
        String memberId = Tokens.verifyAccessToken(realm, memberToken).getSubject();
        create(memberToken, "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}");
        assertEquals(1, keysOfUser(memberId));
        realm.admin().users().delete(memberId).close();
        assertNull(column("members", email, "id"), "the writable table's row is gone");
        assertEquals(0, keysOfUser(memberId), "and so are the keys of the table's user");
    }

    @Test
    void adminRestManagesAUsersKeysUnderRealmAdminPermissions() throws Exception {
        enableEvents();
        String email = unique("ad");
        String rowId = insert("members", email, true);
        String userId = "f:" + membersId + ":" + rowId;
        String admin = realm.server().admin().tokenManager().getAccessTokenString();
        java.net.URI base = realm.server().baseUri().resolve("/admin/realms/" + realm.name()
            + "/tableauth-api-keys/users/" + userId + "/keys");

        Http.Response made = Http.postJson(base, "{\"name\":\"CI deploy\",\"scopes\":[\"databases:write\"]}",
            "Authorization", "Bearer " + admin);
        assertEquals(201, made.status(), made.toString());
        String id = text(made.json(), "id");
        String key = text(made.json(), "key");
        assertEquals(userId, forwardAuth("X-API-Key", key).raw().headers().firstValue("X-Auth-User-Id").orElse(null));
        Http.Response listed = Http.get(base, "Authorization", "Bearer " + admin);
        assertEquals(200, listed.status());
        assertEquals(id, text(listed.json().get(0), "id"));
        assertNull(listed.json().get(0).get("key"));
        Http.Response rotated = Http.postJson(base.resolve(base.getPath() + "/" + id + "/rotate"), null,
            "Authorization", "Bearer " + admin);
        assertEquals(200, rotated.status(), rotated.toString());
        assertNotEquals(key, text(rotated.json(), "key"));
        Http.Response revoked = Http.postJson(base.resolve(base.getPath() + "/" + id + "/revoke"), null,
            "Authorization", "Bearer " + admin);
        assertEquals("revoked", text(revoked.json(), "status"));
        Http.Response bad = Http.postJson(base, "{\"name\":\"x\",\"scopes\":[\"nope\"]}", "Authorization", "Bearer " + admin);
        assertEquals(400, bad.status());
        assertTrue(text(bad.json(), "errorMessage").startsWith("Unknown scope"), bad.toString());

        // kc-admin holds manage-users and view-users of this realm: enough. A plain user: refused.
        String kcAdmin = text(Tokens.passwordGrant(realm, "app", "kc-admin", "kc-admin-password").json(), "access_token");
        assertEquals(200, Http.get(base, "Authorization", "Bearer " + kcAdmin).status());
        String plain = text(Tokens.passwordGrant(realm, "app", "kc-user", "kc-user-password").json(), "access_token");
        assertEquals(403, Http.get(base, "Authorization", "Bearer " + plain).status());
        assertEquals(403, Http.postJson(base, "{\"name\":\"x\",\"scopes\":[\"databases:read\"]}",
            "Authorization", "Bearer " + plain).status());
        assertEquals(401, Http.get(base).status());

        assertTrue(realm.admin().getAdminEvents().stream()
                .anyMatch(e -> e.getResourcePath().equals("users/" + userId + "/tableauth-api-keys/" + id)),
            "admin events name the key");
        assertTrue(events(userId, "UPDATE_CREDENTIAL").stream()
            .anyMatch(e -> "admin".equals(e.getDetails().get("admin"))), "the owner's event says which admin");
    }

    /** A token's lifespan in seconds: exp - iat. */
    private static long lifespan(JWTClaimsSet claims) {
        return claims.getExpirationTime().getTime() / 1000 - claims.getIssueTime().getTime() / 1000;
    }
}

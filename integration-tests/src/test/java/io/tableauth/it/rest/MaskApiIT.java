package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.SQLException;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * MaskAPI's {@code /api/v1/auth/*} through a real Keycloak, and with it the core promises every dialect shares:
 * Keycloak's tokens, rotation, logout, brute force, scoping to one auth config, sign-up rules, bad bodies, CORS.
 */
class MaskApiIT extends RestFixture {

    private String[] headers() {
        return new String[] {"x-mapi-key", "project-b", "x-mapi-auth-config-id", membersId};
    }

    private Http.Response login(String credential, String password) {
        return postJson(api("v1/auth/login"), body("credential", credential, "password", password), headers());
    }

    @Tag("smoke")
    @Test
    void loginIssuesKeycloakTokensThatKeycloakAccepts() throws Exception {
        String email = unique("ml");
        String rowId = insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD);
        assertEquals(200, r.status(), r.toString());
        JsonNode json = r.json();
        assertTrue(json.get("success").asBoolean());
        assertEquals("Bearer", text(json, "tokenType"));
        JWTClaimsSet claims = Tokens.verifyAccessToken(realm, text(json, "accessToken"));
        assertEquals("project-b", claims.getStringClaim("azp"));
        assertEquals("f:" + membersId + ":" + rowId, claims.getSubject());
        assertEquals(claims.getSubject(), text(json.get("user"), "id"));
        assertEquals(email, text(json.get("user"), "email"));
        assertEquals("Ada Lovelace", text(json.get("user"), "name"));
        // The lifetimes are the realm's (rest-realm.json keeps Keycloak's defaults: 300 s and 1800 s).
        assertLifetime(realm.admin().toRepresentation().getAccessTokenLifespan().longValue(),
            json.get("expiresIn").asLong(), "expiresIn");
        assertLifetime(realm.admin().toRepresentation().getSsoSessionIdleTimeout().longValue(),
            json.get("refreshExpiresIn").asLong(), "refreshExpiresIn");
        assertEquals(java.util.Set.of("success", "accessToken", "refreshToken", "tokenType", "expiresIn",
            "refreshExpiresIn", "user"), fieldNames(json), "the whole documented body");
        assertEquals(java.util.Set.of("id", "credential", "email", "name", "emailVerified"),
            fieldNames(json.get("user")));
        // The refresh token is Keycloak's: its own token endpoint takes it.
        Http.Response nativeRefresh = nativeRefresh("project-b", text(json, "refreshToken"));
        assertEquals(200, nativeRefresh.status(), nativeRefresh.toString());
    }

    @Tag("smoke")
    @Test
    void refreshRotatesAndAReusedRefreshTokenIsRefused() throws Exception {
        String email = unique("mr");
        insert("members", email, true);
        String first = text(login(email, TABLE_PASSWORD).json(), "refreshToken");
        Http.Response r = postJson(api("v1/auth/refresh"), body("refreshToken", first), headers());
        assertEquals(200, r.status(), r.toString());
        String second = text(r.json(), "refreshToken");
        assertNotEquals(first, second);
        Tokens.verifyAccessToken(realm, text(r.json(), "accessToken"));
        Http.Response reused = postJson(api("v1/auth/refresh"), body("refreshToken", first), headers());
        assertEquals(401, reused.status(), reused.toString());
        assertEquals("INVALID_TOKEN", text(reused.json(), "error"));
        assertFalse(reused.json().get("success").asBoolean());
    }

    @Tag("smoke")
    @Test
    void logoutEndsTheKeycloakSession() throws Exception {
        String email = unique("mo");
        insert("members", email, true);
        JsonNode json = login(email, TABLE_PASSWORD).json();
        String userId = text(json.get("user"), "id");
        assertEquals(1, sessionsOf(userId).size());
        Http.Response out = postJson(api("v1/auth/logout"), body("refreshToken", text(json, "refreshToken")),
            "Authorization", "Bearer " + text(json, "accessToken"), "x-mapi-key", "project-b",
            "x-mapi-auth-config-id", membersId);
        assertEquals(200, out.status(), out.toString());
        assertTrue(sessionsOf(userId).isEmpty(), "session still listed after logout");
        assertEquals(400, nativeRefresh("project-b", text(json, "refreshToken")).status());
        Http.Response again = postJson(api("v1/auth/refresh"), body("refreshToken", text(json, "refreshToken")),
            headers());
        assertEquals(401, again.status());
    }

    @Test
    void projectAndAuthConfigHeadersAreRequiredAndChecked() {
        String b = body("credential", "x@example.com", "password", "whatever-password");
        Http.Response noKey = postJson(api("v1/auth/login"), b, "x-mapi-auth-config-id", membersId);
        assertEquals(400, noKey.status());
        assertTrue(text(noKey.json(), "message").contains("x-mapi-key"), noKey.toString());
        Http.Response noConfig = postJson(api("v1/auth/login"), b, "x-mapi-key", "project-b");
        assertEquals(400, noConfig.status());
        assertTrue(text(noConfig.json(), "message").contains("x-mapi-auth-config-id"), noConfig.toString());
        Http.Response unknownKey = postJson(api("v1/auth/login"), b, "x-mapi-key", "nope",
            "x-mapi-auth-config-id", membersId);
        assertEquals(401, unknownKey.status());
        assertEquals("UNKNOWN_PROJECT", text(unknownKey.json(), "error"));
        Http.Response unknownConfig = postJson(api("v1/auth/login"), b, "x-mapi-key", "project-b",
            "x-mapi-auth-config-id", "no-such-config");
        assertEquals(401, unknownConfig.status());
        assertEquals("Unknown auth config", text(unknownConfig.json(), "message"));
        Http.Response noGrants = postJson(api("v1/auth/login"), b, "x-mapi-key", "no-grants",
            "x-mapi-auth-config-id", membersId);
        assertEquals(401, noGrants.status(), noGrants.toString());
        assertEquals("UNKNOWN_PROJECT", text(noGrants.json(), "error"));
        // A confidential client needs its secret, which a browser app's REST call cannot carry.
        Http.Response confidential = postJson(api("v1/auth/login"), b, "x-mapi-key", "confidential",
            "x-mapi-auth-config-id", membersId);
        assertEquals(401, confidential.status(), confidential.toString());
        assertEquals("UNKNOWN_PROJECT", text(confidential.json(), "error"));
    }

    @Test
    void aLoginChecksOnlyItsOwnAuthConfig() throws Exception {
        String email = unique("ms");
        insert("staff", email, true);
        assertEquals(401, login(email, TABLE_PASSWORD).status());
        Http.Response staff = postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
            "x-mapi-key", "project-b", "x-mapi-auth-config-id", staffId);
        assertEquals(200, staff.status(), staff.toString());
        // A Keycloak user is not a user of the members table either.
        assertEquals(401, login("kc-user", "kc-user-password").status());
    }

    /**
     * The same e-mail in two tables is two users, whichever Keycloak's user cache met first: a login scoped to one
     * config finds that config's user, both ways round and after the cache is cleared; and a scoped login never
     * leaves its user as the one Keycloak's own token endpoint (unscoped, priority order: members first) finds.
     */
    @Test
    void theSameEmailInTwoTablesIsTwoUsersWhateverTheCacheMetFirst() throws Exception {
        String email = unique("twin");
        insert("members", email, true);
        insert("staff", email, true);
        for (int round = 0; round < 2; round++) {
            String[] order = round == 0 ? new String[] {membersId, staffId, membersId}
                : new String[] {staffId, membersId, staffId};
            for (String config : order) {
                Http.Response r = postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
                    "x-mapi-key", "project-b", "x-mapi-auth-config-id", config);
                assertEquals(200, r.status(), r.toString());
                String sub = Tokens.verifyAccessToken(realm, text(r.json(), "accessToken")).getSubject();
                assertTrue(sub.startsWith("f:" + config + ":"), "the login scoped to " + config + " found " + sub);
                Http.Response unscoped = Tokens.passwordGrant(realm, "app", email, TABLE_PASSWORD);
                assertEquals(200, unscoped.status(), unscoped.toString());
                String first = Tokens.verifyAccessToken(realm, text(unscoped.json(), "access_token")).getSubject();
                assertTrue(first.startsWith("f:" + membersId + ":"),
                    "after a login scoped to " + config + ", Keycloak's token endpoint found " + first);
            }
            realm.admin().clearUserCache();
        }
    }

    /**
     * A user the cache holds from a later config is shadowed by a user an earlier config gains since: an unscoped
     * login finds the earlier config's user at once, as it would with an empty cache.
     */
    @Test
    void aNewUserOfAnEarlierConfigShadowsTheHeldUserOfALaterOne() throws Exception {
        String email = unique("later");
        insert("staff", email, true);
        Http.Response before = Tokens.passwordGrant(realm, "app", email, TABLE_PASSWORD);
        assertEquals(200, before.status(), before.toString());
        assertTrue(Tokens.verifyAccessToken(realm, text(before.json(), "access_token")).getSubject()
            .startsWith("f:" + staffId + ":"));
        insert("members", email, true); // the application adds the same e-mail to the earlier table
        Http.Response mavibase = postJson(api("v1/platform/auth/login"), body("email", email, "password", TABLE_PASSWORD));
        assertEquals(200, mavibase.status(), mavibase.toString());
        String sub = Tokens.verifyAccessToken(realm, text(mavibase.json(), "token")).getSubject();
        assertTrue(sub.startsWith("f:" + membersId + ":"), "the unscoped login found " + sub);
        Http.Response after = Tokens.passwordGrant(realm, "app", email, TABLE_PASSWORD);
        assertTrue(Tokens.verifyAccessToken(realm, text(after.json(), "access_token")).getSubject()
            .startsWith("f:" + membersId + ":"), "the REST login dropped the shadowed entry on Keycloak's side too");
    }

    @Tag("smoke")
    @Test
    void unknownUserAndWrongPasswordGetTheSameAnswer() throws Exception {
        String email = unique("mu");
        insert("members", email, true);
        Http.Response wrong = login(email, "not the password");
        Http.Response unknown = login(unique("nobody"), "not the password");
        assertEquals(401, wrong.status());
        assertEquals(wrong.status(), unknown.status());
        assertEquals(wrong.body(), unknown.body());
        assertEquals("INVALID_CREDENTIALS", text(wrong.json(), "error"));
    }

    @Tag("smoke")
    @Test
    void aDisabledUserIsToldOnlyWithTheRightPassword() throws Exception {
        String email = unique("md");
        insert("members", email, false);
        Http.Response right = login(email, TABLE_PASSWORD);
        assertEquals(401, right.status());
        assertEquals("ACCOUNT_DISABLED", text(right.json(), "error"));
        assertEquals("INVALID_CREDENTIALS", text(login(email, "wrong password!").json(), "error"));
    }

    @Tag("smoke")
    @Test
    void bruteForceDetectionLocksRestAndTokenEndpointAlike() throws Exception {
        String email = unique("mb");
        insert("members", email, true);
        updateRealm(r -> r.setFailureFactor(3));
        try {
            for (int i = 0; i < 3; i++) {
                assertEquals(401, login(email, "wrong password " + i).status());
            }
            Http.Response locked = login(email, TABLE_PASSWORD);
            assertEquals(401, locked.status(), locked.toString());
            assertEquals("INVALID_CREDENTIALS", text(locked.json(), "error"));
            Http.Response nativeLogin = Tokens.passwordGrant(realm, "app", email, TABLE_PASSWORD);
            assertEquals(Tokens.invalidCredentialsStatus(), nativeLogin.status(), "Keycloak's own endpoint must be locked too");
        } finally {
            updateRealm(r -> r.setFailureFactor(30));
            realm.admin().attackDetection().clearAllBruteForce();
        }
        assertEquals(200, login(email, TABLE_PASSWORD).status());
    }

    @Tag("smoke")
    @Test
    void signupWritesTheRowInTheAppsFormatAndLogsIn() throws Exception {
        String email = unique("mn");
        Http.Response r = postJson(api("v1/auth/signup"), body("credential", email, "password", "a good password",
            "confirmPassword", "a good password", "name", "Grace Hopper"), headers());
        assertEquals(201, r.status(), r.toString());
        Tokens.verifyAccessToken(realm, text(r.json(), "accessToken"));
        assertTrue(column("members", email, "password").startsWith("$2y$12$"));
        assertEquals("Grace", column("members", email, "first_name"));
        assertEquals("Hopper", column("members", email, "last_name"));
        assertEquals(200, login(email, "a good password").status());
    }

    @Test
    void signupRulesLeaveNothingHalfWritten() throws Exception {
        String email = unique("mv");
        Http.Response mismatch = postJson(api("v1/auth/signup"), body("credential", email, "password", "a good password",
            "confirmPassword", "another password"), headers());
        assertEquals(400, mismatch.status());
        assertEquals("VALIDATION", text(mismatch.json(), "error"));
        assertNotNull(mismatch.json().get("fields").get("confirmPassword"));
        Http.Response weak = postJson(api("v1/auth/signup"), body("credential", email, "password", "short"),
            headers());
        assertEquals(400, weak.status(), weak.toString());
        assertTrue(weak.json().get("fields").has("password"), weak.toString());
        assertNull(column("members", email, "id"), "a refused sign-up must not leave a row");
        String taken = unique("mt");
        insert("members", taken, true);
        Http.Response duplicate = postJson(api("v1/auth/signup"), body("credential", taken, "password",
            "a good password"), headers());
        assertEquals(409, duplicate.status(), duplicate.toString());
        assertEquals("USER_EXISTS", text(duplicate.json(), "error"));
        Http.Response readOnly = postJson(api("v1/auth/signup"), body("credential", email, "password",
            "a good password"), "x-mapi-key", "project-b", "x-mapi-auth-config-id", staffId);
        assertEquals(403, readOnly.status(), readOnly.toString());
        assertNull(column("staff", email, "id"));
    }

    /**
     * Keycloak holds a table user after a login (30 s by default). The application then disables the row, or deletes
     * it: the very next REST login answers so, never from the held copy, and Keycloak's token endpoint refuses too.
     */
    @Test
    void aHeldUserTheApplicationDisablesOrDeletesIsRefusedByTheNextRestLogin() throws Exception {
        String email = unique("held");
        insert("members", email, true);
        assertEquals(200, login(email, TABLE_PASSWORD).status(), "held from here on");
        execute("UPDATE members SET is_active = FALSE WHERE email = ?", email);
        Http.Response off = login(email, TABLE_PASSWORD);
        assertEquals(401, off.status(), off.toString());
        assertEquals("ACCOUNT_DISABLED", text(off.json(), "error"), "disabled at once: " + off);
        execute("UPDATE members SET is_active = TRUE WHERE email = ?", email);
        assertEquals(200, login(email, TABLE_PASSWORD).status(), "enabled again at once");

        execute("DELETE FROM members WHERE email = ?", email);
        Http.Response gone = login(email, TABLE_PASSWORD);
        assertEquals(401, gone.status(), gone.toString());
        assertEquals("INVALID_CREDENTIALS", text(gone.json(), "error"), "a deleted row is no one: " + gone);
        assertEquals(Tokens.invalidCredentialsStatus(),
            Tokens.passwordGrant(realm, "project-b", email, TABLE_PASSWORD).status(), "nor on the token endpoint");
        realm.admin().attackDetection().clearAllBruteForce();
    }

    /**
     * A sign-up scoped to one table needs the e-mail free in the whole realm: in the other auth configs' tables and
     * among Keycloak's own users, in any letter case. Else the new row would shadow that person in unscoped logins
     * and resets. Nothing is written when it is refused.
     */
    @Test
    void signupNeedsTheEmailFreeInTheWholeRealm() throws Exception {
        String elsewhere = unique("st");
        insert("staff", elsewhere, true);
        for (String taken : new String[] {elsewhere, elsewhere.toUpperCase(java.util.Locale.ROOT),
            "kc-user@example.com", "KC-User@Example.com"}) {
            Http.Response r = postJson(api("v1/auth/signup"), body("credential", taken, "password",
                "a good password"), headers());
            assertEquals(409, r.status(), taken + ": " + r);
            assertEquals("USER_EXISTS", text(r.json(), "error"), taken + ": " + r);
            assertNull(column("members", taken, "id"), taken + ": no row in the scoped table");
            assertNull(column("members", taken.toLowerCase(java.util.Locale.ROOT), "id"), taken + ": no row");
        }
        String free = unique("sf");
        assertEquals(201, postJson(api("v1/auth/signup"), body("credential", free, "password", "a good password"),
            headers()).status(), "a free address beside them signs up");
        assertNotNull(column("members", free, "id"));
    }

    @Test
    void badBodiesGetAClearErrorAndNoStackTrace() {
        Http.Response malformed = postJson(api("v1/auth/login"), "{\"credential\": ", headers());
        assertEquals(400, malformed.status());
        assertEquals("MALFORMED", text(malformed.json(), "error"));
        Http.Response array = postJson(api("v1/auth/login"), "[1,2]", headers());
        assertEquals(400, array.status());
        Http.Response wrongType = postJson(api("v1/auth/login"), "{\"credential\": 5, \"password\": \"x\"}",
            headers());
        assertEquals(400, wrongType.status());
        Http.Response huge = postJson(api("v1/auth/login"),
            body("credential", "a@example.com", "password", "x".repeat(70_000)), headers());
        assertEquals(413, huge.status(), huge.toString());
        assertEquals("TOO_LARGE", text(huge.json(), "error"));
        for (Http.Response r : new Http.Response[] {malformed, array, wrongType, huge}) {
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.toString());
        }
    }

    @Test
    void corsAnswersAllowedOriginsOnly() {
        URI login = api("v1/auth/login");
        Http.Response preflight = Http.json("OPTIONS", login, null, "Origin", ORIGIN,
            "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,x-mapi-key");
        assertEquals(204, preflight.status(), preflight.toString());
        assertEquals(ORIGIN, preflight.raw().headers().firstValue("access-control-allow-origin").orElse(null));
        assertTrue(preflight.raw().headers().firstValue("access-control-allow-headers").orElse("")
            .contains("x-mapi-key"));
        Http.Response foreign = Http.json("OPTIONS", login, null, "Origin", "http://evil.example.test",
            "Access-Control-Request-Method", "POST");
        assertEquals(403, foreign.status());
        assertTrue(foreign.raw().headers().firstValue("access-control-allow-origin").isEmpty());
        Http.Response actual = postJson(login, body("credential", "x@example.com", "password", "nope nope"),
            "Origin", ORIGIN, "x-mapi-key", "project-b", "x-mapi-auth-config-id", membersId);
        assertEquals(ORIGIN, actual.raw().headers().firstValue("access-control-allow-origin").orElse(null));
        Http.Response actualForeign = postJson(login, body("credential", "x@example.com", "password", "nope nope"),
            "Origin", "http://evil.example.test", "x-mapi-key", "project-b", "x-mapi-auth-config-id", membersId);
        assertTrue(actualForeign.raw().headers().firstValue("access-control-allow-origin").isEmpty());
    }

    static java.util.Set<String> fieldNames(JsonNode node) {
        java.util.Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/** Mavibase's platform auth: register, login, refresh-token, logout and users/me, on the realm's default client. */
class MavibaseIT extends RestFixture {

    private Http.Response login(String email, String password) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", password));
    }

    private Http.Response me(String token) {
        return token == null ? Http.get(api("v1/platform/users/me"))
            : Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + token);
    }

    @Tag("smoke")
    @Test
    void registerCreatesTheUserAndAnswersTheDocumentedShape() throws Exception {
        String email = unique("vr");
        Http.Response r = postJson(api("v1/platform/auth/register"),
            body("email", email, "password", "SecurePassword123!", "name", "Jane Roe"));
        assertEquals(201, r.status(), r.toString());
        JsonNode json = r.json();
        assertTrue(json.get("success").asBoolean());
        assertEquals("Registration successful.", text(json, "message"));
        JsonNode user = json.get("user");
        assertEquals(email, text(user, "email"));
        assertEquals("Jane Roe", text(user, "name"));
        assertFalse(user.get("emailVerified").asBoolean());
        assertTrue(text(user, "id").startsWith("f:" + membersId + ":"), "new users go into the members table");
        assertTrue(column("members", email, "password").startsWith("$2y$"));
        Http.Response duplicate = postJson(api("v1/platform/auth/register"),
            body("email", email, "password", "SecurePassword123!", "name", "Jane Roe"));
        assertEquals(409, duplicate.status());
        assertFalse(duplicate.json().get("success").asBoolean());
        assertEquals("User already exists", text(duplicate.json(), "message"));
    }

    @Tag("smoke")
    @Test
    void loginRefreshMeAndLogout() throws Exception {
        String email = unique("vl");
        insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD);
        assertEquals(200, r.status(), r.toString());
        JsonNode json = r.json();
        assertTrue(json.get("success").asBoolean());
        assertEquals("app", Tokens.verifyAccessToken(realm, text(json, "token")).getStringClaim("azp"));
        assertEquals("Ada Lovelace", text(json.get("user"), "name"));
        String userId = text(json.get("user"), "id");

        Http.Response refreshed = postJson(api("v1/platform/auth/refresh-token"),
            body("refreshToken", text(json, "refreshToken")));
        assertEquals(200, refreshed.status(), refreshed.toString());
        String token = text(refreshed.json(), "token");
        assertNotNull(text(refreshed.json(), "refreshToken"));

        Http.Response who = me(token);
        assertEquals(200, who.status(), who.toString());
        assertEquals(userId, text(who.json().get("user"), "id"));
        assertEquals(email, text(who.json().get("user"), "email"));

        Http.Response out = postJson(api("v1/platform/auth/logout"), null, "Authorization", "Bearer " + token);
        assertEquals(200, out.status(), out.toString());
        assertTrue(sessionsOf(userId).isEmpty());
        Http.Response revoked = me(token);
        assertEquals(401, revoked.status(), "a token of an ended session must be refused");
        assertFalse(revoked.json().get("success").asBoolean());
    }

    @Test
    void meRefusesMissingGarbageAndExpiredTokens() throws Exception {
        assertEquals(401, me(null).status());
        assertEquals(401, me("not-a-jwt").status());
        updateRealm(r -> r.setAccessTokenLifespan(2));
        try {
            String token = text(login("kc-user@example.com", "kc-user-password").json(), "token");
            assertEquals(200, me(token).status());
            Thread.sleep(3500);
            Http.Response expired = me(token);
            assertEquals(401, expired.status());
            assertEquals("INVALID_TOKEN", text(expired.json(), "error"));
        } finally {
            updateRealm(r -> r.setAccessTokenLifespan(300));
        }
    }

    @Test
    void aRealmWithoutADefaultClientSaysSoInMavibasesShape() {
        setting("defaultClient", "");
        try {
            Http.Response r = login("kc-user@example.com", "kc-user-password");
            assertEquals(500, r.status(), r.toString());
            assertFalse(r.json().get("success").asBoolean());
            assertTrue(text(r.json(), "message").startsWith("No default client is set"), r.toString());
        } finally {
            setting("defaultClient", "app");
        }
        assertEquals(200, login("kc-user@example.com", "kc-user-password").status());
    }

    @Tag("smoke")
    @Test
    void requiredActionsAndEmailVerificationFollowTheRealm() throws Exception {
        UserRepresentation u = new UserRepresentation();
        u.setUsername("pending-user");
        u.setEmail("pending-user@example.com");
        u.setEnabled(true);
        u.setRequiredActions(List.of("UPDATE_PASSWORD"));
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType("password");
        c.setValue("pending-password");
        c.setTemporary(false);
        u.setCredentials(List.of(c));
        try (Response created = realm.admin().users().create(u)) {
            CreatedResponseUtil.getCreatedId(created);
        }
        Http.Response pending = login("pending-user@example.com", "pending-password");
        assertEquals(401, pending.status(), pending.toString());
        assertEquals("ACCOUNT_NOT_READY", text(pending.json(), "error"));

        updateRealm(r -> r.setVerifyEmail(true));
        try {
            String email = unique("vv");
            Http.Response r = postJson(api("v1/platform/auth/register"),
                body("email", email, "password", "SecurePassword123!", "name", "Val Verify"));
            assertEquals(201, r.status(), r.toString());
            assertEquals("Registration successful. Please verify your email.", text(r.json(), "message"));
            Http.Response unverified = login(email, "SecurePassword123!");
            assertEquals(403, unverified.status(), unverified.toString());
            assertEquals("EMAIL_NOT_VERIFIED", text(unverified.json(), "error"));
        } finally {
            updateRealm(r -> r.setVerifyEmail(false));
        }
    }

    /**
     * No user enumeration on Mavibase's login: an unknown e-mail, a wrong password and a user locked by brute-force
     * detection get the same status and body; and unknown and wrong-password failures take the same time, as a
     * median over interleaved samples (each wrong password on its own user, so no lock and no quick-login check
     * changes the path measured). The bound is loose enough for a shared 2-core machine, tight enough to see the
     * difference between Keycloak's dummy hash (PBKDF2-SHA512, 210,000 rounds) and these rows' bcrypt-10.
     */
    @Test
    void unknownWrongAndLockedAnswerAlikeAndTakeTheSameTime() throws Exception {
        String wrongUser = unique("mw");
        insert("members", wrongUser, true);
        Http.Response wrong = login(wrongUser, "not the password");
        Http.Response unknown = login(unique("nobody"), "not the password");
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals(wrong.status(), unknown.status());
        assertEquals(wrong.body(), unknown.body(), "unknown e-mail and wrong password answer alike");

        String lockedUser = unique("ml");
        insert("members", lockedUser, true);
        updateRealm(r -> r.setFailureFactor(3));
        try {
            for (int i = 0; i < 3; i++) {
                login(lockedUser, "wrong " + i);
                awaitFailures(lockedUser, i + 1); // counted before the next: the count locks, not the speed
            }
            String id = realm.admin().users().search(lockedUser, true).get(0).getId();
            assertTrue((Boolean) realm.admin().attackDetection().bruteForceUserStatus(id).get("disabled"));
            Http.Response locked = login(lockedUser, TABLE_PASSWORD);
            assertEquals(wrong.status(), locked.status());
            assertEquals(wrong.body(), locked.body(), "a locked user, even with the right password, answers alike");
            // and in the same time as an unknown e-mail: a lock must not be told by a quicker answer
            for (int i = 0; i < 4; i++) { // warm both paths up
                login(lockedUser, TABLE_PASSWORD);
                login(unique("nobody"), "not the password");
            }
            List<Double> ratios = io.tableauth.it.support.Timing.settledRatio(15, 0.75, 1.4,
                n -> assertEquals(401, login(lockedUser, n % 2 == 0 ? TABLE_PASSWORD : "wrong").status()),
                n -> assertEquals(401, login(unique("nobody"), "not the password").status()));
            assertTrue(io.tableauth.it.support.Timing.within(ratios, 0.75, 1.4),
                "a locked user's refusal time tells the lock apart: " + ratios);
        } finally {
            updateRealm(r -> r.setFailureFactor(30));
            realm.admin().attackDetection().clearAllBruteForce();
        }

        int samples = 25;
        List<String> users = new java.util.ArrayList<>();
        for (int i = 0; i < samples + 6; i++) {
            String email = unique("mt");
            insert("members", email, true);
            users.add(email);
        }
        for (int i = 0; i < 6; i++) { // warm up both paths, and let the node learn what a failure of each costs
            login(users.get(samples + i), "not the password");
            login(unique("nobody"), "not the password");
        }
        realm.admin().attackDetection().clearAllBruteForce();
        long[] unknownNanos = new long[samples];
        long[] wrongNanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            boolean unknownFirst = i % 2 == 0;
            for (int turn = 0; turn < 2; turn++) {
                boolean measureUnknown = unknownFirst == (turn == 0);
                String email = measureUnknown ? unique("nobody") : users.get(i);
                long start = System.nanoTime();
                Http.Response r = login(email, "not the password");
                long took = System.nanoTime() - start;
                assertEquals(401, r.status(), r.toString());
                if (measureUnknown) {
                    unknownNanos[i] = took;
                } else {
                    wrongNanos[i] = took;
                }
            }
        }
        realm.admin().attackDetection().clearAllBruteForce();
        double unknownMedian = median(unknownNanos) / 1e6;
        double wrongMedian = median(wrongNanos) / 1e6;
        double ratio = unknownMedian / wrongMedian;
        System.out.printf("failure timing: unknown median %.1f ms, wrong password median %.1f ms, ratio %.2f%n",
            unknownMedian, wrongMedian, ratio);
        assertTrue(ratio > 0.7 && ratio < 1.43, String.format(
            "unknown %.1f ms vs wrong password %.1f ms: the time tells them apart", unknownMedian, wrongMedian));
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}

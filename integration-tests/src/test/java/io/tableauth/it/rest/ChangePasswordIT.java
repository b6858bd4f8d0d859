package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/platform/auth/change-password}: the current password proves it is the user, the realm's policy
 * applies, the auth config's hash goes into the table, and the user's other sessions end.
 */
class ChangePasswordIT extends RestFixture {

    private static final String NEW_PASSWORD = "a brand new passphrase";

    private Http.Response login(String email, String password) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", password));
    }

    private Http.Response change(String token, String current, String next) {
        return postJson(api("v1/platform/auth/change-password"), body("currentPassword", current, "newPassword", next),
            "Authorization", "Bearer " + token);
    }

    @Tag("smoke")
    @Test
    void theCurrentPasswordProvesItThePolicyAppliesAndOtherSessionsEnd() throws Exception {
        String email = unique("cp");
        insert("members", email, true);
        Http.Response other = login(email, TABLE_PASSWORD);
        Http.Response mine = login(email, TABLE_PASSWORD);
        String token = text(mine.json(), "token");
        String userId = text(mine.json().get("user"), "id");
        String before = column("members", email, "password");

        Http.Response wrong = change(token, "not my password", NEW_PASSWORD);
        assertEquals(403, wrong.status(), wrong.toString());
        assertEquals(before, column("members", email, "password"), "a wrong current password changes nothing");
        assertEquals(1, ((Number) realm.admin().attackDetection().bruteForceUserStatus(userId).get("numFailures"))
            .intValue(), "and is a failed login");
        forgetFailures();

        Http.Response missing = change(token, null, NEW_PASSWORD);
        assertEquals(400, missing.status(), missing.toString());
        assertEquals("currentPassword", missing.json().get("fields").fieldNames().next());
        Http.Response weak = change(token, TABLE_PASSWORD, "short");
        assertEquals(400, weak.status(), "the realm's policy (length 8): " + weak);
        assertEquals(before, column("members", email, "password"), "a refused password changes nothing");

        Http.Response ok = change(token, TABLE_PASSWORD, NEW_PASSWORD);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("Password changed", text(ok.json(), "message"));
        String after = column("members", email, "password");
        assertNotEquals(before, after);
        assertTrue(after.startsWith("$2y$"), "the auth config's hash (Laravel's bcrypt): " + after);
        assertEquals(401, login(email, TABLE_PASSWORD).status(), "the old password no longer works");
        assertEquals(200, login(email, NEW_PASSWORD).status(), "the new one does");

        String mySession = Tokens.verifyAccessToken(realm, token).getStringClaim("sid");
        assertTrue(sessionsOf(userId).contains(mySession), "the caller's session lives on");
        assertFalse(sessionsOf(userId).contains(
            Tokens.verifyAccessToken(realm, text(other.json(), "token")).getStringClaim("sid")), "the other one ended");
        Http.Response otherRefresh = postJson(api("v1/platform/auth/refresh-token"),
            body("refreshToken", text(other.json(), "refreshToken")));
        assertNotEquals(200, otherRefresh.status(), "the ended session cannot refresh: " + otherRefresh);
    }

    @Test
    void noTokenOrATokenOfAnApiKeyChangesNothing() throws Exception {
        String email = unique("ck");
        insert("members", email, true);
        String token = text(login(email, TABLE_PASSWORD).json(), "token");
        String before = column("members", email, "password");

        Http.Response anonymous = postJson(api("v1/platform/auth/change-password"),
            body("currentPassword", TABLE_PASSWORD, "newPassword", NEW_PASSWORD));
        assertEquals(401, anonymous.status(), anonymous.toString());

        String keyToken = apiKeyTokenOf(token);
        Http.Response byKey = change(keyToken, TABLE_PASSWORD, NEW_PASSWORD);
        assertEquals(403, byKey.status(), "a key holder, even knowing the password: " + byKey);
        assertEquals(before, column("members", email, "password"));
        assertEquals(200, login(email, TABLE_PASSWORD).status(), "the password is unchanged");
    }
}

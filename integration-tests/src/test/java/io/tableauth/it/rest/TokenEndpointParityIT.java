package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * A REST login is Keycloak's password grant: for the same user and input, MaskAPI's answer means what
 * {@code /protocol/openid-connect/token} answers (disabled user, pending required action, brute-force lock, wrong or
 * missing one-time code), and the token endpoint's own checks (DPoP) hold for it too. The REST API's internal grant
 * cannot be called from outside. (A login hook's denial is compared on both paths in {@code HookIT}.)
 */
class TokenEndpointParityIT extends RestFixture {

    private Http.Response rest(String user, String password, String... extra) {
        String[] fields = new String[4 + extra.length];
        fields[0] = "credential";
        fields[1] = user;
        fields[2] = "password";
        fields[3] = password;
        System.arraycopy(extra, 0, fields, 4, extra.length);
        return postJson(api("v1/auth/login"), body(fields), "x-mapi-key", "app", "x-mapi-auth-config-id", membersId);
    }

    private Http.Response token(String user, String password, String... extra) {
        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("grant_type", "password", "client_id", "app",
            "username", user, "password", password));
        for (int i = 0; i < extra.length; i += 2) {
            form.put(extra[i], extra[i + 1]);
        }
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), form);
    }

    private String userId(String email) {
        return realm.admin().users().search(email, true).get(0).getId();
    }

    private static void refused(Http.Response token, String description, Http.Response rest, String code) {
        assertNotEquals(200, token.status(), token.toString());
        assertEquals(description, text(token.json(), "error_description"), token.toString());
        assertNotEquals(200, rest.status(), rest.toString());
        assertEquals(code, text(rest.json(), "error"), rest.toString());
        assertNull(rest.json().get("accessToken"), "no token beside the refusal");
    }

    /**
     * Keycloak's own token endpoint answers a name that is no one's as slowly as a table user's wrong password: both
     * kinds of failure are timed on the node, and each waits until the slower kind's usual time (bcrypt here, slower
     * than the realm's hash), so the time does not tell who exists. Brute-force detection is off for the run: its
     * lock would change the path after a few failures.
     */
    @Tag("smoke") // each release does its own work around both kinds (26.4.7 and 26.5.7 answered apart unmeasured)
    @Test
    void keycloaksOwnTokenEndpointTakesAsLongForANameThatIsNoOnesAsForAWrongPassword() throws Exception {
        String email = unique("timing");
        insert("members", email, true);
        updateRealm(r -> r.setBruteForceProtected(false));
        try {
            for (int i = 0; i < 5; i++) { // warm both paths up (and let the node time the table's checks)
                assertEquals(Tokens.invalidCredentialsStatus(), token(email, "not the password").status());
                assertEquals(Tokens.invalidCredentialsStatus(), token(unique("nobody"), "not the password").status());
            }
            // Unevened, an unknown name answered in about 0.6 of a wrong password's time here, every time. Evened, the
            // medians land at 0.90-1.08 on this project's shared two-core machines, with outliers seen at 1.37 and
            // 1.44 (a busy moment of a shared machine): the bound catches a broken mechanism, not a millisecond, so
            // a measurement outside it is taken again, up to three times. A broken mechanism is outside every time.
            List<Double> ratios = io.tableauth.it.support.Timing.settledRatio(25, 0.75, 1.4,
                i -> token(unique("nobody"), "not the password"), i -> token(email, "not the password"));
            assertTrue(io.tableauth.it.support.Timing.within(ratios, 0.75, 1.4),
                "an unknown name's failure time tells it apart: " + ratios);
        } finally {
            updateRealm(r -> r.setBruteForceProtected(true));
        }
    }

    @Tag("smoke")
    @Test
    void aDisabledUserIsRefusedAlikeAndNamedOnlyToWhoeverKnowsThePassword() throws Exception {
        String email = unique("pd");
        insert("members", email, false);
        refused(token(email, TABLE_PASSWORD), "Account disabled", rest(email, TABLE_PASSWORD), "ACCOUNT_DISABLED");
        refused(token(email, "not the password"), Tokens.keycloakNamesADisabledAccountToAnyone() ? "Account disabled"
            : "Invalid user credentials", rest(email, "not the password"), "INVALID_CREDENTIALS");
        realm.admin().attackDetection().clearAllBruteForce();
    }

    @Tag("smoke")
    @Test
    void aPendingRequiredActionRefusesBothAndVerifyEmailIsNamed() throws Exception {
        String email = unique("pr");
        insert("members", email, true);
        String id = userId(email);
        UserRepresentation user = realm.admin().users().get(id).toRepresentation();
        user.setRequiredActions(List.of("UPDATE_PASSWORD"));
        realm.admin().users().get(id).update(user);
        refused(token(email, TABLE_PASSWORD), "Account is not fully set up", rest(email, TABLE_PASSWORD),
            "ACCOUNT_NOT_READY");

        user.setRequiredActions(List.of("VERIFY_EMAIL"));
        realm.admin().users().get(id).update(user);
        refused(token(email, TABLE_PASSWORD), "Account is not fully set up", rest(email, TABLE_PASSWORD),
            "EMAIL_NOT_VERIFIED");

        user.setRequiredActions(List.of());
        realm.admin().users().get(id).update(user);
        assertEquals(200, token(email, TABLE_PASSWORD).status());
        assertEquals(200, rest(email, TABLE_PASSWORD).status(), "and both log in once it is done");
    }

    @Tag("smoke")
    @Test
    void aLockedUserIsRefusedAlikeAsIfThePasswordWereWrong() throws Exception {
        String email = unique("pl");
        insert("members", email, true);
        updateRealm(r -> {
            r.setBruteForceProtected(true);
            r.setFailureFactor(3);
        });
        try {
            for (int i = 0; i < 3; i++) {
                token(email, "wrong password " + i);
                awaitFailures(email, i + 1); // each counted (the test realm's quick-login check is 1 ms): it locks
            }
            assertTrue((Boolean) realm.admin().attackDetection().bruteForceUserStatus(userId(email)).get("disabled"));
            Http.Response token = token(email, TABLE_PASSWORD);
            assertEquals(Tokens.invalidCredentialsStatus(), token.status());
            refused(token, "Invalid user credentials", rest(email, TABLE_PASSWORD), "INVALID_CREDENTIALS");
        } finally {
            updateRealm(r -> r.setFailureFactor(30));
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    @Tag("smoke")
    @Test
    void aWrongOrMissingOneTimeCodeIsRefusedByBoth() throws Exception {
        String email = unique("po");
        insert("members", email, true);
        String bearer = text(rest(email, TABLE_PASSWORD).json(), "accessToken");
        Http.Response setup = postJson(api("v1/platform/2fa/setup"), null, "Authorization", "Bearer " + bearer);
        assertEquals(200, setup.status(), setup.toString());
        Totp totp = new Totp(text(setup.json(), "secret"));
        assertEquals(200, postJson(api("v1/platform/2fa/setup/verify"), body("code", totp.fresh()),
            "Authorization", "Bearer " + bearer).status());
        // Each refusal is a failed login, and two within a second trip Keycloak's quick-login check: the count is
        // cleared between calls so that each answer is about the code, not a lock.
        try {
            Http.Response tokenMissing = token(email, TABLE_PASSWORD);
            forgetFailures();
            refused(tokenMissing, "Invalid user credentials", rest(email, TABLE_PASSWORD), "OTP_REQUIRED");
            forgetFailures();
            Http.Response tokenWrong = token(email, TABLE_PASSWORD, "otp", totp.wrong());
            forgetFailures();
            refused(tokenWrong, "Invalid user credentials", rest(email, TABLE_PASSWORD, "otp", totp.wrong()),
                "INVALID_OTP");
            forgetFailures();
            assertEquals(200, rest(email, TABLE_PASSWORD, "otp", totp.fresh()).status(), "the right code logs in");
        } finally {
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    /**
     * A client that requires DPoP-bound tokens gets none without a DPoP proof, through the REST API as through the
     * token endpoint: the REST login runs the token endpoint's own checks.
     */
    @Tag("smoke")
    @Test
    void aClientThatRequiresDpopGetsNoTokenWithoutAProof() {
        ClientRepresentation dpop = new ClientRepresentation();
        dpop.setClientId("dpop-only");
        dpop.setPublicClient(true);
        dpop.setDirectAccessGrantsEnabled(true);
        dpop.setStandardFlowEnabled(false);
        dpop.setAttributes(Map.of("dpop.bound.access.tokens", "true"));
        realm.admin().clients().create(dpop).close();
        String email = unique("pp");
        try {
            insert("members", email, true);
            Http.Response token = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type",
                "password", "client_id", "dpop-only", "username", email, "password", TABLE_PASSWORD));
            assertEquals(400, token.status(), token.toString());
            Http.Response rest = postJson(api("v1/auth/login"), body("credential", email, "password", TABLE_PASSWORD),
                "x-mapi-key", "dpop-only", "x-mapi-auth-config-id", membersId);
            assertEquals(401, rest.status(), rest.toString());
            assertEquals("DENIED", text(rest.json(), "error"), "the DPoP rule's refusal, in MaskAPI's shape: " + rest);
            assertNull(rest.json().get("accessToken"), rest.toString());
            assertEquals(200, rest(email, TABLE_PASSWORD).status(), "the same user, through a client without DPoP");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            String id = realm.admin().clients().findByClientId("dpop-only").get(0).getId();
            realm.admin().clients().get(id).remove();
        }
    }

    /** The REST API's internal grant answers from outside as a grant that does not exist, and gives no token. */
    @Test
    void theRestGrantCannotBeCalledFromOutside() throws Exception {
        String email = unique("pg");
        insert("members", email, true);
        Http.Response outside = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "urn:tableauth:params:oauth:grant-type:rest-password", "client_id", "app",
            "username", email, "password", TABLE_PASSWORD));
        Http.Response unknown = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "urn:example:no-such-grant", "client_id", "app",
            "username", email, "password", TABLE_PASSWORD));
        assertEquals(400, outside.status(), outside.toString());
        assertEquals("unsupported_grant_type", text(outside.json(), "error"));
        assertEquals(unknown.status(), outside.status());
        assertEquals(text(unknown.json(), "error"), text(outside.json(), "error"));
        assertNull(outside.json().get("access_token"));
        assertEquals(200, token(email, TABLE_PASSWORD).status(), "the password grant itself works");
    }
}

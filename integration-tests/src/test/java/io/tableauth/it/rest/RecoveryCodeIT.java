package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 2FA recovery codes on Keycloak's {@code recovery-authn-codes} credential: made over REST (shown once, after a
 * step-up), each used once in place of the TOTP code, at Mavibase's {@code 2fa/verify} and in the {@code otp} field of
 * Directus, MaskAPI, SlashApi and Baasix. A wrong one is a failed login; anonymous callers and key holders may not
 * make codes.
 */
class RecoveryCodeIT extends RestFixture {

    private Http.Response login(String email, String password) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", password));
    }

    private Http.Response post(String path, String json, String token) {
        return postJson(api("v1/platform/" + path), json, "Authorization", "Bearer " + token);
    }

    private Http.Response status(String token) {
        return Http.get(api("v1/platform/2fa/recovery-codes"), "Authorization", "Bearer " + token);
    }

    private Totp enroll(String token) {
        Http.Response setup = post("2fa/setup", null, token);
        assertEquals(200, setup.status(), setup.toString());
        Totp totp = new Totp(text(setup.json(), "secret"));
        assertEquals(200, post("2fa/setup/verify", body("code", totp.fresh()), token).status());
        return totp;
    }

    private List<String> codes(Http.Response made) {
        assertEquals(200, made.status(), made.toString());
        List<String> codes = new ArrayList<>();
        made.json().get("codes").forEach(c -> codes.add(c.asText()));
        return codes;
    }

    private String tempToken(String email) {
        Http.Response first = login(email, TABLE_PASSWORD);
        assertTrue(first.json().get("requires2FA").asBoolean(), first.toString());
        return text(first.json(), "tempToken");
    }

    private Http.Response verifyWithRecoveryCode(String tempToken, String code) {
        return postJson(api("v1/platform/2fa/verify"), body("tempToken", tempToken, "recoveryCode", code));
    }

    private int failures(String email) {
        String id = realm.admin().users().search(email, true).get(0).getId();
        return ((Number) realm.admin().attackDetection().bruteForceUserStatus(id).get("numFailures")).intValue();
    }

    @Tag("smoke")
    @Test
    void eachCodeLogsInOnceInPlaceOfTheTotpCodeAndTheAnswerSaysHowManyAreLeft() throws Exception {
        String email = unique("rc");
        insert("members", email, true);
        String token = text(login(email, TABLE_PASSWORD).json(), "token");
        Http.Response before = post("2fa/recovery-codes", body("password", TABLE_PASSWORD), token);
        assertEquals(400, before.status(), "no codes without a second factor: " + before);
        enroll(token);
        assertFalse(status(token).json().get("enabled").asBoolean(), status(token).toString());

        Http.Response wrongPassword = post("2fa/recovery-codes", body("password", "not the password"), token);
        assertEquals(403, wrongPassword.status(), wrongPassword.toString());
        forgetFailures();
        // A login a moment ago is step-up enough (as for a password change); the password works too.
        List<String> codes = codes(post("2fa/recovery-codes", null, token));
        assertEquals(12, codes.size());
        assertEquals(12, new HashSet<>(codes).size());
        codes.forEach(c -> assertTrue(c.matches("[A-Z1-9]{4}-[A-Z1-9]{4}-[A-Z1-9]{4}"), c));
        JsonNode counts = status(token).json();
        assertTrue(counts.get("enabled").asBoolean());
        assertEquals(12, counts.get("remaining").asInt());
        assertEquals(12, counts.get("total").asInt());
        // Keycloak's own credential: the user's Credentials tab in the admin console lists it.
        String userId = realm.admin().users().search(email, true).get(0).getId();
        assertTrue(realm.admin().users().get(userId).credentials().stream()
            .anyMatch(c -> "recovery-authn-codes".equals(c.getType())));

        // Any unused code, not only the next in Keycloak's order; dashes and case do not matter.
        String typed = codes.get(5).replace("-", "").toLowerCase(Locale.ROOT);
        Http.Response in = verifyWithRecoveryCode(tempToken(email), typed);
        assertEquals(200, in.status(), in.toString());
        Tokens.verifyAccessToken(realm, text(in.json(), "token"));
        assertEquals(11, in.json().get("recoveryCodesLeft").asInt(), in.toString());
        assertEquals(email, text(in.json().get("user"), "email"));

        String temp = tempToken(email);
        forgetFailures(); // the first step's missing code counts, as in Keycloak's direct grant
        Http.Response again = verifyWithRecoveryCode(temp, codes.get(5));
        assertEquals(401, again.status(), "a used code works once: " + again);
        assertEquals("INVALID_OTP", text(again.json(), "error"));
        awaitFailures(email, 1); // a wrong recovery code is a failed login
        forgetFailures();

        // The one-step dialects take a recovery code in their otp field.
        Http.Response directus = postJson(auth("login"),
            body("email", email, "password", TABLE_PASSWORD, "otp", codes.get(0)));
        assertEquals(200, directus.status(), directus.toString());
        assertTrue(directus.json().get("data").has("access_token"), directus.toString());
        forgetFailures();
        Http.Response mask = postJson(api("v1/auth/login"),
            body("credential", email, "password", TABLE_PASSWORD, "otp", codes.get(1)),
            "x-mapi-key", "project-b", "x-mapi-auth-config-id", membersId);
        assertEquals(200, mask.status(), mask.toString());
        forgetFailures();
        Http.Response slash = postJson(auth("members/login"),
            body("email", email, "password", TABLE_PASSWORD, "otp", codes.get(2)));
        assertEquals(200, slash.status(), slash.toString());
        forgetFailures();
        setting("loginOwner", "baasix");
        try {
            Http.Response baasix = postJson(auth("login"),
                body("email", email, "password", TABLE_PASSWORD, "otp", codes.get(3)));
            assertEquals(200, baasix.status(), baasix.toString());
            assertTrue(baasix.json().has("token"), baasix.toString());
        } finally {
            setting("loginOwner", "directus");
        }
        forgetFailures();
        Http.Response reused = postJson(auth("login"),
            body("email", email, "password", TABLE_PASSWORD, "otp", codes.get(0)));
        assertEquals(401, reused.status(), reused.toString());
        forgetFailures();
        assertEquals(7, status(token).json().get("remaining").asInt());

        // New codes replace the old ones.
        List<String> fresh = codes(post("2fa/recovery-codes", body("password", TABLE_PASSWORD), token));
        Http.Response old = verifyWithRecoveryCode(tempToken(email), codes.get(6));
        assertEquals(401, old.status(), "old codes are gone: " + old);
        forgetFailures();
        Http.Response renewed = verifyWithRecoveryCode(tempToken(email), fresh.get(11));
        assertEquals(200, renewed.status(), renewed.toString());
        assertEquals(11, renewed.json().get("recoveryCodesLeft").asInt());
    }

    @Test
    void oneCodeSentFourTimesAtOnceLogsInOnce() throws Exception {
        String email = unique("rcc");
        insert("members", email, true);
        String token = text(login(email, TABLE_PASSWORD).json(), "token");
        enroll(token);
        String code = codes(post("2fa/recovery-codes", null, token)).get(0);
        List<String> temps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            temps.add(tempToken(email));
            forgetFailures(); // each first step counts its missing code: no quick-login lock between them
        }
        forgetFailures();
        List<CompletableFuture<Http.Response>> calls = temps.stream()
            .map(t -> CompletableFuture.supplyAsync(() -> verifyWithRecoveryCode(t, code))).toList();
        List<Http.Response> answers = calls.stream().map(CompletableFuture::join).toList();
        assertEquals(1, answers.stream().filter(r -> r.status() == 200).count(), answers.toString());
        forgetFailures();
        assertEquals(11, status(token).json().get("remaining").asInt());
    }

    @Test
    void onlyTheUserThemselfMakesCodesAndTheyGoWithTheSecondFactor() throws Exception {
        String email = unique("rca");
        insert("members", email, true);
        String token = text(login(email, TABLE_PASSWORD).json(), "token");
        Totp totp = enroll(token);

        Http.Response anonymous = postJson(api("v1/platform/2fa/recovery-codes"), body("password", TABLE_PASSWORD));
        assertEquals(401, anonymous.status(), anonymous.toString());
        Http.Response keyHolder = post("2fa/recovery-codes", body("password", TABLE_PASSWORD), apiKeyTokenOf(token));
        assertEquals(403, keyHolder.status(), "a key's token may not make recovery codes: " + keyHolder);
        assertFalse(status(token).json().get("enabled").asBoolean(), "nothing was made");

        List<String> codes = codes(post("2fa/recovery-codes", null, token));
        assertEquals(200, post("2fa/disable", null, token).status());
        Thread.sleep(1100);
        assertEquals(200, post("2fa/disable/confirm", body("code", totp.fresh()), token).status());
        assertFalse(status(token).json().get("enabled").asBoolean(), "the codes went with the second factor");
        Http.Response plain = login(email, TABLE_PASSWORD);
        assertTrue(plain.json().has("token"), plain.toString());
        assertEquals(12, codes.size());
    }
}

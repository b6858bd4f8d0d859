package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.tableauth.it.support.FormBrowser;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TOTP over REST on Keycloak's OTP credential: Mavibase's setup / verify / two-step login / disable, Directus's
 * {@code otp}, and Keycloak's own direct grant for a user enrolled over REST. Codes come from {@link Totp}, an
 * implementation written from RFC 6238, not Keycloak's.
 */
class TwoFactorIT extends RestFixture {

    /**
     * The realm's OTP policy here accepts two steps of skew either way (Keycloak's default is one): an enrolment then
     * has five codes at any moment, enough for every test below without waiting for the next 30-second step.
     */
    private static final int WINDOW = 2;

    @BeforeAll
    void aWiderOtpWindow() {
        updateRealm(r -> r.setOtpPolicyLookAheadWindow(WINDOW));
    }

    private Http.Response login(String email, String password) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", password));
    }

    private Http.Response post(String path, String json, String token) {
        return postJson(api("v1/platform/" + path), json, "Authorization", "Bearer " + token);
    }

    /** A user with TOTP enrolled over REST; returns the code generator for their secret. */
    private Totp enroll(String email, String password) {
        String token = text(login(email, password).json(), "token");
        Http.Response setup = post("2fa/setup", null, token);
        assertEquals(200, setup.status(), setup.toString());
        Totp totp = new Totp(text(setup.json(), "secret"), WINDOW);
        Http.Response on = post("2fa/setup/verify", body("code", totp.fresh()), token);
        assertEquals(200, on.status(), on.toString());
        return totp;
    }

    private String tempToken(String email, String password) {
        Http.Response first = login(email, password);
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().get("requires2FA").asBoolean(), first.toString());
        return text(first.json(), "tempToken");
    }

    private Http.Response verify(String tempToken, String code) {
        return postJson(api("v1/platform/2fa/verify"), body("tempToken", tempToken, "code", code));
    }

    @Tag("smoke")
    @Test
    void setupTwoStepLoginAndDisableForATableUser() throws Exception {
        String email = unique("tf");
        insert("members", email, true);
        String token = text(login(email, TABLE_PASSWORD).json(), "token");

        Http.Response setup = post("2fa/setup", null, token);
        assertEquals(200, setup.status(), setup.toString());
        String secret = text(setup.json(), "secret");
        assertTrue(secret.matches("[A-Z2-7]{32}"), secret);
        assertTrue(text(setup.json(), "qrCode").startsWith("otpauth://totp/"), setup.toString());
        assertTrue(text(setup.json(), "qrCode").contains("secret=" + secret));
        String image = text(setup.json(), "qrCodeImage");
        assertTrue(image.startsWith("data:image/png;base64,"));
        byte[] png = Base64.getDecoder().decode(image.substring(image.indexOf(',') + 1));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));

        Totp totp = new Totp(secret, WINDOW);
        Http.Response wrong = post("2fa/setup/verify", body("code", totp.wrong()), token);
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals("INVALID_OTP", text(wrong.json(), "error"));
        awaitFailures(email, 1); // a wrong setup code counts for brute-force detection
        assertEquals(200, post("2fa/setup/verify", body("code", totp.fresh()), token).status());

        String temp = tempToken(email, TABLE_PASSWORD);
        assertTrue(temp.startsWith("temp_"));
        Http.Response second = verify(temp, totp.fresh());
        assertEquals(200, second.status(), second.toString());
        Tokens.verifyAccessToken(realm, text(second.json(), "token"));
        assertEquals(email, text(second.json().get("user"), "email"));
        Http.Response replay = verify(temp, totp.fresh());
        assertEquals(401, replay.status(), "a temp token works once");
        assertEquals("INVALID_TOKEN", text(replay.json(), "error"));

        // Enrolled over REST, the code works in Keycloak's own direct grant too, and is required there.
        assertEquals(Tokens.invalidCredentialsStatus(), Tokens.passwordGrant(realm, "app", email, TABLE_PASSWORD).status());
        Http.Response nativeLogin = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "password", "client_id", "app", "username", email, "password", TABLE_PASSWORD,
            "otp", totp.fresh()));
        assertEquals(200, nativeLogin.status(), nativeLogin.toString());

        String fresh = text(second.json(), "token");
        Http.Response off = post("2fa/disable", null, fresh);
        assertEquals(200, off.status(), off.toString());
        assertEquals(401, post("2fa/disable/confirm", body("code", totp.wrong()), fresh).status());
        Thread.sleep(1100);
        Http.Response confirmed = post("2fa/disable/confirm", body("code", totp.fresh()), fresh);
        assertEquals(200, confirmed.status(), confirmed.toString());
        Http.Response plain = login(email, TABLE_PASSWORD);
        assertNotNull(text(plain.json(), "token"), "no second step once 2FA is off: " + plain);
    }

    @Test
    void directusTakesTheCodeInTheLoginBody() throws Exception {
        String email = unique("td");
        insert("members", email, true);
        Totp totp = enroll(email, TABLE_PASSWORD);
        Http.Response missing = postJson(auth("login"), body("email", email, "password", TABLE_PASSWORD));
        assertEquals(401, missing.status());
        assertEquals("{\"errors\":[{\"message\":\"\\\"otp\\\" is required\",\"extensions\":{\"code\":\"INVALID_OTP\"}}]}",
            missing.body());
        // Keycloak's quick-login check as it ships (1 s; the test realm sets 1 ms so that other tests need not wait)
        updateRealm(r -> r.setQuickLoginCheckMilliSeconds(1000L));
        try {
            Http.Response bad = postJson(auth("login"), body("email", email, "password", TABLE_PASSWORD, "otp",
                totp.wrong()));
            assertEquals(401, bad.status());
            assertTrue(bad.body().contains("Invalid user OTP."), bad.toString());
            // Two failed codes within a second: Keycloak's quick-login check locks the account for a minute, so even
            // the right code is refused now. Guessing codes is subject to brute-force detection.
            Http.Response locked = postJson(auth("login"), body("email", email, "password", TABLE_PASSWORD, "otp",
                totp.fresh()));
            assertEquals(401, locked.status());
            assertTrue(locked.body().contains("INVALID_CREDENTIALS"), locked.toString());
        } finally {
            updateRealm(r -> r.setQuickLoginCheckMilliSeconds(1L));
        }
        forgetFailures();
        Http.Response ok = postJson(auth("login"), body("email", email, "password", TABLE_PASSWORD, "otp",
            totp.fresh()));
        assertEquals(200, ok.status(), ok.toString());
        // The wrong password stays a plain credential error: no hint that a code would be asked next.
        Http.Response wrongPassword = postJson(auth("login"), body("email", email, "password", "not the password"));
        assertTrue(wrongPassword.body().contains("INVALID_CREDENTIALS"), wrongPassword.toString());
    }

    @Test
    void maskApiAndSlashApiAskForTheCodeInTheirOwnShapes() throws Exception {
        String email = unique("tm");
        insert("members", email, true);
        Totp totp = enroll(email, TABLE_PASSWORD);
        String[] mask = {"x-mapi-key", "project-b", "x-mapi-auth-config-id", membersId};
        Http.Response maskMissing = postJson(api("v1/auth/login"),
            body("credential", email, "password", TABLE_PASSWORD), mask);
        assertEquals(401, maskMissing.status());
        assertEquals("OTP_REQUIRED", text(maskMissing.json(), "error"));
        forgetFailures();
        Http.Response maskOk = postJson(api("v1/auth/login"),
            body("credential", email, "password", TABLE_PASSWORD, "otp", totp.fresh()), mask);
        assertEquals(200, maskOk.status(), maskOk.toString());

        Http.Response slashMissing = postJson(auth("members/login"), body("email", email, "password", TABLE_PASSWORD));
        assertEquals(422, slashMissing.status());
        assertEquals("The otp field is required.", slashMissing.json().get("errors").get("otp").get(0).asText());
        forgetFailures();
        Http.Response slashOk = postJson(auth("members/login"),
            body("email", email, "password", TABLE_PASSWORD, "otp", totp.fresh()));
        assertEquals(200, slashOk.status(), slashOk.toString());
    }

    @Test
    void aWrongCodeUsesTheTempTokenUpAndCodesOutsideThePolicyWindowFail() throws Exception {
        Totp totp = enroll("kc-user@example.com", "kc-user-password");
        try {
            forgetFailures();
            String temp = tempToken("kc-user@example.com", "kc-user-password");
            Thread.sleep(1100); // past Keycloak's quick-login check, so that the counts below are the only change
            int before = failures("kc-user");
            Http.Response bad = verify(temp, totp.wrong());
            assertEquals(401, bad.status());
            assertEquals("INVALID_OTP", text(bad.json(), "error"));
            Thread.sleep(600);
            assertEquals(before + 1, failures("kc-user"), "a wrong code at 2fa/verify is a failed login");
            assertEquals(401, verify(temp, totp.fresh()).status(), "the token died with the wrong code");

            // The realm's policy decides: WINDOW steps of skew either way are accepted, one more is not. (Each first
            // step and each failed code counts for brute-force detection, so the lockout is cleared between attempts.)
            Totp.stayInStep(20); // the offsets below stay what they say
            for (int outside : new int[] {-(WINDOW + 1), WINDOW + 1}) {
                forgetFailures();
                Http.Response r = verify(tempToken("kc-user@example.com", "kc-user-password"), totp.step(outside));
                assertEquals(401, r.status(), outside + " steps away must be refused: " + r);
                assertEquals("INVALID_OTP", text(r.json(), "error"));
            }
            for (int inside : new int[] {-WINDOW, WINDOW}) {
                forgetFailures();
                Http.Response r = verify(tempToken("kc-user@example.com", "kc-user-password"), totp.step(inside));
                assertEquals(200, r.status(), inside + " steps away is inside the window: " + r);
            }
        } finally {
            forgetFailures();
            removeOtp("kc-user");
        }
    }

    @Test
    void aTempTokenWorksOnceEvenWhenReplayedConcurrently() throws Exception {
        String email = unique("tc");
        insert("members", email, true);
        Totp.stayInStep(10); // the enrolment's code and the three below come from one step: their offsets hold
        Totp totp = enroll(email, TABLE_PASSWORD);
        String temp = tempToken(email, TABLE_PASSWORD);
        // Each replay carries its own valid, unused code (inside the realm's window), so Keycloak's rule against a
        // reused code cannot be what refuses the others: only the temp token's single use. The codes are ready before
        // the calls start, and the calls start together.
        List<String> codes = List.of(totp.step(-1), totp.step(1), totp.step(2));
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(codes.size());
        List<CompletableFuture<Http.Response>> calls = new ArrayList<>();
        for (String code : codes) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return verify(temp, code);
            }, threads));
        }
        Thread.sleep(100); // every call waits at the latch
        go.countDown();
        List<Http.Response> answers = calls.stream().map(CompletableFuture::join).toList();
        threads.shutdown();
        long ok = answers.stream().filter(r -> r.status() == 200).count();
        assertEquals(1, ok, "exactly one of three concurrent uses of a temp token may succeed: " + answers);

    }

    /** The user's failed logins as Keycloak's brute-force detection counts them. */
    private int failures(String username) {
        String id = realm.admin().users().search(username, true).get(0).getId();
        return ((Number) realm.admin().attackDetection().bruteForceUserStatus(id).get("numFailures")).intValue();
    }

    private void removeOtp(String username) {
        var user = realm.admin().users().search(username, true).get(0);
        realm.admin().users().get(user.getId()).credentials().stream()
            .filter(c -> "otp".equals(c.getType()))
            .forEach(c -> realm.admin().users().get(user.getId()).removeCredential(c.getId()));
    }


    /**
     * Enrolled over REST, the code is asked for by Keycloak's own browser login too (the realm's browser flow and its
     * OTP form), and a code that logged in once is refused the second time.
     */
    @Tag("smoke")
    @Test
    void aUserEnrolledOverRestLogsInThroughTheBrowserWithTheCodeOnce() throws Exception {
        String redirect = "http://app.example.test/callback";
        browserClient("web-2fa", redirect);
        String email = unique("tfb");
        insert("members", email, true);
        Totp totp = enroll(email, TABLE_PASSWORD);
        java.net.URI login = realm.uri("/protocol/openid-connect/auth?client_id=web-2fa&response_type=code"
            + "&scope=openid&redirect_uri=" + redirect);

        FormBrowser browser = new FormBrowser();
        browser.open(login);
        Http.Response otpPage = browser.submit("kc-form-login", Map.of("username", email, "password", TABLE_PASSWORD));
        assertEquals(200, otpPage.status(), otpPage.toString());
        assertTrue(otpPage.body().contains("id=\"kc-otp-login-form\""), otpPage.body());
        String code = totp.fresh();
        Http.Response in = browser.submit("kc-otp-login-form", Map.of("otp", code));
        assertEquals(302, in.status(), in.toString());
        assertTrue(in.raw().headers().firstValue("location").orElseThrow().startsWith(redirect + "?"));

        FormBrowser replay = new FormBrowser();
        replay.open(login);
        replay.submit("kc-form-login", Map.of("username", email, "password", TABLE_PASSWORD));
        Http.Response again = replay.submit("kc-otp-login-form", Map.of("otp", code));
        assertEquals(200, again.status(), "a used code must not log in again: " + again.status());
        assertFalse(again.raw().headers().firstValue("location").isPresent());
        Thread.sleep(600);
        realm.admin().attackDetection().clearAllBruteForce();
    }
}

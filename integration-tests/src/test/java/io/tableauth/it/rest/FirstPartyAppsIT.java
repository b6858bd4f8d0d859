package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SoftPasskey;
import io.tableauth.it.support.Tokens;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * OAuth 2.0 for First-Party Applications (draft-ietf-oauth-first-party-apps-04) at
 * {@code /realms/{realm}/api/oauth/authorize-challenge}: a first-party app's login step by step (password, then a
 * one-time code or a recovery code; a passkey), ending in an authorization code that Keycloak's own token endpoint
 * redeems once, with the PKCE verifier and, for a DPoP-bound login, the same key. Beside each path, the refusal an
 * adversary meets: another client, a wrong verifier, a used code, a replayed or foreign auth_session, another DPoP key,
 * a wrong password answered as an unknown user, a lockout.
 */
class FirstPartyAppsIT extends FirstPartyFixture {

    private static final String RP_ID = "app.example.test";

    @BeforeAll
    void passkeySettings() {
        setting("passkeyRpId", RP_ID);
        setting("passkeyOrigins", ORIGIN);
    }


    /**
     * A pending required action the API cannot do: 403 redirect_to_web. With the first request's redirect_uri, a
     * request_uri that Keycloak's authorization endpoint takes: the user signs in there, does what is pending, and
     * the code comes to the redirect URI, redeemed with the same PKCE verifier.
     */
    @Test
    void aPendingRequiredActionGoesOnInTheBrowserWithAPushedRequest() throws Exception {
        String email = "fp-pending-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        var user = new org.keycloak.representations.idm.UserRepresentation();
        user.setUsername(email.substring(0, email.indexOf('@')));
        user.setEmail(email);
        user.setEnabled(true);
        user.setRequiredActions(List.of("UPDATE_PASSWORD"));
        var password = new org.keycloak.representations.idm.CredentialRepresentation();
        password.setType("password");
        password.setValue("pending-password");
        password.setTemporary(false);
        user.setCredentials(List.of(password));
        realm.admin().users().create(user).close();

        refused(challenge(first(Pkce.fresh(), email, "pending-password")), 403, "redirect_to_web");
        Map<String, String> foreign = first(Pkce.fresh(), email, "pending-password");
        foreign.put("redirect_uri", "https://evil.example.test/callback");
        refused(challenge(foreign), 400, "invalid_request");

        Pkce pkce = Pkce.fresh();
        Map<String, String> form = first(pkce, email, "pending-password");
        form.put("redirect_uri", CALLBACK);
        Http.Response web = challenge(form);
        refused(web, 403, "redirect_to_web");
        String requestUri = text(web.json(), "request_uri");
        assertTrue(requestUri.startsWith("urn:ietf:params:oauth:request_uri:"), web.toString());

        io.tableauth.it.support.FormBrowser browser = new io.tableauth.it.support.FormBrowser();
        URI authorize = realm.uri("/protocol/openid-connect/auth?client_id=app&request_uri="
            + java.net.URLEncoder.encode(requestUri, StandardCharsets.UTF_8));
        browser.open(authorize);
        Http.Response page = browser.follow(authorize.getRawAuthority());
        assertEquals(200, page.status(), page + " " + page.raw().headers().firstValue("Location").orElse(""));
        browser.submit("kc-form-login", Map.of("username", email, "password", "pending-password"));
        Http.Response pending = browser.follow(authorize.getRawAuthority());
        assertTrue(pending.body().contains("password-new"), "the pending action's page: " + pending);
        Http.Response done = browser.submit("kc-passwd-update-form", Map.of("password-new", "a new password 1",
            "password-confirm", "a new password 1"));
        assertEquals(302, done.status(), done.toString());
        URI back = browser.location();
        assertTrue(back.toString().startsWith(CALLBACK + "?"), back.toString());
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("[?&]code=([^&]+)").matcher(back.toString());
        assertTrue(code.find(), back.toString());
        Http.Response tokens = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type",
            "authorization_code", "client_id", "app", "code", java.net.URLDecoder.decode(code.group(1),
                StandardCharsets.UTF_8), "code_verifier", pkce.verifier(), "redirect_uri", CALLBACK));
        assertEquals(200, tokens.status(), tokens.toString());
        assertEquals(email, Tokens.verifyAccessToken(realm, text(tokens.json(), "access_token"))
            .getStringClaim("email"));
    }

    @Tag("smoke")
    @Test
    void aPasswordLoginEndsInACodeThatKeycloakRedeemsOnceWithItsVerifier() throws Exception {
        String email = unique("fp");
        insert("members", email, true);
        Pkce pkce = Pkce.fresh();
        String code = codeOf(challenge(first(pkce, email, TABLE_PASSWORD)));
        tokensFor(code, pkce, email);
        Http.Response again = redeem(code, pkce.verifier());
        assertEquals(400, again.status(), "a code works once: " + again);
        assertEquals("invalid_grant", text(again.json(), "error"));

        Pkce other = Pkce.fresh();
        String second = codeOf(challenge(first(other, email, TABLE_PASSWORD)));
        Http.Response wrongVerifier = redeem(second, pkce.verifier());
        assertEquals(400, wrongVerifier.status(), "another login's verifier: " + wrongVerifier);
        assertEquals(400, redeem(second, other.verifier()).status(), "a code tried with a wrong verifier is used up");

        // Keycloak's own users log in the same way
        Pkce local = Pkce.fresh();
        tokensFor(codeOf(challenge(first(local, "kc-user@example.com", "kc-user-password"))), local,
            "kc-user@example.com");
    }

    @Test
    void theRequestIsCheckedBeforeAnyCredential() {
        String email = unique("fpr");
        Pkce pkce = Pkce.fresh();
        Map<String, String> noType = first(pkce, email, TABLE_PASSWORD);
        noType.remove("response_type");
        refused(challenge(noType), 400, "invalid_request");
        Map<String, String> token = first(pkce, email, TABLE_PASSWORD);
        token.put("response_type", "token");
        refused(challenge(token), 400, "invalid_request");
        Map<String, String> noPkce = first(pkce, email, TABLE_PASSWORD);
        noPkce.remove("code_challenge");
        refused(challenge(noPkce), 400, "invalid_request");
        Map<String, String> plain = first(pkce, email, TABLE_PASSWORD);
        plain.put("code_challenge_method", "plain");
        refused(challenge(plain), 400, "invalid_request");
        Map<String, String> unknown = first(pkce, email, TABLE_PASSWORD);
        unknown.put("client_id", "no-such-client");
        refused(challenge(unknown), 401, "invalid_client");
        Http.Response json = postJson(endpoint(), body("response_type", "code", "client_id", "app"));
        refused(json, 400, "invalid_request");
        Http.Response twice = Http.postForm(endpoint(), Map.of("response_type", "code", "client_id", "app"));
        assertEquals(400, twice.status());
        var app = realm.admin().clients().findByClientId("app").get(0);
        app.setStandardFlowEnabled(false);
        realm.admin().clients().get(app.getId()).update(app);
        try {
            Http.Response noCodes = challenge(first(pkce, email, TABLE_PASSWORD));
            refused(noCodes, 400, "unauthorized_client");
            assertTrue(text(noCodes.json(), "error_description").contains("Standard flow"), noCodes.toString());
        } finally {
            app.setStandardFlowEnabled(true);
            realm.admin().clients().get(app.getId()).update(app);
        }
    }

    /** Only the realm's default client and its firstPartyClients: any other gets unauthorized_client. */
    @Test
    void aClientThatIsNotFirstPartyIsRefusedWhateverTheCredentials() throws Exception {
        String email = unique("fpc");
        insert("members", email, true);
        Map<String, String> form = first(Pkce.fresh(), email, TABLE_PASSWORD);
        form.put("client_id", "project-b");
        refused(challenge(form), 400, "unauthorized_client");
        setting("firstPartyClients", "project-b,confidential");
        try {
            codeOf(challenge(form));
            // a confidential client authenticates here as at the token endpoint, on every request
            Pkce pkce = Pkce.fresh();
            Map<String, String> confidential = first(pkce, email, TABLE_PASSWORD);
            confidential.put("client_id", "confidential");
            refused(challenge(confidential), 401, "invalid_client");
            confidential.put("client_secret", "wrong secret");
            refused(challenge(confidential), 401, "invalid_client");
            confidential.put("client_secret", "confidential-secret");
            String code = codeOf(challenge(confidential));
            Http.Response tokens = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type",
                "authorization_code", "client_id", "confidential", "client_secret", "confidential-secret", "code", code,
                "code_verifier", pkce.verifier()));
            assertEquals(200, tokens.status(), tokens.toString());
        } finally {
            setting("firstPartyClients", "");
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswerAndALockLooksTheSame() throws Exception {
        String email = unique("fpw");
        insert("members", email, true);
        Http.Response wrong = challenge(first(Pkce.fresh(), email, "not the password"));
        Http.Response unknown = challenge(first(Pkce.fresh(), unique("nobody"), "not the password"));
        refused(wrong, 400, "invalid_grant");
        assertEquals(wrong.body(), unknown.body(), "unknown user and wrong password answer alike");

        updateRealm(r -> r.setFailureFactor(3));
        try {
            for (int i = 1; i < 3; i++) {
                challenge(first(Pkce.fresh(), email, "wrong " + i));
            }
            awaitFailures(email, 3);
            Http.Response locked = challenge(first(Pkce.fresh(), email, TABLE_PASSWORD));
            assertEquals(wrong.body(), locked.body(), "a locked user, with the right password, answers alike");
        } finally {
            updateRealm(r -> r.setFailureFactor(30));
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    @Tag("smoke")
    @Test
    void withTotpThePasswordAnswersAnAuthSessionThatTheCodeFinishesOnce() throws Exception {
        String email = unique("fpt");
        insert("members", email, true);
        Totp totp = enrollTotp(email);
        Pkce pkce = Pkce.fresh();
        Http.Response first = challenge(first(pkce, email, TABLE_PASSWORD));
        refused(first, 403, "insufficient_authorization");
        assertEquals(true, first.json().get("otp_required").asBoolean(), first.toString());
        String authSession = text(first.json(), "auth_session");
        assertTrue(authSession.length() >= 43, "at least 256 bits: " + authSession);

        Http.Response withoutCode = challenge(Map.of("auth_session", authSession));
        refused(withoutCode, 400, "invalid_request");
        Http.Response used = challenge(Map.of("auth_session", authSession, "otp", totp.wrong()));
        refused(used, 400, "invalid_session"); // the request without a code used the session up (any code now)

        Http.Response again = challenge(first(pkce, email, TABLE_PASSWORD));
        String session = text(again.json(), "auth_session");
        String code = codeOf(challenge(Map.of("auth_session", session, "otp", totp.fresh())));
        tokensFor(code, pkce, email);
        refused(challenge(Map.of("auth_session", session, "otp", totp.wrong())), 400, "invalid_session");

        // a wrong code uses the session up: the login starts again with the password
        String third = text(challenge(first(Pkce.fresh(), email, TABLE_PASSWORD)).json(), "auth_session");
        refused(challenge(Map.of("auth_session", third, "otp", totp.wrong())), 400, "invalid_grant");
        refused(challenge(Map.of("auth_session", third, "otp", totp.wrong())), 400, "invalid_session");
        forgetFailures();
    }

    @Test
    void aRecoveryCodeStandsForTheOneTimeCodeOnce() throws Exception {
        String email = unique("fprc");
        insert("members", email, true);
        List<String> codes = recoveryCodes(email, enrollTotp(email));
        Pkce pkce = Pkce.fresh();
        String session = text(challenge(first(pkce, email, TABLE_PASSWORD)).json(), "auth_session");
        String code = codeOf(challenge(Map.of("auth_session", session, "recovery_code", codes.get(0))));
        tokensFor(code, pkce, email);
        String next = text(challenge(first(Pkce.fresh(), email, TABLE_PASSWORD)).json(), "auth_session");
        refused(challenge(Map.of("auth_session", next, "recovery_code", codes.get(0))), 400, "invalid_grant");
        forgetFailures();
    }

    /** The user's recovery codes, made over Mavibase after a login with both factors. */
    private List<String> recoveryCodes(String email, Totp totp) {
        Http.Response first = postJson(api("v1/platform/auth/login"), body("email", email, "password",
            TABLE_PASSWORD));
        Http.Response second = postJson(api("v1/platform/2fa/verify"), body("tempToken",
            text(first.json(), "tempToken"), "code", totp.fresh()));
        assertEquals(200, second.status(), second.toString());
        Http.Response made = postJson(api("v1/platform/2fa/recovery-codes"), null,
            "Authorization", "Bearer " + text(second.json(), "token"));
        assertEquals(200, made.status(), made.toString());
        List<String> codes = new ArrayList<>();
        made.json().get("codes").forEach(c -> codes.add(c.asText()));
        return codes;
    }

    /** An auth_session belongs to its client: another client presenting it gets invalid_session. */
    @Test
    void anAuthSessionOfAnotherClientIsRefused() throws Exception {
        String email = unique("fpf");
        insert("members", email, true);
        Totp totp = enrollTotp(email);
        String session = text(challenge(first(Pkce.fresh(), email, TABLE_PASSWORD)).json(), "auth_session");
        refused(challenge(Map.of("auth_session", session, "client_id", "project-b", "otp", totp.fresh())), 400,
            "invalid_session");
        refused(challenge(Map.of("auth_session", "not-a-session", "otp", totp.wrong())), 400, "invalid_session");
    }

    @Tag("smoke")
    @Test
    void aNameAloneAnswersPasskeyOptionsAndThePasskeyFinishesTheLogin() throws Exception {
        String email = unique("fpp");
        insert("members", email, true);
        SoftPasskey key = registerPasskey(email);
        Pkce pkce = Pkce.fresh();
        Http.Response options = challenge(first(pkce, email, null));
        refused(options, 403, "insufficient_authorization");
        JsonNode webauthn = options.json().get("webauthn_options");
        assertNotNull(webauthn.get("challenge"), options.toString());
        Http.Response nobody = challenge(first(Pkce.fresh(), unique("nobody"), null));
        refused(nobody, 403, "insufficient_authorization");
        assertEquals(options.json().get("webauthn_options").get("allowCredentials"),
            nobody.json().get("webauthn_options").get("allowCredentials"), "the same options for anyone");

        ObjectNode assertion = key.authenticate(webauthn, ORIGIN);
        String code = codeOf(next(options, "webauthn_response", assertion.toString()));
        tokensFor(code, pkce, email);

        // the password may follow a name alone too
        Http.Response named = challenge(first(Pkce.fresh(), email, null));
        Pkce later = Pkce.fresh();
        Http.Response again = challenge(first(later, email, null));
        codeOf(next(again, "password", TABLE_PASSWORD));
        assertNotNull(text(named.json(), "auth_session"));
    }

    /** The request that starts a step-up with the auth_session a code came with; null values are left out. */
    private Map<String, String> stepUp(String authSession, Pkce pkce, String acrValues, String maxAge) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("auth_session", authSession);
        form.put("code_challenge", pkce.challenge());
        form.put("code_challenge_method", "S256");
        if (acrValues != null) {
            form.put("acr_values", acrValues);
        }
        if (maxAge != null) {
            form.put("max_age", maxAge);
        }
        return form;
    }

    /**
     * Step-up (section 7 of the draft, RFC 9470): a code comes with an auth_session, with which acr_values and
     * max_age ask the same user for more. While the earlier login is fresh enough it stands for the password, and
     * only what the level still needs is asked (nothing, or the one-time code); older, the user signs in again. The
     * tokens' acr and auth_time say what was reached, and when the user authenticated.
     */
    @Tag("smoke")
    @Test
    void aStepUpAsksOnlyForWhatTheLevelStillNeeds() throws Exception {
        String email = unique("fps");
        insert("members", email, true);
        Pkce pkce = Pkce.fresh();
        Http.Response login = challenge(first(pkce, email, TABLE_PASSWORD));
        var claims = claimsFor(codeOf(login), pkce, email);
        assertEquals("1", claims.getStringClaim("acr"), "a password alone is level 1");
        long authTime = claims.getLongClaim("auth_time");
        String stepUp = text(login.json(), "auth_session");
        assertNotNull(stepUp, "a code comes with an auth_session for a step-up: " + login);

        // level 1 and fresh: nothing more to ask
        Pkce same = Pkce.fresh();
        Http.Response again = challenge(stepUp(stepUp, same, "1", "600"));
        var sameClaims = claimsFor(codeOf(again), same, email);
        assertEquals("1", sameClaims.getStringClaim("acr"));
        assertEquals(authTime, sameClaims.getLongClaim("auth_time"), "the user authenticated then, not now");
        refused(challenge(stepUp(stepUp, Pkce.fresh(), "1", "600")), 400, "invalid_session");

        // level 2 once the user has a second factor: the one-time code only, no password
        Totp totp = enrollTotp(email);
        Pkce two = Pkce.fresh();
        Http.Response codeOnly = challenge(stepUp(text(again.json(), "auth_session"), two, "2", null));
        refused(codeOnly, 403, "insufficient_authorization");
        assertEquals(true, codeOnly.json().path("otp_required").asBoolean(), codeOnly.toString());
        Http.Response reached = next(codeOnly, "otp", totp.fresh());
        var twoClaims = claimsFor(codeOf(reached), two, email);
        assertEquals("2", twoClaims.getStringClaim("acr"), "password and one-time code are level 2");
        assertEquals(authTime, twoClaims.getLongClaim("auth_time"));

        // too old for max_age: the user signs in again, password and code
        Thread.sleep(1100);
        Pkce fresh = Pkce.fresh();
        Http.Response old = challenge(stepUp(text(reached.json(), "auth_session"), fresh, "2", "0"));
        refused(old, 403, "insufficient_authorization");
        assertEquals(true, old.json().path("password_required").asBoolean(), old.toString());
        assertNotNull(old.json().get("webauthn_options"), "or a passkey: " + old);
        refused(next(old, "password", "not the password"), 400, "invalid_grant");
        Http.Response old2 = challenge(stepUp(text(reached.json(), "auth_session"), fresh, "2", "0"));
        refused(old2, 400, "invalid_session"); // used up by the first try
        forgetFailures();
    }

    @Test
    void aStepUpSignsInAgainWhenTooOldAndOnlyAsTheSameUser() throws Exception {
        String email = unique("fpso");
        insert("members", email, true);
        Totp totp = enrollTotp(email);
        Pkce pkce = Pkce.fresh();
        Http.Response first = challenge(first(pkce, email, TABLE_PASSWORD));
        Http.Response login = next(first, "otp", totp.fresh());
        long authTime = claimsFor(codeOf(login), pkce, email).getLongClaim("auth_time");

        Thread.sleep(1100);
        Pkce again = Pkce.fresh();
        Http.Response old = challenge(stepUp(text(login.json(), "auth_session"), again, "1", "0"));
        refused(old, 403, "insufficient_authorization");
        Http.Response password = next(old, "password", TABLE_PASSWORD);
        refused(password, 403, "insufficient_authorization");
        Http.Response done = next(password, "otp", totp.fresh());
        var claims = claimsFor(codeOf(done), again, email);
        assertEquals("2", claims.getStringClaim("acr"));
        assertTrue(claims.getLongClaim("auth_time") > authTime, "signed in again: " + claims);

        // another user's passkey does not step this user up
        String other = unique("fpsp");
        insert("members", other, true);
        SoftPasskey theirs = registerPasskey(other);
        Thread.sleep(1100);
        Http.Response named = challenge(stepUp(text(done.json(), "auth_session"), Pkce.fresh(), "1", "0"));
        refused(named, 403, "insufficient_authorization");
        int sessions = realm.admin().users().get(userId(other)).getUserSessions().size();
        refused(next(named, "webauthn_response", theirs.authenticate(named.json().get("webauthn_options"), ORIGIN)
            .toString()), 400, "invalid_grant");
        assertEquals(sessions, realm.admin().users().get(userId(other)).getUserSessions().size(),
            "the other user's login was withdrawn");
        forgetFailures();
    }

    /**
     * What a step-up cannot give: a level this user cannot reach over the API (redirect_to_web, and the login it
     * made is withdrawn), a level no step reaches, a value the realm does not know; and nothing once the user's
     * session has ended.
     */
    @Test
    void aStepUpIsRefusedWhatItCannotReachAndDiesWithTheSession() throws Exception {
        String email = unique("fpsr");
        insert("members", email, true);
        String id = userId(email);

        Http.Response noFactor = challenge(stepUp(stepUpSession(email), Pkce.fresh(), "2", null));
        refused(noFactor, 403, "redirect_to_web");
        assertNull(noFactor.json().get("request_uri"), "no redirect_uri in the first request: " + noFactor);
        int sessions = realm.admin().users().get(id).getUserSessions().size();
        refused(challenge(stepUp(stepUpSession(email), Pkce.fresh(), "2", null)), 403, "redirect_to_web");
        assertEquals(sessions + 1, realm.admin().users().get(id).getUserSessions().size(),
            "only the login that made the auth_session holds a session; the refused step-up's was withdrawn");

        refused(challenge(stepUp(stepUpSession(email), Pkce.fresh(), "3", null)), 403, "redirect_to_web");
        refused(challenge(stepUp(stepUpSession(email), Pkce.fresh(), "gold", null)), 400, "invalid_request");
        refused(challenge(stepUp(stepUpSession(email), Pkce.fresh(), null, "soon")), 400, "invalid_request");
        refused(challenge(stepUp(stepUpSession(email), Pkce.fresh(), null, null)), 400, "invalid_request");
        Map<String, String> noPkce = stepUp(stepUpSession(email), Pkce.fresh(), "1", null);
        noPkce.remove("code_challenge");
        refused(challenge(noPkce), 400, "invalid_request");
        Map<String, String> credentials = new LinkedHashMap<>(Map.of("auth_session", stepUpSession(email),
            "password", TABLE_PASSWORD));
        refused(challenge(credentials), 400, "invalid_request");
        Map<String, String> foreign = stepUp(stepUpSession(email), Pkce.fresh(), "1", null);
        foreign.put("client_id", "project-b");
        refused(challenge(foreign), 400, "invalid_session");

        String beforeLogout = stepUpSession(email);
        realm.admin().users().get(id).logout();
        refused(challenge(stepUp(beforeLogout, Pkce.fresh(), "1", null)), 400, "invalid_session");

        // a first request may ask for a level too
        Map<String, String> levelTwo = first(Pkce.fresh(), email, TABLE_PASSWORD);
        levelTwo.put("acr_values", "2");
        levelTwo.put("redirect_uri", CALLBACK);
        Http.Response web = challenge(levelTwo);
        refused(web, 403, "redirect_to_web");
        assertTrue(text(web.json(), "request_uri").startsWith("urn:ietf:params:oauth:request_uri:"), web.toString());
    }

    /** The realm's ACR to LoA mapping names the levels: acr_values may use its names, and the tokens carry them. */
    @Test
    void theRealmsAcrNamesAreTheLevels() throws Exception {
        String email = unique("fpsa");
        insert("members", email, true);
        Totp totp = enrollTotp(email);
        updateRealm(r -> {
            Map<String, String> attributes = new java.util.HashMap<>(r.getAttributes() == null ? Map.of()
                : r.getAttributes());
            attributes.put("acr.loa.map", "{\"silver\":1,\"gold\":2}");
            r.setAttributes(attributes);
        });
        try {
            Pkce pkce = Pkce.fresh();
            Map<String, String> gold = first(pkce, email, TABLE_PASSWORD);
            gold.put("acr_values", "gold");
            Http.Response password = challenge(gold);
            Http.Response done = next(password, "otp", totp.fresh());
            assertEquals("gold", claimsFor(codeOf(done), pkce, email).getStringClaim("acr"));
            Pkce again = Pkce.fresh();
            Http.Response silver = challenge(stepUp(text(done.json(), "auth_session"), again, "silver", "600"));
            assertEquals("gold", claimsFor(codeOf(silver), again, email).getStringClaim("acr"),
                "a fresh level-2 login stands for both factors");
        } finally {
            updateRealm(r -> {
                Map<String, String> attributes = new java.util.HashMap<>(r.getAttributes());
                attributes.put("acr.loa.map", "{}");
                r.setAttributes(attributes);
            });
        }
    }

    /** A password login of a user without a second factor; the auth_session its code came with. */
    private String stepUpSession(String email) {
        Http.Response login = challenge(first(Pkce.fresh(), email, TABLE_PASSWORD));
        codeOf(login);
        return text(login.json(), "auth_session");
    }

    private String userId(String email) {
        return realm.admin().users().search(email, true).get(0).getId();
    }

    /** Registers a software passkey for the user over Mavibase. */
    private SoftPasskey registerPasskey(String email) {
        String token = text(postJson(api("v1/platform/auth/login"), body("email", email, "password", TABLE_PASSWORD))
            .json(), "token");
        SoftPasskey key = new SoftPasskey();
        Http.Response options = postJson(api("v1/platform/passkeys/register/options"), null,
            "Authorization", "Bearer " + token);
        assertEquals(200, options.status(), options.toString());
        ObjectNode answer = key.register(options.json(), ORIGIN).put("name", "Phone");
        Http.Response stored = postJson(api("v1/platform/passkeys/register/verify"), answer.toString(),
            "Authorization", "Bearer " + token);
        assertEquals(200, stored.status(), stored.toString());
        return key;
    }

    /**
     * A login that began with a DPoP proof is bound to that key: each later step and the token request must prove
     * it, and the tokens are bound to it.
     */
    @Tag("smoke")
    @Test
    void aDpopBoundLoginNeedsTheSameKeyToTheEnd() throws Exception {
        ECKey mine = new ECKeyGenerator(Curve.P_256).generate();
        ECKey theirs = new ECKeyGenerator(Curve.P_256).generate();
        URI tokenEndpoint = realm.uri("/protocol/openid-connect/token");

        // each later step of a login that began with a proof must prove the same key
        String twoStep = unique("fpd2");
        insert("members", twoStep, true);
        Totp totp = enrollTotp(twoStep);
        Pkce pkce = Pkce.fresh();
        Http.Response first = challenge(first(pkce, twoStep, TABLE_PASSWORD), "DPoP", proof(mine, endpoint()));
        refused(first, 403, "insufficient_authorization");
        refused(next(first, "otp", totp.wrong(), "DPoP", proof(theirs, endpoint())), 400, "invalid_session");
        Http.Response second = challenge(first(pkce, twoStep, TABLE_PASSWORD), "DPoP", proof(mine, endpoint()));
        refused(next(second, "otp", totp.wrong()), 400, "invalid_session");
        Http.Response third = challenge(first(pkce, twoStep, TABLE_PASSWORD), "DPoP", proof(mine, endpoint()));
        String code = codeOf(next(third, "otp", totp.fresh(), "DPoP", proof(mine, endpoint())));
        Http.Response tokens = redeem(code, pkce.verifier(), "DPoP", proof(mine, tokenEndpoint));
        assertEquals(200, tokens.status(), tokens.toString());
        assertEquals("DPoP", text(tokens.json(), "token_type"), tokens.toString());

        // the code is bound to the key too: another key, or none, at the token endpoint gets no tokens
        String email = unique("fpd");
        insert("members", email, true);
        String stolen = codeOf(challenge(first(pkce, email, TABLE_PASSWORD), "DPoP", proof(mine, endpoint())));
        assertEquals(400, redeem(stolen, pkce.verifier(), "DPoP", proof(theirs, tokenEndpoint)).status());
        String bare = codeOf(challenge(first(pkce, email, TABLE_PASSWORD), "DPoP", proof(mine, endpoint())));
        assertEquals(400, redeem(bare, pkce.verifier()).status(), "no proof at the token endpoint");
        forgetFailures();
    }

    /** A DPoP proof (RFC 9449) of this key for a POST to {@code uri}. */
    private static String proof(ECKey key, URI uri) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
            .type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK()).build(),
            new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", "POST")
                .claim("htu", uri.toString()).issueTime(new Date()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Tag("smoke")
    @Test
    void discoveryNamesTheEndpoint() {
        String expected = realm.uri("/api/oauth/authorize-challenge").toString();
        Http.Response oidc = Http.get(realm.uri("/.well-known/openid-configuration"));
        assertEquals(200, oidc.status(), oidc.toString());
        assertEquals(expected, text(oidc.json(), "authorization_challenge_endpoint"), oidc.toString());
        assertNotNull(text(oidc.json(), "token_endpoint"), "Keycloak's own fields stay");
        List<URI> rfc8414 = new ArrayList<>();
        rfc8414.add(realm.uri("/.well-known/oauth-authorization-server"));
        for (URI uri : rfc8414) {
            Http.Response metadata = Http.get(uri);
            assertEquals(200, metadata.status(), uri + ": " + metadata);
            assertEquals(expected, text(metadata.json(), "authorization_challenge_endpoint"), metadata.toString());
        }
    }
}

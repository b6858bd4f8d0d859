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
class FirstPartyAppsIT extends RestFixture {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String RP_ID = "app.example.test";

    @BeforeAll
    void passkeySettings() {
        setting("passkeyRpId", RP_ID);
        setting("passkeyOrigins", ORIGIN);
    }

    /**
     * A first-party app's client redeems codes: Standard flow on (the test realm's clients have it off), and a
     * redirect URI for a login that must go on in the browser.
     */
    @BeforeAll
    void standardFlow() {
        for (String clientId : List.of("app", "project-b", "confidential")) {
            var client = realm.admin().clients().findByClientId(clientId).get(0);
            client.setStandardFlowEnabled(true);
            client.setRedirectUris(List.of(CALLBACK));
            realm.admin().clients().get(client.getId()).update(client);
        }
    }

    private static final String CALLBACK = "http://app.example.test/callback";

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

    /** A PKCE pair: the verifier the app keeps, the S256 challenge it sends. */
    private record Pkce(String verifier, String challenge) {
        static Pkce fresh() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private URI endpoint() {
        return realm.uri("/api/oauth/authorize-challenge");
    }

    private Http.Response challenge(Map<String, String> form, String... headers) {
        return Http.postForm(endpoint(), form, headers);
    }

    /** The first request of a password login for the default client. */
    private Map<String, String> first(Pkce pkce, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("response_type", "code");
        form.put("client_id", "app");
        form.put("scope", "openid");
        form.put("code_challenge", pkce.challenge());
        form.put("code_challenge_method", "S256");
        form.put("username", username);
        if (password != null) {
            form.put("password", password);
        }
        return form;
    }

    private Http.Response redeem(String code, String verifier, String... headers) {
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type", "authorization_code",
            "client_id", "app", "code", code, "code_verifier", verifier), headers);
    }

    private static String codeOf(Http.Response r) {
        assertEquals(200, r.status(), r.toString());
        assertEquals("no-store", r.raw().headers().firstValue("Cache-Control").orElse(null), r.toString());
        String code = text(r.json(), "authorization_code");
        assertNotNull(code, r.toString());
        return code;
    }

    private static void refused(Http.Response r, int status, String error) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(error, text(r.json(), "error"), r.toString());
        assertNull(r.json().get("authorization_code"), r.toString());
    }

    /** The tokens a code gives, checked against the realm's keys; the access token's claims. */
    private JsonNode tokensFor(String code, Pkce pkce, String email) throws Exception {
        Http.Response tokens = redeem(code, pkce.verifier());
        assertEquals(200, tokens.status(), tokens.toString());
        var claims = Tokens.verifyAccessToken(realm, text(tokens.json(), "access_token"));
        assertEquals(email, claims.getStringClaim("email"));
        assertNotNull(text(tokens.json(), "id_token"), "scope=openid: an ID token too");
        return tokens.json();
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
        String code = codeOf(challenge(Map.of("auth_session", text(options.json(), "auth_session"),
            "webauthn_response", assertion.toString())));
        tokensFor(code, pkce, email);

        // the password may follow a name alone too
        Http.Response named = challenge(first(Pkce.fresh(), email, null));
        Pkce later = Pkce.fresh();
        Http.Response again = challenge(first(later, email, null));
        codeOf(challenge(Map.of("auth_session", text(again.json(), "auth_session"), "password", TABLE_PASSWORD)));
        assertNotNull(text(named.json(), "auth_session"));
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
        refused(challenge(Map.of("auth_session", text(first.json(), "auth_session"), "otp", totp.wrong()), "DPoP",
            proof(theirs, endpoint())), 400, "invalid_session");
        Http.Response second = challenge(first(pkce, twoStep, TABLE_PASSWORD), "DPoP", proof(mine, endpoint()));
        refused(challenge(Map.of("auth_session", text(second.json(), "auth_session"), "otp", totp.wrong())), 400,
            "invalid_session");
        Http.Response third = challenge(first(pkce, twoStep, TABLE_PASSWORD), "DPoP", proof(mine, endpoint()));
        String code = codeOf(challenge(Map.of("auth_session", text(third.json(), "auth_session"), "otp",
            totp.fresh()), "DPoP", proof(mine, endpoint())));
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

package io.tableauth.it.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a first-party app does at the authorization challenge endpoint (draft-ietf-oauth-first-party-apps-04): its
 * requests, and the redemption of a code at Keycloak's token endpoint. The tests are {@link FirstPartyAppsIT}'s, and
 * {@link MariaDbFirstPartyAppsIT}'s with the users table on MariaDB.
 */
abstract class FirstPartyFixture extends RestFixture {

    private static final SecureRandom RANDOM = new SecureRandom();

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

    static final String CALLBACK = "http://app.example.test/callback";

    /** A PKCE pair: the verifier the app keeps, the S256 challenge it sends. */
    record Pkce(String verifier, String challenge) {
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

    URI endpoint() {
        return realm.uri("/api/oauth/authorize-challenge");
    }

    Http.Response challenge(Map<String, String> form, String... headers) {
        return Http.postForm(endpoint(), form, headers);
    }

    /** The first request of a password login for the default client. */
    Map<String, String> first(Pkce pkce, String username, String password) {
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

    Http.Response redeem(String code, String verifier, String... headers) {
        return Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of("grant_type", "authorization_code",
            "client_id", "app", "code", code, "code_verifier", verifier), headers);
    }

    static String codeOf(Http.Response r) {
        assertEquals(200, r.status(), r.toString());
        assertEquals("no-store", r.raw().headers().firstValue("Cache-Control").orElse(null), r.toString());
        String code = text(r.json(), "authorization_code");
        assertNotNull(code, r.toString());
        return code;
    }

    static void refused(Http.Response r, int status, String error) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(error, text(r.json(), "error"), r.toString());
        assertNull(r.json().get("authorization_code"), r.toString());
    }

    /** The tokens a code gives, checked against the realm's keys; the access token's claims. */
    JsonNode tokensFor(String code, Pkce pkce, String email) throws Exception {
        Http.Response tokens = redeem(code, pkce.verifier());
        assertEquals(200, tokens.status(), tokens.toString());
        var claims = Tokens.verifyAccessToken(realm, text(tokens.json(), "access_token"));
        assertEquals(email, claims.getStringClaim("email"));
        assertNotNull(text(tokens.json(), "id_token"), "scope=openid: an ID token too");
        return tokens.json();
    }

    /** The verified access token's claims for a code. */
    com.nimbusds.jwt.JWTClaimsSet claimsFor(String code, Pkce pkce, String email) throws Exception {
        return Tokens.verifyAccessToken(realm, text(tokensFor(code, pkce, email), "access_token"));
    }

    /** The next step of a login: the auth_session of the previous answer, and one credential. */
    Http.Response next(Http.Response previous, String name, String value, String... headers) {
        return challenge(Map.of("auth_session", text(previous.json(), "auth_session"), name, value), headers);
    }
}

package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.FormBrowser;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Directus's {@code GET /auth/oauth} and {@code GET /auth/oauth/{provider}}, with a second realm of the same Keycloak
 * as the OpenID Connect provider: the login runs in Keycloak's browser and broker flows, and ends at the app's
 * allow-listed redirect with the refresh token in its cookie, or as JSON.
 */
class DirectusOAuthIT extends RestFixture {

    static final String AFTER = ORIGIN + "/after-login";
    static final String PROVIDER_USER = "ida";
    static final String PROVIDER_PASSWORD = "ida-password";
    static final String PROVIDER_EMAIL = "ida@partner.example";

    @RegisterExtension
    final TestRealm partner = TestRealm.fromResource("/realms/oidc-provider-realm.json");

    @BeforeAll
    void providerAndClient() {
        ClientRepresentation broker = partner.admin().clients().findByClientId("tableauth-broker").get(0);
        broker.setRedirectUris(List.of(realm.uri("/broker/partner/endpoint").toString()));
        partner.admin().clients().get(broker.getId()).update(broker);

        realm.admin().identityProviders().create(oidc("partner", true, false)).close();
        realm.admin().identityProviders().create(oidc("retired", false, false)).close();
        realm.admin().identityProviders().create(oidc("linking", true, true)).close();

        ClientRepresentation app = realm.admin().clients().findByClientId("app").get(0);
        app.setStandardFlowEnabled(true);
        app.setRedirectUris(List.of(realm.uri("/auth/oauth/*").toString(), AFTER + "*"));
        realm.admin().clients().get(app.getId()).update(app);
    }

    private IdentityProviderRepresentation oidc(String alias, boolean enabled, boolean linkOnly) {
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias(alias);
        idp.setProviderId("oidc");
        idp.setEnabled(enabled);
        idp.setLinkOnly(linkOnly);
        String base = partner.uri("/protocol/openid-connect").toString();
        idp.setConfig(new java.util.HashMap<>(Map.of(
            "authorizationUrl", base + "/auth",
            "tokenUrl", base + "/token",
            "jwksUrl", base + "/certs",
            "useJwksUrl", "true",
            "validateSignature", "true",
            "issuer", partner.uri("").toString().replaceAll("/$", ""),
            "clientId", "tableauth-broker",
            "clientSecret", "tableauth-broker-secret",
            "clientAuthMethod", "client_secret_post",
            "defaultScope", "openid email profile")));
        idp.getConfig().put("syncMode", "IMPORT");
        return idp;
    }

    private String authority() {
        return realm.uri("").getRawAuthority();
    }

    private URI start(String query) {
        return auth("oauth/partner" + query);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String code(Http.Response r) {
        return r.json().get("errors").get(0).get("extensions").get("code").asText();
    }

    /** Starts at our endpoint, logs in at the partner realm's own login page, and returns the answer after it. */
    private Http.Response loginAtProvider(FormBrowser browser, URI start) {
        Http.Response first = browser.open(start);
        assertEquals(302, first.status(), first.toString());
        URI keycloak = browser.location();
        assertTrue(keycloak.getPath().endsWith("/realms/" + realm.name() + "/protocol/openid-connect/auth"), keycloak.toString());
        assertTrue(keycloak.getRawQuery().contains("kc_idp_hint=partner"), keycloak.toString());
        assertTrue(keycloak.getRawQuery().contains("code_challenge_method=S256"), keycloak.toString());
        String state = Http.setCookies(first).get("tableauth_oauth_state");
        assertNotNull(state, "the login's state cookie");
        assertTrue(state.contains("HttpOnly") && state.contains("SameSite=Lax") && state.contains("Path=/realms/"
            + realm.name() + "/auth/oauth/"), state);

        Http.Response page = browser.follow(authority());
        assertEquals(200, page.status(), page.toString());
        assertTrue(page.raw().uri().getPath().startsWith("/realms/" + partner.name() + "/"),
            "the provider's own login page: " + page.raw().uri());
        browser.submit("kc-form-login", Map.of("username", PROVIDER_USER, "password", PROVIDER_PASSWORD));
        return browser.follow(authority());
    }

    @Test
    void listsTheProvidersUsersCanLogInWith() {
        Http.Response r = Http.get(auth("oauth"));
        assertEquals(200, r.status(), r.toString());
        assertEquals("{\"public\":true,\"data\":[\"partner\"]}", r.body(), "not the disabled or link-only ones");
    }

    @Test
    void providerLoginEndsAtTheRedirectWithTheRefreshCookie() throws Exception {
        FormBrowser browser = new FormBrowser();
        Http.Response end = loginAtProvider(browser, start("?redirect=" + enc(AFTER + "?next=/dashboard")));
        assertEquals(302, end.status(), end.toString());
        assertEquals(AFTER + "?next=/dashboard", browser.location().toString());
        String cookie = Http.setCookies(end).get("directus_refresh_token");
        assertNotNull(cookie, end.raw().headers().map().toString());
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertNull(browser.cookie("tableauth_oauth_state"), "the state cookie is cleared");

        // The app then gets an access token with the cookie, as after a cookie-mode login.
        Http.Response refreshed = postJson(auth("refresh"), body("mode", "cookie"),
            "Cookie", "directus_refresh_token=" + Http.cookieValue(cookie), "Origin", ORIGIN);
        assertEquals(200, refreshed.status(), refreshed.toString());
        var claims = Tokens.verifyAccessToken(realm, text(refreshed.json().get("data"), "access_token"));
        assertEquals(PROVIDER_EMAIL, claims.getStringClaim("email"));

        // The user is a Keycloak user linked to the provider, not a row of the writable members table.
        List<UserRepresentation> users = realm.admin().users().searchByEmail(PROVIDER_EMAIL, true);
        assertEquals(1, users.size());
        assertEquals("partner", realm.admin().users().get(users.get(0).getId()).getFederatedIdentity().get(0)
            .getIdentityProvider());
        assertNull(column("members", PROVIDER_EMAIL, "id"));
    }

    @Test
    void withoutRedirectTheCallbackAnswersTheTokensAsJson() throws Exception {
        FormBrowser browser = new FormBrowser();
        Http.Response end = loginAtProvider(browser, start(""));
        assertEquals(200, end.status(), end.toString());
        JsonNode data = end.json().get("data");
        var claims = Tokens.verifyAccessToken(realm, text(data, "access_token"));
        assertEquals(PROVIDER_EMAIL, claims.getStringClaim("email"));
        assertTrue(data.get("expires").asLong() > 0);
        Http.Response refreshed = postJson(auth("refresh"), body("refresh_token", text(data, "refresh_token")));
        assertEquals(200, refreshed.status(), refreshed.toString());

        // Keycloak's SSO session is set too: a second provider login needs no password. In session mode the access
        // token comes in Directus's session cookie as well.
        assertEquals(302, browser.open(start("?redirect=" + enc(AFTER) + "&mode=session")).status());
        Http.Response again = browser.follow(authority());
        assertEquals(302, again.status(), again.toString());
        assertEquals(AFTER, browser.location().toString());
        String session = Http.setCookies(again).get("directus_session_token");
        assertNotNull(session, again.raw().headers().map().toString());
        assertNotNull(Http.setCookies(again).get("directus_refresh_token"));
        var sessionClaims = Tokens.verifyAccessToken(realm, Http.cookieValue(session));
        assertEquals(PROVIDER_EMAIL, sessionClaims.getStringClaim("email"));
    }

    @Test
    void refusesForeignRedirectsAndUnknownProviders() {
        Http.Response evil = Http.get(start("?redirect=" + enc("https://evil.example/steal")));
        assertEquals(400, evil.status(), evil.toString());
        assertEquals("INVALID_PAYLOAD", code(evil));
        assertTrue(evil.body().contains("can't be used to redirect after login"), evil.body());
        assertNull(Http.setCookies(evil).get("tableauth_oauth_state"));

        for (String alias : List.of("nope", "retired", "linking")) {
            Http.Response unknown = Http.get(auth("oauth/" + alias));
            assertEquals(404, unknown.status(), alias + ": " + unknown);
            assertEquals("ROUTE_NOT_FOUND", code(unknown));
        }
        for (String mode : List.of("magic", "json")) {
            Http.Response badMode = Http.get(start("?redirect=" + enc(AFTER) + "&mode=" + mode));
            assertEquals(400, badMode.status(), mode + ": " + badMode);
            assertEquals("INVALID_PAYLOAD", code(badMode));
        }
    }

    @Test
    void callbacksNotStartedInThisBrowserAreRefused() {
        Http.Response noCookie = Http.get(auth("oauth/partner/callback?code=abc&state=def"));
        assertEquals(401, noCookie.status(), noCookie.toString());
        assertEquals("INVALID_CREDENTIALS", code(noCookie));

        FormBrowser browser = new FormBrowser();
        browser.open(start("?redirect=" + enc(AFTER)));
        String state = java.util.Arrays.stream(browser.location().getRawQuery().split("&"))
            .filter(p -> p.startsWith("state=")).findFirst().orElseThrow().substring(6);
        Http.Response wrongState = browser.open(auth("oauth/partner/callback?code=abc&state=other"));
        assertEquals(401, wrongState.status(), wrongState.toString());
        Http.Response otherProvider = browser.open(auth("oauth/retired/callback?code=abc&state=" + state));
        assertEquals(401, otherProvider.status(), otherProvider.toString());

        // Started here, but the code is not one Keycloak issued: back to the app with Directus's reason.
        Http.Response forged = browser.open(auth("oauth/partner/callback?code=forged&state=" + state));
        assertEquals(302, forged.status(), forged.toString());
        assertEquals(AFTER + "?reason=INVALID_CREDENTIALS", browser.location().toString());
        assertNull(browser.cookie("tableauth_oauth_state"));
    }

    @Test
    void aClientWithoutTheCallbackGetsAClearConfigurationError() {
        ClientRepresentation app = realm.admin().clients().findByClientId("app").get(0);
        List<String> before = app.getRedirectUris();
        app.setRedirectUris(List.of(AFTER + "*"));
        realm.admin().clients().get(app.getId()).update(app);
        try {
            Http.Response r = Http.get(start("?redirect=" + enc(AFTER)));
            assertEquals(500, r.status(), r.toString());
            assertTrue(r.body().contains("Valid redirect URIs") && r.body().contains("/auth/oauth/*"), r.body());
        } finally {
            app.setRedirectUris(before);
            realm.admin().clients().get(app.getId()).update(app);
        }
    }
}

package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Directus: {@code /auth/login} (Directus owns it by default), refresh and logout, in json, cookie and session mode. */
class DirectusIT extends RestFixture {

    private Http.Response login(String email, String password, String mode) {
        return postJson(auth("login"), mode == null ? body("email", email, "password", password)
            : body("email", email, "password", password, "mode", mode));
    }

    private static String code(Http.Response r) {
        return r.json().get("errors").get(0).get("extensions").get("code").asText();
    }

    @Tag("smoke")
    @Test
    void jsonModeLoginAndRefresh() throws Exception {
        String email = unique("dl");
        insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD, null);
        assertEquals(200, r.status(), r.toString());
        JsonNode data = r.json().get("data");
        var claims = Tokens.verifyAccessToken(realm, text(data, "access_token"));
        long lifespan = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
        assertEquals(300, lifespan, "the realm's access token lifespan");
        // Keycloak's expires_in, passed on: the lifespan in seconds, less the second that may tick while it answers
        long expires = data.get("expires").asLong();
        assertTrue(expires == lifespan || expires == lifespan - 1, "expires in seconds: " + expires);
        String refresh = text(data, "refresh_token");

        Http.Response refreshed = postJson(auth("refresh"), body("refresh_token", refresh));
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertNotEquals(refresh, text(refreshed.json().get("data"), "refresh_token"));
        Http.Response reused = postJson(auth("refresh"), body("refresh_token", refresh));
        assertEquals(401, reused.status());
        assertEquals("INVALID_CREDENTIALS", code(reused));
    }

    @Test
    void credentialErrorsAreDirectusErrors() throws Exception {
        String email = unique("de");
        insert("members", email, true);
        Http.Response wrong = login(email, "not the password", null);
        assertEquals(401, wrong.status());
        assertEquals("{\"errors\":[{\"message\":\"Invalid user credentials.\",\"extensions\":"
            + "{\"code\":\"INVALID_CREDENTIALS\"}}]}", wrong.body());
        assertEquals(wrong.body(), login(unique("nobody"), "not the password", null).body());
        String disabled = unique("dd");
        insert("members", disabled, false);
        Http.Response suspended = login(disabled, TABLE_PASSWORD, null);
        assertEquals(401, suspended.status());
        assertEquals("USER_SUSPENDED", code(suspended));
        Http.Response missing = postJson(auth("refresh"), "{}");
        assertEquals(400, missing.status());
        assertEquals("INVALID_PAYLOAD", code(missing));
        Http.Response huge = postJson(auth("login"), body("email", "a@example.com", "password", "x".repeat(70_000)));
        assertEquals(413, huge.status());
        assertEquals("CONTENT_TOO_LARGE", code(huge));
        Http.Response malformed = postJson(auth("login"), "{\"email\"");
        assertEquals(400, malformed.status());
        assertEquals("INVALID_PAYLOAD", code(malformed));
    }

    @Test
    void cookieModeKeepsTheRefreshTokenInAnHttpOnlyCookie() throws Exception {
        String email = unique("dc");
        insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD, "cookie");
        assertEquals(200, r.status(), r.toString());
        JsonNode data = r.json().get("data");
        assertNotNull(text(data, "access_token"));
        assertNull(data.get("refresh_token"), "cookie mode keeps the refresh token out of the body");
        String cookie = Http.setCookies(r).get("directus_refresh_token");
        assertNotNull(cookie, r.raw().headers().map().toString());
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
        String value = "directus_refresh_token=" + Http.cookieValue(cookie);

        // Cookie-authenticated refresh: only from an allowed origin (CSRF).
        Http.Response noOrigin = postJson(auth("refresh"), body("mode", "cookie"), "Cookie", value);
        assertEquals(403, noOrigin.status(), noOrigin.toString());
        Http.Response evil = postJson(auth("refresh"), body("mode", "cookie"), "Cookie", value,
            "Origin", "http://evil.example.test");
        assertEquals(403, evil.status());
        assertEquals("FORBIDDEN", code(evil));
        Http.Response ok = postJson(auth("refresh"), body("mode", "cookie"), "Cookie", value, "Origin", ORIGIN);
        assertEquals(200, ok.status(), ok.toString());
        String rotated = Http.setCookies(ok).get("directus_refresh_token");
        assertNotNull(rotated);
        assertNotEquals(Http.cookieValue(cookie), Http.cookieValue(rotated));
        assertEquals(ORIGIN, ok.raw().headers().firstValue("access-control-allow-origin").orElse(null));
        assertEquals("true", ok.raw().headers().firstValue("access-control-allow-credentials").orElse(null),
            "a browser reads a credentialed answer only with this");

        String userId = Tokens.verifyAccessToken(realm, text(ok.json().get("data"), "access_token")).getSubject();
        assertEquals(1, sessionsOf(userId).size());
        Http.Response out = postJson(auth("logout"), body("mode", "cookie"),
            "Cookie", "directus_refresh_token=" + Http.cookieValue(rotated), "Origin", ORIGIN);
        assertEquals(204, out.status(), out.toString());
        assertTrue(Http.setCookies(out).get("directus_refresh_token").contains("Max-Age=0"));
        assertTrue(sessionsOf(userId).isEmpty());
    }

    /**
     * Auth cookies: scoped to this realm's paths, alive exactly as long as the token they carry, with the realm's
     * SameSite and Secure settings; a cookie-authenticated logout from another site is refused, and without Origin the
     * Referer decides.
     */
    @Test
    void authCookiesFollowTheRealmsSettingsAndCookieCallsCheckTheOrigin() throws Exception {
        String email = unique("dk");
        insert("members", email, true);
        var rep = realm.admin().toRepresentation();
        String refresh = Http.setCookies(login(email, TABLE_PASSWORD, "cookie")).get("directus_refresh_token");
        assertTrue(refresh.contains("Path=/realms/" + realm.name() + "/"), refresh);
        assertLifetime(rep.getSsoSessionIdleTimeout(), maxAge(refresh), "the refresh token's lifetime: " + refresh);
        assertFalse(refresh.contains("Secure"), "this realm turns Secure off for plain http: " + refresh);
        String session = Http.setCookies(login(email, TABLE_PASSWORD, "session")).get("directus_session_token");
        assertLifetime(rep.getAccessTokenLifespan(), maxAge(session), "the access token's lifetime: " + session);

        setting("cookieSecure", "true");
        setting("cookieSameSite", "Strict");
        try {
            String strict = Http.setCookies(login(email, TABLE_PASSWORD, "cookie")).get("directus_refresh_token");
            assertTrue(strict.contains("SameSite=Strict") && strict.contains("Secure"), strict);
            setting("cookieSameSite", "None");
            String none = Http.setCookies(login(email, TABLE_PASSWORD, "cookie")).get("directus_refresh_token");
            assertTrue(none.contains("SameSite=None") && none.contains("Secure"), none);
        } finally {
            setting("cookieSameSite", "Lax");
            setting("cookieSecure", "false");
        }

        String cookie = "directus_refresh_token=" + Http.cookieValue(refresh);
        String userId = realm.admin().users().search(email, true).get(0).getId();
        int sessions = sessionsOf(userId).size();
        Http.Response foreign = postJson(auth("logout"), body("mode", "cookie"), "Cookie", cookie,
            "Origin", "http://evil.example.test");
        assertEquals(403, foreign.status(), "a logout another site's page sends: " + foreign);
        Http.Response foreignReferer = postJson(auth("logout"), body("mode", "cookie"), "Cookie", cookie,
            "Referer", "http://evil.example.test/page");
        assertEquals(403, foreignReferer.status(), "without Origin, the Referer decides: " + foreignReferer);
        assertEquals(sessions, sessionsOf(userId).size(), "the refused logouts ended nothing");
        Http.Response ownReferer = postJson(auth("logout"), body("mode", "cookie"), "Cookie", cookie,
            "Referer", ORIGIN + "/account");
        assertEquals(204, ownReferer.status(), "an allowed page's Referer: " + ownReferer);
        assertEquals(sessions - 1, sessionsOf(userId).size(), "and that logout ended its session");
    }

    @Tag("smoke")
    @Test
    void sessionModeSetsASessionCookieThatMeReads() throws Exception {
        String email = unique("ds");
        insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD, "session");
        assertEquals(200, r.status(), r.toString());
        JsonNode data = r.json().get("data");
        assertNull(data.get("access_token"));
        assertNull(data.get("refresh_token"));
        assertTrue(data.get("expires").asLong() > 0);
        String session = Http.setCookies(r).get("directus_session_token");
        assertNotNull(session);
        assertTrue(session.contains("HttpOnly"));
        Http.Response me = Http.get(auth("me"), "Cookie", "directus_session_token=" + Http.cookieValue(session));
        assertEquals(200, me.status(), me.toString());
        assertEquals(email, text(me.json().get("user"), "email"));
    }

    @Tag("smoke")
    @Test
    void logoutWithTheTokenInTheBodyEndsTheSession() throws Exception {
        String email = unique("dx");
        insert("members", email, true);
        JsonNode data = login(email, TABLE_PASSWORD, null).json().get("data");
        String userId = Tokens.verifyAccessToken(realm, text(data, "access_token")).getSubject();
        Http.Response out = postJson(auth("logout"), body("refresh_token", text(data, "refresh_token")));
        assertEquals(204, out.status(), out.toString());
        assertTrue(sessionsOf(userId).isEmpty());
        Http.Response again = postJson(auth("logout"), body("refresh_token", text(data, "refresh_token")));
        assertEquals(401, again.status());
        assertFalse(again.body().contains("Exception"));
    }
}

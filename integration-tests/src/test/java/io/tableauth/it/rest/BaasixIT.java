package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Baasix: register, login (this realm gives Baasix {@code POST /auth/login}) and me, in jwt and cookie mode. */
class BaasixIT extends RestFixture {

    @BeforeAll
    void baasixOwnsLogin() {
        setting("loginOwner", "baasix");
    }

    private Http.Response login(String email, String password, String authMode) {
        return postJson(auth("login"), authMode == null ? body("email", email, "password", password)
            : body("email", email, "password", password, "authMode", authMode));
    }

    @Tag("smoke")
    @Test
    void registerAnswersTokenUserRolePermissionsAndTenant() throws Exception {
        String email = unique("br");
        Http.Response r = postJson(auth("register"), body("firstName", "John", "lastName", "Doe", "email", email,
            "password", "securepass123", "authMode", "jwt"));
        assertEquals(200, r.status(), r.toString());
        JsonNode json = r.json();
        assertEquals("User registered successfully", text(json, "message"));
        assertEquals("jwt", text(json, "authMode"));
        Tokens.verifyAccessToken(realm, text(json, "token"));
        assertEquals(email, text(json.get("user"), "email"));
        assertEquals("John", text(json.get("user"), "firstName"));
        assertEquals("Doe", text(json.get("user"), "lastName"));
        // The role shown is the user's first own realm role by name (as Keycloak stores the new user's mappings),
        // else the realm's default role; the permissions are the user's effective realm roles by name.
        var defaultRole = realm.admin().toRepresentation().getDefaultRole();
        var user = realm.admin().users().get(realm.admin().users().search(email, true).get(0).getId());
        var own = user.roles().realmLevel().listAll().stream()
            .filter(role -> !role.getId().equals(defaultRole.getId()))
            .sorted(java.util.Comparator.comparing(role -> role.getName().toLowerCase(java.util.Locale.ROOT)))
            .toList();
        var expectedRole = own.isEmpty() ? defaultRole : own.get(0);
        assertEquals(expectedRole.getId(), text(json.get("role"), "id"));
        assertEquals(expectedRole.getName(), text(json.get("role"), "name"));
        assertEquals(user.roles().realmLevel().listEffective().stream().map(role -> role.getName())
                .filter(n -> !n.equals(defaultRole.getName())).sorted().toList(),
            java.util.stream.StreamSupport.stream(json.get("permissions").spliterator(), false)
                .map(JsonNode::asText).toList(), "the effective realm roles, by name");
        assertTrue(json.get("tenant").isNull());
        assertEquals("John", column("members", email, "first_name"));

        Http.Response duplicate = postJson(auth("register"), body("firstName", "John", "lastName", "Doe",
            "email", email, "password", "securepass123"));
        assertEquals(400, duplicate.status());
        assertEquals("{\"message\":\"User already exists\"}", duplicate.body());
    }

    @Tag("smoke")
    @Test
    void loginShowsRoleAndPermissionsOfAKeycloakUser() {
        Http.Response r = login("kc-user@example.com", "kc-user-password", null);
        assertEquals(200, r.status(), r.toString());
        JsonNode json = r.json();
        assertEquals("editor", text(json.get("role"), "name"));
        assertTrue(json.get("permissions").toString().contains("editor"), json.toString());
        Http.Response me = Http.get(auth("me"), "Authorization", "Bearer " + text(json, "token"));
        assertEquals(200, me.status(), me.toString());
        assertEquals("Kay", text(me.json().get("user"), "firstName"));
    }

    @Test
    void wrongPasswordAndUnknownUserAreTheDocumented400() throws Exception {
        String email = unique("bw");
        insert("members", email, true);
        Http.Response wrong = login(email, "not the password", null);
        Http.Response unknown = login(unique("nobody"), "not the password", null);
        assertEquals(400, wrong.status());
        assertEquals("{\"message\":\"Incorrect password.\"}", wrong.body());
        assertEquals(wrong.status(), unknown.status());
        assertEquals(wrong.body(), unknown.body());
    }

    @Tag("smoke")
    @Test
    void cookieModeSetsAnHttpOnlyCookieThatMeAccepts() throws Exception {
        String email = unique("bc");
        insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD, "cookie");
        assertEquals(200, r.status(), r.toString());
        assertEquals("cookie", text(r.json(), "authMode"));
        assertNull(r.json().get("token"), "cookie mode keeps the token out of the body");
        String cookie = Http.setCookies(r).get("token");
        assertNotNull(cookie, "no token cookie: " + r.raw().headers().map());
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertFalse(cookie.contains("Secure"), "this realm turned Secure off for plain http: " + cookie);
        assertTrue(cookie.contains("Path=/realms/" + realm.name() + "/"), cookie);
        Http.Response me = Http.get(auth("me"), "Cookie", "token=" + Http.cookieValue(cookie));
        assertEquals(200, me.status(), me.toString());
        assertEquals(email, text(me.json().get("user"), "email"));

        setting("cookieSecure", "true");
        try {
            String secure = Http.setCookies(login(email, TABLE_PASSWORD, "cookie")).get("token");
            assertTrue(secure.contains("Secure"), secure);
        } finally {
            setting("cookieSecure", "false");
        }
    }

    @Test
    void meWithoutAValidTokenIsUnauthorized() {
        Http.Response none = Http.get(auth("me"));
        assertEquals(401, none.status());
        assertEquals("{\"message\":\"Unauthorized\"}", none.body());
        assertEquals(401, Http.get(auth("me"), "Authorization", "Bearer nonsense").status());
        assertEquals(401, Http.get(auth("me"), "Cookie", "token=nonsense").status());
    }

    @Test
    void badInputKeepsBaasixsShape() {
        Http.Response malformed = postJson(auth("login"), "{oops");
        assertEquals(400, malformed.status());
        assertNotNull(text(malformed.json(), "message"));
        Http.Response mode = login("kc-user@example.com", "kc-user-password", "carrier-pigeon");
        assertEquals(400, mode.status());
        assertTrue(text(mode.json(), "message").contains("authMode"));
    }

    @Test
    void theRealmSettingDecidesWhoOwnsAuthLogin() {
        String b = body("email", "kc-user@example.com", "password", "kc-user-password");
        assertNotNull(postJson(auth("login"), b).json().get("token"), "Baasix shape while Baasix owns it");
        setting("loginOwner", "directus");
        try {
            Http.Response directus = postJson(auth("login"), b);
            assertEquals(200, directus.status(), directus.toString());
            assertNotNull(directus.json().get("data").get("access_token"), "Directus shape once Directus owns it");
        } finally {
            setting("loginOwner", "baasix");
        }
        assertNotNull(postJson(auth("login"), b).json().get("token"));
    }
}

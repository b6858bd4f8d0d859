package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** SlashApi: {@code /auth/{identifier}/...} where the identifier is the auth config's name ("members"). */
class SlashApiIT extends RestFixture {

    static final String NO_PERMISSION = "{\"message\":\"You don't have permission to access this data.\"}";

    private Http.Response register(String data, String... headers) {
        return postJson(auth("members/register"), "{\"data\":" + data + "}", headers);
    }

    private Http.Response login(String email, String password) {
        return postJson(auth("members/login"), body("email", email, "password", password));
    }

    private String adminToken() {
        return text(Tokens.passwordGrant(realm, "app", "kc-admin", "kc-admin-password").json(), "access_token");
    }

    @Tag("smoke")
    @Test
    void registerStoresCustomAttributesAndAnswersInData() throws Exception {
        String email = unique("sr");
        Http.Response r = register("{\"email\":\"" + email + "\",\"password\":\"12345678\","
            + "\"custom_attributes\":{\"internal_id\":1}}");
        assertEquals(201, r.status(), r.toString());
        JsonNode data = r.json().get("data");
        assertEquals(email, text(data, "email"));
        assertEquals(1, data.get("custom_attributes").get("internal_id").asInt());
        assertTrue(data.get("permissions").isArray());
        assertTrue(text(data, "created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
            text(data, "created_at"));
        assertTrue(column("members", email, "password").startsWith("$2y$"));
    }

    @Test
    void permissionsNeedAUserManager() throws Exception {
        String data = "{\"email\":\"%s\",\"password\":\"12345678\",\"permissions\":[\"*\"]}";
        String self = unique("sp");
        Http.Response refused = register(data.formatted(self));
        assertEquals(403, refused.status());
        assertEquals(NO_PERMISSION, refused.body());
        assertNull(column("members", self, "id"));
        Http.Response granted = register(data.formatted(unique("sp")), "Authorization", "Bearer " + adminToken());
        assertEquals(201, granted.status(), granted.toString());
        assertEquals("[\"*\"]", granted.json().get("data").get("permissions").toString());
    }

    @Test
    void validationErrorsAreLaravels422() throws Exception {
        Http.Response invalid = register("{\"email\":\"not-an-email\",\"password\":\"12345678\"}");
        assertEquals(422, invalid.status());
        assertEquals("{\"message\":\"The given data was invalid.\",\"errors\":{\"data.email\":"
            + "[\"The data.email must be a valid email address.\"]}}", invalid.body());
        String email = unique("sd");
        insert("members", email, true);
        Http.Response taken = register("{\"email\":\"" + email + "\",\"password\":\"12345678\"}");
        assertEquals(422, taken.status());
        assertEquals("The data.email has already been taken.",
            taken.json().get("errors").get("data.email").get(0).asText());
        Http.Response weak = register("{\"email\":\"" + unique("sw") + "\",\"password\":\"123\"}");
        assertEquals(422, weak.status(), weak.toString());
        assertTrue(weak.json().get("errors").has("data.password"), weak.toString());
    }

    @Tag("smoke")
    @Test
    void loginLogoutAndTheDocumentedErrors() throws Exception {
        String email = unique("sl");
        insert("members", email, true);
        Http.Response r = login(email, TABLE_PASSWORD);
        assertEquals(200, r.status(), r.toString());
        String token = text(r.json().get("data"), "token");
        Tokens.verifyAccessToken(realm, token);
        assertEquals(email, text(r.json().get("data"), "email"));
        assertLifetime(realm.admin().toRepresentation().getAccessTokenLifespan().longValue(),
            r.json().get("data").get("expires_in").asLong(), "the realm's access token lifespan");
        Http.Response nativeRefresh = nativeRefresh("app", text(r.json().get("data"), "refresh_token"));
        assertEquals(200, nativeRefresh.status(), "refresh_token is Keycloak's: " + nativeRefresh);

        Http.Response wrong = login(email, "not the password");
        assertEquals(422, wrong.status());
        assertEquals("{\"message\":\"The given data was invalid.\",\"errors\":{\"email\":"
            + "[\"The provided credentials are incorrect.\"]}}", wrong.body());
        assertEquals(wrong.body(), login(unique("nobody"), "not the password").body());

        Http.Response out = postJson(auth("members/logout"), null, "Authorization", "Bearer " + token);
        assertEquals(200, out.status(), out.toString());
        assertEquals("{\"message\":\"User logged out\"}", out.body());
        Http.Response again = postJson(auth("members/logout"), null, "Authorization", "Bearer " + token);
        assertEquals(401, again.status());
        assertEquals("{\"message\":\"Invalid token\"}", again.body());
    }

    @Test
    void usersUpdateThemselvesAndManagersUpdateAnyone() throws Exception {
        String email = unique("su");
        String rowId = insert("members", email, true);
        String otherEmail = unique("so");
        String other = insert("members", otherEmail, true);
        String token = text(login(email, TABLE_PASSWORD).json().get("data"), "token");
        String oldHash = column("members", email, "password");

        Http.Response self = Http.json("PATCH", auth("members/" + rowId),
            "{\"data\":{\"password\":\"a brand new password\",\"custom_attributes\":{\"plan\":\"pro\"}}}",
            "Authorization", "Bearer " + token);
        assertEquals(200, self.status(), self.toString());
        assertEquals("pro", self.json().get("data").get("custom_attributes").get("plan").asText());
        assertNotEquals(oldHash, column("members", email, "password"), "the new password is written to the table");
        assertEquals(200, login(email, "a brand new password").status());

        Http.Response foreign = Http.json("PATCH", auth("members/" + other), "{\"data\":{\"email\":\"x@example.com\"}}",
            "Authorization", "Bearer " + token);
        assertEquals(403, foreign.status());
        assertEquals(NO_PERMISSION, foreign.body());
        assertEquals(otherEmail, column("members", otherEmail, "email"), "the other user's row is unchanged");
        assertNull(column("members", "x@example.com", "id"));
        Http.Response selfPermissions = Http.json("PATCH", auth("members/" + rowId),
            "{\"data\":{\"permissions\":[\"*\"],\"custom_attributes\":{\"plan\":\"enterprise\"}}}",
            "Authorization", "Bearer " + token);
        assertEquals(403, selfPermissions.status(), "a user may not grant themself permissions");
        var stored = realm.admin().users().search(email, true).get(0);
        assertNull(stored.getAttributes() == null ? null : stored.getAttributes().get("permissions"),
            "no permission was written");
        assertTrue(stored.getAttributes().get("custom_attributes").get(0).contains("\"pro\""),
            "nor the rest of the refused edit: " + stored.getAttributes());

        Http.Response managed = Http.json("PATCH", auth("members/" + other),
            "{\"data\":{\"permissions\":[\"posts:read\"]}}", "Authorization", "Bearer " + adminToken());
        assertEquals(200, managed.status(), managed.toString());
        assertEquals("[\"posts:read\"]", managed.json().get("data").get("permissions").toString());
    }

    @Test
    void deleteIsForTheUserThemselfOrAManager() throws Exception {
        String email = unique("sx");
        String rowId = insert("members", email, true);
        String otherEmail = unique("sy");
        String other = insert("members", otherEmail, true);
        String token = text(login(email, TABLE_PASSWORD).json().get("data"), "token");

        Http.Response foreign = Http.json("DELETE", auth("members/" + other), null, "Authorization", "Bearer " + token);
        assertEquals(403, foreign.status());
        assertEquals(NO_PERMISSION, foreign.body());
        assertEquals(other, column("members", otherEmail, "id"));

        Http.Response anonymous = Http.json("DELETE", auth("members/" + other), null);
        assertEquals(401, anonymous.status());

        Http.Response self = Http.json("DELETE", auth("members/" + rowId), null, "Authorization", "Bearer " + token);
        assertEquals(200, self.status(), self.toString());
        assertEquals("{\"message\":\"User deleted\"}", self.body());
        assertNull(column("members", email, "id"));

        Http.Response managed = Http.json("DELETE", auth("members/" + other), null,
            "Authorization", "Bearer " + adminToken());
        assertEquals(200, managed.status(), managed.toString());
        assertNull(column("members", otherEmail, "id"));
    }

    @Test
    void anUnknownIdentifierIsRefused() {
        Http.Response r = postJson(auth("nope/login"), body("email", "a@example.com", "password", "12345678"));
        assertEquals(401, r.status());
        assertEquals("{\"message\":\"Unknown auth config\"}", r.body());
    }
}

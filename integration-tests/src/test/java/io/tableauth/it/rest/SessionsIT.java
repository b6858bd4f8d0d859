package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A user's sessions over REST ({@code /api/v1/platform/auth/sessions}): Keycloak's own user sessions, the list the
 * admin console shows; one ended, or all but the current one; nobody else's, and not with a token of an API key.
 */
class SessionsIT extends RestFixture {

    private record Login(String token, String refreshToken, String userId) {
    }

    private String member(String prefix) throws Exception {
        String email = unique(prefix);
        insert("members", email, true);
        return email;
    }

    private Login login(String email) {
        Http.Response r = postJson(api("v1/platform/auth/login"), body("email", email, "password", TABLE_PASSWORD));
        assertEquals(200, r.status(), r.toString());
        return new Login(text(r.json(), "token"), text(r.json(), "refreshToken"), text(r.json().get("user"), "id"));
    }

    private Http.Response sessions(String method, String path, String token) {
        return Http.json(method, api("v1/platform/auth/sessions" + path), null, "Authorization", "Bearer " + token);
    }

    private Http.Response refresh(String refreshToken) {
        return postJson(api("v1/platform/auth/refresh-token"), body("refreshToken", refreshToken));
    }

    @Test
    void theListIsKeycloaksWithTheCurrentSessionMarked() throws Exception {
        String email = member("ss");
        Login phone = login(email);
        Login laptop = login(email);

        Http.Response r = sessions("GET", "", laptop.token());
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.json().get("success").asBoolean());
        List<String> listed = new ArrayList<>();
        String current = null;
        for (JsonNode s : r.json().get("sessions")) {
            listed.add(text(s, "id"));
            if (s.get("current").asBoolean()) {
                current = text(s, "id");
            }
            assertEquals("127.0.0.1", text(s, "ipAddress"));
            assertEquals("[\"app\"]", s.get("clients").toString());
            assertFalse(s.get("offline").asBoolean());
            assertTrue(text(s, "startedAt").endsWith("Z") && text(s, "lastAccessAt").endsWith("Z"), s.toString());
        }
        assertEquals(sessionsOf(laptop.userId()).stream().sorted().toList(), listed.stream().sorted().toList(),
            "the admin console's list");
        assertEquals(2, listed.size());
        assertEquals(Tokens.verifyAccessToken(realm, laptop.token()).getStringClaim("sid"),
            current, "the calling token's session is the current one");
        assertEquals(200, refresh(phone.refreshToken()).status(), "listing ends nothing");
    }

    @Tag("smoke")
    @Test
    void oneSessionEndsAndTheOthersLiveOn() throws Exception {
        String email = member("se");
        Login phone = login(email);
        Login laptop = login(email);
        String phoneSession = Tokens.verifyAccessToken(realm, phone.token()).getStringClaim("sid");

        Http.Response ended = sessions("DELETE", "/" + phoneSession, laptop.token());
        assertEquals(200, ended.status(), ended.toString());
        assertEquals("Session ended", text(ended.json(), "message"));
        assertFalse(sessionsOf(laptop.userId()).contains(phoneSession), "gone from the admin console's list");
        assertEquals(1, sessionsOf(laptop.userId()).size());
        Http.Response phoneRefresh = refresh(phone.refreshToken());
        assertFalse(phoneRefresh.status() == 200, "the ended session's refresh token: " + phoneRefresh);
        assertEquals(200, refresh(laptop.refreshToken()).status(), "the caller's own session lives on");

        Http.Response again = sessions("DELETE", "/" + phoneSession, laptop.token());
        assertEquals(404, again.status(), again.toString());
        assertEquals("NOT_FOUND", text(again.json(), "error"));
    }

    @Test
    void revokeOthersKeepsOnlyTheCurrentSession() throws Exception {
        String email = member("sr");
        Login first = login(email);
        Login second = login(email);
        Login current = login(email);

        Http.Response r = postJson(api("v1/platform/auth/sessions/revoke-others"), null,
            "Authorization", "Bearer " + current.token());
        assertEquals(200, r.status(), r.toString());
        assertEquals(2, r.json().get("revoked").asInt());
        String sid = Tokens.verifyAccessToken(realm, current.token()).getStringClaim("sid");
        assertEquals(List.of(sid), sessionsOf(current.userId()));
        assertFalse(refresh(first.refreshToken()).status() == 200, "an ended session cannot refresh");
        assertFalse(refresh(second.refreshToken()).status() == 200, "an ended session cannot refresh");
        assertEquals(200, sessions("GET", "", current.token()).status(), "the current token still works");
    }

    @Test
    void nobodyEndsAnotherUsersSessionAndAKeyHolderSeesNone() throws Exception {
        String victimEmail = member("sv");
        String attackerEmail = member("sa");
        Login victim = login(victimEmail);
        Login attacker = login(attackerEmail);
        String victimSession = Tokens.verifyAccessToken(realm, victim.token())
            .getStringClaim("sid");

        Http.Response foreign = sessions("DELETE", "/" + victimSession, attacker.token());
        assertEquals(404, foreign.status(), "another user's session is as unknown as none: " + foreign);
        assertEquals(List.of(victimSession), sessionsOf(victim.userId()), "and it lives on");
        assertEquals(200, refresh(victim.refreshToken()).status());
        Http.Response attackersList = sessions("GET", "", attacker.token());
        assertEquals(1, attackersList.json().get("sessions").size(), "a user sees only their own sessions");

        assertEquals(401, sessions("GET", "", "not-a-token").status());
        assertEquals(401, Http.get(api("v1/platform/auth/sessions")).status(), "no token");

        // A token exchanged for the victim's own API key may not read or end the account's sessions.
        String keyToken = apiKeyTokenOf(victim.token());
        Http.Response keyList = sessions("GET", "", keyToken);
        assertEquals(403, keyList.status(), keyList.toString());
        Http.Response keyRevoke = postJson(api("v1/platform/auth/sessions/revoke-others"), null,
            "Authorization", "Bearer " + keyToken);
        assertEquals(403, keyRevoke.status(), keyRevoke.toString());
        assertEquals(List.of(victimSession), sessionsOf(victim.userId()), "a key holder ended nothing");
    }
}

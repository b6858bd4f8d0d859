package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.SoftPasskey;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;

/**
 * Passkeys over Mavibase's calls with a software authenticator in this JVM ({@link SoftPasskey}): a table user and a
 * Keycloak user register one (stored as Keycloak's {@code webauthn-passwordless} credential, which the admin API
 * lists) and log in with it; a foreign origin or RP ID, a replayed challenge, a counter going backwards and a
 * disabled user are refused, without letting failed assertions lock the owner out; a passkey that verified the user stands for TOTP too; removal needs a step-up; the
 * options answer alike for unknown e-mails; anonymous callers and API-key tokens may not manage passkeys.
 */
class PasskeyIT extends RestFixture {

    static final String RP_ID = "app.example.test";

    @BeforeAll
    void passkeySettings() {
        setting("passkeyRpId", RP_ID);
        setting("passkeyOrigins", ORIGIN);
    }

    Http.Response platform(String path, String json, String token) {
        return postJson(api("v1/platform/" + path), json, "Authorization", "Bearer " + token);
    }

    String login(String email, String password) {
        Http.Response in = platformAuth("login", body("email", email, "password", password));
        assertEquals(200, in.status(), in.toString());
        return text(in.json(), "token");
    }

    /** Registers a new software passkey for the holder of {@code token}. */
    SoftPasskey register(String token) {
        SoftPasskey key = new SoftPasskey();
        Http.Response options = platform("passkeys/register/options", null, token);
        assertEquals(200, options.status(), options.toString());
        assertEquals(RP_ID, text(options.json().get("rp"), "id"));
        ObjectNode answer = key.register(options.json(), ORIGIN).put("name", "Laptop");
        Http.Response stored = platform("passkeys/register/verify", answer.toString(), token);
        assertEquals(200, stored.status(), stored.toString());
        assertTrue(text(stored.json().get("passkey"), "name").startsWith("Laptop"), stored.toString());
        return key;
    }

    JsonNode options(String email) {
        Http.Response options = platformAuth("passkey/options", email == null ? "{}" : body("email", email));
        assertEquals(200, options.status(), options.toString());
        return options.json();
    }

    Http.Response verify(JsonNode options, ObjectNode assertion) {
        return platformAuth("passkey/verify", assertion.put("challengeId", text(options, "challengeId")).toString());
    }

    Http.Response loginWith(SoftPasskey key) {
        JsonNode options = options(null);
        return verify(options, key.authenticate(options, ORIGIN));
    }

    String emailOf(Http.Response login) {
        assertEquals(200, login.status(), login.toString());
        Http.Response me = Http.get(api("v1/platform/users/me"), "Authorization", "Bearer " + text(login.json(), "token"));
        assertEquals(200, me.status(), me.toString());
        return text(me.json().get("user"), "email");
    }

    /** The user's stored passkeys, as the admin console lists them. */
    long passkeysOf(String email) {
        String id = realm.admin().users().search(email, true).get(0).getId();
        return realm.admin().users().get(id).credentials().stream()
            .filter(c -> "webauthn-passwordless".equals(c.getType())).count();
    }

    @Test
    void registrationObeysTheRealmsPasswordlessPolicy() throws Exception {
        String email = unique("policy");
        insert("members", email, true);
        String token = login(email, TABLE_PASSWORD);
        // One hardware model, proven by a real attestation: a software key with "none" and an all-zero AAGUID is not it.
        updateRealm(r -> {
            r.setWebAuthnPolicyPasswordlessAcceptableAaguids(List.of("cb69481e-8ff7-4039-93ec-0a2729a154a8"));
            r.setWebAuthnPolicyPasswordlessAttestationConveyancePreference("direct");
        });
        try {
            Http.Response options = platform("passkeys/register/options", null, token);
            assertEquals("direct", text(options.json(), "attestation"));
            ObjectNode answer = new SoftPasskey().register(options.json(), ORIGIN).put("name", "Soft");
            Http.Response refused = platform("passkeys/register/verify", answer.toString(), token);
            assertEquals(400, refused.status(), refused.toString());
            assertEquals(0, passkeysOf(email), "nothing was stored");
        } finally {
            updateRealm(r -> {
                r.setWebAuthnPolicyPasswordlessAcceptableAaguids(List.of());
                r.setWebAuthnPolicyPasswordlessAttestationConveyancePreference("not specified");
            });
        }
        updateRealm(r -> r.setWebAuthnPolicyPasswordlessAuthenticatorAttachment("cross-platform"));
        try {
            Http.Response options = platform("passkeys/register/options", null, token);
            ObjectNode platformKey = new SoftPasskey().register(options.json(), ORIGIN).put("name", "Built in")
                .put("authenticatorAttachment", "platform");
            assertEquals(400, platform("passkeys/register/verify", platformKey.toString(), token).status(),
                "a built-in authenticator where the policy asks for a roaming one");
            options = platform("passkeys/register/options", null, token);
            ObjectNode roaming = new SoftPasskey().register(options.json(), ORIGIN).put("name", "Roaming")
                .put("authenticatorAttachment", "cross-platform");
            Http.Response stored = platform("passkeys/register/verify", roaming.toString(), token);
            assertEquals(200, stored.status(), stored.toString());
        } finally {
            updateRealm(r -> r.setWebAuthnPolicyPasswordlessAuthenticatorAttachment("not specified"));
        }
        assertEquals(1, passkeysOf(email));
        // Without those rules, the same software key registers.
        register(token);
        assertEquals(2, passkeysOf(email));
    }

    @Tag("smoke")
    @Test
    void aTableUserAndAKeycloakUserRegisterAPasskeyAndLogInWithIt() throws Exception {
        String email = unique("passkey");
        insert("members", email, true);
        SoftPasskey key = register(login(email, TABLE_PASSWORD));
        assertEquals(email, emailOf(loginWith(key)), "a discoverable login: no e-mail sent");

        JsonNode named = options(email);
        assertEquals(0, named.get("allowCredentials").size(), "with an e-mail too: a discoverable login");
        assertEquals(email, emailOf(verify(named, key.authenticate(named, ORIGIN))));

        String userId = realm.admin().users().search(email, true).get(0).getId();
        List<CredentialRepresentation> stored = realm.admin().users().get(userId).credentials();
        assertTrue(stored.stream().anyMatch(c -> "webauthn-passwordless".equals(c.getType())
            && "Laptop".equals(c.getUserLabel())), "Keycloak's own credential, as its console lists it: " + stored);
        SoftPasskey second = register(login(email, TABLE_PASSWORD));
        Http.Response names = Http.get(api("v1/platform/passkeys"), "Authorization", "Bearer "
            + login(email, TABLE_PASSWORD));
        assertEquals("Laptop (2)", text(names.json().get("passkeys").get(1), "name"), "named apart: " + names);
        String secondId = realm.admin().users().get(userId).credentials().stream()
            .filter(c -> "webauthn-passwordless".equals(c.getType())).map(CredentialRepresentation::getId)
            .filter(id -> !id.equals(stored.stream().filter(c -> "webauthn-passwordless".equals(c.getType()))
                .findFirst().orElseThrow().getId())).findFirst().orElseThrow();
        realm.admin().users().get(userId).removeCredential(secondId); // the console's Credentials tab, Delete
        assertEquals(401, loginWith(second).status(), "a passkey the admin removed logs in no more");
        assertEquals(email, emailOf(loginWith(key)), "the other one still does");

        String kcToken = login("kc-user@example.com", "kc-user-password");
        SoftPasskey kcKey = register(kcToken);
        assertEquals("kc-user@example.com", emailOf(loginWith(kcKey)));
        Http.Response list = Http.get(api("v1/platform/passkeys"), "Authorization", "Bearer " + kcToken);
        assertEquals(200, list.status(), list.toString());
        assertEquals(1, list.json().get("passkeys").size(), list.toString());
        assertNotNull(text(list.json().get("passkeys").get(0), "createdAt"));
    }

    @Test
    void aForeignOriginOrRpIdIsRefused() throws Exception {
        String email = unique("foreign");
        insert("members", email, true);
        String token = login(email, TABLE_PASSWORD);
        Http.Response options = platform("passkeys/register/options", null, token);
        Http.Response evilOrigin = platform("passkeys/register/verify",
            new SoftPasskey().register(options.json(), "https://evil.example.test").toString(), token);
        assertEquals(400, evilOrigin.status(), "registration from another origin: " + evilOrigin);
        options = platform("passkeys/register/options", null, token);
        Http.Response evilRp = platform("passkeys/register/verify",
            new SoftPasskey().register(options.json(), ORIGIN, "evil.example.test").toString(), token);
        assertEquals(400, evilRp.status(), "registration for another RP ID: " + evilRp);
        Http.Response none = Http.get(api("v1/platform/passkeys"), "Authorization", "Bearer " + token);
        assertEquals(0, none.json().get("passkeys").size(), "nothing stored: " + none);

        SoftPasskey key = register(token);
        JsonNode login = options(null);
        assertEquals(401, verify(login, key.authenticate(login, "https://evil.example.test")).status(),
            "an assertion made on another origin");
        login = options(null);
        assertEquals(401, verify(login, key.authenticate(login, ORIGIN, "evil.example.test")).status(),
            "an assertion for another RP ID");
        for (int i = 0; i < 3; i++) { // an attacker's assertions, fast, with the user's handle: no lockout follows
            JsonNode again = options(null);
            assertEquals(401, verify(again, key.authenticate(again, "https://evil.example.test")).status());
        }
        String id = realm.admin().users().search(email, true).get(0).getId();
        assertEquals(0, ((Number) realm.admin().attackDetection().bruteForceUserStatus(id).get("numFailures"))
            .intValue(), "a signature cannot be guessed: failed assertions lock nobody out");
        assertEquals(email, emailOf(loginWith(key)), "the owner logs in at once after them");
    }

    @Tag("smoke")
    @Test
    void aChallengeWorksOnceAndACounterGoingBackwardsIsRefused() throws Exception {
        String email = unique("replay");
        insert("members", email, true);
        SoftPasskey key = register(login(email, TABLE_PASSWORD));
        JsonNode options = options(null);
        ObjectNode assertion = key.authenticate(options, ORIGIN);
        assertEquals(email, emailOf(verify(options, assertion.deepCopy())));
        Http.Response replayed = verify(options, assertion.deepCopy());
        assertEquals(401, replayed.status(), "the same challenge again: " + replayed);
        assertFalse(replayed.json().get("success").asBoolean());
        JsonNode fresh = options(null);
        assertEquals(401, verify(fresh, assertion.deepCopy()).status(), "an old assertion on a new challenge");

        Thread.sleep(1100);
        assertEquals(email, emailOf(loginWith(key)));
        key.counter -= 2; // a clone: its counter is behind the one Keycloak stored
        Http.Response clone = loginWith(key);
        assertEquals(401, clone.status(), "a counter that did not grow is a cloned authenticator: " + clone);
        realm.admin().attackDetection().clearAllBruteForce();
    }

    /**
     * A challenge is used up by an assertion that failed too, so a failed try cannot be followed by a good one on the
     * same challenge; and a credential id is registered once in the realm: another user (or another authenticator)
     * claiming one that exists is refused, and the owner's passkey goes on working.
     */
    @Test
    void aFailedAssertionUsesItsChallengeUpAndACredentialIdIsRegisteredOnce() throws Exception {
        String email = unique("spent");
        insert("members", email, true);
        SoftPasskey key = register(login(email, TABLE_PASSWORD));
        JsonNode options = options(null);
        assertEquals(401, verify(options, key.authenticate(options, "https://evil.example.test")).status());
        Http.Response after = verify(options, key.authenticate(options, ORIGIN));
        assertEquals(401, after.status(), "the challenge died with the failed assertion: " + after);
        assertEquals("INVALID_TOKEN", text(after.json(), "error"), after.toString());

        String thief = unique("thief");
        insert("members", thief, true);
        String token = login(thief, TABLE_PASSWORD);
        Http.Response creation = platform("passkeys/register/options", null, token);
        assertEquals(200, creation.status(), creation.toString());
        SoftPasskey copy = SoftPasskey.withTheIdOf(key);
        Http.Response stored = platform("passkeys/register/verify",
            copy.register(creation.json(), ORIGIN).put("name", "Copy").toString(), token);
        assertEquals(400, stored.status(), "a credential id another user registered: " + stored);
        assertEquals("VALIDATION", text(stored.json(), "error"), stored.toString());
        Http.Response none = Http.get(api("v1/platform/passkeys"), "Authorization", "Bearer " + token);
        assertEquals(0, none.json().get("passkeys").size(), "nothing stored for the thief: " + none);
        assertEquals(email, emailOf(loginWith(key)), "the owner's passkey still logs the owner in");
        realm.admin().attackDetection().clearAllBruteForce();
    }

    @Tag("smoke")
    @Test
    void aDisabledUserIsRefused() throws Exception {
        String email = unique("off");
        insert("members", email, true);
        SoftPasskey key = register(login(email, TABLE_PASSWORD));
        execute("UPDATE members SET is_active = FALSE WHERE email = ?", email);
        Http.Response off = loginWith(key);
        assertEquals(401, off.status(), off.toString());
        assertEquals("ACCOUNT_DISABLED", text(off.json(), "error"), "told to the holder of the user's passkey: " + off);
        assertNull(off.json().get("token"));
    }

    @Test
    void aVerifiedPasskeyStandsForTotpAnUnverifiedOneDoesNot() throws Exception {
        String email = unique("totp");
        insert("members", email, true);
        SoftPasskey key = register(login(email, TABLE_PASSWORD));
        Totp totp = enrollTotp(email);
        assertEquals(email, emailOf(loginWith(key)), "user verification: both factors at once");
        key.userVerified = false;
        // the passwordless policy's default asks for user verification: relaxed for this case
        updateRealm(r -> r.setWebAuthnPolicyPasswordlessUserVerificationRequirement("preferred"));
        try {
            Http.Response first = loginWith(key);
            assertEquals(200, first.status(), first.toString());
            assertTrue(first.json().get("requires2FA").asBoolean(), "presence only: the TOTP step follows " + first);
            Http.Response second = postJson(api("v1/platform/2fa/verify"),
                body("tempToken", text(first.json(), "tempToken"), "code", totp.fresh()));
            assertEquals(email, emailOf(second));
        } finally {
            updateRealm(r -> r.setWebAuthnPolicyPasswordlessUserVerificationRequirement("required"));
            realm.admin().attackDetection().clearAllBruteForce();
        }
    }

    @Test
    void removingAPasskeyNeedsAStepUpAndOnlyItsOwnerManagesIt() throws Exception {
        String email = unique("remove");
        insert("members", email, true);
        String token = login(email, TABLE_PASSWORD);
        SoftPasskey key = register(token);
        String id = text(Http.get(api("v1/platform/passkeys"), "Authorization", "Bearer " + token).json()
            .get("passkeys").get(0), "id");

        assertEquals(401, Http.get(api("v1/platform/passkeys")).status(), "anonymous");
        assertEquals(401, postJson(api("v1/platform/passkeys/register/options"), null).status(), "anonymous");
        String keyToken = apiKeyTokenOf(token);
        assertEquals(403, Http.get(api("v1/platform/passkeys"), "Authorization", "Bearer " + keyToken).status(),
            "a token obtained with an API key");
        assertEquals(403, platform("passkeys/register/options", null, keyToken).status());

        String other = unique("other");
        insert("members", other, true);
        Http.Response foreign = Http.json("DELETE", api("v1/platform/passkeys/" + id), body("password", TABLE_PASSWORD),
            "Authorization", "Bearer " + login(other, TABLE_PASSWORD));
        assertEquals(404, foreign.status(), "another user's passkey: " + foreign);

        Http.Response wrong = Http.json("DELETE", api("v1/platform/passkeys/" + id), body("password", "not it"),
            "Authorization", "Bearer " + token);
        assertEquals(403, wrong.status(), wrong.toString());
        Http.Response removed = Http.json("DELETE", api("v1/platform/passkeys/" + id), body("password", TABLE_PASSWORD),
            "Authorization", "Bearer " + token);
        assertEquals(200, removed.status(), removed.toString());
        Thread.sleep(1100);
        realm.admin().attackDetection().clearAllBruteForce();
        assertEquals(401, loginWith(key).status(), "a removed passkey logs in no more");
    }

    @Test
    void optionsAnswerAnUnknownEmailInTheSameShape() throws Exception {
        String email = unique("shape");
        insert("members", email, true);
        register(login(email, TABLE_PASSWORD));
        JsonNode known = options(email);
        JsonNode unknown = options(unique("nobody"));
        assertEquals(known.size(), unknown.size());
        known.fieldNames().forEachRemaining(f -> assertTrue(unknown.has(f), f));
        // Nothing tells a user with passkeys from an address that is no one's: no ids, counts or transports.
        assertEquals(known.get("allowCredentials"), unknown.get("allowCredentials"));
        assertEquals(0, known.get("allowCredentials").size());
        assertEquals(known.get("allowCredentials"), options(null).get("allowCredentials"), "as without an e-mail");
        assertNotEquals(text(known, "challenge"), text(unknown, "challenge"));
        assertEquals(text(options(email.toUpperCase()), "rpId"), RP_ID);
    }

    /**
     * The realm admin's passwordless settings are checked when saved through the admin REST API (what the console's
     * tab sends): a refused value says why and leaves the stored settings as they were.
     */
    @Test
    void badPasswordlessSettingsAreRefusedWhenSavedAndLeaveTheSettingsAsTheyWere() {
        String[][] bad = {
            {"passkeyRpId", "https://app.example.test", "Passkey RP ID must be a host name"},
            {"passkeyRpId", "app.example.test:8443", "Passkey RP ID must be a host name"},
            {"passkeyOrigins", "app.example.test", "Passkey origin app.example.test"},
            {"passkeyOrigins", "https://app.example.test/login", "Passkey origin https://app.example.test/login"},
            {"magicLinkUrls", "javascript:alert(1)", "Magic link URL javascript:"},
            {"magicLinkUrls", "https://app.example.test/login#x", "must be an http(s) URL without a #fragment"},
            {"magicLinkUrls", "//evil.example/login", "must be an http(s) URL"}};
        for (String[] b : bad) {
            try {
                setting(b[0], b[1]);
                throw new AssertionError(b[0] + "=" + b[1] + " was saved");
            } catch (jakarta.ws.rs.BadRequestException e) {
                String message = e.getResponse().readEntity(String.class);
                assertTrue(message.contains(b[2]), b[0] + "=" + b[1] + ": " + message);
            }
        }
        var stored = realm.admin().components().query(realm.admin().toRepresentation().getId(),
            "org.keycloak.services.ui.extend.UiTabProvider").get(0).getConfig();
        assertEquals(RP_ID, stored.getFirst("passkeyRpId"));
        assertEquals(ORIGIN, stored.getFirst("passkeyOrigins"));
        setting("passkeyOrigins", ORIGIN + "\nhttps://admin.example.test"); // a good value beside them is saved
        setting("passkeyOrigins", ORIGIN);
    }
}

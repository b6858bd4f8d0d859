package io.tableauth.it.security;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import io.tableauth.it.support.Tokens;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;

/**
 * Trust boundary III: only the user, through a first-party app, with a fresh proof, changes an account. Every attack
 * (another client's token, a service account's, a stale login adding a credential, a key with no client, a key token
 * carrying its owner's mapped authority) is tried beside the same call by the party allowed to make it.
 */
class AccountBoundaryIT extends RestFixture {

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mail() {
        mailThrough(mail);
    }

    record User(String email, String slashId, String firstParty) {
    }

    User user() throws Exception {
        String email = unique("ab");
        insert("members", email, true);
        Http.Response login = postJson(auth("members/login"), body("email", email, "password", TABLE_PASSWORD));
        assertEquals(200, login.status(), login.toString());
        return new User(email, text(login.json().get("data"), "id"), text(login.json().get("data"), "token"));
    }

    static final String THIRD_PARTY = "third-party";

    @BeforeAll
    void thirdPartyClient() {
        // Another app of the realm, as Keycloak's account API sees one: public, direct grants, none of the user's
        // roles in its tokens (so no account audience, no manage-account).
        ClientRepresentation c = new ClientRepresentation();
        c.setClientId(THIRD_PARTY);
        c.setPublicClient(true);
        c.setDirectAccessGrantsEnabled(true);
        c.setFullScopeAllowed(false);
        realm.admin().clients().create(c).close();
    }

    /** A token of the same user from another public client of the realm, by Keycloak's own password grant. */
    String otherClientToken(String email) {
        Http.Response r = Tokens.passwordGrant(realm, THIRD_PARTY, email, TABLE_PASSWORD);
        assertEquals(200, r.status(), r.toString());
        return text(r.json(), "access_token");
    }

    Http.Response call(String method, String path, String token, String json) {
        return Http.json(method, api(path), json, "Authorization", "Bearer " + token);
    }

    /** Every account call of Mavibase and SlashApi with this token: the statuses, by call. */
    Map<String, Integer> accountCalls(User user, String token) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        out.put("api-keys create", call("POST", "v1/platform/api-keys", token,
            "{\"name\":\"k\",\"scopes\":[\"databases:read\"],\"expiresInDays\":3650}").status());
        out.put("api-keys list", call("GET", "v1/platform/api-keys", token, null).status());
        out.put("passkeys options", call("POST", "v1/platform/passkeys/register/options", token, null).status());
        out.put("passkeys list", call("GET", "v1/platform/passkeys", token, null).status());
        out.put("2fa setup", call("POST", "v1/platform/2fa/setup", token, null).status());
        out.put("recovery codes", call("GET", "v1/platform/2fa/recovery-codes", token, null).status());
        out.put("sessions", call("GET", "v1/platform/auth/sessions", token, null).status());
        out.put("me", call("GET", "v1/platform/users/me", token, null).status());
        out.put("change e-mail", call("POST", "v1/platform/auth/change-email", token,
            body("newEmail", "not-" + user.email(), "password", TABLE_PASSWORD)).status());
        out.put("slashapi patch", Http.json("PATCH", auth("members/" + user.slashId()),
            "{\"data\":{\"first_name\":\"Mallory\"}}", "Authorization", "Bearer " + token).status());
        return out;
    }

    @Test
    void onlyAFirstPartyClientsTokenReachesTheAccount() throws Exception {
        User user = user();
        String foreign = otherClientToken(user.email());
        // Keycloak's own account API refuses another client's token too.
        assertEquals(401, Http.get(realm.uri("/account/"), "Authorization", "Bearer " + foreign, "Accept",
            "application/json").status());

        Map<String, Integer> refused = accountCalls(user, foreign);
        refused.forEach((what, status) -> assertEquals(403, status, what + " with another client's token"));
        assertEquals("Ada", column("members", user.email(), "first_name"), "nothing was changed");
        assertEquals(0, mail.notices(user.email()).size(), "no key was made, so nobody was told of one");

        // The same user's token of the default client is accepted everywhere.
        Map<String, Integer> allowed = accountCalls(user, user.firstParty());
        assertEquals(201, allowed.get("api-keys create"), allowed.toString());
        allowed.forEach((what, status) -> assertTrue(status == 200 || status == 201, what + ": " + status));

        // An app the admin lists as first-party is accepted too.
        setting("firstPartyClients", THIRD_PARTY);
        try {
            assertEquals(200, call("GET", "v1/platform/users/me", foreign, null).status());
            assertEquals(200, call("GET", "v1/platform/api-keys", foreign, null).status());
        } finally {
            setting("firstPartyClients", "");
        }
        assertEquals(403, call("GET", "v1/platform/api-keys", foreign, null).status(), "and no longer when unlisted");
    }

    @Test
    void aServiceAccountNeverChangesAnAccount() {
        ClientRepresentation robot = new ClientRepresentation();
        robot.setClientId("robot-" + System.nanoTime());
        robot.setSecret("robot-secret-0123456789");
        robot.setPublicClient(false);
        robot.setServiceAccountsEnabled(true);
        robot.setStandardFlowEnabled(false);
        realm.admin().clients().create(robot).close();
        Http.Response grant = Http.postForm(realm.uri("/protocol/openid-connect/token"), Map.of(
            "grant_type", "client_credentials", "client_id", robot.getClientId(), "client_secret", robot.getSecret()));
        assertEquals(200, grant.status(), grant.toString());
        String token = text(grant.json(), "access_token");
        setting("firstPartyClients", robot.getClientId());
        try {
            // Even listed as first-party, a service account is no user (its token may also have no session to check).
            for (String path : List.of("v1/platform/users/me", "v1/platform/api-keys", "v1/platform/auth/sessions")) {
                Http.Response r = call("GET", path, token, null);
                assertTrue(r.status() == 403 || r.status() == 401, path + ": " + r);
                assertFalse(r.json().get("success").asBoolean());
            }
            Http.Response key = call("POST", "v1/platform/api-keys", token,
                "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}");
            assertTrue(key.status() == 403 || key.status() == 401, key.toString());
        } finally {
            setting("firstPartyClients", "");
        }
    }

    @Test
    void addingACredentialNeedsAFreshProofAndTellsTheUser() throws Exception {
        User user = user();
        setting("stepUpMinutes", "0"); // no login is recent enough: the password is always asked for
        try {
            String token = user.firstParty();
            Http.Response noProof = call("POST", "v1/platform/api-keys", token,
                "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}");
            assertEquals(403, noProof.status(), noProof.toString());
            assertEquals(403, call("POST", "v1/platform/api-keys", token,
                "{\"name\":\"k\",\"scopes\":[\"databases:read\"],\"password\":\"not it\"}").status());
            assertEquals(403, call("POST", "v1/platform/passkeys/register/options", token, null).status());
            assertEquals(403, call("POST", "v1/platform/2fa/setup", token, null).status());
            assertEquals(0, mail.notices(user.email()).size(), "nothing was added");
            forgetFailures(); // the wrong password counted as a failed login

            Http.Response key = call("POST", "v1/platform/api-keys", token,
                "{\"name\":\"ci <deploy>\",\"scopes\":[\"databases:read\"],\"password\":\"" + TABLE_PASSWORD + "\"}");
            assertEquals(201, key.status(), key.toString());
            MailBox.Mail told = mail.awaitNotice(user.email(), 1, Duration.ofSeconds(10));
            assertTrue(told.text().contains("An API key named \"ci <deploy>\" was just added"), told.text());
            assertFalse(told.html().contains("<deploy>"), "the key's name is escaped in the HTML mail: " + told.html());

            String keyId = key.json().get("apiKey").get("id").asText();
            assertEquals(403, call("POST", "v1/platform/api-keys/" + keyId + "/rotate", token, null).status());
            Http.Response rotated = call("POST", "v1/platform/api-keys/" + keyId + "/rotate", token,
                body("password", TABLE_PASSWORD));
            assertEquals(200, rotated.status(), rotated.toString());
            assertTrue(mail.awaitNotice(user.email(), 2, Duration.ofSeconds(10)).text().contains("An API key named"));

            assertEquals(200, call("POST", "v1/platform/passkeys/register/options", token,
                body("password", TABLE_PASSWORD)).status());
            Http.Response totp = call("POST", "v1/platform/2fa/setup", token, body("password", TABLE_PASSWORD));
            assertEquals(200, totp.status(), totp.toString());
        } finally {
            setting("stepUpMinutes", "5");
        }
        // Within the step-up age a fresh login is the proof.
        User fresh = user();
        assertEquals(201, call("POST", "v1/platform/api-keys", fresh.firstParty(),
            "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}").status());
    }

    @Test
    void twoFactorSetupCodesDrawOnOneBudgetThatARestartDoesNotRefill() throws Exception {
        User user = user();
        String token = user.firstParty();
        updateRealm(r -> r.setBruteForceProtected(false)); // the budget holds without brute-force detection too
        try {
            Totp first = new Totp(text(call("POST", "v1/platform/2fa/setup", token, null).json(), "secret"));
            for (int i = 1; i <= 4; i++) {
                Http.Response wrong = call("POST", "v1/platform/2fa/setup/verify", token, body("code", first.wrong()));
                assertFalse(wrong.json().get("success").asBoolean(), wrong.toString());
            }
            // Starting again (a new secret) does not give the tries back.
            Totp second = new Totp(text(call("POST", "v1/platform/2fa/setup", token, null).json(), "secret"));
            Http.Response fifth = call("POST", "v1/platform/2fa/setup/verify", token, body("code", second.wrong()));
            assertTrue(fifth.toString().contains("Too many wrong codes"), fifth.toString());
            Totp third = new Totp(text(call("POST", "v1/platform/2fa/setup", token, null).json(), "secret"));
            Http.Response right = call("POST", "v1/platform/2fa/setup/verify", token,
                body("code", third.at(System.currentTimeMillis() / 1000)));
            assertFalse(right.json().get("success").asBoolean(), "no code is checked until the budget frees: " + right);
            assertEquals(0, mail.notices(user.email()).size(), "no authenticator app was added");
        } finally {
            updateRealm(r -> r.setBruteForceProtected(true));
        }
        // Another user's budget is their own.
        User other = user();
        Totp theirs = new Totp(text(call("POST", "v1/platform/2fa/setup", other.firstParty(), null).json(), "secret"));
        Http.Response on = call("POST", "v1/platform/2fa/setup/verify", other.firstParty(),
            body("code", theirs.at(System.currentTimeMillis() / 1000)));
        assertEquals(200, on.status(), on.toString());
        assertTrue(mail.awaitNotice(other.email(), 1, Duration.ofSeconds(10)).text().contains("authenticator app"));
    }

    @Test
    void everyKeyBelongsToAClient() throws Exception {
        User user = user();
        setting("defaultClient", "");
        setting("firstPartyClients", "app");
        try {
            Http.Response orphan = call("POST", "v1/platform/api-keys", user.firstParty(),
                "{\"name\":\"k\",\"projectId\":\"no-such-app\",\"scopes\":[\"databases:read\"]}");
            assertEquals(400, orphan.status(), orphan.toString());
            assertTrue(orphan.toString().contains("projectId"), orphan.toString());
            Http.Response none = call("POST", "v1/platform/api-keys", user.firstParty(),
                "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}");
            assertEquals(400, none.status(), none.toString());
            Http.Response named = call("POST", "v1/platform/api-keys", user.firstParty(),
                "{\"name\":\"k\",\"projectId\":\"project-b\",\"scopes\":[\"databases:read\"]}");
            assertEquals(201, named.status(), named.toString());
            String key = named.json().get("apiKey").get("key").asText();
            assertEquals(400, exchange("app", key, null).status(), "the key works at its own client only");
            assertEquals(200, exchange("project-b", key, null).status());
        } finally {
            setting("firstPartyClients", "");
            setting("defaultClient", "app");
        }
    }

    @Test
    void aKeysTokenCarriesNoneOfTheOwnersMappedAuthority() throws Exception {
        User user = user();
        String appId = realm.admin().clients().findByClientId("app").get(0).getId();
        ProtocolMapperRepresentation role = mapper("app-role", "oidc-usermodel-attribute-mapper", Map.of(
            "user.attribute", "role", "claim.name", "app_role", "jsonType.label", "String",
            "access.token.claim", "true", "id.token.claim", "true"));
        ProtocolMapperRepresentation groups = mapper("groups", "oidc-group-membership-mapper", Map.of(
            "claim.name", "groups", "full.path", "false", "access.token.claim", "true", "id.token.claim", "true"));
        GroupRepresentation billing = new GroupRepresentation();
        billing.setName("billing-admins-" + System.nanoTime());
        realm.admin().groups().add(billing).close();
        String groupId = realm.admin().groups().groups(billing.getName(), 0, 1).get(0).getId();
        realm.admin().clients().get(appId).getProtocolMappers().createMapper(role).close();
        realm.admin().clients().get(appId).getProtocolMappers().createMapper(groups).close();
        try {
            String login = text(postJson(api("v1/platform/auth/login"),
                body("email", user.email(), "password", TABLE_PASSWORD)).json(), "token");
            String ownerId = Tokens.verifyAccessToken(realm, login).getSubject();
            realm.admin().users().get(ownerId).joinGroup(groupId);
            login = text(postJson(api("v1/platform/auth/login"),
                body("email", user.email(), "password", TABLE_PASSWORD)).json(), "token");
            JWTClaimsSet owner = Tokens.verifyAccessToken(realm, login);
            assertEquals("editor", owner.getStringClaim("app_role"), "the login's token carries the mapped claims");
            assertTrue(owner.getStringListClaim("groups").contains(billing.getName()));

            Http.Response key = call("POST", "v1/platform/api-keys", login,
                "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}");
            Http.Response grant = exchange("app", key.json().get("apiKey").get("key").asText(), "openid");
            assertEquals(200, grant.status(), grant.toString());
            assertNull(grant.json().get("id_token"), "no ID token: a key is no login");
            JWTClaimsSet claims = Tokens.verifyAccessToken(realm, text(grant.json(), "access_token"));
            assertNull(claims.getClaim("app_role"), "no attribute mapper's claim");
            assertNull(claims.getClaim("groups"), "no group mapper's claim");
            assertNull(claims.getClaim("email"));
            assertEquals(owner.getSubject(), claims.getSubject());
            assertTrue(claims.getStringClaim("scope").contains("databases:read"));
            List<String> allowed = List.of("iss", "sub", "aud", "azp", "typ", "exp", "iat", "jti", "nbf", "scope",
                "realm_access", "api_key_id", "auth_config", "cnf");
            for (String name : claims.getClaims().keySet()) {
                assertTrue(allowed.contains(name), "a key's token carries only what the key grants, not " + name);
            }
        } finally {
            realm.admin().clients().get(appId).getProtocolMappers().getMappers().stream()
                .filter(m -> m.getName().equals("app-role") || m.getName().equals("groups"))
                .forEach(m -> realm.admin().clients().get(appId).getProtocolMappers().delete(m.getId()));
            realm.admin().groups().group(groupId).remove();
        }
    }

    private static ProtocolMapperRepresentation mapper(String name, String type, Map<String, String> config) {
        ProtocolMapperRepresentation m = new ProtocolMapperRepresentation();
        m.setName(name);
        m.setProtocol("openid-connect");
        m.setProtocolMapper(type);
        m.setConfig(new java.util.HashMap<>(config));
        return m;
    }
}

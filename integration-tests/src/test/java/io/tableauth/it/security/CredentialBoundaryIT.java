package io.tableauth.it.security;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;
import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import io.tableauth.it.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.userprofile.config.UPConfig;

/**
 * Trust boundary II: each credential stays in its lane. A token from an API key carries the key's scopes and nothing
 * of its owner's power; account changes need step-up; two-factor codes count against brute force; a scoped sign-up
 * cannot shadow another user; no database text reaches a client; JSON endpoints take JSON only. Each attack is
 * beside the same request by the party allowed to make it.
 */
class CredentialBoundaryIT extends RestFixture {


    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mailAndOrigins() {
        updateRealm(r -> r.setSmtpServer(mail.smtpServer()));
        setting("allowedOrigins", ORIGIN);
    }

    // --- helpers

    record Session(String email, String userId, String token, String refresh) {
    }

    Session member() throws Exception {
        String email = unique("cb");
        insert("members", email, true);
        return slashLogin(email, TABLE_PASSWORD);
    }

    Session slashLogin(String email, String password) {
        Http.Response r = postJson(auth("members/login"), body("email", email, "password", password));
        assertEquals(200, r.status(), r.toString());
        return new Session(email, text(r.json().get("data"), "id"), text(r.json().get("data"), "token"),
            text(r.json().get("data"), "refresh_token"));
    }

    String mavibaseToken(String email, String password) {
        Http.Response r = postJson(api("v1/platform/auth/login"), body("email", email, "password", password));
        assertEquals(200, r.status(), r.toString());
        return text(r.json(), "token");
    }

    String newKey(String token, String scope) {
        Http.Response r = postJson(api("v1/platform/api-keys"), "{\"name\":\"k\",\"scopes\":[\"" + scope + "\"]}",
            "Authorization", "Bearer " + token);
        assertEquals(201, r.status(), r.toString());
        return r.json().get("apiKey").get("key").asText();
    }

    Http.Response exchange(String key) {
        return exchange("app", key, null);
    }

    String keyToken(String key) {
        Http.Response r = exchange(key);
        assertEquals(200, r.status(), r.toString());
        return text(r.json(), "access_token");
    }

    Http.Response patch(Session caller, String userId, String json) {
        return Http.json("PATCH", auth("members/" + userId), json, "Authorization", "Bearer " + caller.token());
    }

    Http.Response bearer(String method, String path, String token) {
        return Http.json(method, realm.uri(path), null, "Authorization", "Bearer " + token);
    }

    // --- API-key tokens

    @Test
    void aTokenFromAReadKeyReadsButChangesNothingAndDiesWithItsKey() throws Exception {
        Session owner = member();
        String login = mavibaseToken(owner.email(), TABLE_PASSWORD);
        String key = newKey(login, "databases:read");
        String token = keyToken(key);

        JWTClaimsSet claims = io.tableauth.it.support.Tokens.verifyAccessToken(realm, token);
        assertEquals("API-Key", claims.getStringClaim("typ"));
        assertNull(claims.getClaim("resource_access"), "none of the owner's client roles");
        assertNull(claims.getClaim("realm_access"), "none of the owner's realm roles");
        assertEquals(List.of("app"), claims.getAudience(), "no account audience");
        assertTrue(claims.getStringClaim("scope").contains("databases:read"));

        // Reading is what the key is for.
        assertEquals(200, bearer("GET", "/api/v1/platform/users/me", token).status());
        // Keycloak's own account API refuses it; the login's own token is accepted there.
        assertEquals(401, Http.get(realm.uri("/account/"), "Authorization", "Bearer " + token, "Accept",
            "application/json").status());
        assertEquals(200, Http.get(realm.uri("/account/"), "Authorization", "Bearer " + owner.token(),
            "Accept", "application/json").status(), "the owner's login token reaches the account API");
        // No change of the account through tableauth either: password, 2FA, keys.
        Http.Response takeover = Http.json("PATCH", auth("members/" + owner.userId()),
            body("data", null).replace("null", "{\"password\":\"taken over 12345\"}"), "Authorization", "Bearer " + token);
        assertEquals(403, takeover.status(), takeover.toString());
        assertEquals(200, postJson(auth("members/login"), body("email", owner.email(), "password", TABLE_PASSWORD))
            .status(), "the password is unchanged");
        assertEquals(403, bearer("POST", "/api/v1/platform/2fa/setup", token).status());
        Http.Response moreKeys = postJson(api("v1/platform/api-keys"), "{\"name\":\"x\",\"scopes\":[\"databases:read\"]}",
            "Authorization", "Bearer " + token);
        assertEquals(403, moreKeys.status(), moreKeys.toString());
        assertEquals(403, bearer("DELETE", "/auth/members/" + owner.userId(), token).status());
        assertNotNull(column("members", owner.email(), "id"), "the row is still there");

        // Revoked: the token stops at once wherever tableauth answers.
        String keyId = postJson(api("v1/platform/api-keys"), "{\"name\":\"r\",\"scopes\":[\"databases:read\"]}",
            "Authorization", "Bearer " + login).json().get("apiKey").get("id").asText();
        String revokedToken = keyToken(Http.json("POST", api("v1/platform/api-keys/" + keyId + "/rotate"), null,
            "Authorization", "Bearer " + login).json().get("apiKey").get("key").asText());
        assertEquals(200, bearer("GET", "/api/v1/platform/users/me", revokedToken).status());
        assertEquals(200, Http.json("POST", api("v1/platform/api-keys/" + keyId + "/revoke"), null,
            "Authorization", "Bearer " + login).status());
        assertEquals(401, bearer("GET", "/api/v1/platform/users/me", revokedToken).status());
    }

    @Test
    void anAdminsKeyTokenDoesNotReachTheAdminApi() {
        String login = mavibaseToken("kc-admin", "kc-admin-password");
        String token = keyToken(newKey(login, "databases:read"));
        Http.Response admin = Http.get(realm.server().baseUri().resolve("/admin/realms/" + realm.name() + "/users"),
            "Authorization", "Bearer " + token);
        assertTrue(admin.status() == 401 || admin.status() == 403, admin.toString());
        Http.Response asAdmin = Http.get(realm.server().baseUri().resolve("/admin/realms/" + realm.name() + "/users"),
            "Authorization", "Bearer " + login);
        assertEquals(200, asAdmin.status(), "the admin's own login reaches the admin API: " + asAdmin);
    }

    @Test
    void aUserTheLoginHookBlocksLosesKeyAccess() throws Exception {
        Session owner = member();
        String key = newKey(mavibaseToken(owner.email(), TABLE_PASSWORD), "databases:read");
        var members = realm.admin().components().component(membersId).toRepresentation();
        members.getConfig().putSingle("loginHook", "if (user.role === 'blocked') throw new Error('Blocked');\nreturn true;");
        realm.admin().components().component(membersId).update(members);
        copyWithStep("direct grant", "cb direct grant", "cb direct grant", "tableauth-hook", 0);
        String before = realm.admin().toRepresentation().getDirectGrantFlow();
        updateRealm(r -> r.setDirectGrantFlow("cb direct grant"));
        try {
            assertEquals(200, exchange(key).status(), "allowed while the hook allows");
            assertEquals(200, Http.get(api("v1/forward-auth"), "X-API-Key", key).status());
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE members SET role = 'blocked' WHERE email = '" + owner.email() + "'");
            }
            assertEquals(400, exchange(key).status(), "the grant runs the login hook");
            assertEquals(401, Http.get(api("v1/forward-auth"), "X-API-Key", key).status(), "so does forward-auth");
        } finally {
            members.getConfig().putSingle("loginHook", "");
            realm.admin().components().component(membersId).update(members);
            updateRealm(r -> r.setDirectGrantFlow(before));
        }
    }

    @Test
    void keysForARealmAdminNeedTheImpersonationRight() throws Exception {
        String keysAdmin = "keys-admin-" + System.nanoTime();
        String id = realm.addUser(keysAdmin, keysAdmin + "@example.com", "keys-admin-password");
        ClientRepresentation rm = realm.admin().clients().findByClientId("realm-management").get(0);
        List<RoleRepresentation> roles = List.of("manage-users", "view-users").stream()
            .map(r -> realm.admin().clients().get(rm.getId()).roles().get(r).toRepresentation()).toList();
        realm.admin().users().get(id).roles().clientLevel(rm.getId()).add(roles);
        String token = io.tableauth.it.support.Tokens.passwordGrant(realm, "admin-cli", keysAdmin + "@example.com",
            "keys-admin-password").json().get("access_token").asText();
        String kcAdmin = realm.admin().users().search("kc-admin", true).get(0).getId();
        Session plain = member();
        String base = "/admin/realms/" + realm.name() + "/tableauth-api-keys/users/";
        String keyBody = "{\"name\":\"k\",\"scopes\":[\"databases:read\"]}";
        Http.Response forAdmin = Http.postJson(realm.server().baseUri().resolve(base + kcAdmin + "/keys"), keyBody,
            "Authorization", "Bearer " + token);
        assertEquals(403, forAdmin.status(), "a key for a realm admin is impersonation: " + forAdmin);
        Http.Response forUser = Http.postJson(realm.server().baseUri().resolve(base + plain.userId() + "/keys"),
            keyBody, "Authorization", "Bearer " + token);
        assertEquals(201, forUser.status(), forUser.toString());

        RoleRepresentation impersonation = realm.admin().clients().get(rm.getId()).roles().get("impersonation")
            .toRepresentation();
        realm.admin().users().get(id).roles().clientLevel(rm.getId()).add(List.of(impersonation));
        String again = io.tableauth.it.support.Tokens.passwordGrant(realm, "admin-cli", keysAdmin + "@example.com",
            "keys-admin-password").json().get("access_token").asText();
        assertEquals(201, Http.postJson(realm.server().baseUri().resolve(base + kcAdmin + "/keys"), keyBody,
            "Authorization", "Bearer " + again).status(), "with impersonation, as Keycloak's own Impersonate");
    }

    @Test
    void inTheMasterRealmKeysForAnAdminNeedTheImpersonationRightToo() {
        var master = realm.server().admin().realm("master");
        String name = "master-keys-admin-" + System.nanoTime();
        String plainName = "master-plain-" + System.nanoTime();
        String adminId = createMasterUser(master, name);
        String plainId = createMasterUser(master, plainName);
        try {
            ClientRepresentation ownRealm = master.clients().findByClientId("master-realm").get(0);
            master.users().get(adminId).roles().clientLevel(ownRealm.getId()).add(List.of("manage-users", "view-users")
                .stream().map(r -> master.clients().get(ownRealm.getId()).roles().get(r).toRepresentation()).toList());
            String token = Http.postForm(realm.server().baseUri().resolve("/realms/master/protocol/openid-connect/token"),
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", name, "password", "pw-" + name))
                .json().get("access_token").asText();
            String superAdmin = master.users().search("admin", true).get(0).getId();
            String base = "/admin/realms/master/tableauth-api-keys/users/";
            String keyBody = "{\"name\":\"k\",\"projectId\":\"admin-cli\",\"scopes\":[\"databases:read\"]}";
            Http.Response forSuperAdmin = Http.postJson(realm.server().baseUri().resolve(base + superAdmin + "/keys"),
                keyBody, "Authorization", "Bearer " + token);
            assertEquals(403, forSuperAdmin.status(), "a key for the master admin is impersonation: " + forSuperAdmin);
            Http.Response forPlain = Http.postJson(realm.server().baseUri().resolve(base + plainId + "/keys"), keyBody,
                "Authorization", "Bearer " + token);
            assertEquals(201, forPlain.status(), forPlain.toString());
        } finally {
            master.users().get(adminId).remove();
            master.users().get(plainId).remove();
        }
    }

    private static String createMasterUser(org.keycloak.admin.client.resource.RealmResource master, String name) {
        org.keycloak.representations.idm.UserRepresentation u = new org.keycloak.representations.idm.UserRepresentation();
        u.setUsername(name);
        u.setEmail(name + "@example.com");
        u.setFirstName("M");
        u.setLastName("A");
        u.setEnabled(true);
        org.keycloak.representations.idm.CredentialRepresentation pw =
            new org.keycloak.representations.idm.CredentialRepresentation();
        pw.setType("password");
        pw.setValue("pw-" + name);
        pw.setTemporary(false);
        u.setCredentials(List.of(pw));
        try (jakarta.ws.rs.core.Response r = master.users().create(u)) {
            assertEquals(201, r.getStatus());
        }
        return master.users().search(name, true).get(0).getId();
    }

    // --- step-up and account changes

    @Test
    void aPasswordChangeNeedsTheCurrentPasswordAndEndsTheOtherSessions() throws Exception {
        setting("stepUpMinutes", "0");
        try {
            Session here = member();
            Session elsewhere = slashLogin(here.email(), TABLE_PASSWORD);
            String hashBefore = column("members", here.email(), "password");

            Http.Response bare = patch(here, here.userId(), "{\"data\":{\"password\":\"a new password 123\"}}");
            assertEquals(403, bare.status(), bare.toString());
            assertTrue(bare.json().get("message").asText().contains("current password"), bare.toString());
            Http.Response wrong = patch(here, here.userId(),
                "{\"data\":{\"password\":\"a new password 123\",\"current_password\":\"not it\"}}");
            assertEquals(403, wrong.status(), wrong.toString());
            Thread.sleep(500); // brute-force detection records failures after the answer
            Map<String, Object> status = realm.admin().attackDetection().bruteForceUserStatus(here.userId());
            assertEquals(1, ((Number) status.get("numFailures")).intValue(), "a wrong current password is a failure");
            assertEquals(hashBefore, column("members", here.email(), "password"), "nothing was written");

            Http.Response ok = patch(here, here.userId(),
                "{\"data\":{\"password\":\"a new password 123\",\"current_password\":\"" + TABLE_PASSWORD + "\"}}");
            assertEquals(200, ok.status(), ok.toString());
            assertNotEquals(hashBefore, column("members", here.email(), "password"), "the table holds the new hash");
            assertEquals(401, postJson(api("v1/auth/refresh"), body("refreshToken", elsewhere.refresh()),
                "x-mapi-key", "app", "x-mapi-auth-config-id", membersId).status(), "the other session ended");
            assertEquals(200, postJson(api("v1/auth/refresh"), body("refreshToken", here.refresh()),
                "x-mapi-key", "app", "x-mapi-auth-config-id", membersId).status(), "the caller's own session stays");
            assertEquals(422, postJson(auth("members/login"), body("email", here.email(), "password",
                TABLE_PASSWORD)).status());
            slashLogin(here.email(), "a new password 123");
        } finally {
            setting("stepUpMinutes", "5");
        }
        // A fresh login is step-up enough.
        Session fresh = member();
        assertEquals(200, patch(fresh, fresh.userId(), "{\"data\":{\"password\":\"another password 456\"}}").status());
    }

    @Test
    void aNewEmailGoesThroughTheUserProfileAndStaysUnverifiedUntilItsLinkIsClicked() throws Exception {
        Session user = member();
        String taken = unique("staffer");
        insert("staff", taken, true);
        Http.Response duplicate = patch(user, user.userId(), "{\"data\":{\"email\":\"" + taken + "\"}}");
        assertEquals(422, duplicate.status(), "an e-mail of another auth config is taken: " + duplicate);
        Http.Response keycloakUser = patch(user, user.userId(), "{\"data\":{\"email\":\"kc-user@example.com\"}}");
        assertEquals(422, keycloakUser.status(), "and one of Keycloak's own users: " + keycloakUser);

        String fresh = unique("moved");
        Http.Response moved = patch(user, user.userId(), "{\"data\":{\"email\":\"" + fresh + "\"}}");
        assertEquals(200, moved.status(), moved.toString());
        assertNotNull(column("members", fresh, "id"), "the row holds the new address");
        assertFalse(realm.admin().users().search(fresh, true).get(0).isEmailVerified(), "not verified yet");
        MailBox.Mail link = mail.await(fresh, 1, Duration.ofSeconds(20));
        assertTrue(link.text().contains("/api/v1/platform/auth/verify-email?token="), link.text());
    }

    @Test
    void twoFactorCodesCountAsFailuresAndWrongOnesUseTheUsersBudgetUp() throws Exception {
        Session user = member();
        String token = mavibaseToken(user.email(), TABLE_PASSWORD);
        Http.Response setup = bearer("POST", "/api/v1/platform/2fa/setup", token);
        assertEquals(200, setup.status(), setup.toString());
        String secret = text(setup.json(), "secret");
        for (int i = 1; i <= 5; i++) {
            Http.Response wrong = postJson(api("v1/platform/2fa/setup/verify"), body("code", new Totp(secret).wrong()),
                "Authorization", "Bearer " + token);
            assertEquals(401, wrong.status(), wrong.toString());
            if (i == 5) {
                assertTrue(text(wrong.json(), "message").startsWith("Too many wrong codes"), wrong.toString());
            }
        }
        Thread.sleep(500);
        assertTrue(((Number) realm.admin().attackDetection().bruteForceUserStatus(user.userId()).get("numFailures"))
            .intValue() >= 5, "each wrong code is a failure for brute-force detection");
        realm.admin().attackDetection().clearBruteForceForUser(user.userId());
        Http.Response usedUp = postJson(api("v1/platform/2fa/setup/verify"), body("code", new Totp(secret).fresh()),
            "Authorization", "Bearer " + token);
        assertEquals(400, usedUp.status(), "the setup was used up even for the right code: " + usedUp);
        // Started again, the tries do not come back: the user's budget of wrong codes is used up (AccountBoundaryIT).
        String again = text(bearer("POST", "/api/v1/platform/2fa/setup", token).json(), "secret");
        Http.Response restarted = postJson(api("v1/platform/2fa/setup/verify"), body("code", new Totp(again).fresh()),
            "Authorization", "Bearer " + token);
        assertEquals(401, restarted.status(), restarted.toString());
        assertTrue(text(restarted.json(), "message").startsWith("Too many wrong codes"), restarted.toString());
    }

    // --- sign-ups and write failures

    @Test
    void aScopedSignUpCannotShadowAUserOfAnotherTableOrOfKeycloak() throws Exception {
        String other = unique("shadowed");
        insert("staff", other, true);
        String[] mapi = {"x-mapi-key", "app", "x-mapi-auth-config-id", membersId};
        for (String email : List.of(other, "kc-user@example.com")) {
            Http.Response r = postJson(api("v1/auth/signup"), body("credential", email, "password",
                "a good password", "confirmPassword", "a good password"), mapi);
            assertEquals(409, r.status(), email + " -> " + r);
            assertNull(column("members", email, "id"));
            Http.Response slash = postJson(auth("members/register"),
                "{\"data\":{\"email\":\"" + email + "\",\"password\":\"a good password\"}}");
            assertEquals(422, slash.status(), slash.toString());
        }
        String free = unique("free");
        assertEquals(201, postJson(api("v1/auth/signup"), body("credential", free, "password", "a good password",
            "confirmPassword", "a good password"), mapi).status());
    }

    @Test
    void aFailedWriteAnswersWithoutTheDatabasesWords() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE members ADD CONSTRAINT cb_no_bad_mail CHECK (email NOT LIKE 'bad-%')");
        }
        try {
            String bad = unique("bad");
            for (Http.Response r : List.of(
                postJson(api("v1/auth/signup"), body("credential", bad, "password", "a good password",
                    "confirmPassword", "a good password"), "x-mapi-key", "app", "x-mapi-auth-config-id", membersId),
                postJson(api("v1/platform/auth/register"), body("email", bad, "password", "a good password",
                    "name", "Bad Mail")),
                postJson(auth("members/register"), "{\"data\":{\"email\":\"" + bad + "\",\"password\":\"a good password\"}}"))) {
                assertTrue(r.status() >= 400, r.toString());
                for (String leak : List.of("cb_no_bad_mail", "violates", "constraint", "Key (", "ERROR:", "SQL")) {
                    assertFalse(r.body().contains(leak), "the answer quotes the database (" + leak + "): " + r);
                }
                assertNull(column("members", bad, "id"));
            }
            assertTrue(realm.server().logTail(400).contains("cb_no_bad_mail"), "the detail is in the server log");
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE members DROP CONSTRAINT cb_no_bad_mail");
            }
        }
    }

    // --- what requests are accepted at all

    @Test
    void jsonEndpointsTakeJsonOnlyAndCookieLoginsComeFromAllowedOrigins() throws Exception {
        String email = unique("ct");
        insert("members", email, true);
        String json = body("email", email, "password", TABLE_PASSWORD);
        Http.Response maskapi = Http.post(api("v1/auth/login"), "text/plain", body("credential", email, "password",
            TABLE_PASSWORD), "x-mapi-key", "app", "x-mapi-auth-config-id", membersId);
        assertEquals(415, maskapi.status(), maskapi.toString());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", text(maskapi.json(), "error"));
        Http.Response directus = Http.post(auth("login"), "application/x-www-form-urlencoded", json);
        assertEquals(415, directus.status(), directus.toString());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", directus.json().get("errors").get(0).get("extensions").get("code").asText());
        Http.Response mavibase = Http.post(api("v1/platform/auth/login"), "text/plain", json);
        assertEquals(415, mavibase.status(), mavibase.toString());
        Http.Response slash = Http.post(auth("members/login"), "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + email + "\r\n--x--\r\n");
        assertEquals(415, slash.status(), slash.toString());
        Http.Response baasix = Http.post(auth("register"), "text/html", body("email", email, "password", "x"));
        assertEquals(415, baasix.status(), baasix.toString());
        assertEquals(200, postJson(auth("login"), json).status(), "the same body as JSON");

        String cookieLogin = body("email", email, "password", TABLE_PASSWORD, "mode", "cookie");
        Http.Response foreign = postJson(auth("login"), cookieLogin, "Origin", "http://evil.example.test");
        assertEquals(403, foreign.status(), "login CSRF from another site: " + foreign);
        assertTrue(Http.setCookies(foreign).isEmpty(), "no cookie for it");
        assertEquals(200, postJson(auth("login"), cookieLogin, "Origin", ORIGIN).status(), "an allowed origin");
        assertEquals(200, postJson(auth("login"), cookieLogin).status(), "a client that is not a browser");
    }

    @Test
    void usersCannotEditMappedAttributesThroughKeycloaksAccountApi() throws Exception {
        // README's advice: attributes of the table are the admins' (here: unmanaged attributes for admins only).
        UPConfig profile = realm.admin().users().userProfile().getConfiguration();
        UPConfig.UnmanagedAttributePolicy before = profile.getUnmanagedAttributePolicy();
        profile.setUnmanagedAttributePolicy(UPConfig.UnmanagedAttributePolicy.ADMIN_EDIT);
        realm.admin().users().userProfile().update(profile);
        try {
            Session user = member();
            Http.Response me = Http.get(realm.uri("/account/"), "Authorization", "Bearer " + user.token(),
                "Accept", "application/json");
            assertEquals(200, me.status(), me.toString());
            com.fasterxml.jackson.databind.node.ObjectNode rep = (com.fasterxml.jackson.databind.node.ObjectNode) me.json();
            rep.putObject("attributes").putArray("role").add("admin");
            Http.Response edit = postJson(realm.uri("/account/"), rep.toString(), "Authorization",
                "Bearer " + user.token());
            assertTrue(edit.status() == 400 || edit.status() == 204 || edit.status() == 200, edit.toString());
            assertEquals("editor", column("members", user.email(), "role"), "the mapped column is unchanged");
            // An admin may.
            var rep2 = realm.admin().users().get(user.userId()).toRepresentation();
            rep2.singleAttribute("role", "admin");
            realm.admin().users().get(user.userId()).update(rep2);
            assertEquals("admin", column("members", user.email(), "role"));
        } finally {
            profile.setUnmanagedAttributePolicy(before);
            realm.admin().users().userProfile().update(profile);
        }
    }
}

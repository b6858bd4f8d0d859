package io.tableauth.it.rest;

import static io.tableauth.it.support.Http.body;
import static io.tableauth.it.support.Http.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tableauth.it.support.Http;
import io.tableauth.it.support.MailBox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user changing their e-mail ({@code POST /api/v1/platform/auth/change-email} with their password: nothing changes
 * until the link mailed to the new address is opened) and deleting their own account ({@code DELETE /api/v1/platform/users/me} with their password): the row and
 * everything Keycloak holds about them go, in one transaction, from a writable auth config or Keycloak itself. A
 * wrong password, another user's token of an API key, or a read-only config delete nothing.
 */
class SelfServiceIT extends RestFixture {

    @RegisterExtension
    final MailBox mail = new MailBox();

    @BeforeAll
    void mailGoesToTheMailBox() {
        updateRealm(r -> r.setSmtpServer(mail.smtpServer()));
    }

    private Http.Response changeEmail(String token, String newEmail, String password) {
        return postJson(api("v1/platform/auth/change-email"), body("newEmail", newEmail, "password", password),
            "Authorization", "Bearer " + token);
    }

    @Test
    void theNewEmailTakesEffectOnlyWhenItsLinkIsOpenedAndOnlyOnce() throws Exception {
        String email = unique("ce");
        insert("members", email, true);
        String token = text(login(email).json(), "token");
        String taken = unique("ce-taken");
        insert("members", taken, true);
        String next = unique("ce-new");

        assertEquals(403, changeEmail(token, next, "not my password").status(), "a wrong password");
        Http.Response clash = changeEmail(token, taken.toUpperCase(), TABLE_PASSWORD);
        assertEquals(409, clash.status(), "an address someone has: " + clash);
        assertEquals("USER_EXISTS", text(clash.json(), "error"), clash.toString());
        assertEquals(400, changeEmail(token, "not an address", TABLE_PASSWORD).status());
        assertEquals(403, changeEmail(apiKeyTokenOf(token), next, TABLE_PASSWORD).status(), "a key holder");
        forgetFailures();

        Http.Response requested = changeEmail(token, next, TABLE_PASSWORD);
        assertEquals(200, requested.status(), requested.toString());
        assertEquals(email, column("members", email, "email"), "nothing changes before the link is opened");
        assertEquals(200, login(email).status(), "the old address still logs in");
        MailBox.Mail m = mail.await(next, 1, Duration.ofSeconds(20));
        Matcher link = Pattern.compile(
            "https?://\\S+/api/v1/platform/auth/confirm-email-change\\?token=[A-Za-z0-9%._~-]+").matcher(m.text());
        assertTrue(link.find(), "a link in the mail to the new address: " + m.text());
        assertTrue(mail.to(email).isEmpty(), "the link goes to the new address only");

        Http.Response confirmed = Http.get(URI.create(link.group()));
        assertEquals(200, confirmed.status(), confirmed.toString());
        assertEquals(next, column("members", next, "email"), "the row has the new address");
        assertNull(column("members", email, "email"));
        assertTrue(realm.admin().users().searchByEmail(next, true).get(0).isEmailVerified(), "verified by the link");
        assertEquals(200, login(next).status(), "the new address logs in");
        assertEquals(401, login(email).status(), "the old one no longer does");
        assertEquals(401, Http.get(URI.create(link.group())).status(), "the link works once");
    }

    private Http.Response login(String email) {
        return postJson(api("v1/platform/auth/login"), body("email", email, "password", TABLE_PASSWORD));
    }

    private Http.Response deleteMe(String token, String password) {
        return Http.json("DELETE", api("v1/platform/users/me"), password == null ? "{}" : body("password", password),
            "Authorization", "Bearer " + token);
    }

    @Test
    void theUsersPasswordDeletesTheRowAndEverythingKeycloakHeldAboutThem() throws Exception {
        updateRealm(r -> r.setEventsEnabled(true));
        String email = unique("del");
        insert("members", email, true);
        Http.Response phone = login(email);
        Http.Response laptop = login(email);
        String token = text(laptop.json(), "token");
        String userId = text(laptop.json().get("user"), "id");
        Http.Response made = postJson(api("v1/platform/api-keys"),
            "{\"name\":\"ci\",\"scopes\":[\"databases:read\"]}", "Authorization", "Bearer " + token);
        assertEquals(201, made.status(), made.toString());
        String key = text(made.json().get("apiKey"), "key");

        Http.Response missing = deleteMe(token, null);
        assertEquals(400, missing.status(), missing.toString());
        assertEquals("password", missing.json().get("fields").fieldNames().next());
        Http.Response wrong = deleteMe(token, "not my password");
        assertEquals(403, wrong.status(), wrong.toString());
        assertNotNull(column("members", email, "email"), "a wrong password deletes nothing");
        assertEquals(1, ((Number) realm.admin().attackDetection().bruteForceUserStatus(userId).get("numFailures"))
            .intValue(), "and is a failed login");
        forgetFailures();

        Http.Response deleted = deleteMe(token, TABLE_PASSWORD);
        assertEquals(200, deleted.status(), deleted.toString());
        assertEquals("Account deleted", text(deleted.json(), "message"));
        assertNull(column("members", email, "email"), "the row is gone");
        assertTrue(realm.admin().users().search(email, true).isEmpty(), "Keycloak knows no such user");
        assertEquals(401, login(email).status(), "nobody logs in as them");
        assertNotEquals(200, postJson(api("v1/platform/auth/refresh-token"),
            body("refreshToken", text(phone.json(), "refreshToken"))).status(), "the other device's session ended");
        assertEquals(401, Http.get(api("v1/forward-auth"), "X-API-Key", key).status(), "their API key died with them");
        Thread.sleep(500);
        assertEquals(1, realm.admin().getEvents(List.of("DELETE_ACCOUNT"), null, userId, null, null, null, 0, 10)
            .size(), "a Keycloak event the admin console's Events list shows");
    }

    @Test
    void aKeycloakUserIsDeletedToo() {
        String username = "del-local-" + System.nanoTime();
        realm.addUser(username, username + "@example.com", TABLE_PASSWORD);
        String token = text(login(username + "@example.com").json(), "token");
        assertEquals(200, deleteMe(token, TABLE_PASSWORD).status());
        assertTrue(realm.admin().users().search(username, true).isEmpty());
    }

    @Test
    void aReadOnlyConfigATokenOfAnApiKeyOrNoTokenDeleteNothing() throws Exception {
        String staff = unique("del-ro");
        insert("staff", staff, true);
        Http.Response readOnly = deleteMe(text(login(staff).json(), "token"), TABLE_PASSWORD);
        assertEquals(403, readOnly.status(), readOnly.toString());
        assertTrue(text(readOnly.json(), "message").contains("read-only"), readOnly.toString());
        assertNotNull(column("staff", staff, "email"), "the read-only table keeps the row");
        assertEquals(200, login(staff).status(), "and the user still logs in");

        String email = unique("del-key");
        insert("members", email, true);
        String keyToken = apiKeyTokenOf(text(login(email).json(), "token"));
        Http.Response byKey = deleteMe(keyToken, TABLE_PASSWORD);
        assertEquals(403, byKey.status(), "a key holder knowing the password still may not: " + byKey);
        Http.Response anonymous = Http.json("DELETE", api("v1/platform/users/me"), body("password", TABLE_PASSWORD));
        assertEquals(401, anonymous.status(), anonymous.toString());
        assertNotNull(column("members", email, "email"), "the row is still there");
    }
}

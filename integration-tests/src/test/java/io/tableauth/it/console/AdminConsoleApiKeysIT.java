package io.tableauth.it.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Browser;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The admin console's API keys tab on a user's page, in headless Chromium: an admin of the master realm (admin
 * theme tableauth) lists, creates, rotates and revokes a table user's keys; the key shown once works at the
 * forward-auth endpoint, and stops working when rotated or revoked.
 */
class AdminConsoleApiKeysIT extends RestFixture {

    @RegisterExtension
    final Browser browser = new Browser();

    private String themeBefore;

    @BeforeAll
    void useTheTableauthAdminTheme() {
        RealmRepresentation master = realm.server().admin().realm("master").toRepresentation();
        themeBefore = master.getAdminTheme();
        master.setAdminTheme("tableauth");
        realm.server().admin().realm("master").update(master);
        updateRealm(r -> r.setAdminTheme("tableauth"));
    }

    @AfterAll
    void restoreTheAdminTheme() {
        RealmRepresentation master = realm.server().admin().realm("master").toRepresentation();
        master.setAdminTheme(themeBefore);
        realm.server().admin().realm("master").update(master);
    }

    Http.Response forwardAuth(String key) {
        return Http.get(api("v1/forward-auth"), "X-API-Key", key);
    }

    String header(Http.Response r, String name) {
        return r.raw().headers().firstValue(name).orElse(null);
    }

    /** Opens the user's API keys tab in the console of {@code consoleRealm}, signing in when the console asks. */
    void openKeysTab(String consoleRealm, String username, String password, String userId) {
        WebDriver d = browser.driver();
        d.get(realm.server().baseUri() + "/admin/" + consoleRealm + "/console/#/" + realm.name() + "/users/" + userId
            + "/api-keys");
        browser.await(60, w -> !w.findElements(By.id("username")).isEmpty()
            || !w.findElements(By.id("tableauth-api-keys")).isEmpty());
        if (!d.findElements(By.id("username")).isEmpty()) {
            d.findElement(By.id("username")).sendKeys(username);
            d.findElement(By.id("password")).sendKeys(password);
            d.findElement(By.id("kc-login")).click();
        }
        // the list and the create form are drawn once the tab has signed in and read the keys and scopes
        browser.await(60, w -> !w.findElements(By.cssSelector("[data-testid=tableauth-create-key]")).isEmpty());
    }

    /** The key list's rows, once the tab is done with its last action (it redraws the list after each). */
    List<WebElement> rows() {
        browser.await(30, w -> !w.findElements(By.cssSelector("#tableauth-api-keys:not([data-busy])")).isEmpty());
        return browser.driver().findElements(By.cssSelector("[data-testid=tableauth-key-row]"));
    }

    String shownSecret(String notThis) {
        return browser.await(30, w -> w.findElements(By.cssSelector("[data-testid=tableauth-secret]")).stream()
            .map(WebElement::getText).filter(t -> !t.isBlank() && !t.equals(notThis)).findFirst().orElse(null));
    }

    @Test
    void anAdminCreatesRotatesAndRevokesAUsersKeysOnTheUsersPage() throws Exception {
        String email = unique("console");
        String userId = "f:" + membersId + ":" + insert("members", email, true);
        openKeysTab("master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD, userId);
        WebDriver d = browser.driver();

        assertTrue(d.findElements(By.cssSelector("[role=tab], .pf-v5-c-tabs__item")).stream()
            .anyMatch(t -> t.getText().trim().equals("API keys")), "the user's page has an API keys tab");
        assertFalse(d.findElements(By.cssSelector("[data-testid=tableauth-no-keys]")).isEmpty(), "no keys yet");

        // a key without scopes is refused with the service's message, and nothing is made
        d.findElement(By.id("tableauth-key-name")).sendKeys("ci deploy");
        d.findElement(By.cssSelector("[data-testid=tableauth-create-key]")).click();
        String refusal = browser.await(30, w -> {
            String t = w.findElement(By.cssSelector("[data-testid=tableauth-message]")).getText();
            return t.isBlank() ? null : t;
        });
        assertEquals("At least one scope is required.", refusal);
        assertTrue(rows().isEmpty());

        d.findElement(By.id("tableauth-scope-databases:read")).click();
        d.findElement(By.cssSelector("[data-testid=tableauth-create-key]")).click();
        String key = shownSecret(null);
        assertTrue(key.matches("tak_live_[A-Za-z0-9_-]{43}"), key);
        browser.await(30, w -> rows().size() == 1);
        assertTrue(rows().get(0).getText().contains("ci deploy"), rows().get(0).getText());
        assertEquals("active", rows().get(0).findElement(By.cssSelector("[data-testid=tableauth-key-status]")).getText());

        Http.Response allowed = forwardAuth(key);
        assertEquals(200, allowed.status(), allowed.toString());
        assertEquals(userId, header(allowed, "X-Auth-User-Id"));
        assertEquals("databases:read", header(allowed, "X-Auth-Scopes"));

        // shown once: after a reload the list is there and the key is not
        d.navigate().refresh();
        browser.await(60, w -> rows().size() == 1);
        assertFalse(d.getPageSource().contains(key), "the key is not shown again");

        rows().get(0).findElement(By.cssSelector("[data-testid=tableauth-rotate]")).click();
        String rotated = shownSecret(key);
        assertNotEquals(key, rotated);
        assertEquals(401, forwardAuth(key).status(), "the old key stops working at once (no grace set)");
        assertEquals(200, forwardAuth(rotated).status());

        rows().get(0).findElement(By.cssSelector("[data-testid=tableauth-revoke]")).click();
        browser.await(10, w -> {
            try {
                w.switchTo().alert().accept();
                return true;
            } catch (org.openqa.selenium.NoAlertPresentException e) {
                return false;
            }
        });
        browser.await(30, w -> rows().size() == 1 && rows().get(0)
            .findElement(By.cssSelector("[data-testid=tableauth-key-status]")).getText().equals("revoked"));
        assertTrue(rows().get(0).findElements(By.cssSelector("[data-testid=tableauth-rotate]")).isEmpty(),
            "a revoked key offers no actions");
        assertEquals(401, forwardAuth(rotated).status(), "a revoked key is refused");
    }

    @Test
    void aRealmsOwnAdminSeesTheKeysInTheRealmsConsoleWithTheirOwnRights() throws Exception {
        String email = unique("realm-admin");
        String userId = "f:" + membersId + ":" + insert("members", email, true);
        String admin = realm.server().admin().tokenManager().getAccessTokenString();
        Http.Response made = Http.postJson(realm.server().baseUri().resolve("/admin/realms/" + realm.name()
                + "/tableauth-api-keys/users/" + userId + "/keys"),
            "{\"name\":\"made over REST\",\"scopes\":[\"databases:write\"],\"expiresInDays\":30}",
            "Authorization", "Bearer " + admin);
        assertEquals(201, made.status(), made.toString());

        // an admin of this realm only, with the roles the demo realm's demo-admin has, signs in to its console
        String consoleAdmin = unique("console-admin");
        String adminId = realm.addUser(consoleAdmin, consoleAdmin, "console-admin-password");
        ClientRepresentation management = realm.admin().clients().findByClientId("realm-management").get(0);
        realm.admin().users().get(adminId).roles().clientLevel(management.getId()).add(
            List.of("view-realm", "view-users", "manage-users", "query-users").stream()
                .map(r -> realm.admin().clients().get(management.getId()).roles().get(r).toRepresentation()).toList());
        openKeysTab(realm.name(), consoleAdmin, "console-admin-password", userId);
        browser.await(30, w -> rows().size() == 1);
        String row = rows().get(0).getText();
        assertTrue(row.contains("made over REST") && row.contains("databases:write"), row);
        assertFalse(row.contains("never"), "the expiry is shown: " + row);
        assertFalse(browser.driver().getPageSource().contains(text(made.json(), "key")), "the key is not shown");
    }
}

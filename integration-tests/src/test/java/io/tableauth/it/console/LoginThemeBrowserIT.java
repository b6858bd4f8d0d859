package io.tableauth.it.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Browser;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakServer;
import io.tableauth.it.support.Totp;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * In headless Chromium: an admin creates an auth config over the app's {@code customers} table in the admin
 * console, hook included; then that table's users log in through the tableauth login theme, branded from the
 * realm's settings: a first login sets up TOTP, the next asks for the code, and the hook's refusal shows on the
 * login page.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginThemeBrowserIT extends RestFixture {

    static final String LANDING = "http://127.0.0.1:9/landed";
    static final String HOOK_MESSAGE = "Your account is paused: we'll write to you soon.";
    static final String HOOK = "if (user.email.startsWith(\"paused\")) throw new Error(\"" + HOOK_MESSAGE
        + "\"); return true;";
    static final String LOGO = "/resources/logo-of-the-app.svg";

    @RegisterExtension
    final Browser browser = new Browser();

    @BeforeAll
    void customersTableAndFlows() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id SERIAL PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
                + "password VARCHAR(255) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100), "
                + "is_active BOOLEAN NOT NULL DEFAULT TRUE)");
        }
        browserClient("web", LANDING);
        copyWithStep("browser", "hooked browser", "hooked browser forms", "tableauth-hook", 0);
        updateRealm(r -> {
            r.setLoginTheme("tableauth");
            r.setBrowserFlow("hooked browser");
            r.setDisplayName("Acme Shop");
        });
        setting("brandPrimaryColor", "#c2185b");
        setting("brandBackgroundColor", "#fafafa");
        setting("brandLogoUrl", LOGO);
    }

    private WebDriver d() {
        return browser.driver();
    }

    private WebElement field(String css) {
        return browser.await(30, w -> w.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    private void type(String css, String value) {
        WebElement e = field(css);
        e.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        e.sendKeys(value);
    }

    private String lastAlert() {
        return browser.await(30, w -> w.findElements(By.cssSelector("[data-testid=last-alert]")).stream()
            .map(WebElement::getText).filter(t -> !t.isBlank()).findFirst().orElse(null));
    }

    private ComponentRepresentation customersConfig() {
        return realm.admin().components().query(realm.admin().toRepresentation().getId(),
            "org.keycloak.storage.UserStorageProvider").stream()
            .filter(c -> "customers".equals(c.getName())).findFirst().orElse(null);
    }

    private void insertCustomer(String email) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
            "INSERT INTO customers (email, password, first_name, last_name) VALUES (?, ?, 'Cleo', 'Customer')")) {
            ps.setString(1, email);
            ps.setString(2, TABLE_HASH);
            ps.executeUpdate();
        }
    }

    private URI loginPage() {
        return realm.uri("/protocol/openid-connect/auth?client_id=web&response_type=code&scope=openid"
            + "&redirect_uri=" + LANDING);
    }

    /**
     * Drops every cookie, Keycloak's SSO session included (WebDriver's deleteAllCookies only reaches the current
     * page's site, and the browser is on the unreachable landing page by then).
     */
    private void forgetKeycloakSession() {
        ((org.openqa.selenium.chromium.ChromiumDriver) d()).executeCdpCommand("Network.clearBrowserCookies",
            java.util.Map.of());
    }

    /** Opens the realm's login page afresh (no Keycloak session) and submits the user's password. */
    private void submitPassword(String email) {
        forgetKeycloakSession();
        d().get(loginPage().toString());
        type("#username", email);
        type("#password", TABLE_PASSWORD);
        d().findElement(By.id("kc-login")).click();
    }

    private void awaitLanding() {
        browser.await(30, w -> w.getCurrentUrl().startsWith(LANDING + "?"));
        assertTrue(d().getCurrentUrl().contains("code="), d().getCurrentUrl());
    }

    @Test
    @Order(1)
    void anAdminCreatesTheAuthConfigAndItsHookInTheConsole() {
        d().get(realm.server().baseUri() + "/admin/master/console/#/" + realm.name()
            + "/user-federation/tableauth-sql/new");
        type("#username", KeycloakServer.ADMIN_USER);
        type("#password", KeycloakServer.ADMIN_PASSWORD);
        d().findElement(By.id("kc-login")).click();

        type("[data-testid=name]", "customers");
        type("[data-testid=jdbcUrl]", db.jdbcUrl());
        type("[data-testid=dbUser]", db.user());
        if (db.password() != null && !db.password().isEmpty()) {
            type("[data-testid='config.dbPassword'], [data-testid=dbPassword]", db.password());
        }
        type("[data-testid=table]", "customers");
        type("[data-testid=emailColumn]", "email");
        type("[data-testid=firstNameColumn]", "first_name");
        type("[data-testid=lastNameColumn]", "last_name");
        type("[data-testid=enabledColumn]", "is_active");

        // A hook that does not compile is refused, with the parser's words.
        type("textarea#loginHook, #loginHook textarea", "return (;");
        field("[data-testid=custom-save]").click();
        String refused = lastAlert();
        assertTrue(refused.contains("Login hook has a syntax error"), refused);
        assertEquals(null, customersConfig(), "nothing saved");

        type("textarea#loginHook, #loginHook textarea", HOOK);
        field("[data-testid=custom-save]").click();
        browser.await(30, w -> lastAlert().contains("successfully created"));

        ComponentRepresentation saved = customersConfig();
        assertNotNull(saved, "the console saved the config");
        assertEquals("tableauth-sql", saved.getProviderId());
        assertEquals(HOOK, saved.getConfig().getFirst("loginHook"));
        assertEquals("customers", saved.getConfig().getFirst("table"));
        // The form's cache settings were left as they come: Keycloak's DEFAULT (keep users with no expiry). What is
        // stored, and what the console shows when the config is opened again, is tableauth's default.
        assertEquals("MAX_LIFESPAN", saved.getConfig().getFirst("cachePolicy"));
        assertEquals("30000", saved.getConfig().getFirst("maxLifespan"));
        d().get(realm.server().baseUri() + "/admin/master/console/#/" + realm.name()
            + "/user-federation/tableauth-sql/" + saved.getId());
        browser.await(60, w -> w.findElements(By.cssSelector("#kc-cache-policy, [id^=kc-cache-policy]")).stream()
            .anyMatch(e -> e.getText().contains("MAX_LIFESPAN")));
    }

    @Test
    @Order(2)
    void aTableUserSetsUpTotpAndLogsInWithItOnTheBrandedLoginPage() throws Exception {
        assertNotNull(customersConfig(), "needs the config the console made");
        String email = unique("cleo");
        insertCustomer(email);
        UserRepresentation user = realm.admin().users().searchByEmail(email, true).get(0);
        user.setRequiredActions(List.of("CONFIGURE_TOTP"));
        realm.admin().users().get(user.getId()).update(user);

        forgetKeycloakSession();
        d().get(loginPage().toString());
        field("#kc-login");
        // Branding from the realm's settings, not from the theme's files (its stylesheet may land a moment after the
        // page: the colour is waited for, 10 s at most)
        JavascriptExecutor js = (JavascriptExecutor) d();
        long until = System.nanoTime() + 10_000_000_000L;
        Object button = null;
        while (System.nanoTime() < until && !"rgb(194, 24, 91)".equals(button)) {
            button = js.executeScript("return getComputedStyle(document.getElementById('kc-login')).backgroundColor");
            if (!"rgb(194, 24, 91)".equals(button)) {
                Thread.sleep(100);
            }
        }
        assertEquals("rgb(194, 24, 91)", button);
        assertEquals("rgb(250, 250, 250)", js.executeScript("return getComputedStyle(document.body).backgroundColor"));
        String logo = (String) js.executeScript(
            "return getComputedStyle(document.getElementById('kc-header-wrapper'), '::before').backgroundImage");
        assertTrue(logo.contains(LOGO), logo);
        // The realm's display name (the theme writes it in capitals).
        assertEquals("ACME SHOP", d().findElement(By.id("kc-header-wrapper")).getText().trim().toUpperCase());

        type("#username", email);
        type("#password", TABLE_PASSWORD);
        d().findElement(By.id("kc-login")).click();

        // First login: Keycloak's TOTP setup page; the secret typed by hand, as "Unable to scan?" shows it.
        field("#mode-manual").click();
        String secret = field("#kc-totp-secret-key").getText().replace(" ", "");
        Totp totp = new Totp(secret);
        type("#totp", totp.fresh());
        d().findElement(By.id("saveTOTPBtn")).click();
        awaitLanding();

        // Next login: the code is asked for, in the theme's words.
        submitPassword(email);
        WebElement otp = field("#otp");
        String label = d().findElement(By.cssSelector("label[for=otp]")).getText();
        assertTrue(label.contains("Code from your authenticator app"), label);
        otp.sendKeys(totp.wrong());
        d().findElement(By.id("kc-login")).click();
        String error = field("#input-error-otp").getText();
        assertEquals("That code is not right. Enter the code your authenticator app shows now.", error.trim());
        type("#otp", totp.fresh());
        d().findElement(By.id("kc-login")).click();
        awaitLanding();
    }

    @Test
    @Order(3)
    void theHooksRefusalShowsOnTheLoginPage() throws Exception {
        assertNotNull(customersConfig(), "needs the config the console made");
        String paused = "paused-" + unique("p");
        insertCustomer(paused);
        submitPassword(paused);
        WebElement alert = field(".pf-v5-c-alert__title.kc-feedback-text");
        assertEquals(HOOK_MESSAGE, alert.getText().trim());
        assertFalse(d().findElements(By.id("kc-form-login")).isEmpty(), "the login form, to try another account");
        assertFalse(d().getPageSource().contains("&amp;#39;"), "the apostrophe is escaped once, not twice");
        realm.admin().attackDetection().clearAllBruteForce();

        String other = unique("ok");
        insertCustomer(other);
        type("#username", other);
        type("#password", TABLE_PASSWORD);
        d().findElement(By.id("kc-login")).click();
        awaitLanding();
    }

    @Test
    @Order(4)
    void brandingChangesShowOnTheNextPageLoadAndBadValuesAreRefused() {
        setting("brandPrimaryColor", "#2e7d32");
        forgetKeycloakSession();
        d().get(loginPage().toString());
        field("#kc-login");
        assertEquals("rgb(46, 125, 50)", ((JavascriptExecutor) d()).executeScript(
            "return getComputedStyle(document.getElementById('kc-login')).backgroundColor"));

        Http.Response css = Http.get(realm.uri("/tableauth/branding.css"));
        assertEquals(200, css.status());
        assertTrue(css.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
        assertTrue(css.body().contains("--pf-v5-global--primary-color--100: #2e7d32;"), css.body());
        String etag = css.raw().headers().firstValue("ETag").orElseThrow();
        assertEquals(304, Http.get(realm.uri("/tableauth/branding.css"), "If-None-Match", etag).status());

        for (String[] bad : new String[][] {{"brandPrimaryColor", "red; background: url(//evil)"},
            {"brandLogoUrl", "javascript:alert(1)"}, {"brandLogoUrl", "/logo.svg\") ; x: url(\"y"}}) {
            BadRequestException refused = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
                () -> setting(bad[0], bad[1]), bad[1]);
            String message = refused.getResponse().readEntity(String.class);
            assertTrue(message.contains("must be"), message);
        }
        assertTrue(Http.get(realm.uri("/tableauth/branding.css")).body().contains("#2e7d32"), "left as it was");
    }
}

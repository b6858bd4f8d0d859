package io.tableauth.it.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import io.tableauth.it.rest.RestFixture;
import io.tableauth.it.support.Browser;
import io.tableauth.it.support.KeycloakServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * A real browser makes a real passkey: headless Chromium with a virtual authenticator (Chrome DevTools' WebAuthn
 * domain) runs the page of an app ({@code passkeys/page.html}, served here at {@code http://localhost}), which
 * registers a passkey through the REST calls and logs in with it; the same passkey then logs in on Keycloak's own
 * login page (a browser flow with Keycloak's passwordless WebAuthn step), since both use the RP ID {@code localhost};
 * the admin console's Credentials tab of the user lists it.
 */
class PasskeyBrowserIT extends RestFixture {

    static final String LANDING = "http://127.0.0.1:9/landed";

    @RegisterExtension
    final Browser browser = new Browser();

    private HttpServer page;
    private String pageOrigin;
    private VirtualAuthenticator authenticator;

    @BeforeAll
    void pageAndSettings() throws IOException {
        byte[] html;
        try (InputStream in = getClass().getResourceAsStream("/passkeys/page.html")) {
            html = in.readAllBytes();
        }
        page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        page.start();
        pageOrigin = "http://localhost:" + page.getAddress().getPort();
        setting("allowedOrigins", pageOrigin);
        setting("passkeyRpId", "localhost");
        setting("passkeyOrigins", pageOrigin);
        updateRealm(r -> r.setWebAuthnPolicyPasswordlessRpId("localhost"));
        passkeyLoginFlowFor("web");
    }

    @AfterAll
    void stopPage() {
        if (page != null) {
            page.stop(0);
        }
    }

    /** A browser client whose login page asks for a passkey (Keycloak's passwordless WebAuthn step) and nothing else. */
    private void passkeyLoginFlowFor(String clientId) {
        browserClient(clientId, LANDING);
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias("passkey only");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        realm.admin().flows().createFlow(flow).close();
        realm.admin().flows().addExecution("passkey only", Map.of("provider", "webauthn-authenticator-passwordless"));
        AuthenticationExecutionInfoRepresentation step = realm.admin().flows().getExecutions("passkey only").get(0);
        step.setRequirement("REQUIRED");
        realm.admin().flows().updateExecutions("passkey only", step);
        String flowId = realm.admin().flows().getFlows().stream().filter(f -> "passkey only".equals(f.getAlias()))
            .findFirst().orElseThrow().getId();
        ClientRepresentation client = realm.admin().clients().findByClientId(clientId).get(0);
        client.setAuthenticationFlowBindingOverrides(Map.of("browser", flowId));
        realm.admin().clients().get(client.getId()).update(client);
    }

    /** The Mavibase base URL as the page calls it (Keycloak on localhost, the passkeys' RP ID). */
    private String api() {
        return api("v1/platform").toString().replace("://127.0.0.1:", "://localhost:");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String script, Object... args) {
        Object result = ((JavascriptExecutor) browser.driver()).executeAsyncScript("const done = arguments["
            + "arguments.length - 1]; (" + script + ").then(done, e => done({status: -1, error: String(e)}));", args);
        return (Map<String, Object>) result;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPasskeyMadeInTheBrowserOverRestLogsInThereAndOnKeycloaksLoginPage() throws Exception {
        String email = unique("browser");
        insert("members", email, true);
        browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        browser.driver().get(pageOrigin + "/");
        // tokens name the host they were issued on: the page logs in on the same host it then calls
        Map<String, Object> password = run("call(arguments[0], '/auth/login', {email: arguments[1], password: "
            + "arguments[2]})", api(), email, TABLE_PASSWORD);
        assertEquals(200L, password.get("status"), password.toString());
        Object token = ((Map<String, Object>) password.get("json")).get("token");
        authenticator = ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(
            new VirtualAuthenticatorOptions().setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL).setHasResidentKey(true)
                .setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));

        Map<String, Object> registered = run("registerPasskey(arguments[0], arguments[1], 'Chromium')", api(), token);
        assertEquals(200L, registered.get("status"), "registration through the REST calls: " + registered);
        assertEquals(1, authenticator.getCredentials().size(), "the browser's authenticator holds the passkey");
        Map<String, Object> list = run("call(arguments[0], '/passkeys', null, arguments[1], 'GET')", api(), token);
        assertTrue(list.toString().contains("name=Chromium"), "listed with its name: " + list);

        Map<String, Object> in = run("loginWithPasskey(arguments[0])", api());
        assertEquals(200L, in.get("status"), "login through the REST calls: " + in);
        Map<String, Object> answer = (Map<String, Object>) in.get("json");
        assertEquals(email, ((Map<String, Object>) answer.get("user")).get("email"));
        Map<String, Object> me = run("call(arguments[0], '/users/me', null, arguments[1], 'GET')", api(),
            answer.get("token"));
        assertEquals(200L, me.get("status"), "the token works: " + me);

        browser.driver().get(realm.uri("/protocol/openid-connect/auth").toString()
            .replace("://127.0.0.1:", "://localhost:") + "?client_id=web&response_type=code&scope=openid"
            + "&redirect_uri=" + LANDING);
        browser.await(30, w -> w.findElements(By.id("authenticateWebAuthnButton")).stream().findFirst().orElse(null))
            .click();
        String landed = browser.await(30, w -> w.getCurrentUrl().startsWith(LANDING) ? w.getCurrentUrl() : null);
        assertTrue(landed.contains("code="), "Keycloak's login page logged the user in with it: " + landed);
        List<?> sessions = realm.admin().users().get(realm.admin().users().search(email, true).get(0).getId())
            .getUserSessions();
        assertTrue(sessions.size() >= 2, "REST and login page sessions: " + sessions);

        // the admin console's Credentials tab of the user lists it, under the name given over REST
        String userId = realm.admin().users().search(email, true).get(0).getId();
        browser.driver().get(realm.server().baseUri() + "/admin/master/console/#/" + realm.name() + "/users/" + userId
            + "/credentials");
        browser.await(60, w -> !w.findElements(By.id("username")).isEmpty()
            || w.getPageSource().contains("Chromium"));
        if (!browser.driver().findElements(By.id("username")).isEmpty()) {
            browser.driver().findElement(By.id("username")).sendKeys(KeycloakServer.ADMIN_USER);
            browser.driver().findElement(By.id("password")).sendKeys(KeycloakServer.ADMIN_PASSWORD);
            browser.driver().findElement(By.id("kc-login")).click();
        }
        browser.await(60, w -> w.findElements(By.xpath("//*[@role='tab' or self::button]"
            + "[normalize-space()='Credentials']")).stream().findFirst().orElse(null)).click();
        boolean listed = browser.await(60, w -> w.getPageSource().contains("Chromium"));
        assertTrue(listed, "listed in the console");
        ((HasVirtualAuthenticator) browser.driver()).removeVirtualAuthenticator(authenticator);
    }
}

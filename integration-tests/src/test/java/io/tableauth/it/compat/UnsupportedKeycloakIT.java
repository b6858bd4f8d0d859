package io.tableauth.it.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.KeycloakServer;
import io.tableauth.it.support.TestRealm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundle dropped into a Keycloak release it does not support (failsafe execution {@code unsupported-26.3.5}):
 * the server still starts and serves Keycloak's own endpoints; the log says at startup which releases tableauth
 * supports; every tableauth endpoint answers 503 in its own shape with that message, never a 500.
 */
@Tag("unsupported")
@ExtendWith(KeycloakExtension.class)
class UnsupportedKeycloakIT {

    @RegisterExtension
    static final TestRealm REALM = TestRealm.fromResource("/realms/oidc-provider-realm.json");

    private static final String RELEASE = System.getProperty("tableauth.it.keycloak.version");
    private static final String SUPPORTED = "It supports Keycloak 26.4.x, 26.5.x, 26.6.x and 26.7.x";

    @Test
    void theLogSaysAtStartupWhichReleasesAreSupported(KeycloakServer server) {
        String log = server.logTail(100_000);
        assertTrue(log.contains("tableauth: tableauth does not run on Keycloak " + RELEASE + ". " + SUPPORTED),
            "the startup log must name the supported releases");
        assertFalse(log.contains("tableauth: running on Keycloak"), "no claim of support");
    }

    @Test
    void keycloaksOwnEndpointsStillServe() {
        Http.Response discovery = Http.get(REALM.uri("/.well-known/openid-configuration"));
        assertEquals(200, discovery.status(), discovery.toString());
    }

    private record Call(String dialect, Http.Response response, Function<JsonNode, String> message) {
    }

    @Test
    void everyTableauthEndpointAnswers503InItsDialectsShapeWithTheMessage() {
        String login = Http.body("email", "ida@partner.example", "password", "ida-password");
        List<Call> calls = List.of(
            new Call("MaskAPI", Http.postJson(REALM.uri("/api/v1/auth/login"),
                Http.body("credential", "ida@partner.example", "password", "ida-password"), "x-mapi-key", "app"),
                json -> json.path("message").asText()),
            new Call("Mavibase", Http.postJson(REALM.uri("/api/v1/platform/auth/login"), login),
                json -> json.path("message").asText()),
            new Call("Baasix", Http.postJson(REALM.uri("/auth/register"), login),
                json -> json.path("message").asText()),
            new Call("SlashApi", Http.postJson(REALM.uri("/auth/users/login"), login),
                json -> json.path("message").asText()),
            new Call("Directus", Http.postJson(REALM.uri("/auth/login"), login),
                json -> json.path("errors").path(0).path("message").asText()),
            new Call("forward-auth", Http.get(REALM.uri("/api/v1/forward-auth"), "Authorization", "Bearer x"),
                json -> json.path("message").asText()));
        for (Call call : calls) {
            Http.Response r = call.response();
            assertEquals(503, r.status(), call.dialect() + ": " + r);
            String message = call.message().apply(r.json());
            assertTrue(message.contains("tableauth does not run on Keycloak " + RELEASE) && message.contains(SUPPORTED),
                call.dialect() + " must say why: " + r);
            assertNull(r.raw().headers().firstValue("Retry-After").orElse(null),
                call.dialect() + ": trying again will not help, so no Retry-After");
            assertFalse(r.body().contains("Exception"), r.body());
        }
    }
}

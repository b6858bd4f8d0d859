package io.tableauth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.tableauth.it.support.Http;
import io.tableauth.it.support.KeycloakExtension;
import io.tableauth.it.support.KeycloakServer;
import io.tableauth.it.support.TestRealm;
import io.tableauth.it.support.TestSettings;
import io.tableauth.it.support.Tokens;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.info.ProviderRepresentation;
import org.keycloak.representations.info.ServerInfoRepresentation;
import org.keycloak.representations.info.SpiInfoRepresentation;
import org.keycloak.representations.info.ThemeInfoRepresentation;

/** The chain every feature stands on: Keycloak starts with the bundle, loads it, imports the demo realm, logs in. */
@Tag("smoke") // also run on every supported Keycloak release (integration-tests/pom.xml, compat-*)
@ExtendWith(KeycloakExtension.class)
class SmokeIT {

    /** The demo realm as README's demo imports it, its H2 users table seeded as demo.sh seeds it. */
    @RegisterExtension
    static final TestRealm DEMO = TestRealm.fromJson(TestSettings.demoRealm(), Map.of(
        "TABLEAUTH_DEMO_DATA", seededDemoData().toString()));

    /**
     * A folder of this run (where the suite's server allows H2 files) with the demo's table, seeded as demo.sh seeds
     * it: the bundle's own H2 runs demo/app-users.sql in a process of its own.
     */
    private static Path seededDemoData() {
        Path data = Path.of(System.getProperty("tableauth.it.work.dir"), "h2", "demo-data-" + System.nanoTime())
            .toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(data);
            Process seed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", TestSettings.bundleJar().toString(), "io.tableauth.shaded.h2.tools.RunScript",
                "-url", "jdbc:h2:file:" + data + "/appdb", "-user", "sa",
                "-script", TestSettings.demoRealm().toAbsolutePath().getParent().resolve("app-users.sql").toString())
                .redirectErrorStream(true).start();
            String out = new String(seed.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (seed.waitFor() != 0) {
                throw new IllegalStateException("Seeding the demo table failed: " + out);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Could not seed the demo table in " + data, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return data;
    }

    /** SPI name → the tableauth provider ids Keycloak must report under it. */
    private static final Map<String, Set<String>> EXPECTED_PROVIDERS = Map.of(
        "storage", Set.of("tableauth-sql"),
        "authenticator", Set.of("tableauth-hook"),
        "realm-restapi-extension", Set.of("api", "auth"));

    @Test
    void serverInfoListsEveryTableauthProvider(KeycloakServer server) {
        ServerInfoRepresentation info = server.admin().serverInfo().getInfo();
        EXPECTED_PROVIDERS.forEach((spi, ids) -> {
            SpiInfoRepresentation spiInfo = info.getProviders().get(spi);
            Map<String, ProviderRepresentation> loaded = spiInfo == null ? Map.of() : spiInfo.getProviders();
            assertTrue(loaded.keySet().containsAll(ids),
                "SPI " + spi + " should list " + ids + " but lists " + loaded.keySet());
        });
    }

    @Test
    void serverInfoListsTheTableauthThemes(KeycloakServer server) {
        Map<String, List<ThemeInfoRepresentation>> themes = server.admin().serverInfo().getInfo().getThemes();
        for (String type : List.of("login", "email", "admin")) {
            Set<String> names = themes.get(type).stream().map(ThemeInfoRepresentation::getName).collect(Collectors.toSet());
            assertTrue(names.contains("tableauth"), type + " themes should include tableauth: " + names);
        }
    }

    @Test
    void demoRealmImportsWithItsClientUserAndTheme() {
        assertEquals("tableauth", DEMO.admin().toRepresentation().getLoginTheme());
        assertEquals(1, DEMO.admin().clients().findByClientId("demo-app").size());
        assertEquals("alice@example.com", DEMO.admin().users().search("alice", true).get(0).getEmail());
        // An auth config that arrives in a realm import (no console, no onCreate) gets the same cache default.
        var config = DEMO.admin().components().query(DEMO.admin().toRepresentation().getId(),
            "org.keycloak.storage.UserStorageProvider").get(0).getConfig();
        assertEquals("MAX_LIFESPAN", config.getFirst("cachePolicy"));
        assertEquals("30000", config.getFirst("maxLifespan"));
    }

    @Test
    void keycloakDirectGrantIssuesATokenThatVerifiesAgainstTheRealmJwks() throws Exception {
        Http.Response response = Tokens.passwordGrant(DEMO, "demo-app", "alice", "alice-demo-password");

        assertEquals(200, response.status(), response.toString());
        JsonNode body = response.json();
        assertEquals("Bearer", body.get("token_type").asText());
        assertFalse(body.get("refresh_token").asText().isEmpty());
        JWTClaimsSet claims = Tokens.verifyAccessToken(DEMO, body.get("access_token").asText());
        assertEquals("alice", claims.getStringClaim("preferred_username"));
        assertEquals("alice@example.com", claims.getStringClaim("email"));
        assertEquals("demo-app", claims.getStringClaim("azp"));
    }

    @Test
    void theDemoAppsUsersLogInWithTheHashesTheirAppWrote() {
        Http.Response bob = Tokens.passwordGrant(DEMO, "demo-app", "bob@example.com", "correct horse battery staple");
        assertEquals(200, bob.status(), bob.toString());
        assertEquals("bob@example.com", Tokens.verifyAccessToken(DEMO, bob.json().get("access_token").asText())
            .getClaim("preferred_username"));

        Http.Response dan = Tokens.passwordGrant(DEMO, "demo-app", "dan@example.com", "correct horse battery staple");
        assertEquals(400, dan.status(), "dan's row is_active = FALSE: " + dan);
        assertEquals(Tokens.invalidCredentialsStatus(),
            Tokens.passwordGrant(DEMO, "demo-app", "carol@example.com", "wrong").status());
    }

    @Test
    void readmesRestExamplesWorkOnTheDemoRealm() {
        // MaskAPI names its project and auth config; the demo realm gives its config the id demo-app-users.
        Http.Response mask = Http.postJson(DEMO.uri("/api/v1/auth/login"),
            Http.body("credential", "bob@example.com", "password", "correct horse battery staple"),
            "x-mapi-key", "demo-app", "x-mapi-auth-config-id", "demo-app-users");
        assertEquals(200, mask.status(), mask.toString());
        Tokens.verifyAccessToken(DEMO, mask.json().get("accessToken").asText());
        // Directus owns POST /auth/login in the demo; Baasix's /auth/me reads the token it issued.
        Http.Response directus = Http.postJson(DEMO.uri("/auth/login"),
            Http.body("email", "carol@example.com", "password", "correct horse battery staple"));
        assertEquals(200, directus.status(), directus.toString());
        String token = directus.json().get("data").get("access_token").asText();
        Http.Response me = Http.get(DEMO.uri("/auth/me"), "Authorization", "Bearer " + token);
        assertEquals(200, me.status(), me.toString());
        assertEquals("Carol", me.json().get("user").get("firstName").asText());
    }

    @Test
    void keycloakDirectGrantRefusesAWrongPassword() {
        Http.Response response = Tokens.passwordGrant(DEMO, "demo-app", "alice", "not-her-password");

        // RFC 6749 §5.2: invalid_grant is a 400 on the token endpoint (Keycloak 26.4 and 26.5 answer 401).
        assertEquals(Tokens.invalidCredentialsStatus(), response.status(), response.toString());
        assertEquals("invalid_grant", response.json().get("error").asText());
        assertFalse(response.body().contains("Exception"), response.body());
    }
}

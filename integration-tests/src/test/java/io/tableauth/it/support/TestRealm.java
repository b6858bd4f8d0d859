package io.tableauth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * A realm of one test class, created through the admin REST API before its tests and removed after them.
 * The realm's name is the template's name plus a random suffix, so classes never share state.
 */
public final class TestRealm implements BeforeAllCallback, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path template;
    private final Map<String, String> placeholders;
    private KeycloakServer server;
    private String name;

    private TestRealm(Path template, Map<String, String> placeholders) {
        this.template = template;
        this.placeholders = placeholders;
    }

    /** A realm made from a realm-export JSON on the test classpath, e.g. {@code /realms/sql-realm.json}. */
    public static TestRealm fromResource(String resource) {
        try {
            return new TestRealm(Path.of(TestRealm.class.getResource(resource).toURI()), Map.of());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("No realm template " + resource + " on the test classpath", e);
        }
    }

    /** A realm made from a realm-export JSON file (the same format Keycloak's import reads). */
    public static TestRealm fromJson(Path template) {
        return new TestRealm(template, Map.of());
    }

    /**
     * A realm from a realm-export JSON with {@code ${NAME}} placeholders filled in, as Keycloak's --import-realm
     * fills them from environment variables.
     */
    public static TestRealm fromJson(Path template, Map<String, String> placeholders) {
        return new TestRealm(template, placeholders);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = KeycloakExtension.server(context);
        RealmRepresentation realm;
        try {
            String json = Files.readString(template);
            for (Map.Entry<String, String> p : placeholders.entrySet()) {
                json = json.replace("${" + p.getKey() + "}", p.getValue());
            }
            realm = JSON.readValue(json, RealmRepresentation.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read realm template " + template, e);
        }
        realm.setId(null);
        realm.setRealm(realm.getRealm() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        server.admin().realms().create(realm);
        name = realm.getRealm();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (name != null) {
            server.admin().realm(name).remove();
            name = null;
        }
    }

    public String name() {
        return name;
    }

    public RealmResource admin() {
        return server.admin().realm(name);
    }

    /** {@code /realms/{name}/{path}} on the test server. */
    public URI uri(String path) {
        return server.realmUri(name, path);
    }

    public KeycloakServer server() {
        return server;
    }

    /** Adds an enabled Keycloak user (Test User) with a password; returns the user's id. */
    public String addUser(String username, String email, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(email);
        user.setFirstName("Test");
        user.setLastName("User");
        user.setEnabled(true);
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (Response created = admin().users().create(user)) {
            return CreatedResponseUtil.getCreatedId(created);
        }
    }
}

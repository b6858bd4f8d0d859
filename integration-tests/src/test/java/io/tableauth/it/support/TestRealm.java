package io.tableauth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * A realm of one test class, created through the admin REST API before its tests and removed after them.
 * The realm's name is the template's name plus a random suffix, so classes never share state.
 */
public final class TestRealm implements BeforeAllCallback, AfterAllCallback {

    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path template;
    private KeycloakServer server;
    private String name;

    private TestRealm(Path template) {
        this.template = template;
    }

    /** A realm made from a realm-export JSON file (the same format Keycloak's import reads). */
    public static TestRealm fromJson(Path template) {
        return new TestRealm(template);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = KeycloakExtension.server(context);
        RealmRepresentation realm;
        try {
            realm = JSON.readValue(template.toFile(), RealmRepresentation.class);
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
}

package io.tableauth.rest;

import java.util.function.Function;

import io.tableauth.keycloak.KeycloakInternals;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Mounts one root resource at {@code /realms/{realm}/{id}}. Keycloak uses a realm resource provider's id
 * as the first path segment, so these ids are the documented paths ({@code api}, {@code auth}) rather
 * than {@code tableauth-} names.
 */
abstract class RealmPathProviderFactory implements RealmResourceProviderFactory {

    private final String id;
    private final Function<KeycloakSession, Object> rootResource;

    RealmPathProviderFactory(String id, Function<KeycloakSession, Object> rootResource) {
        this.id = id;
        this.rootResource = rootResource;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmPathProvider(rootResource.apply(session));
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        KeycloakInternals.announce(); // once per server: which Keycloak this is, and whether tableauth runs on it
    }

    @Override
    public void close() {
    }

    private record RealmPathProvider(Object resource) implements RealmResourceProvider {

        @Override
        public Object getResource() {
            return resource;
        }

        @Override
        public void close() {
        }
    }
}

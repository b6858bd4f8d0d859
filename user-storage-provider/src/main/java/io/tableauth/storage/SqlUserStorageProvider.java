package io.tableauth.storage;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.storage.UserStorageProvider;

/**
 * One auth config's view of its users table, for the length of one Keycloak session.
 * It serves no users yet: lookup, credential validation and write-back come with the column mapping.
 */
public class SqlUserStorageProvider implements UserStorageProvider {

    private final KeycloakSession session;
    private final ComponentModel model;

    public SqlUserStorageProvider(KeycloakSession session, ComponentModel model) {
        this.session = session;
        this.model = model;
    }

    @Override
    public void close() {
        // Nothing held per session yet; the connection pool will live in the factory, per config.
    }
}

package io.tableauth.storage;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.storage.UserStorageProviderFactory;

/** Registers the "SQL table" user federation type: one component per auth config (one users table). */
public class SqlUserStorageProviderFactory implements UserStorageProviderFactory<SqlUserStorageProvider> {

    /** Provider type shown under User federation; also the type in realm exports and the admin REST API. */
    public static final String PROVIDER_ID = "tableauth-sql";

    @Override
    public SqlUserStorageProvider create(KeycloakSession session, ComponentModel model) {
        return new SqlUserStorageProvider(session, model);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "tableauth: users from an existing SQL users table (an auth config).";
    }
}
